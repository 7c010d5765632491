//! What the answer checks say: the sign on a listing whose enquiries stay unanswered, the sign on a mailbox whose
//! every listing does, and the checklist cell. Worded as a sign ("Anzeichen"), never as certainty.

use super::{german_date, Said};
use crate::answers::{AnswerRate, Unanswered};
use crate::finding::Resolution;
use crate::text;
use crate::text::Text;

/// "18.11.2026" from "2026-11-18 09:12:00".
fn day(at: &str) -> String {
    german_date(at.get(..10).unwrap_or(at))
}

/// How many unanswered enquiries since when, and the last one's day.
fn seen_enquiries(u: &Unanswered) -> Text {
    let (n, since, last) = (u.count, day(&u.since), day(&u.last));
    if n == 1 {
        text!(
            "Die verbuchte Anfrage vom {since} hat im Maklerbuch keine Antwort",
            "The booked enquiry of {since} has no reply in the agents log"
        )
    } else {
        text!(
            "{n} verbuchte Anfragen seit dem {since} (die letzte am {last}) haben im Maklerbuch keine Antwort",
            "{n} booked enquiries since {since} (the last on {last}) have no reply in the agents log"
        )
    }
}

fn sign_expected() -> Text {
    Text::new(
        "Der Mietagent beantwortet jede Anfrage innerhalb von Minuten, und die Antwort steht im Maklerbuch. Das ist ein Anzeichen, kein Beweis: Eine Antwort außerhalb von onOffice oder ein Anruf ist hier nicht zu sehen.",
        "The rental agent answers every enquiry within minutes, and the reply shows in the agents log. This is a sign, not proof: a reply sent outside onOffice or a phone call cannot be seen here.",
    )
}

fn resolution(steps: Vec<Text>) -> Resolution {
    Resolution::Manual {
        click_path: Text::new(
            "Im Mietagenten (nicht in onOffice): die Objekte und Postfächer, die er bearbeitet",
            "In the rental agent (not in onOffice): the listings and mailboxes it handles",
        ),
        steps,
        support: None,
        help_url: None,
    }
}

fn ask_support() -> Text {
    Text::new(
        "Ist dort alles eingerichtet, den Support des Mietagenten fragen und ihm dieses Objekt nennen.",
        "If everything is set up there, ask the rental agent's support and name this listing.",
    )
}

/// `estate.enquiries_unanswered`: a listing's booked enquiries older than a day have had no reply, while the
/// agency's other listings are answered.
pub fn enquiries_unanswered(u: &Unanswered, mailbox: Option<&str>) -> Said {
    let seen = seen_enquiries(u);
    let betreuer = match mailbox {
        Some(m) => text!(
            "Ist das Postfach {m} im Mietagenten eingerichtet (Objektbetreuer-Postfach)?",
            "Is the mailbox {m} set up in the rental agent (listing officer's mailbox)?"
        ),
        None => Text::new(
            "Ist das Postfach des Ansprechpartners im Mietagenten eingerichtet (Objektbetreuer-Postfach)?",
            "Is the contact person's mailbox set up in the rental agent (listing officer's mailbox)?",
        ),
    };
    Said {
        seen: Text::new(
            format!(
                "{}, während Anfragen zu anderen Objekten der Agentur seitdem beantwortet werden.",
                seen.de
            ),
            format!(
                "{}, while enquiries about the agency's other listings have been answered since.",
                seen.en
            ),
        ),
        expected: sign_expected(),
        resolution: resolution(vec![
            Text::new(
                "Wahrscheinlich bearbeitet der Mietagent dieses Objekt nicht: nachsehen, ob es für ihn freigegeben ist.",
                "Most likely the rental agent does not handle this listing: check that it is enabled for it.",
            ),
            betreuer,
            ask_support(),
            Text::new(
                "Sobald eine Anfrage beantwortet ist, zeigt die nächste Prüfung das Objekt ohne dieses Anzeichen.",
                "Once an enquiry is answered, the next check shows the listing without this sign.",
            ),
        ]),
    }
}

/// `user.enquiries_unanswered`: every listing of this mailbox goes unanswered while the agency's others are
/// answered.
pub fn mailbox_unanswered(email: &str, u: &Unanswered) -> Said {
    let seen = seen_enquiries(u);
    let n = u.listings.len();
    Said {
        seen: Text::new(
            format!(
                "{} – auf {n} Objekten mit dem Postfach {email}, und keines seiner Objekte wurde seitdem beantwortet, während Anfragen an andere Postfächer der Agentur beantwortet werden.",
                seen.de
            ),
            format!(
                "{} – on {n} listings with the mailbox {email}, and none of its listings has been answered since, while enquiries to the agency's other mailboxes are answered.",
                seen.en
            ),
        ),
        expected: sign_expected(),
        resolution: resolution(vec![
            text!(
                "Wahrscheinlich fehlt das Postfach {email} im Mietagenten (Objektbetreuer-Postfach): dort einrichten.",
                "Most likely the mailbox {email} is missing in the rental agent (listing officer's mailbox): set it up there."
            ),
            Text::new(
                "Ist es eingerichtet, den Support des Mietagenten fragen und ihm dieses Postfach nennen.",
                "If it is set up, ask the rental agent's support and name this mailbox.",
            ),
            Text::new(
                "Sobald eine Anfrage beantwortet ist, zeigt die nächste Prüfung das Postfach ohne dieses Anzeichen.",
                "Once an enquiry is answered, the next check shows the mailbox without this sign.",
            ),
        ]),
    }
}

/// The checklist's answers cell: the mailbox's rate.
pub fn answers_rate(rate: &AnswerRate) -> Text {
    if rate.enquiries == 0 {
        Text::new(
            "in 30 Tagen keine verbuchte Anfrage, die älter als ein Tag ist",
            "no booked enquiry older than a day in 30 days",
        )
    } else {
        rate.words()
    }
}

/// The checklist's answers cell: the mailbox's sign.
pub fn answers_missing(u: &Unanswered) -> Text {
    let (n, since) = (u.count, day(&u.since));
    text!(
        "Anzeichen: {n} Anfragen seit dem {since} ohne Antwort",
        "Sign: {n} enquiries since {since} without a reply"
    )
}

/// The checklist's answers cell and the mailbox card when some of the mailbox's listings have a sign of their own.
pub fn answers_on_listings(rate: &AnswerRate, listings: usize) -> Text {
    let (a, n) = (rate.answered, rate.enquiries);
    if listings == 1 {
        text!(
            "Anzeichen auf 1 Objekt – dort bleiben Anfragen ohne Antwort (beantwortet: {a} von {n} in 30 Tagen)",
            "Sign on 1 listing – enquiries there get no reply (answered: {a} of {n} in 30 days)"
        )
    } else {
        text!(
            "Anzeichen auf {listings} Objekten – dort bleiben Anfragen ohne Antwort (beantwortet: {a} von {n} in 30 Tagen)",
            "Sign on {listings} listings – enquiries there get no reply (answered: {a} of {n} in 30 days)"
        )
    }
}

/// What a mailbox's card and its checklist cell say of its answers: the sign on the mailbox, a sign on some of its
/// listings, or its rate; and whether it is a sign.
pub fn mailbox_answers_said(answers: &crate::answers::Answers, key: &str) -> (bool, Text) {
    let rate = answers.per_mailbox.get(key).cloned().unwrap_or_default();
    if let Some(u) = answers.signs.mailboxes.get(key) {
        (true, answers_missing(u))
    } else if let Some(listings) = answers.signed_listings.get(key) {
        (true, answers_on_listings(&rate, listings.len()))
    } else {
        (false, answers_rate(&rate))
    }
}
