//! The Maklerbuch's evidence against the sandbox, which books enquiries as onOffice does: a silent mailbox turns
//! green once its booking is switched on and the next enquiry is booked; without the right to read the Maklerbuch
//! every other check stays as it was and mail booking falls back to the person's tick.

mod common;

use audit::evidence::{BookingEvidence, NoEvidence};
use audit::{FindingKind, ProgressSink};
use common::*;
use onoffice_sandbox::model::MailBooking;
use onoffice_sandbox::MaklerVariant;

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_mailbox_turns_green_after_its_next_booked_enquiry() {
    let (sb, auditor, report) = audited(5, 20, 120, Some(MaklerVariant::Standard)).await;
    let silent = report
        .findings_of(FindingKind::MailBookingSilent)
        .next()
        .expect("a silent mailbox")
        .subject;
    let row = report
        .mailboxes
        .iter()
        .find(|m| {
            m.addresses
                .iter()
                .any(|a| audit::Subject::Address(*a) == silent)
        })
        .unwrap()
        .clone();
    assert!(
        matches!(row.evidence, BookingEvidence::Silent { .. }),
        "{row:?}"
    );
    let mailbox = row.email.to_lowercase();
    let estate = sb.edit(|a| {
        a.estates
            .keys()
            .copied()
            .find(|&e| {
                a.contacts_of(e, true).first().is_some_and(|f| {
                    a.addresses[f]
                        .default_email()
                        .map(|m| m.address.to_lowercase())
                        == Some(mailbox.clone())
                })
            })
            .unwrap()
    });
    let now = onoffice_sandbox::generate::onoffice_date(
        jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now()),
    );
    // While booking is off, an enquiry leaves no trace: still silent.
    assert!(!sb.edit(|a| a.receive_enquiry(estate, None, &now)));
    let again = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(again
        .findings_of(FindingKind::MailBookingSilent)
        .any(|f| f.subject == silent));
    // Someone sets the blue tick; the next enquiry is booked, and the next check shows the mailbox green.
    sb.edit(|a| a.mail_booking.insert(mailbox.clone(), MailBooking::On));
    assert!(sb.edit(|a| a.receive_enquiry(estate, None, &now)));
    let after = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(!after.findings.iter().any(|f| f.subject == silent
        && matches!(
            f.kind,
            FindingKind::MailBookingSilent | FindingKind::MailBookingUnconfirmed
        )));
    let row = after
        .mailboxes
        .iter()
        .find(|m| m.email.to_lowercase() == mailbox)
        .unwrap();
    assert_eq!(
        row.evidence,
        BookingEvidence::Booked {
            count: 1,
            last: now[..10].to_string()
        }
    );
    let user = after
        .users
        .iter()
        .find(|u| u.address_id.map(audit::Subject::Address) == Some(silent))
        .unwrap();
    let booking = user
        .checks
        .iter()
        .find(|c| c.name == audit::CheckName::Booking)
        .unwrap();
    assert_eq!(booking.state, audit::CheckState::Ok);
    assert!(
        booking
            .detail
            .de
            .starts_with("Anfragen werden verbucht: 1 in 30 Tagen"),
        "{:?}",
        booking.detail
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_right_to_read_the_maklerbuch_every_other_check_stays() {
    let sb = sandbox(0, 20, 120, Some(MaklerVariant::Standard)).await;
    sb.edit(|a| a.can_read_agents_log = false);
    let report = auditor(&sb).audit(&ProgressSink::default()).await.unwrap();
    // What only the Maklerbuch shows: mail booking's evidence and the answers.
    let booking = |k: &str| {
        k == "user.mail_booking_silent"
            || k == "user.mail_booking_unconfirmed"
            || k.ends_with("enquiries_unanswered")
    };
    assert_eq!(report.answers, audit::answers::AnswersSeen::NotRead);
    assert!(report.answers_note.is_some());
    let got = pairs(
        report
            .findings
            .iter()
            .filter(|f| !booking(f.kind.id()))
            .map(|f| (f.kind.id(), f.subject)),
    );
    let want = pairs(
        sb.planted()
            .iter()
            .filter(|p| !booking(&p.kind))
            .map(|p| (p.kind.as_str(), p.subject.as_str())),
    );
    let got: std::collections::BTreeSet<(String, String)> = got
        .into_iter()
        .filter(|(k, _)| k != "account.api_assumption")
        .collect();
    assert!(got == want, "{}", diff(&got, &want));
    // Mail booking falls back to the ticks: every mailbox that can have it asks for one, none is called silent.
    assert_eq!(
        report.findings_of(FindingKind::MailBookingSilent).count(),
        0
    );
    for m in report.mailboxes.iter().filter(|m| !m.kind.is_external()) {
        assert_eq!(
            m.evidence,
            BookingEvidence::Unknown {
                why: NoEvidence::NotRead
            }
        );
    }
    // Said once, for the account, and the checklist is still complete.
    let said: Vec<String> = report
        .findings_of(FindingKind::ApiAssumption)
        .map(|f| f.subject.to_string())
        .collect();
    assert_eq!(said, ["account:agents_log_readable"]);
    assert!(report.complete);
    let planted_booking = sb.planted().iter().filter(|p| booking(&p.kind)).count();
    assert!(
        report
            .findings_of(FindingKind::MailBookingUnconfirmed)
            .count()
            > planted_booking
    );
}

/// Every read of the Maklerbuch failing is "not read", never "0 enquiries": one sentence, no rate, no sign.
#[tokio::test(flavor = "multi_thread")]
async fn a_maklerbuch_that_fails_to_read_is_not_read_never_zero_enquiries() {
    let sb = sandbox(1, 20, 120, Some(MaklerVariant::Standard)).await;
    let auditor = auditor(&sb);
    let mut report = auditor.audit(&ProgressSink::default()).await.unwrap();
    let log = report.snapshot.agents_log.as_mut().unwrap();
    log.mails.clear();
    log.booked.clear();
    log.failed_reads = 2;
    let report = auditor.evaluate(report.snapshot.clone());
    assert_eq!(report.answers, audit::answers::AnswersSeen::NotRead);
    assert!(report
        .answers_note
        .as_ref()
        .unwrap()
        .de
        .contains("nicht gelesen"));
    assert!(report.mailboxes.iter().all(|m| m.answers.is_none()));
}
