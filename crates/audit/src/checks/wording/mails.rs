//! Support mails, click paths in onOffice, and how listings and open points are named.

use crate::finding::{FindingKind, SupportMail, ONOFFICE_SUPPORT};
use crate::text;
use crate::text::Text;

/// The mail to onOffice support asking for an onOffice mailbox instead of an external one.
pub fn external_mailbox_mail(email: &str, provider: &str) -> SupportMail {
    let domain = email.rsplit('@').next().unwrap_or("");
    SupportMail {
        to: ONOFFICE_SUPPORT.to_string(),
        subject: "Bitte onOffice-Postfach für den Vermietungsagenten einrichten".into(),
        body: format!(
            "Guten Tag,\n\nunsere E-Mail-Adresse {email} liegt bei {provider} (kein Microsoft-Postfach). Dafür lässt sich die \
automatische Mailverbuchung nicht aktivieren.\n\nBitte richten Sie uns ein onOffice-eigenes Postfach ein \
(z. B. vermietung@{domain}) und aktivieren Sie dafür die automatische Mailverbuchung.\n\nVielen Dank\n"
        ),
    }
}

/// The mail to the onOffice sales contact when the mail booking quota is used up.
pub fn quota_mail(email: &str) -> SupportMail {
    SupportMail {
        to: String::new(),
        subject: "Kontingent für die automatische Mailverbuchung".into(),
        body: format!(
            "Guten Tag,\n\nwir möchten für das Postfach {email} die automatische Mailverbuchung aktivieren, haben aber \
kein freies Kontingent mehr. Bitte senden Sie uns ein Angebot für ein weiteres Postfach im Kontingent.\n\nVielen Dank\n"
        ),
    }
}

/// Where the blue tick for automatic mail booking is set.
pub fn booking_click_path(email: &str) -> Text {
    text!(
        "Extras > Einstellungen > Grundeinstellungen > Reiter „E-Mail“ > Postfach {email} > kleiner blauer Haken",
        "Extras > Settings > Basic settings > tab \"E-Mail\" > mailbox {email} > small blue tick"
    )
}

/// Where a user is linked to its address.
pub fn link_path() -> Text {
    Text::new(
        "Extras > Einstellungen > Benutzer > (Benutzer öffnen) > Grunddaten > Adressdatensatz über das Pfeil-Symbol verknüpfen",
        "Extras > Settings > Users > (open the user) > Basic data > link the address record with the arrow symbol",
    )
}

/// The mail to onOffice support when the contact type "Makler" is gone.
pub fn makler_missing_mail() -> SupportMail {
    SupportMail {
        to: ONOFFICE_SUPPORT.into(),
        subject: "Kontaktart „Makler“ fehlt".into(),
        body: "Guten Tag,\n\nin unserer Kontaktart (Feld ArtDaten) finden wir den Wert „Makler“ nicht. \
Bitte prüfen Sie, ob er umbenannt oder entfernt wurde, und stellen Sie ihn wieder her.\n\nVielen Dank\n"
            .into(),
    }
}

/// Where the listing is re-transferred to the portals.
pub fn transfer_click_path() -> Text {
    Text::new(
        "Objekt öffnen > Reiter „Vermarktung“ > „Objekte aktualisieren“",
        "Open the listing > tab \"Vermarktung\" > \"Objekte aktualisieren\"",
    )
}

/// An open point of a system user in a few words, as a listing whose contact it is names it.
pub(super) fn open_point(kind: FindingKind) -> Option<(&'static str, &'static str)> {
    match kind {
        FindingKind::NotMakler => Some((
            "Kontaktart „Makler“ fehlt",
            "contact type \"Makler\" missing",
        )),
        FindingKind::NoEmail => Some(("keine E-Mail-Adresse", "no e-mail address")),
        FindingKind::MailboxExternal => Some(("externes Postfach", "external mailbox")),
        _ => None,
    }
}

/// A listing in words: its title and, if it has one, its external number.
pub fn listing_label(title: &str, external_no: &str) -> String {
    if external_no.is_empty() {
        title.to_string()
    } else {
        format!("{title} ({external_no})")
    }
}

/// A user without an address, in the checklist's short form.
pub fn seen_short(username: &str) -> Text {
    text!(
        "Benutzer „{username}“ ohne Adresse",
        "User \"{username}\" without address"
    )
}
