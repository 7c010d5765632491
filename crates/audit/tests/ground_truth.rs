//! The audit against the sandbox's planted findings: no miss and no false alarm, for several seeds, sizes and
//! Makler variants (renamed label, customer key, missing value).

mod common;

use audit::{FindingKind, ProgressSink};
use common::*;
use onoffice_sandbox::{Knobs, MaklerVariant};

async fn check(seed: u64, users: usize, estates: usize) {
    let sb = sandbox(seed, users, estates, None).await;
    let report = auditor(&sb).audit(&ProgressSink::default()).await.unwrap();
    let got = pairs(
        report
            .findings
            .iter()
            .filter(|f| f.kind != FindingKind::PortalTransferPending)
            .map(|f| (f.kind.id(), f.subject)),
    );
    let want = pairs(
        sb.planted()
            .iter()
            .map(|p| (p.kind.as_str(), p.subject.as_str())),
    );
    assert!(
        got == want,
        "seed {seed} ({users}/{estates}, {:?}):\n{}",
        sb.account().makler_variant,
        diff(&got, &want)
    );
    // Every detectable kind was planted and found at least once in the standard variants.
    let kinds: std::collections::BTreeSet<_> = report.findings.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&FindingKind::NoContact) && kinds.contains(&FindingKind::MailboxExternal)
    );
    // The Maklerbuch's evidence decided: a silent mailbox was found, and booked ones need no confirmation (an
    // account without a Makler value has no brokers, so no listing is any mailbox's).
    if sb.account().makler_variant == MaklerVariant::Missing {
        return;
    }
    assert!(
        kinds.contains(&FindingKind::MailBookingSilent),
        "seed {seed}"
    );
    assert!(
        report
            .mailboxes
            .iter()
            .any(|m| matches!(m.evidence, audit::evidence::BookingEvidence::Booked { .. })),
        "seed {seed}"
    );
}

/// Small pages (user reads carry no total, so the client pages until a short page) and a server that takes fewer
/// actions per request than the client starts with (error 15): still exact, and an audit only reads.
#[tokio::test(flavor = "multi_thread")]
async fn exact_with_small_pages_and_a_low_action_limit_and_read_only() {
    for (seed, variant) in [(0, MaklerVariant::Standard), (3, MaklerVariant::Renamed)] {
        let sb = sandbox(seed, 23, 90, Some(variant)).await;
        sb.set_knobs(Knobs {
            max_actions: 3,
            ..Knobs::default()
        });
        let auditor = auditor_with(&sb, |b| b.page_size(5).max_actions_per_request(8));
        let report = auditor.audit(&ProgressSink::default()).await.unwrap();
        assert_eq!(report.stats.users, 23, "every user page was read");
        let got = pairs(report.findings.iter().map(|f| (f.kind.id(), f.subject)));
        let want = pairs(
            sb.planted()
                .iter()
                .map(|p| (p.kind.as_str(), p.subject.as_str())),
        );
        assert!(got == want, "seed {seed}:\n{}", diff(&got, &want));
        assert!(auditor.client.batch_limit() <= 3);
        let kinds: Vec<String> = sb.action_kinds().into_keys().collect();
        assert_eq!(
            kinds,
            ["get", "read"],
            "an audit sends only read and get actions"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_seed_variant_and_size() {
    // seed % 5: 0/1 standard, 2 customer key, 3 renamed label, 4 no Makler value.
    for seed in 0..5 {
        check(seed, 14, 40).await;
    }
    check(10, 40, 300).await;
    check(13, 60, 1200).await;
    check(21, 120, 2600).await;
}

/// The account has no key `Makler` but a customer key labelled "Mitarbeiter": the candidates are offered, the person
/// picks once (remembered in the settings), and the audit and the fixes then use that key.
#[tokio::test(flavor = "multi_thread")]
async fn the_chosen_makler_key_is_used_by_audit_and_fixes() {
    use audit::MaklerKey;
    let (sb, auditor, report) = audited(12, 20, 120, Some(MaklerVariant::CustomKey)).await;
    let MaklerKey::Missing { candidates } = &report.makler else {
        panic!("{:?}", report.makler)
    };
    let keys: Vec<(&str, &str)> = candidates
        .iter()
        .map(|c| (c.key.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(
        keys,
        [(onoffice_sandbox::model::CUSTOM_BROKER_KEY, "Mitarbeiter")]
    );
    assert!(!report.complete);

    auditor
        .settings
        .set_makler_key(Some(candidates[0].key.clone()));
    auditor.diagnose().await;
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(matches!(report.makler, MaklerKey::Chosen { .. }));
    assert!(report.complete);
    let got = pairs(report.findings.iter().map(|f| (f.kind.id(), f.subject)));
    let want = pairs(
        sb.planted_after_choice()
            .iter()
            .map(|p| (p.kind.as_str(), p.subject.as_str())),
    );
    assert!(got == want, "{}", diff(&got, &want));

    let plan = plan_of(&auditor, &report, FindingKind::NotMakler);
    assert!(!plan.items.is_empty());
    let all = plan.items.iter().map(|i| i.id).collect();
    for r in auditor.apply(&report, &plan, &all).await {
        assert!(matches!(r.outcome, audit::Outcome::Applied), "{r:?}");
    }
    let account = sb.account();
    for item in &plan.items {
        let audit::fix::Op::AddContactType { address, key, .. } = &item.op else {
            panic!("{item:?}")
        };
        assert_eq!(key, onoffice_sandbox::model::CUSTOM_BROKER_KEY);
        assert!(
            account.is_broker(*address),
            "address {address} is a broker now"
        );
    }
}

/// Days passing (`advance`): new listings, new staff, a colleague's re-assignment, enquiries and transfers; after
/// every step the audit finds exactly what the sandbox planted, in every Makler variant, and something is new.
#[tokio::test(flavor = "multi_thread")]
async fn exact_after_days_pass() {
    for (seed, variant) in [
        (70, MaklerVariant::Standard),
        (71, MaklerVariant::Renamed),
        (72, MaklerVariant::CustomKey),
        (73, MaklerVariant::Missing),
    ] {
        let sb = sandbox(seed, 16, 60, Some(variant)).await;
        let auditor = auditor(&sb);
        let mut before = sb.planted().len();
        for days in [1, 3, 7, 20] {
            let done = sb.advance(days);
            assert!(!done.new_listings.is_empty(), "seed {seed}: {done:?}");
            let report = auditor.audit(&ProgressSink::default()).await.unwrap();
            let got = pairs(report.findings.iter().map(|f| (f.kind.id(), f.subject)));
            let want = pairs(
                sb.planted()
                    .iter()
                    .map(|p| (p.kind.as_str(), p.subject.as_str())),
            );
            assert!(
                got == want,
                "seed {seed} ({variant:?}) after {days} more days ({done:?}):\n{}",
                diff(&got, &want)
            );
            assert!(
                sb.planted().len() > before,
                "seed {seed}: something new to find"
            );
            before = sb.planted().len();
        }
    }
}

/// The same seed brings the same days.
#[tokio::test(flavor = "multi_thread")]
async fn days_pass_the_same_way_for_the_same_seed() {
    let a = sandbox(74, 12, 40, Some(MaklerVariant::Standard)).await;
    let b = sandbox(74, 12, 40, Some(MaklerVariant::Standard)).await;
    let (x, y) = (a.advance(5), b.advance(5));
    assert_eq!(
        (x.new_listings, x.new_users, x.reassigned),
        (y.new_listings, y.new_users, y.reassigned)
    );
    assert_eq!(a.planted(), b.planted());
}
