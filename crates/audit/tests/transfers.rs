//! Portal transfers seen in the Maklerbuch, against the sandbox (which names its transfer kind differently per seed):
//! a listing a fix changed waits for its re-transfer; an older transfer only says when it was last transferred; a
//! newer one takes it off by itself, in the journal and the history as the app's doing; an account whose Maklerbuch
//! shows no transfers leaves the ticking to the person; and a listing waiting adds no round trip.

mod common;

use std::collections::BTreeSet;

use audit::history::HistoryEvent;
use audit::{FindingKind, PlanChoices, ProgressSink, Subject};
use common::*;
use onoffice_sandbox::MaklerVariant;

/// An audit, a fix of every listing without contact person, and the listings now waiting for a re-transfer.
async fn fixed(seed: u64) -> (onoffice_sandbox::Sandbox, audit::Auditor, BTreeSet<u64>) {
    let (sb, auditor, report) = audited(seed, 12, 60, Some(MaklerVariant::Standard)).await;
    let plan = auditor.plan(
        &report,
        |f| f.kind == FindingKind::NoContact,
        &PlanChoices::default(),
    );
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    assert!(!all.is_empty(), "seed {seed}: listings without contact");
    auditor.apply(&report, &plan, &all).await;
    let waiting = auditor.journal.pending_transfers();
    assert!(!waiting.is_empty());
    (sb, auditor, waiting)
}

fn waiting_in(report: &audit::AuditReport) -> BTreeSet<u64> {
    report
        .findings_of(FindingKind::PortalTransferPending)
        .filter_map(|f| match f.subject {
            Subject::Estate(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_newer_than_the_change_takes_the_listing_off_by_itself() {
    for seed in [40, 41, 42] {
        let (sb, auditor, waiting) = fixed(seed).await;
        let report = auditor.audit(&ProgressSink::default()).await.unwrap();
        assert_eq!(
            waiting_in(&report),
            waiting,
            "seed {seed}: an older transfer takes nothing off"
        );
        assert!(
            !report.transfer_kinds.is_empty(),
            "seed {seed}: the account's transfer kind is found"
        );
        let logging = sb.account().transfer_logging.unwrap();
        assert!(
            report
                .transfer_kinds
                .iter()
                .all(|l| l.to_lowercase().contains("portal")),
            "seed {seed}: {:?} for {logging:?}",
            report.transfer_kinds
        );
        // Every generated listing was transferred when it came on the market: the row says when.
        let rows: Vec<_> = report
            .listings
            .iter()
            .filter(|l| waiting.contains(&l.estate_id))
            .collect();
        assert!(
            rows.iter().all(|l| l.last_transfer.is_some()),
            "seed {seed}: {rows:?}"
        );
        let finding = report
            .findings_of(FindingKind::PortalTransferPending)
            .next()
            .unwrap();
        assert!(
            finding.seen.de.contains("Zuletzt übertragen am"),
            "{}",
            finding.seen.de
        );

        // The person re-transfers one listing in onOffice; the next check takes it off, and only it.
        let first = *waiting.iter().next().unwrap();
        sb.edit(|a| {
            a.transfer_to_portals(
                &[first],
                jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2),
            )
        })
        .unwrap();
        let report = auditor.audit(&ProgressSink::default()).await.unwrap();
        let mut rest = waiting.clone();
        rest.remove(&first);
        assert_eq!(waiting_in(&report), rest, "seed {seed}");
        assert_eq!(
            auditor.journal.pending_transfers(),
            rest,
            "seed {seed}: the journal knows"
        );
        let history = audit::history::history(&auditor.journal);
        let seen = history
            .iter()
            .find(|h| h.event == HistoryEvent::TransferSeen)
            .expect("the history marks it as the app's doing");
        assert!(
            seen.summary.de.contains("automatisch abgehakt"),
            "{}",
            seen.summary.de
        );

        // Nothing waiting: the Maklerbuch's transfers are not read at all.
        for e in rest {
            auditor.confirm_transfer(e, "Objekt").unwrap();
        }
        let report = auditor.audit(&ProgressSink::default()).await.unwrap();
        assert!(report.transfer_kinds.is_empty() && report.snapshot.transfers.is_none());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_transfers_in_the_maklerbuch_the_person_ticks_off() {
    // Seed 43: this account's Maklerbuch shows no portal transfers.
    let (sb, auditor, waiting) = fixed(43).await;
    assert!(sb.account().transfer_logging.is_none());
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert_eq!(waiting_in(&report), waiting);
    assert!(report.transfer_kinds.is_empty());
    let finding = report
        .findings_of(FindingKind::PortalTransferPending)
        .next()
        .unwrap();
    let audit::Resolution::Manual { steps, .. } = &finding.resolution else {
        panic!("{finding:?}");
    };
    assert!(steps[0].de.contains("hier abhaken"), "{:?}", steps);
    assert!(!steps[0].de.contains("selbst ab"), "{:?}", steps);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_maklerbuch_takes_nothing_off_and_leaves_every_other_check() {
    let (sb, auditor, waiting) = fixed(40).await;
    let others = |r: &audit::AuditReport| {
        r.findings
            .iter()
            .filter(|f| {
                !matches!(
                    f.kind,
                    FindingKind::PortalTransferPending
                        | FindingKind::MailBookingSilent
                        | FindingKind::MailBookingUnconfirmed
                )
            })
            .map(|f| (f.kind, f.subject))
            .collect::<BTreeSet<_>>()
    };
    let before = auditor.audit(&ProgressSink::default()).await.unwrap();
    sb.edit(|a| a.can_read_agents_log = false);
    let first = *waiting.iter().next().unwrap();
    sb.edit(|a| {
        a.transfer_to_portals(
            &[first],
            jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2),
        )
    });
    let refused = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert_eq!(
        waiting_in(&refused),
        waiting,
        "nothing taken off without the Maklerbuch"
    );
    let transfers = refused.snapshot.transfers.as_ref().unwrap();
    assert!(
        !transfers.problems.is_empty() && transfers.last.is_empty(),
        "{transfers:?}"
    );
    assert_eq!(
        others(&refused),
        others(&before),
        "every other check as before"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn listings_waiting_add_requests_but_no_round_trip() {
    let (sb, auditor, _) = fixed(41).await;
    let rounds = |sb: &onoffice_sandbox::Sandbox| sb.stats().0;
    let r0 = rounds(&sb);
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let with = rounds(&sb) - r0;
    for e in auditor.journal.pending_transfers() {
        auditor.confirm_transfer(e, "Objekt").unwrap();
    }
    let r1 = rounds(&sb);
    auditor.audit(&ProgressSink::default()).await.unwrap();
    let without = rounds(&sb) - r1;
    // The plain kinds travel in the first round's request; the kinds with their automatic types and the listings'
    // entries go out alongside the third round: one request more, no round more.
    assert!(with <= without + 1, "with {with}, without {without}");
    assert_eq!(report.stats.requests, with);
}
