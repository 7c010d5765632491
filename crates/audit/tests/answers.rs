//! Whether enquiries are answered, against the sandbox's rental agent: every planted unanswered listing and mailbox
//! found and nothing else, on several seeds and sizes; the agency without an agent gets one plain sentence and no
//! verdict per listing; a listing the agent starts answering turns green after the days pass.

mod common;

use audit::answers::AnswersSeen;
use audit::{FindingKind, ProgressSink};
use common::*;

const KINDS: [FindingKind; 2] = [
    FindingKind::EnquiriesUnanswered,
    FindingKind::MailboxUnanswered,
];

fn planted_answers(sb: &onoffice_sandbox::Sandbox) -> std::collections::BTreeSet<(String, String)> {
    pairs(
        sb.planted()
            .iter()
            .filter(|p| KINDS.iter().any(|k| k.id() == p.kind))
            .map(|p| (p.kind.as_str(), p.subject.as_str())),
    )
}

fn found_answers(report: &audit::AuditReport) -> std::collections::BTreeSet<(String, String)> {
    pairs(
        report
            .findings
            .iter()
            .filter(|f| KINDS.contains(&f.kind))
            .map(|f| (f.kind.id(), f.subject)),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn every_planted_unanswered_listing_and_mailbox_is_found_and_nothing_else() {
    let mut with_faults = 0;
    for (seed, users, estates) in [
        (0, 14, 40),
        (1, 20, 200),
        (2, 20, 120),
        (3, 30, 300),
        (6, 18, 150),
        (7, 25, 250),
        (8, 20, 200),
        (9, 16, 90),
        (10, 40, 500),
        (12, 20, 200),
        (13, 22, 180),
    ] {
        let (sb, _, report) = audited(seed, users, estates, None).await;
        let want = planted_answers(&sb);
        let got = found_answers(&report);
        assert!(got == want, "seed {seed}:\n{}", diff(&got, &want));
        // Without a Makler value there are no brokers, so no enquiry is booked: too few to tell, nothing judged.
        if sb.account().makler_variant == onoffice_sandbox::MaklerVariant::Missing {
            assert!(
                matches!(report.answers, AnswersSeen::TooFew { .. }),
                "seed {seed}"
            );
            assert!(report.answers_note.is_some() && want.is_empty());
            continue;
        }
        assert!(report.answers.shown(), "seed {seed}: {:?}", report.answers);
        assert!(report.answers_note.is_none());
        // Every mailbox card says its rate; the lost one its sign.
        for m in &report.mailboxes {
            let a = m
                .answers
                .as_ref()
                .expect("shown accounts say every mailbox's answers");
            let lost = report.findings.iter().any(|f| {
                f.kind == FindingKind::MailboxUnanswered
                    && m.addresses
                        .iter()
                        .any(|&id| f.subject == audit::Subject::Address(id))
            });
            let boxes = report.snapshot.listing_mailboxes();
            let listing = report.findings.iter().any(|f| match f.subject {
                audit::Subject::Estate(e) => {
                    f.kind == FindingKind::EnquiriesUnanswered
                        && boxes.get(&e) == Some(&m.email.to_lowercase())
                }
                _ => false,
            });
            assert_eq!(a.sign, lost || listing, "seed {seed}: {}", m.email);
            assert_eq!(a.said.de.starts_with("Anzeichen"), a.sign, "{}", a.said.de);
        }
        if !want.is_empty() {
            with_faults += 1;
            let kinds: std::collections::BTreeSet<&str> =
                want.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(
                kinds.len(),
                2,
                "seed {seed}: both a listing and a mailbox are planted"
            );
            assert!(report.user_checks.contains(&audit::CheckName::Answers));
        }
    }
    assert!(
        with_faults >= 6,
        "the agent fails on most seeds ({with_faults})"
    );
}

/// Days pass (new listings, staff, enquiries the agent answers or not): the planted list and the audit still agree.
#[tokio::test(flavor = "multi_thread")]
async fn still_exact_after_days_pass() {
    for seed in [1, 7] {
        let (sb, auditor, _) = audited(seed, 20, 200, None).await;
        for days in [1, 5, 14] {
            sb.advance(days);
            let report = auditor.audit(&ProgressSink::default()).await.unwrap();
            let want = planted_answers(&sb);
            let got = found_answers(&report);
            assert!(
                got == want,
                "seed {seed} after {days} more days:\n{}",
                diff(&got, &want)
            );
            assert!(report.answers.shown());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agency_without_an_agent_gets_one_sentence_and_no_verdict_per_listing() {
    // Seeds 5 and 11 have no rental agent: no reply anywhere in the Maklerbuch.
    for seed in [5, 11] {
        let (sb, _, report) = audited(
            seed,
            20,
            200,
            Some(onoffice_sandbox::MaklerVariant::Standard),
        )
        .await;
        assert!(sb.account().rental_agent.is_none());
        assert!(
            matches!(report.answers, AnswersSeen::NotShown { .. }),
            "seed {seed}: {:?}",
            report.answers
        );
        let note = report.answers_note.as_ref().expect("one plain sentence");
        assert!(note.de.contains("nicht zu sehen"), "{}", note.de);
        assert!(found_answers(&report).is_empty());
        assert!(report.mailboxes.iter().all(|m| m.answers.is_none()));
        assert!(!report.user_checks.contains(&audit::CheckName::Answers));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_the_agent_starts_answering_turns_green_after_the_days_pass() {
    let (sb, auditor, report) = audited(1, 20, 200, None).await;
    let skipped: Vec<u64> = sb
        .account()
        .rental_agent
        .unwrap()
        .skipped
        .into_iter()
        .collect();
    assert!(!skipped.is_empty());
    let subject = audit::Subject::Estate(skipped[0]);
    assert!(report
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::EnquiriesUnanswered && f.subject == subject));
    // The agent is told about the listing; the next enquiry there gets its reply.
    sb.edit(|a| {
        a.rental_agent.as_mut().unwrap().skipped.remove(&skipped[0]);
    });
    sb.advance(2);
    let at = {
        let now = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(3);
        onoffice_protocol::local_time::german_time(now)
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    sb.edit(|a| {
        let person = a
            .addresses
            .values()
            .find(|x| !x.contact_types.iter().any(|k| k == "Systembenutzer"))
            .unwrap()
            .id;
        assert!(a.receive_enquiry(skipped[0], Some(person), &at));
    });
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.subject == subject && f.kind == FindingKind::EnquiriesUnanswered),
        "answered again: no sign"
    );
    // The other skipped listing still has its sign.
    let other = audit::Subject::Estate(skipped[1]);
    assert!(report
        .findings
        .iter()
        .any(|f| f.subject == other && f.kind == FindingKind::EnquiriesUnanswered));
}

#[tokio::test(flavor = "multi_thread")]
async fn one_listing_whole_chain_reads_out_contact_mailbox_enquiries_answers_and_transfer() {
    let (sb, auditor, report) = audited(1, 20, 200, None).await;
    let agent = sb.account().rental_agent.unwrap();
    let skipped = *agent.skipped.iter().next().unwrap();
    let r = &report.snapshot.rentals[&skipped];
    // Found by a part of its title and by its listing number.
    let by_no = audit::explain::search(&report, &r.external_no.to_lowercase(), 10);
    assert_eq!(
        by_no.iter().map(|h| h.estate_id).collect::<Vec<_>>(),
        [skipped]
    );
    let word = r.title.split_whitespace().last().unwrap().to_uppercase();
    assert!(audit::explain::search(&report, &word, 500)
        .iter()
        .any(|h| h.estate_id == skipped));
    assert!(audit::explain::search(&report, "  ", 10).is_empty());

    let chain = auditor.explain(&report, skipped).await.unwrap();
    let text = audit::explain::plain(&chain, true);
    let titles: Vec<&str> = chain.sections.iter().map(|s| s.title.de.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Objekt",
            "Ansprechpartner für die Portale",
            "Verbuchte Anfragen (30 Tage)",
            "Portalübertragung",
            "Was Agent-Check dazu gefunden hat"
        ]
    );
    assert!(text.contains("(Systembenutzer)"), "{text}");
    assert!(text.contains("Postfach: "), "{text}");
    assert!(
        text.contains("Antworten des Mietagenten – Anzeichen auf 1 Objekt"),
        "{text}"
    );
    assert!(text.contains("keine Antwort im Maklerbuch"), "{text}");
    assert!(text.contains("Anfragen offenbar ohne Antwort:"), "{text}");
    // The account logs transfers (seed 1) or it does not: either way the section says which.
    let transfer = &chain.sections[3].lines[0].de;
    assert!(
        transfer.starts_with("Zuletzt übertragen")
            || transfer.contains("keine Portalübertragungen"),
        "{transfer}"
    );
    // A listing the agent answers: its replies with their time.
    let answered = report
        .snapshot
        .answers()
        .paired
        .enquiries
        .iter()
        .find(|e| e.answered())
        .map(|e| e.listing)
        .unwrap();
    let text = audit::explain::plain(&auditor.explain(&report, answered).await.unwrap(), true);
    assert!(text.contains("Antwort nach "), "{text}");
    // Not an active rental: no chain.
    assert!(auditor.explain(&report, 1).await.is_none());
}

/// The watch: a listing whose enquiries start going unanswered is notified once, by name; while it stays, not again;
/// a reply arriving later clears it without a word.
#[tokio::test(flavor = "multi_thread")]
async fn the_watch_notifies_a_new_unanswered_listing_once_and_an_answer_clears_it() {
    let (sb, auditor, first) = audited(1, 20, 200, None).await;
    let refs = |r: &audit::AuditReport| audit::history::refs(r);
    let mut watch = audit::watch::WatchState::default();
    assert_eq!(
        watch.after_check_named(&refs(&first), true, "t0", &audit::history::labels(&first)),
        None,
        "the first check is the baseline"
    );
    // A listing the agent answered until now stops being handled; two enquiries come in, two and three days ago.
    let boxes = first.snapshot.listing_mailboxes();
    let signed: std::collections::BTreeSet<u64> = found_answers(&first)
        .iter()
        .filter_map(|(_, s)| s.strip_prefix("estate:").and_then(|n| n.parse().ok()))
        .collect();
    let lost = sb.account().rental_agent.unwrap().lost_mailbox.unwrap().0;
    // One that gets booked enquiries, all older than two days (a newer answered one would come after the new ones).
    let paired = first.snapshot.answers().paired;
    let two_days_ago =
        first.snapshot.read_at_german().unwrap() - jiff::SignedDuration::from_hours(48);
    let estate = *boxes
        .iter()
        .find(|(e, m)| {
            !signed.contains(e)
                && **m != lost
                && paired.enquiries.iter().any(|q| q.listing == **e)
                && paired
                    .enquiries
                    .iter()
                    .all(|q| q.listing != **e || q.at < two_days_ago)
        })
        .map(|(e, _)| e)
        .unwrap();
    let ago = |hours: i64| {
        let at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours);
        onoffice_protocol::local_time::german_time(at)
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let person = sb.edit(|a| {
        a.rental_agent.as_mut().unwrap().skipped.insert(estate);
        let person = a
            .addresses
            .values()
            .filter(|x| !x.contact_types.iter().any(|k| k == "Systembenutzer"))
            .map(|x| x.id)
            .next_back()
            .unwrap();
        assert!(a.receive_enquiry(estate, Some(person), &ago(40)));
        assert!(a.receive_enquiry(estate, Some(person), &ago(30)));
        person
    });
    let second = auditor.audit(&ProgressSink::default()).await.unwrap();
    let title = second.snapshot.rentals[&estate].title.clone();
    let notice = watch
        .after_check_named(&refs(&second), true, "t1", &audit::history::labels(&second))
        .expect("something new");
    assert!(
        notice
            .body
            .de
            .starts_with("Anfragen ohne Antwort (Anzeichen): ")
            && notice.body.de.contains(&title),
        "{}",
        notice.body.de
    );
    let again = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert_eq!(
        watch.after_check_named(&refs(&again), true, "t2", &audit::history::labels(&again)),
        None,
        "not told twice"
    );
    // Someone answers by hand: the sign goes, and that is no news.
    sb.edit(|a| {
        a.log(onoffice_sandbox::model::AgentsLogEntry {
            id: 0,
            estates: vec![estate],
            addresses: vec![person],
            kind: "Email".into(),
            kind_type: "Ausgang".into(),
            date: ago(1),
            user: "mbauer".into(),
            note: String::new(),
        })
    });
    let answered = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(!found_answers(&answered).contains(&(
        "estate.enquiries_unanswered".to_string(),
        format!("estate:{estate}")
    )));
    assert_eq!(
        watch.after_check_named(
            &refs(&answered),
            true,
            "t3",
            &audit::history::labels(&answered)
        ),
        None
    );
}
