//! The words in the checklist's cells: a system user's five checks.

use crate::text;
use crate::text::Text;

pub fn linked_to(username: &str) -> Text {
    text!(
        "Verknüpft mit Benutzer „{}“",
        "Linked to user \"{}\"",
        username
    )
}

pub fn no_user_linked() -> Text {
    Text::new("Kein Benutzer verknüpft", "No user linked")
}

pub fn makler_missing(label: &str) -> Text {
    text!("„{label}“ fehlt", "\"{label}\" missing")
}

pub fn makler_set(label: &str) -> Text {
    text!("„{label}“ gesetzt", "\"{label}\" set")
}

pub fn makler_unknown() -> Text {
    Text::new(
        "Makler-Wert noch nicht bekannt",
        "Broker value not known yet",
    )
}

pub fn no_default_email() -> Text {
    Text::new("Keine Standard-E-Mail", "No default e-mail")
}

pub fn no_email_to_check() -> Text {
    Text::new("Keine E-Mail", "No e-mail")
}

pub fn email(email: &str) -> Text {
    text!("{email}", "{email}")
}

/// The mailbox cell: what the MX records say.
pub fn mailbox(kind: Option<&crate::mailbox::MailboxKind>) -> Text {
    use crate::mailbox::MailboxKind;
    match kind {
        Some(MailboxKind::External { provider }) => {
            text!("Extern: {provider}", "External: {provider}")
        }
        Some(MailboxKind::Microsoft365) => Text::new("Microsoft 365", "Microsoft 365"),
        Some(MailboxKind::Microsoft365BehindFilter { gateway: None, .. }) => Text::new(
            "Microsoft 365 (hinter einem Filter)",
            "Microsoft 365 (behind a filter)",
        ),
        Some(MailboxKind::Microsoft365BehindFilter {
            gateway: Some(gateway),
            ..
        }) => text!(
            "Microsoft 365 (hinter einem Filter: {gateway})",
            "Microsoft 365 (behind a filter: {gateway})"
        ),
        Some(MailboxKind::OnOffice) => Text::new("onOffice-Postfach", "onOffice mailbox"),
        Some(MailboxKind::Unknown { .. }) => {
            Text::new("Unbekannter Mailserver", "Unknown mail server")
        }
        Some(MailboxKind::CouldNotCheck { .. }) | None => {
            Text::new("Konnte nicht geprüft werden", "Could not be checked")
        }
    }
}

pub fn booking_impossible() -> Text {
    Text::new(
        "Bei externem Postfach nicht möglich",
        "Not possible with an external mailbox",
    )
}

pub fn booking_confirmed(date: &str) -> Text {
    text!(
        "Blauer Haken bestätigt am {date}",
        "Blue tick confirmed on {date}"
    )
}

/// The booking cell when the person confirmed the tick against the Maklerbuch's sign: trusted until `until`, then the
/// sign returns if still no enquiry is booked.
pub fn booking_confirmed_despite_sign(date: &str, until: &str) -> Text {
    let (d, u) = (super::german_date(date), super::german_date(until));
    text!(
        "Haken bestätigt am {d}, trotz Anzeichen; wird bis {u} keine Anfrage verbucht, erscheint das Anzeichen wieder",
        "Tick confirmed on {d} despite a sign; if no enquiry is booked by {u}, the sign returns"
    )
}

/// The booking cell when the Maklerbuch shows booked enquiries.
pub fn booking_seen(count: u32, last: &str) -> Text {
    let day = super::german_date(last);
    if count == 1 {
        text!(
            "Anfragen werden verbucht: 1 in 30 Tagen, am {day}",
            "Enquiries are booked: 1 in 30 days, on {day}"
        )
    } else {
        text!(
            "Anfragen werden verbucht: {count} in 30 Tagen, zuletzt am {day}",
            "Enquiries are booked: {count} in 30 days, last on {day}"
        )
    }
}

/// The booking cell when the Maklerbuch is silent.
pub fn booking_silent(tick: Option<&str>) -> Text {
    match tick {
        Some(d) => {
            let d = super::german_date(d);
            text!(
                "Bestätigt am {d}, aber seitdem keine Anfrage verbucht (Anzeichen)",
                "Confirmed on {d}, but no enquiry booked since (a sign)"
            )
        }
        None => Text::new(
            "Keine Anfrage verbucht (Anzeichen: Haken fehlt)",
            "No enquiry booked (a sign the tick is missing)",
        ),
    }
}

pub fn booking_to_confirm() -> Text {
    Text::new("Bitte bestätigen", "Please confirm")
}
