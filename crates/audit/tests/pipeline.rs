//! The write pipeline and the journal against the sandbox: what a careful fix must never do, each caught by a test.
//! An unwritable journal writes nothing; a torn or damaged journal is read and reported; another account's entries
//! are refused; undo never overrides a colleague; an interrupted run is reconciled at the next start.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use audit::journal::{Change, Event, Journal};
use audit::{
    Auditor, FindingKind, MailboxClassifier, MemorySettings, Outcome, PlanChoices, ProgressSink,
    Subject,
};
use common::*;
use onoffice::{Client, Credentials};
use onoffice_sandbox::model::ContactLink;
use onoffice_sandbox::{MaklerVariant, Sandbox};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pipeline-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn auditor_with_journal(sb: &Sandbox, journal: Journal) -> Auditor {
    let c = &sb.connection;
    Auditor::new(
        Client::builder(Credentials::new(&c.token, &c.secret).unwrap())
            .base_url(&c.url)
            .build()
            .unwrap(),
        Arc::new(MailboxClassifier::with_server(sb.dns_addr)),
        Arc::new(MemorySettings::default()),
        Arc::new(journal),
    )
}

/// The address of the first finding of this kind.
fn first_address(report: &audit::AuditReport, kind: FindingKind) -> u64 {
    report
        .findings_of(kind)
        .next()
        .unwrap()
        .subject
        .address()
        .unwrap()
}

/// The first listing with this finding: its subject and its id.
fn first_of(report: &audit::AuditReport, kind: FindingKind) -> (Subject, u64) {
    let subject = report.findings_of(kind).next().unwrap().subject;
    (subject, subject.estate().unwrap())
}

/// A system user with nothing open but the mail booking confirmation: one a listing may get as first contact.
fn a_ready_system_user(report: &audit::AuditReport) -> u64 {
    report
        .users
        .iter()
        .find(|u| u.findings.is_empty() || u.findings == [FindingKind::MailBookingUnconfirmed])
        .and_then(|u| u.address_id)
        .unwrap()
}

/// Write actions the sandbox has served so far: (create, delete, modify).
fn writes(sb: &Sandbox) -> (u64, u64, u64) {
    let k = sb.action_kinds();
    let n = |kind: &str| k.get(kind).copied().unwrap_or(0);
    (n("create"), n("delete"), n("modify"))
}

fn state_json(sb: &Sandbox) -> String {
    serde_json::to_string(&sb.account()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_journal_writes_nothing_to_onoffice() {
    let sb = sandbox(51, 20, 120, Some(MaklerVariant::Standard)).await;
    let dir = temp("unwritable");
    // The journal's folder turns out to be a file: nothing can be written there, whatever the user's rights.
    let journal = Journal::open(&dir.join("blocked").join("journal.jsonl"), "acc").unwrap();
    std::fs::write(dir.join("blocked"), b"").unwrap();
    let auditor = auditor_with_journal(&sb, journal);
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let plan = auditor.plan(&report, |_| true, &PlanChoices::default());
    assert!(plan.items.len() > 5);
    let before = state_json(&sb);
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let results = auditor.apply(&report, &plan, &all).await;
    for r in &results {
        assert!(matches!(r.outcome, Outcome::Failed { .. }), "{r:?}");
        assert!(r.message.de.contains("nichts geändert"), "{}", r.message.de);
    }
    assert_eq!(state_json(&sb), before, "nothing reached onOffice");
    let kinds = sb.action_kinds();
    assert!(kinds.keys().all(|k| k == "read" || k == "get"), "{kinds:?}");
}

#[test]
fn a_torn_last_line_inside_an_umlaut_is_skipped_and_reported_and_its_number_not_reused() {
    let dir = temp("torn");
    let path = dir.join("journal.jsonl");
    let j = Journal::open(&path, "acc").unwrap();
    j.append("Jürgen Müller", vec![], Event::TransferDone { estate: 1 })
        .unwrap();
    // As entries are written: the sequence number first.
    let line = r#"{"seq":2,"at":"2026-11-27T10:00:00Z","account":"acc","label":"Jürgen Weiß","affected_estates":[],"event":"transfer_done","estate":2}"#;
    let bytes = line.as_bytes();
    // Cut between the two bytes of "ü".
    let cut = line.find('ü').unwrap() + 1;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(&bytes[..cut]).unwrap();
    drop(f);
    let again = Journal::open(&path, "acc").expect("a torn line never stops the app");
    assert_eq!(again.entries().len(), 1);
    assert_eq!(again.warnings().len(), 1);
    assert!(again.warnings()[0].de.contains("letzte Zeile"));
    let next = again
        .append("Objekt", vec![], Event::TransferDone { estate: 3 })
        .unwrap();
    assert_eq!(
        next.seq, 3,
        "the torn entry's number is not handed out again"
    );
    let third = Journal::open(&path, "acc").unwrap();
    assert_eq!(third.entries().len(), 2);
    assert!(third.warnings().len() == 1 && third.warnings()[0].de.contains("Zeile 2"));
}

#[test]
fn a_damaged_middle_line_is_reported_by_number() {
    let dir = temp("damaged");
    let path = dir.join("journal.jsonl");
    let j = Journal::open(&path, "acc").unwrap();
    j.append("A", vec![], Event::TransferDone { estate: 1 })
        .unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"seq\":7, kaputt}\n")
        .unwrap();
    let j = Journal::open(&path, "acc").unwrap();
    j.append("B", vec![], Event::TransferDone { estate: 2 })
        .unwrap();
    let again = Journal::open(&path, "acc").unwrap();
    assert_eq!(again.entries().len(), 2);
    assert_eq!(again.warnings().len(), 1);
    assert!(
        again.warnings()[0].de.contains("Zeile 2"),
        "{:?}",
        again.warnings()
    );
    assert_eq!(again.entries()[1].seq, 8, "after the damaged seq 7");
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_refuses_another_accounts_entry() {
    let sb = sandbox(52, 16, 60, Some(MaklerVariant::Standard)).await;
    let dir = temp("accounts");
    let path = dir.join("journal.jsonl");
    let mine = auditor_with_journal(&sb, Journal::open(&path, "account-a").unwrap());
    let report = mine.audit(&ProgressSink::default()).await.unwrap();
    let plan = mine.plan(
        &report,
        |f| f.kind == FindingKind::NotMakler,
        &PlanChoices::default(),
    );
    let all = plan.items.iter().map(|i| i.id).collect();
    mine.apply(&report, &plan, &all).await;
    let after_fix = state_json(&sb);
    let other = auditor_with_journal(&sb, Journal::open(&path, "account-b").unwrap());
    assert!(other.journal.undoable().is_empty());
    assert!(other.undo_last().await.is_none());
    let entry = mine.journal.undoable().remove(0);
    let r = other.undo(&entry).await;
    assert_eq!(r.outcome, Outcome::Skipped);
    assert!(r.message.de.contains("anderen onOffice-Konto"));
    // The result names the record and the entry, so the person sees which change was refused.
    let Event::Applied { change, .. } = &entry.event else {
        panic!("{entry:?}")
    };
    assert_eq!(r.subject, change.subject());
    assert!(r.subject.address().is_some(), "{}", r.subject);
    assert_eq!(r.id, entry.seq as usize);
    assert_eq!(r.label, entry.label);
    assert_eq!(state_json(&sb), after_fix);
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_never_overrides_a_colleagues_newer_change() {
    let (sb, auditor, report) = audited(53, 16, 60, Some(MaklerVariant::Standard)).await;
    let plan = auditor.plan(
        &report,
        |f| matches!(f.kind, FindingKind::NotMakler | FindingKind::NoEmail),
        &PlanChoices::default(),
    );
    let all = plan.items.iter().map(|i| i.id).collect();
    for r in auditor.apply(&report, &plan, &all).await {
        assert_eq!(r.outcome, Outcome::Applied, "{r:?}");
    }
    // A colleague ticks another contact type where Makler was added, and sets another default e-mail.
    let (typed, mailed) = {
        let mut typed = None;
        let mut mailed = None;
        for item in &plan.items {
            match &item.op {
                audit::fix::Op::AddContactType { address, .. } => typed = Some(*address),
                audit::fix::Op::AddDefaultEmail { address, .. } => mailed = Some(*address),
                _ => {}
            }
        }
        (typed.unwrap(), mailed.unwrap())
    };
    sb.edit(|a| {
        a.addresses
            .get_mut(&typed)
            .unwrap()
            .contact_types
            .push("Tippgeber".into());
        let addr = a.addresses.get_mut(&mailed).unwrap();
        for e in &mut addr.emails {
            e.default = false;
        }
        addr.emails.push(onoffice_sandbox::model::EmailEntry {
            id: 99_999,
            address: "kollegin@firma-neu.de".into(),
            default: true,
            ..Default::default()
        });
    });
    let before = state_json(&sb);
    while let Some(r) = auditor.undo_last().await {
        assert_eq!(r.outcome, Outcome::Conflict, "{r:?}");
        assert!(
            r.message.de.contains("jetzt steht dort"),
            "{}",
            r.message.de
        );
        if r.subject == format!("address:{typed}") || r.subject == format!("address:{mailed}") {
            break;
        }
    }
    assert_eq!(state_json(&sb), before, "nothing was overwritten");
    // Asked again, knowing both values, the person can still undo: the colleague's key stays, Makler goes.
    let entry = auditor
        .journal
        .undoable()
        .into_iter()
        .find(|e| matches!(&e.event, Event::Applied { change: Change::ContactType { address, .. }, .. } if *address == typed))
        .unwrap();
    let r = auditor.undo_with(&entry, true).await;
    assert_eq!(r.outcome, Outcome::Applied, "{r:?}");
    let types = &sb.account().addresses[&typed].contact_types;
    assert!(types.contains(&"Tippgeber".to_string()) && !types.contains(&"Makler".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_takes_the_newest_entry_and_its_duplicate_email_guard_holds() {
    let (sb, auditor, report) = audited(54, 16, 60, Some(MaklerVariant::Standard)).await;
    let plan = auditor.plan(
        &report,
        |f| matches!(f.kind, FindingKind::NotMakler | FindingKind::NoEmail),
        &PlanChoices::default(),
    );
    let all = plan.items.iter().map(|i| i.id).collect();
    let results = auditor.apply(&report, &plan, &all).await;
    let newest = auditor.journal.undoable()[0].clone();
    assert_eq!(
        newest.seq,
        results.iter().filter_map(|r| r.journal_seq).max().unwrap()
    );
    let r = auditor.undo_last().await.unwrap();
    assert_eq!(r.id as u64, newest.seq, "undo takes the newest entry first");
    // A default e-mail that a colleague entered a second time is never deleted by undo.
    let email_entry = auditor.journal.undoable().into_iter().find(|e| {
        matches!(
            &e.event,
            Event::Applied {
                change: Change::DefaultEmail { .. },
                ..
            }
        )
    });
    if let Some(entry) = email_entry {
        let Event::Applied {
            change: Change::DefaultEmail { address, email, .. },
            ..
        } = &entry.event
        else {
            unreachable!()
        };
        sb.edit(|a| {
            a.addresses
                .get_mut(address)
                .unwrap()
                .emails
                .push(onoffice_sandbox::model::EmailEntry {
                    id: 88_888,
                    address: email.clone(),
                    default: false,
                    ..Default::default()
                })
        });
        let r = auditor.undo(&entry).await;
        assert_eq!(r.outcome, Outcome::Conflict, "{r:?}");
        let count = sb.account().addresses[address]
            .emails
            .iter()
            .filter(|e| e.address == *email)
            .count();
        assert_eq!(count, 2);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_a_colleague_set_meanwhile_is_not_journaled_so_undo_cannot_remove_it() {
    let (sb, auditor, report) = audited(55, 16, 60, Some(MaklerVariant::Standard)).await;
    let plan = plan_of(&auditor, &report, FindingKind::NotMakler);
    let audit::fix::Op::AddContactType { address, .. } = plan.items[0].op.clone() else {
        panic!()
    };
    sb.edit(|a| {
        a.addresses
            .get_mut(&address)
            .unwrap()
            .contact_types
            .push("Makler".into())
    });
    let r = auditor
        .apply(&report, &plan, &BTreeSet::from([plan.items[0].id]))
        .await;
    assert_eq!(r[0].outcome, Outcome::AlreadyDone);
    assert!(auditor.journal.undoable().is_empty());
    assert!(auditor.undo_last().await.is_none());
    assert!(sb.account().addresses[&address]
        .contact_types
        .contains(&"Makler".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broker_put_in_front_since_the_preview_is_a_conflict_and_stays() {
    let (sb, auditor, report) = audited(56, 16, 80, Some(MaklerVariant::Standard)).await;
    let plan = plan_of(&auditor, &report, FindingKind::ContactNotSystemUser);
    let item = plan
        .items
        .iter()
        .find(|i| matches!(i.op, audit::fix::Op::SetFirstContact { .. }))
        .unwrap();
    let audit::fix::Op::SetFirstContact { estate, .. } = item.op else {
        unreachable!()
    };
    // A colleague puts another broker record in front of everything.
    let account = sb.account();
    let other = account
        .addresses
        .values()
        .find(|a| account.is_broker(a.id) && !account.contacts_of(estate, false).contains(&a.id))
        .unwrap()
        .id;
    sb.edit(|a| {
        a.contacts.insert(
            0,
            ContactLink {
                estate,
                address: other,
            },
        )
    });
    let links_before = sb.account().contacts_of(estate, false);
    let mut pick = BTreeSet::from([item.id]);
    pick.extend(item.requires);
    let results = auditor.apply(&report, &plan, &pick).await;
    let r = results.iter().find(|r| r.id == item.id).unwrap();
    assert_eq!(r.outcome, Outcome::Conflict, "{r:?}");
    assert!(
        r.message.de.contains("seit der Vorschau"),
        "{}",
        r.message.de
    );
    assert_eq!(sb.account().contacts_of(estate, true).first(), Some(&other));
    assert_eq!(
        sb.account().contacts_of(estate, false),
        links_before,
        "nothing was linked or removed"
    );
}

/// A run that stopped after announcing its changes (window closed, Ctrl-C, power cut): some writes landed, some
/// did not. The next start reads the records and records what it found; undo then covers exactly what landed.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_run_is_reconciled_at_the_next_start() {
    let sb = sandbox(57, 16, 60, Some(MaklerVariant::Standard)).await;
    let dir = temp("reconcile");
    let path = dir.join("journal.jsonl");
    let first = auditor_with_journal(&sb, Journal::open(&path, "acc").unwrap());
    let report = first.audit(&ProgressSink::default()).await.unwrap();
    let plan = first.plan(
        &report,
        |f| matches!(f.kind, FindingKind::NotMakler | FindingKind::NoEmail),
        &PlanChoices::default(),
    );
    assert!(plan.items.len() >= 2);
    // The intents are on disk; the first write landed, then the process died.
    let intents: Vec<_> = plan
        .items
        .iter()
        .map(|i| {
            (
                i.label.clone(),
                vec![],
                Event::Intent {
                    change: audit::fix::planned_change(i),
                },
            )
        })
        .collect();
    first.journal.append_all(intents).unwrap();
    let (landed, key) = plan
        .items
        .iter()
        .find_map(|i| match &i.op {
            audit::fix::Op::AddContactType { address, key, .. } => Some((*address, key.clone())),
            _ => None,
        })
        .unwrap();
    sb.edit(|a| {
        a.addresses
            .get_mut(&landed)
            .unwrap()
            .contact_types
            .push(key.clone())
    });
    drop(first);

    let next = auditor_with_journal(&sb, Journal::open(&path, "acc").unwrap());
    assert_eq!(next.journal.open_intents().len(), plan.items.len());
    let said = next.reconcile().await;
    assert_eq!(said.len(), plan.items.len());
    let saved = said.iter().filter(|t| t.de.contains("gespeichert")).count();
    let not_saved = said
        .iter()
        .filter(|t| t.de.contains("nicht in onOffice"))
        .count();
    assert_eq!((saved, not_saved), (1, plan.items.len() - 1), "{said:?}");
    assert!(next.journal.open_intents().is_empty());
    let undoable = next.journal.undoable();
    assert_eq!(undoable.len(), 1);
    let r = next.undo_last().await.unwrap();
    assert_eq!(r.outcome, Outcome::Applied, "{r:?}");
    assert!(!sb.account().addresses[&landed].contact_types.contains(&key));
}

/// "Zuordnen" proposes only ready contacts: a chosen system user with an external mailbox is refused in the plan
/// (not by onOffice later), and one without an e-mail gets the e-mail in the same plan.
#[tokio::test(flavor = "multi_thread")]
async fn only_ready_contacts_are_proposed() {
    let (sb, auditor, report) = audited(58, 24, 120, Some(MaklerVariant::Standard)).await;
    // The account is named by the company its system users' addresses carry.
    assert_eq!(
        report.snapshot.company.as_deref(),
        Some(sb.account().agency.as_str())
    );
    let (listing, estate) = first_of(&report, FindingKind::NoContact);
    let external = first_address(&report, FindingKind::MailboxExternal);
    let mut choices = PlanChoices::default();
    choices.contacts.insert(estate, external);
    let plan = auditor.plan(&report, |f| f.subject == listing, &choices);
    assert!(plan.items.is_empty(), "{:?}", plan.items);
    assert!(plan.needs_input[0].reason.de.contains("externes Postfach"));

    let no_email = report
        .findings_of(FindingKind::NoEmail)
        .map(|f| f.subject.address().unwrap())
        .find(|a| {
            report
                .snapshot
                .users
                .values()
                .any(|u| u.address_id == Some(*a) && u.email.contains('@'))
        })
        .unwrap();
    choices.contacts.insert(estate, no_email);
    let plan = auditor.plan(&report, |f| f.subject == listing, &choices);
    assert!(plan.needs_input.is_empty(), "{:?}", plan.needs_input);
    assert!(plan.items.iter().any(
        |i| matches!(i.op, audit::fix::Op::AddDefaultEmail { address, .. } if address == no_email)
    ));
    let all = plan.items.iter().map(|i| i.id).collect();
    for r in auditor.apply(&report, &plan, &all).await {
        assert_eq!(r.outcome, Outcome::Applied, "{r:?}");
    }
    let after = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(!after
        .findings
        .iter()
        .any(|f| f.subject == listing && f.kind != FindingKind::PortalTransferPending));
}

/// Cancel takes effect between rounds: set before the first write, nothing is written, and every announced change
/// is closed in the journal as not applied (nothing is left open for the next start).
#[tokio::test(flavor = "multi_thread")]
async fn cancel_before_the_writes_writes_nothing_and_leaves_no_open_intent() {
    let (sb, auditor, report) = audited(59, 20, 100, Some(MaklerVariant::Standard)).await;
    let plan = auditor.plan(&report, |_| true, &PlanChoices::default());
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let before = state_json(&sb);
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let progress = ProgressSink::default();
    let results = auditor
        .apply_with(&report, &plan, &all, &progress, Some(&cancel))
        .await;
    assert!(results.iter().all(|r| r.outcome == Outcome::Skipped));
    assert!(results.iter().all(|r| r.message.de.contains("Abgebrochen")));
    assert_eq!(state_json(&sb), before);
    assert!(auditor.journal.open_intents().is_empty());
    assert!(auditor.journal.undoable().is_empty());
}

/// Addresses go in waves of one round of requests (actions per request × requests in flight), each wave re-read
/// right before its write; every round reports progress.
#[tokio::test(flavor = "multi_thread")]
async fn addresses_are_written_in_waves_with_progress_per_round() {
    let sb = sandbox(60, 40, 80, Some(MaklerVariant::Standard)).await;
    let auditor = auditor_with(&sb, |b| b.max_actions_per_request(3).max_in_flight(2));
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let plan = auditor.plan(
        &report,
        |f| matches!(f.kind, FindingKind::NotMakler | FindingKind::NoEmail),
        &PlanChoices::default(),
    );
    let addresses: BTreeSet<u64> = plan
        .items
        .iter()
        .filter_map(|i| match &i.op {
            audit::fix::Op::AddContactType { address, .. }
            | audit::fix::Op::AddDefaultEmail { address, .. } => Some(*address),
            _ => None,
        })
        .collect();
    assert!(addresses.len() > 6, "{}", addresses.len());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let progress = ProgressSink::new(move |p| log.lock().unwrap().push(p));
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let results = auditor
        .apply_with(&report, &plan, &all, &progress, None)
        .await;
    for r in &results {
        assert_eq!(r.outcome, Outcome::Applied, "{r:?}");
    }
    let steps = seen.lock().unwrap().clone();
    assert!(steps
        .iter()
        .all(|p| p.of == audit::fix::pipeline::FIX_STEPS));
    let reported: BTreeSet<u8> = steps.iter().map(|p| p.step).collect();
    assert_eq!(reported, (1..=6).collect());
    let waves = steps.iter().filter(|p| p.step == 2).count();
    assert_eq!(
        waves,
        addresses.len().div_ceil(3 * 2),
        "one wave per round of 3 × 2 actions"
    );
}

/// An e-mail that is already in one of the lists becomes the default; it is never added a second time.
#[tokio::test(flavor = "multi_thread")]
async fn an_existing_email_becomes_the_default_instead_of_a_second_entry() {
    let (sb, auditor, report) = audited(61, 20, 40, Some(MaklerVariant::Standard)).await;
    let address: u64 = first_address(&report, FindingKind::NoEmail);
    let user_email = report
        .snapshot
        .users
        .values()
        .find(|u| u.address_id == Some(address))
        .unwrap()
        .email
        .clone();
    sb.edit(|a| {
        a.addresses
            .get_mut(&address)
            .unwrap()
            .emails
            .push(onoffice_sandbox::model::EmailEntry {
                id: 77_777,
                address: user_email.clone(),
                default: false,
                kind: onoffice_sandbox::model::EmailKind::Business,
                comment: "steht schon da".into(),
            })
    });
    let plan = auditor.plan(
        &report,
        |f| f.kind == FindingKind::NoEmail && f.subject == format!("address:{address}"),
        &PlanChoices::default(),
    );
    let all = plan.items.iter().map(|i| i.id).collect();
    let r = auditor.apply(&report, &plan, &all).await;
    assert_eq!(r[0].outcome, Outcome::Applied, "{r:?}");
    let a = &sb.account().addresses[&address];
    let same: Vec<_> = a
        .emails
        .iter()
        .filter(|e| e.address == user_email)
        .collect();
    assert_eq!(same.len(), 1, "not added twice");
    assert!(same[0].default);
    // Undo does not delete an address that was there before the fix.
    let u = auditor.undo_last().await.unwrap();
    assert_eq!(u.outcome, Outcome::Skipped, "{u:?}");
    assert!(sb.account().addresses[&address]
        .emails
        .iter()
        .any(|e| e.address == user_email));
}

/// Cancel between waves: what was written is read back and reported as applied, the rest is skipped unwritten.
#[tokio::test(flavor = "multi_thread")]
async fn cancel_between_waves_keeps_the_written_ones_honest() {
    let sb = sandbox(62, 90, 80, Some(MaklerVariant::Standard)).await;
    let auditor = auditor_with(&sb, |b| b.max_actions_per_request(3).max_in_flight(2));
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let plan = plan_of(&auditor, &report, FindingKind::NotMakler);
    assert!(plan.items.len() > 6, "{}", plan.items.len());
    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = cancel.clone();
    // "Abbrechen" pressed while the first wave is being written.
    let progress = ProgressSink::new(move |p| {
        if p.step == 2 {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let results = auditor
        .apply_with(&report, &plan, &all, &progress, Some(&cancel))
        .await;
    let account = sb.account();
    let mut applied = 0;
    for (r, item) in results.iter().zip(&plan.items) {
        let audit::fix::Op::AddContactType { address, key, .. } = &item.op else {
            panic!()
        };
        let there = account.addresses[address].contact_types.contains(key);
        match r.outcome {
            Outcome::Applied => {
                assert!(there, "{r:?}");
                applied += 1;
            }
            Outcome::Skipped => {
                assert!(!there, "{r:?}");
                assert!(r.message.de.contains("Abgebrochen"));
            }
            _ => panic!("{r:?}"),
        }
    }
    assert_eq!(applied, 6, "the first wave of 3 × 2 went through");
    assert!(auditor.journal.open_intents().is_empty());
}

/// A contact chosen without its Makler fix (the person unticked it): onOffice refuses the link (263), which is
/// reported as what it is, with nothing changed.
#[tokio::test(flavor = "multi_thread")]
async fn a_contact_without_its_makler_fix_is_refused_by_onoffice_and_said_so() {
    let (sb, auditor, report) = audited(63, 24, 120, Some(MaklerVariant::Standard)).await;
    // A system user who lacks only the Makler key, chosen for a listing it is not on yet.
    let open: BTreeSet<Subject> = report
        .findings
        .iter()
        .filter(|f| matches!(f.kind, FindingKind::NoEmail | FindingKind::MailboxExternal))
        .map(|f| f.subject)
        .collect();
    let chosen: u64 = report
        .findings_of(FindingKind::NotMakler)
        .find(|f| !open.contains(&f.subject))
        .unwrap()
        .subject
        .address()
        .unwrap();
    let listing = report.findings_of(FindingKind::NoContact).next().unwrap();
    let estate: u64 = listing.subject.estate().unwrap();
    let mut choices = PlanChoices::default();
    choices.contacts.insert(estate, chosen);
    let plan = auditor.plan(&report, |f| f.subject == listing.subject, &choices);
    let item = plan
        .items
        .iter()
        .find(|i| {
            i.requires.is_some()
                && matches!(i.op, audit::fix::Op::SetFirstContact { create: true, .. })
        })
        .expect("the link needs the Makler fix first");
    let before = state_json(&sb);
    let r = auditor
        .apply(&report, &plan, &BTreeSet::from([item.id]))
        .await;
    assert_eq!(r[0].outcome, Outcome::Conflict, "{r:?}");
    assert!(r[0].message.de.contains("Makler"), "{}", r[0].message.de);
    assert_eq!(state_json(&sb), before);
}

/// A colleague linked the proposed contact meanwhile: "already done", and nothing journaled to undo.
#[tokio::test(flavor = "multi_thread")]
async fn a_contact_a_colleague_linked_meanwhile_is_already_done() {
    let (sb, auditor, report) = audited(64, 24, 120, Some(MaklerVariant::Standard)).await;
    let plan = plan_of(&auditor, &report, FindingKind::NoContact);
    let (item, estate, address) = plan
        .items
        .iter()
        .find_map(|i| match i.op {
            audit::fix::Op::SetFirstContact {
                estate,
                address,
                create: true,
                ref remove,
                ..
            } if remove.is_empty() && i.requires.is_none() => Some((i, estate, address)),
            _ => None,
        })
        .unwrap();
    sb.edit(|a| a.contacts.push(ContactLink { estate, address }));
    let r = auditor
        .apply(&report, &plan, &BTreeSet::from([item.id]))
        .await;
    assert_eq!(r[0].outcome, Outcome::AlreadyDone, "{r:?}");
    assert!(auditor.journal.undoable().is_empty());
}

/// onOffice refuses a write: the item says so with onOffice's code, nothing is journaled as applied.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_write_is_reported_with_its_code() {
    let (sb, auditor, report) = audited(65, 30, 40, Some(MaklerVariant::Standard)).await;
    let no_email: u64 = first_address(&report, FindingKind::NoEmail);
    let mut choices = PlanChoices::default();
    // Plausible to the app, refused by onOffice (two @).
    choices.emails.insert(no_email, "anna@@firma.de".into());
    let plan = auditor.plan(
        &report,
        |f| matches!(f.kind, FindingKind::NotMakler) || f.subject == format!("address:{no_email}"),
        &choices,
    );
    assert!(plan
        .items
        .iter()
        .any(|i| matches!(i.op, audit::fix::Op::AddDefaultEmail { .. })));
    // Meanwhile the Makler value was removed from the account's contact types: every Makler write is refused.
    sb.edit(|a| a.contact_type_values.retain(|(k, _)| k != "Makler"));
    let before = state_json(&sb);
    let all = plan.items.iter().map(|i| i.id).collect();
    let results = auditor.apply(&report, &plan, &all).await;
    for (r, item) in results.iter().zip(&plan.items) {
        let code = match item.op {
            audit::fix::Op::AddContactType { .. } => 76,
            audit::fix::Op::AddDefaultEmail { .. } => 255,
            _ => continue,
        };
        assert_eq!(
            r.outcome,
            Outcome::Failed {
                class: onoffice::ErrorClass::Validation,
                code: Some(code)
            },
            "{r:?}"
        );
    }
    assert_eq!(state_json(&sb), before);
    assert!(auditor.journal.undoable().is_empty());
    assert!(auditor.journal.open_intents().is_empty());
}

/// A contact the person chooses who would not be ready after the plan (no e-mail anywhere) is not linked: the preview
/// says so with the reason, instead of failing later.
#[tokio::test(flavor = "multi_thread")]
async fn the_preview_marks_a_chosen_contact_who_is_not_ready() {
    let (sb, auditor, report) = audited(58, 24, 120, Some(MaklerVariant::Standard)).await;
    let (listing, estate) = first_of(&report, FindingKind::NoContact);
    let bare = report
        .findings_of(FindingKind::NoEmail)
        .map(|f| f.subject.address().unwrap())
        .next()
        .unwrap();
    // Nowhere an e-mail for this user: not on the user, not in the address.
    sb.edit(|a| {
        for u in a.users.values_mut() {
            if u.address_id == Some(bare) {
                u.email.clear();
            }
        }
        a.addresses.get_mut(&bare).unwrap().emails.clear();
    });
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let mut choices = PlanChoices::default();
    choices.contacts.insert(estate, bare);
    let plan = auditor.plan(&report, |f| f.subject == listing, &choices);
    assert!(
        !plan
            .items
            .iter()
            .any(|i| matches!(i.op, audit::fix::Op::SetFirstContact { .. })),
        "{plan:?}"
    );
    assert!(
        plan.needs_input[0]
            .reason
            .de
            .contains("ist nicht bereit: keine E-Mail-Adresse"),
        "{:?}",
        plan.needs_input
    );
    // A ready contact is planned, and nothing in the preview calls it not ready.
    let ready = a_ready_system_user(&report);
    choices.contacts.insert(estate, ready);
    let plan = auditor.plan(&report, |f| f.subject == listing, &choices);
    for i in &plan.items {
        assert!(
            !i.description.de.contains("nicht bereit"),
            "{}",
            i.description.de
        );
    }
}

/// Linking a contact to a listing without one writes exactly one link and removes nothing; its undo removes exactly
/// that link. (A pipeline that moved or re-created links it need not would make extra writes a colleague could
/// trip over.)
#[tokio::test(flavor = "multi_thread")]
async fn a_new_contact_is_one_write_and_its_undo_one_more() {
    let (sb, auditor, report) = audited(64, 24, 120, Some(MaklerVariant::Standard)).await;
    let plan = plan_of(&auditor, &report, FindingKind::NoContact);
    let item = plan
        .items
        .iter()
        .find(|i| {
            matches!(&i.op, audit::fix::Op::SetFirstContact { create: true, remove, .. } if remove.is_empty())
                && i.requires.is_none()
        })
        .unwrap();
    let (c0, d0, m0) = writes(&sb);
    let r = auditor
        .apply(&report, &plan, &BTreeSet::from([item.id]))
        .await;
    assert_eq!(r[0].outcome, Outcome::Applied, "{r:?}");
    assert_eq!(
        writes(&sb),
        (c0 + 1, d0, m0),
        "one link created, nothing else"
    );
    let entry = auditor.journal.undoable().remove(0);
    let u = auditor.undo(&entry).await;
    assert_eq!(u.outcome, Outcome::Applied, "{u:?}");
    assert_eq!(
        writes(&sb),
        (c0 + 1, d0 + 1, m0),
        "the undo removes that link only"
    );
}

/// A contact already on the listing behind a broker that is not a system user: the fix removes the one in front
/// (nothing is linked); its undo links that broker again, which lands last, and then moves links one at a time
/// until the old order stands again.
#[tokio::test(flavor = "multi_thread")]
async fn undo_restores_the_order_by_moving_links() {
    let (sb, auditor, report) = audited(64, 24, 120, Some(MaklerVariant::Standard)).await;
    let (listing, estate) = first_of(&report, FindingKind::ContactNotSystemUser);
    // A ready system user (Makler key, e-mail, mailbox fine), linked behind the others.
    let ready = a_ready_system_user(&report);
    sb.edit(|a| {
        a.contacts.push(ContactLink {
            estate,
            address: ready,
        })
    });
    let brokers_before = sb.account().contacts_of(estate, true);
    assert_eq!(brokers_before.last(), Some(&ready), "{brokers_before:?}");
    assert!(brokers_before.len() >= 2);
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let mut choices = PlanChoices::default();
    choices.contacts.insert(estate, ready);
    let plan = auditor.plan(&report, |f| f.subject == listing, &choices);
    let item = plan
        .items
        .iter()
        .find(|i| matches!(&i.op, audit::fix::Op::SetFirstContact { create: false, remove, .. } if !remove.is_empty()))
        .unwrap_or_else(|| panic!("{plan:?}"));
    let removed = match &item.op {
        audit::fix::Op::SetFirstContact { remove, .. } => remove.len() as u64,
        _ => unreachable!(),
    };
    let (c0, d0, _) = writes(&sb);
    let r = auditor
        .apply(&report, &plan, &BTreeSet::from([item.id]))
        .await;
    assert_eq!(r[0].outcome, Outcome::Applied, "{r:?}");
    assert_eq!(sb.account().contacts_of(estate, true), [ready]);
    // Exactly the previewed removals, nothing linked or moved.
    let (c1, d1, _) = writes(&sb);
    assert_eq!((c1, d1), (c0, d0 + removed));
    let entry = auditor.journal.undoable().remove(0);
    let u = auditor.undo(&entry).await;
    assert_eq!(u.outcome, Outcome::Applied, "{u:?}");
    assert_eq!(sb.account().contacts_of(estate, true), brokers_before);
}

/// Until the person has picked the value that stands for brokers, no contact person is proposed: the plan asks for
/// that choice first and writes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn without_a_broker_value_the_plan_asks_for_it_first() {
    let (sb, auditor, report) = audited(70, 16, 60, Some(MaklerVariant::CustomKey)).await;
    let plan = plan_of(&auditor, &report, FindingKind::NoContact);
    assert!(plan.items.is_empty(), "{:?}", plan.items);
    assert!(!plan.needs_input.is_empty());
    let first = plan
        .needs_input
        .iter()
        .filter(|n| {
            n.reason.de
                == "Erst unter Systembenutzer wählen, welche Kontaktart bei Ihnen für Makler steht."
        })
        .count();
    assert!(first > 0, "{:?}", plan.needs_input);
    for n in &plan.needs_input {
        assert!(
            n.reason.en == "First choose under system users which contact type stands for brokers."
                || n.reason.de.contains("nicht bereit"),
            "{n:?}"
        );
    }
    drop(sb);
}

/// A Systembenutzer address no active user is linked to cannot be picked as a listing's contact: the plan says why
/// and proposes nothing for it.
#[tokio::test(flavor = "multi_thread")]
async fn an_address_without_an_active_user_is_refused_as_contact() {
    let (sb, auditor, report) = audited(71, 20, 60, Some(MaklerVariant::Standard)).await;
    let orphan = first_address(&report, FindingKind::AddressUserMissing);
    let (listing, estate) = first_of(&report, FindingKind::NoContact);
    let mut choices = PlanChoices::default();
    choices.contacts.insert(estate, orphan);
    let plan = auditor.plan(&report, |f| f.subject == listing, &choices);
    assert!(plan.items.is_empty(), "{:?}", plan.items);
    assert!(
        plan.needs_input[0]
            .reason
            .de
            .contains("keine Systembenutzer-Adresse eines aktiven Benutzers"),
        "{:?}",
        plan.needs_input
    );
    drop(sb);
}

/// A system user that already stands on a listing without the Makler key, behind a broker that is no system user:
/// once the same plan gives it the key, it is a broker in its place; the one in front is removed and nothing is
/// linked again (a second link to the same address would be a duplicate). The portals then get that user.
#[tokio::test(flavor = "multi_thread")]
async fn a_contact_on_the_listing_without_the_key_becomes_first_by_the_key_alone() {
    let (sb, auditor, report) = audited(72, 30, 200, Some(MaklerVariant::Standard)).await;
    let not_makler: BTreeSet<u64> = report
        .findings_of(FindingKind::NotMakler)
        .filter_map(|f| f.subject.address())
        .filter(|a| {
            // Only the Makler key is missing: e-mail and mailbox are fine.
            report
                .findings
                .iter()
                .filter(|f| f.subject == Subject::Address(*a))
                .all(|f| {
                    matches!(
                        f.kind,
                        FindingKind::NotMakler | FindingKind::MailBookingUnconfirmed
                    )
                })
        })
        .collect();
    let account = sb.account();
    let (estate, address) = report
        .findings_of(FindingKind::NoContact)
        .filter_map(|f| f.subject.estate())
        .find_map(|estate| {
            account
                .contacts
                .iter()
                .filter(|c| c.estate == estate)
                .find(|c| not_makler.contains(&c.address))
                .map(|c| (estate, c.address))
        })
        .expect("a listing with a system user that lacks only the Makler key");
    // A broker that is no system user, put in front of it.
    let broker = *account
        .addresses
        .keys()
        .find(|id| {
            account.is_broker(**id)
                && !account.addresses[id]
                    .contact_types
                    .iter()
                    .any(|t| t == "Systembenutzer")
        })
        .unwrap();
    sb.edit(|a| {
        let at = a.contacts.iter().position(|c| c.estate == estate).unwrap();
        a.contacts.insert(
            at,
            ContactLink {
                estate,
                address: broker,
            },
        );
    });
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let links_before = sb
        .account()
        .contacts
        .iter()
        .filter(|c| c.estate == estate)
        .count();
    let mut choices = PlanChoices::default();
    choices.contacts.insert(estate, address);
    let plan = auditor.plan(
        &report,
        |f| {
            f.subject == Subject::Estate(estate)
                || (f.kind == FindingKind::NotMakler && f.subject == Subject::Address(address))
        },
        &choices,
    );
    let item = plan
        .items
        .iter()
        .find(|i| i.subject == Subject::Estate(estate))
        .unwrap();
    match &item.op {
        audit::fix::Op::SetFirstContact { create, remove, .. } => {
            assert!(!create, "already on the listing: {:?}", item.op);
            assert_eq!(remove, &[broker], "the broker in front goes: {:?}", item.op);
        }
        other => panic!("{other:?}"),
    }
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let results = auditor.apply(&report, &plan, &all).await;
    assert!(
        results.iter().all(|r| r.outcome == Outcome::Applied),
        "{results:?}"
    );
    let after = sb.account();
    assert_eq!(
        after.contacts.iter().filter(|c| c.estate == estate).count(),
        links_before - 1,
        "one link removed, none created"
    );
    assert_eq!(after.contacts_of(estate, true).first(), Some(&address));
}
