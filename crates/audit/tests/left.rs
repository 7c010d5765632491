//! The model of what is left (`audit::left`) against the sandbox, over many seeds and states (first check, after
//! "Alle beheben", after confirming every mailbox, after a simulated day): the parts partition the open findings, and
//! the numbers surfaces show are the model's (the one-click plan writes exactly the app part's count, what waits for
//! a choice is what the plan cannot do alone, the CSV and printable report state the same sentence).

mod common;

use std::collections::BTreeSet;

use audit::history::FindingRef;
use audit::left::{Left, Part};
use audit::{AuditReport, FindingKind, PlanChoices, ProgressSink, ReportFormat};
use common::*;
use onoffice_sandbox::MaklerVariant;

/// Every open finding is in exactly one part, and each part's count is what it says it counts.
fn assert_partition(report: &AuditReport, state: &str) {
    let left = &report.left;
    let mut seen: BTreeSet<FindingRef> = BTreeSet::new();
    for part in Part::ALL {
        let p = left.part(part);
        for r in p.act.iter().chain(&p.follow) {
            assert!(seen.insert(*r), "{state}: {r:?} in two parts");
        }
    }
    let all: BTreeSet<FindingRef> = audit::history::refs(report);
    assert_eq!(seen, all, "{state}: the parts hold every open finding");
    let kinds_in = |part: Part| -> BTreeSet<FindingKind> {
        left.part(part).act.iter().map(|r| r.kind).collect()
    };
    assert!(
        kinds_in(Part::App).iter().all(|k| k.is_fixable()),
        "{state}"
    );
    assert!(kinds_in(Part::Confirm)
        .iter()
        .all(|k| *k == FindingKind::MailBookingUnconfirmed));
    assert!(kinds_in(Part::Portals)
        .iter()
        .all(|k| *k == FindingKind::PortalTransferPending));
    assert!(kinds_in(Part::OnOffice).iter().all(|k| !k.is_fixable()));
    for part in Part::ALL {
        assert!(left
            .part(part)
            .follow
            .iter()
            .all(|r| r.kind == FindingKind::ContactNotReady
                || (r.kind.is_fixable() && report.makler.key().is_none())));
    }
    // Each kind where it belongs: a confirmation with the person, a re-transfer with the portals, a listing whose
    // contact is not ready always following its contact, never counted on its own.
    for f in &report.findings {
        let r = FindingRef {
            kind: f.kind,
            subject: f.subject,
        };
        let part = left.part_of(r);
        match f.kind {
            FindingKind::MailBookingUnconfirmed => assert_eq!(part, Some(Part::Confirm), "{state}"),
            FindingKind::PortalTransferPending => assert_eq!(part, Some(Part::Portals), "{state}"),
            FindingKind::ContactNotReady => assert!(
                Part::ALL.iter().any(|p| left.part(*p).follow.contains(&r)),
                "{state}: {r:?} counted on its own"
            ),
            _ => {}
        }
    }
    // The words each part says are its own count's, and nothing for an empty part.
    for part in Part::ALL {
        let p = left.part(part);
        if p.count == 0 {
            assert_eq!(p.said, audit::Text::default(), "{state}: {part:?}");
        } else {
            assert_eq!(p.said, part.open(p.count), "{state}: {part:?}");
        }
    }
    assert_eq!(left.said, left.summary(), "{state}");
    // The numbers: the one-click plan writes the app part, and cannot do the choice part's fixable findings alone.
    let plan = audit_plan(report);
    assert_eq!(left.count(Part::App), plan.items.len(), "{state}");
    let waiting: BTreeSet<FindingRef> = plan
        .needs_input
        .iter()
        .map(|n| FindingRef {
            kind: n.kind,
            subject: n.subject,
        })
        .collect();
    let fixable_choices: BTreeSet<FindingRef> = left
        .choice
        .act
        .iter()
        .filter(|r| r.kind.is_fixable())
        .copied()
        .collect();
    if report.makler.key().is_some() {
        assert_eq!(fixable_choices, waiting, "{state}");
    } else {
        // Without a Makler value, what waits follows the value: nothing fixable is counted as a choice of its own.
        assert!(fixable_choices.is_empty(), "{state}");
        let followers: BTreeSet<FindingRef> = Part::ALL
            .iter()
            .flat_map(|p| left.part(*p).follow.iter())
            .filter(|r| r.kind.is_fixable())
            .copied()
            .collect();
        assert_eq!(followers, waiting, "{state}");
    }
    assert_eq!(left.choice.count, left.choice.act.len(), "{state}");
    assert_eq!(left.on_office.count, left.on_office.act.len(), "{state}");
    assert_eq!(left.portals.count, left.portals.act.len(), "{state}");
    let to_confirm = report
        .mailboxes
        .iter()
        .filter(|m| matches!(m.verdict, audit::MailboxVerdict::ToConfirm))
        .count();
    assert_eq!(
        left.confirm.count, to_confirm,
        "{state}: one mailbox, one count"
    );
    assert_eq!(
        left.all_done(),
        report.findings.is_empty(),
        "{state}: all done exactly when nothing is open"
    );
    // The reports say the model's sentence.
    let summary = left.summary().de;
    for format in [ReportFormat::Csv, ReportFormat::Html] {
        let text = format.render(report, "Konto", "05.12.2026");
        assert!(
            text.contains(&summary),
            "{state}: {format:?} lacks {summary}"
        );
    }
}

fn audit_plan(report: &AuditReport) -> audit::FixPlan {
    let fixable: Vec<&audit::Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind.is_fixable())
        .collect();
    audit::fix::plan(&report.snapshot, &fixable, &PlanChoices::default())
}

async fn walk(seed: u64, variant: Option<MaklerVariant>) {
    walk_sized(seed, 12, 45, variant).await
}

async fn walk_sized(seed: u64, users: usize, estates: usize, variant: Option<MaklerVariant>) {
    let (sb, auditor, report) = audited(seed, users, estates, variant).await;
    let state = format!("seed {seed} {variant:?}");
    assert_partition(&report, &format!("{state}, first check"));
    // "Alle beheben": every change of the app part is written, nothing else.
    let app = report.left.count(Part::App);
    let choice = report.left.choice.clone();
    let plan = auditor.plan(&report, |_| true, &PlanChoices::default());
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let results = auditor.apply(&report, &plan, &all).await;
    assert_eq!(
        results.len(),
        app,
        "{state}: the result lists the app part's changes"
    );
    let after = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert_partition(&after, &format!("{state}, after Alle beheben"));
    assert_eq!(
        after.left.count(Part::App),
        0,
        "{state}: nothing left for one click"
    );
    // A fix never raises a sign: a mailbox that just took over listings (or just got its e-mail) has had no time
    // to get their enquiries booked, so its silence counts from the change (the journal's time).
    let silent = |r: &AuditReport| -> BTreeSet<FindingRef> {
        r.findings_of(FindingKind::MailBookingSilent)
            .map(|f| FindingRef {
                kind: f.kind,
                subject: f.subject,
            })
            .collect()
    };
    assert!(
        silent(&after).is_subset(&silent(&report)),
        "{state}: new signs after Alle beheben: {:?}",
        silent(&after)
            .difference(&silent(&report))
            .collect::<Vec<_>>()
    );
    // What waited for a choice still waits, unless a fix of a user made the listing's own contact a broker.
    assert!(
        after.left.choice.act.iter().all(|r| choice.act.contains(r)),
        "{state}: nothing new waits for a choice after Alle beheben"
    );
    // Every mailbox confirmed (what the Mailboxes tab offers for all): the confirm part empties.
    for m in &after.mailboxes {
        if matches!(m.verdict, audit::MailboxVerdict::ToConfirm) {
            auditor
                .settings
                .set_mail_booking_confirmed(&m.email, Some("2026-12-05".into()));
        }
    }
    let confirmed = auditor.evaluate(after.snapshot.clone());
    assert_partition(&confirmed, &format!("{state}, after confirming"));
    assert_eq!(confirmed.left.count(Part::Confirm), 0, "{state}");
    // A day passes in the account.
    sb.advance(1);
    let next = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert_partition(&next, &format!("{state}, a day later"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_parts_partition_the_open_findings_over_seeds_and_states() {
    for seed in [0, 1, 2, 3, 5, 6, 7, 8, 11, 12] {
        walk(seed, None).await;
    }
    // The demo's size.
    walk_sized(1, 20, 200, None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_without_a_makler_value_waits_for_the_choice() {
    for seed in [4, 9] {
        walk(seed, Some(MaklerVariant::Missing)).await;
    }
    let (_sb, _auditor, report) = audited(4, 12, 45, Some(MaklerVariant::Missing)).await;
    let left: &Left = &report.left;
    let missing: Vec<_> = report
        .findings_of(FindingKind::MaklerKeyMissing)
        .map(|f| {
            left.part_of(FindingRef {
                kind: f.kind,
                subject: f.subject,
            })
        })
        .collect();
    assert!(!missing.is_empty());
    let expected = if matches!(&report.makler, audit::MaklerKey::Missing { candidates } if candidates.is_empty())
    {
        Part::OnOffice
    } else {
        Part::Choice
    };
    assert!(missing.iter().all(|p| *p == Some(expected)), "{missing:?}");
    // What the preview says to the listings waiting for it names who can act.
    let plan = audit_plan(&report);
    let who = if expected == Part::OnOffice {
        "onOffice-Support"
    } else {
        "unter Systembenutzer wählen"
    };
    assert!(!plan.needs_input.is_empty());
    assert!(
        plan.needs_input.iter().all(|n| n.reason.de.contains(who)),
        "{:?}",
        plan.needs_input
    );
}

/// The reports the UI's Vitest checks the same rules on (`ui/src/test/reports/`): written when
/// `AGENT_CHECK_WRITE_UI_REPORTS` is set (`AGENT_CHECK_WRITE_UI_REPORTS=1 cargo test -p audit --test left`), otherwise each committed one must still parse as
/// a report and hold the partition, so a change of the report's shape cannot leave them stale unnoticed.
#[tokio::test(flavor = "multi_thread")]
async fn the_uis_report_fixtures_are_reports_of_many_seeds_and_states() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/test/reports");
    if std::env::var_os("AGENT_CHECK_WRITE_UI_REPORTS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (seed, variant) in [
            (0, None),
            (1, None),
            (2, None),
            (3, None),
            (4, Some(MaklerVariant::Missing)),
            (7, None),
        ] {
            let (_sb, auditor, report) = audited(seed, 8, 24, variant).await;
            write(&dir, &format!("seed-{seed}-first"), &report);
            let plan = auditor.plan(&report, |_| true, &PlanChoices::default());
            let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
            auditor.apply(&report, &plan, &all).await;
            let after = auditor.audit(&ProgressSink::default()).await.unwrap();
            write(&dir, &format!("seed-{seed}-fixed"), &after);
        }
    }
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let report: AuditReport = serde_json::from_str(&text).unwrap();
        let refs = audit::history::refs(&report);
        let mut held = 0;
        for part in Part::ALL {
            let p = report.left.part(part);
            held += p.act.len() + p.follow.len();
            assert!(p.act.iter().chain(&p.follow).all(|r| refs.contains(r)));
        }
        assert_eq!(held, refs.len(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 12, "{n} reports in {}", dir.display());
}

fn write(dir: &std::path::Path, name: &str, report: &AuditReport) {
    let text = serde_json::to_string(report).unwrap();
    std::fs::write(dir.join(format!("{name}.json")), text).unwrap();
}
