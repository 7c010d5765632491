//! Everything the checks say to the person, in one place: what each finding saw, what is expected and how it is
//! resolved (one click, or the click path with steps and a prefilled mail), the short words of the checklist's
//! cells, the support mails and the click paths in onOffice. The rules (`account`, `system_user`, `listing`) decide;
//! this module words. German first, English second.

mod answers;
mod cells;
mod mails;

pub use answers::*;
pub use cells::*;
pub use mails::*;

use crate::finding::{FindingKind, FixKind, Resolution, SupportMail, HELP_ARTICLE};
use crate::snapshot::KeyChoice;
use crate::text;
use crate::text::Text;

/// What a finding says.
pub struct Said {
    /// What was seen.
    pub seen: Text,
    /// What is expected.
    pub expected: Text,
    pub resolution: Resolution,
}

fn manual(click_path: Text, steps: Vec<Text>, support: Option<SupportMail>) -> Resolution {
    Resolution::Manual {
        click_path,
        steps,
        support,
        help_url: Some(HELP_ARTICLE.to_string()),
    }
}

fn one_click(fix: FixKind) -> Resolution {
    Resolution::Fix { fix }
}

// ---------------------------------------------------------------------------------------------------------------
// Findings about the account

/// `account.makler_key_missing`; `candidates`: values whose label reads like a broker.
pub fn makler_key_missing(candidates: &[KeyChoice]) -> Said {
    let (seen, steps) = if candidates.is_empty() {
        (
            Text::new(
                "In der Kontaktart gibt es keinen Wert „Makler“ und keinen, der danach klingt.",
                "The contact type has no value \"Makler\" and none that sounds like it.",
            ),
            vec![Text::new(
                "Bitte den onOffice-Support bitten, die Kontaktart „Makler“ wiederherzustellen.",
                "Please ask onOffice support to restore the contact type \"Makler\".",
            )],
        )
    } else {
        let names: Vec<String> = candidates
            .iter()
            .map(|c| format!("„{}“", c.label))
            .collect();
        (
            text!(
                "Keine Kontaktart „Makler“. Möglicherweise umbenannt: {}.",
                "No contact type \"Makler\". Possibly renamed: {}.",
                names.join(", ")
            ),
            vec![Text::new(
                "In der App den Wert wählen, der bei Ihnen für Makler steht; im Zweifel den Support fragen.",
                "Pick the value that stands for brokers in your account in the app; if in doubt, ask support.",
            )],
        )
    };
    Said {
        seen,
        expected: Text::new(
            "Die Kontaktart „Makler“ ist vorhanden.",
            "The contact type \"Makler\" exists.",
        ),
        resolution: manual(
            Text::new(
                "Extras > Einstellungen > Administration > Mehrfachauswahl-Felder > Kontaktart",
                "Extras > Settings > Administration > multiselect fields > Kontaktart",
            ),
            steps,
            Some(makler_missing_mail()),
        ),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Findings about system users

/// `user.address_missing`; `linked_to`: the address the user points to that is no system user address.
pub fn user_address_missing(username: &str, linked_to: Option<u64>) -> Said {
    let seen = match linked_to {
        None => text!(
            "Benutzer „{}“ ist mit keiner Adresse verknüpft.",
            "User \"{}\" is linked to no address.",
            username
        ),
        Some(a) => text!(
            "Benutzer „{}“ ist mit Adresse {a} verknüpft, die nicht die Kontaktart „Systembenutzer“ hat.",
            "User \"{}\" is linked to address {a}, which lacks the contact type \"Systembenutzer\".",
            username
        ),
    };
    Said {
        seen,
        expected: Text::new(
            "Jeder aktive Benutzer hat eine eigene Adresse mit der Kontaktart „Systembenutzer“.",
            "Every active user has an own address with the contact type \"Systembenutzer\".",
        ),
        resolution: manual(link_path(), Vec::new(), None),
    }
}

/// `address.user_missing`.
pub fn address_user_missing(name: &str) -> Said {
    Said {
        seen: text!(
            "Die Adresse „{}“ hat die Kontaktart „Systembenutzer“, aber kein Benutzer ist mit ihr verknüpft.",
            "The address \"{}\" has the contact type \"Systembenutzer\", but no user is linked to it.",
            name
        ),
        expected: Text::new(
            "Jede Systembenutzer-Adresse gehört zu genau einem Benutzer.",
            "Every system user address belongs to exactly one user.",
        ),
        resolution: manual(
            link_path(),
            vec![Text::new(
                "Ist die Person nicht mehr im Unternehmen, die Kontaktart „Systembenutzer“ in der Adresse entfernen.",
                "If the person has left, remove the contact type \"Systembenutzer\" from the address.",
            )],
            None,
        ),
    }
}

/// `user.not_makler`; `have`: the contact types the address has; `label`: how the account shows the Makler value.
pub fn not_makler(have: &[&str], label: &str) -> Said {
    Said {
        seen: text!(
            "Kontaktart: {}. „{label}“ fehlt, daher wird die Adresse nicht an die Portale übertragen.",
            "Contact type: {}. \"{label}\" is missing, so the address is not sent to the portals.",
            have.join(", ")
        ),
        expected: text!(
            "Kontaktart enthält „{label}“ (alle anderen Werte bleiben).",
            "Contact type includes \"{label}\" (all other values stay)."
        ),
        resolution: one_click(FixKind::AddMaklerKey),
    }
}

/// `user.no_email`; `user_email`: the onOffice user's own e-mail, suggested when it is one.
pub fn no_email(user_email: &str) -> Said {
    let suggestion = if user_email.contains('@') {
        text!(
            " Vorschlag: {} (E-Mail des Benutzers).",
            " Suggestion: {} (the user's e-mail).",
            user_email
        )
    } else {
        Text::default()
    };
    Said {
        seen: Text::new(
            format!(
                "Die Adresse hat keine Standard-E-Mail-Adresse.{}",
                suggestion.de
            ),
            format!(
                "The address has no default e-mail address.{}",
                suggestion.en
            ),
        ),
        expected: Text::new(
            "Eine Standard-E-Mail-Adresse, deren Postfach automatisch verbucht wird.",
            "A default e-mail address whose mailbox is booked automatically.",
        ),
        resolution: one_click(FixKind::AddDefaultEmail),
    }
}

/// `user.mailbox_external`.
pub fn mailbox_external(email: &str, provider: &str) -> Said {
    Said {
        seen: text!(
            "{email} liegt bei {provider}. Für Postfächer außerhalb von Microsoft und onOffice lässt sich die automatische Mailverbuchung nicht aktivieren.",
            "{email} is hosted by {provider}. Automatic mail booking cannot be enabled for mailboxes outside Microsoft and onOffice."
        ),
        expected: Text::new(
            "Ein Microsoft-365-Postfach oder ein onOffice-eigenes Postfach (z. B. vermietung@ihre-domain.de).",
            "A Microsoft 365 mailbox or an onOffice mailbox (e.g. vermietung@your-domain.de).",
        ),
        resolution: manual(
            Text::new(
                "onOffice-Support: onOffice-eigenes Postfach einrichten lassen",
                "onOffice support: have an onOffice mailbox set up",
            ),
            vec![
                Text::new(
                    "Den Support bitten, ein onOffice-Postfach (z. B. vermietung@ihre-domain.de) einzurichten und die Mailverbuchung zu aktivieren.",
                    "Ask support to set up an onOffice mailbox (e.g. vermietung@your-domain.de) with mail booking.",
                ),
                Text::new(
                    "Danach diese E-Mail-Adresse als Standard-E-Mail in der Systembenutzer-Adresse eintragen.",
                    "Then enter that e-mail address as the default e-mail of the system user address.",
                ),
            ],
            Some(external_mailbox_mail(email, provider)),
        ),
    }
}

/// `user.mail_booking_unconfirmed`.
pub fn mail_booking_unconfirmed(email: &str) -> Said {
    Said {
        seen: text!(
            "Ob für {email} die automatische Mailverbuchung aktiv ist, lässt sich über die Schnittstelle nicht lesen.",
            "Whether automatic mail booking is on for {email} cannot be read through the API."
        ),
        expected: Text::new(
            "Blauer Haken beim Postfach gesetzt und hier bestätigt.",
            "Blue tick set for the mailbox and confirmed here.",
        ),
        resolution: manual(
            booking_click_path(email),
            vec![
                Text::new(
                    "Ist der Haken gesetzt, hier „Haken ist gesetzt“ wählen.",
                    "If the tick is set, choose \"Tick is set\" here.",
                ),
                Text::new(
                    "Lässt er sich nicht setzen, fehlt meist freies Kontingent: dann den vertrieblichen Ansprechpartner bei onOffice fragen.",
                    "If it cannot be set, the quota is usually used up: ask your onOffice sales contact.",
                ),
            ],
            Some(quota_mail(email)),
        ),
    }
}

/// A date "YYYY-MM-DD" as Germans write it ("28.11.2026"); anything else as it is.
pub fn german_date(date: &str) -> String {
    match date.trim().parse::<jiff::civil::Date>() {
        Ok(d) => d.strftime("%d.%m.%Y").to_string(),
        Err(_) => date.to_string(),
    }
}

/// `user.mail_booking_silent`: the Maklerbuch shows no booked enquiry for the mailbox's listings.
pub fn mail_booking_silent(email: &str, listings: u32, days: u32, tick: Option<&str>) -> Said {
    let objects = if listings == 1 {
        text!(
            "Sein Vermietungsobjekt ist seit {days} Tagen am Markt",
            "Its rental listing has been on the market for {days} days"
        )
    } else {
        text!(
            "Seine {listings} Vermietungsobjekte sind bis zu {days} Tage am Markt",
            "Its {listings} rental listings have been on the market for up to {days} days"
        )
    };
    let ticked = tick.map(|d| {
        let d = german_date(d);
        text!(
            " Der blaue Haken wurde hier am {d} bestätigt, aber seitdem wurde keine Anfrage verbucht.",
            " The blue tick was confirmed here on {d}, but no enquiry has been booked since."
        )
    });
    let (de_t, en_t) = ticked.map(|t| (t.de, t.en)).unwrap_or_default();
    Said {
        seen: Text::new(
            format!(
                "{}, aber im Maklerbuch ist in den letzten 30 Tagen keine einzige Anfrage an {email} verbucht, während andere Postfächer der Agentur verbuchte Anfragen bekommen.{de_t}",
                objects.de
            ),
            format!(
                "{}, but the agents log shows not a single enquiry to {email} booked in the last 30 days, while other mailboxes of the agency get booked enquiries.{en_t}",
                objects.en
            ),
        ),
        expected: Text::new(
            "Anfragen an dieses Postfach werden automatisch verbucht (blauer Haken gesetzt). Das ist ein starkes Anzeichen, kein Beweis: es kann auch einfach keine Anfrage gekommen sein.",
            "Enquiries to this mailbox are booked automatically (blue tick set). This is a strong sign, not proof: there may simply have been no enquiry.",
        ),
        resolution: manual(
            booking_click_path(email),
            vec![
                Text::new(
                    "Wahrscheinlich fehlt der blaue Haken für die automatische Mailverbuchung: dort setzen.",
                    "Most likely the blue tick for automatic mail booking is missing: set it there.",
                ),
                Text::new(
                    "Lässt er sich nicht setzen, ist meist das Kontingent aufgebraucht: dann den vertrieblichen Ansprechpartner bei onOffice fragen.",
                    "If it cannot be set, the quota is usually used up: ask your onOffice sales contact.",
                ),
                Text::new(
                    "Sobald die nächste Anfrage verbucht ist, zeigt die nächste Prüfung das Postfach grün.",
                    "Once the next enquiry is booked, the next check shows the mailbox green.",
                ),
            ],
            Some(quota_mail(email)),
        ),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Findings about listings

/// Who stands on a listing without being a broker, as a sentence to append: in front of the first broker
/// (`has_broker`), or instead of any.
pub fn skipped_note(skipped_names: &[String], has_broker: bool, makler_label: &str) -> Text {
    let skipped: Vec<String> = skipped_names.iter().map(|n| format!("„{n}“")).collect();
    let skipped_en: Vec<String> = skipped_names.iter().map(|n| format!("\"{n}\"")).collect();
    if skipped.is_empty() {
        Text::default()
    } else if has_broker {
        let one = skipped.len() == 1;
        Text::new(
            format!(
                " Davor {} {}, aber ohne Kontaktart „{makler_label}“; die Portale überspringen {}.",
                if one { "steht" } else { "stehen" },
                skipped.join(", "),
                if one { "diesen Eintrag" } else { "diese Einträge" }
            ),
            format!(
                " In front of it {} {}, without the contact type \"{makler_label}\"; the portals skip {}.",
                if one { "stands" } else { "stand" },
                skipped_en.join(", "),
                if one { "this entry" } else { "these entries" }
            ),
        )
    } else {
        Text::new(
            format!(
                " Eingetragen {}, aber ohne Kontaktart „{makler_label}“; so wird niemand an die Portale übertragen.",
                if skipped.len() == 1 {
                    format!("ist {}", skipped[0])
                } else {
                    format!("sind {}", skipped.join(", "))
                }
            ),
            format!(
                " Entered: {}, but without the contact type \"{makler_label}\"; so nobody is sent to the portals.",
                skipped_en.join(", ")
            ),
        )
    }
}

/// What "Zuordnen" aims at, with the Betreuer as the suggestion.
fn assign_expected(officer: Option<&str>) -> Text {
    text!(
        "Erster Ansprechpartner ist die Systembenutzer-Adresse eines Maklers (Vorschlag: Betreuer {}).",
        "The first contact person is a broker's system user address (suggestion: Betreuer {}).",
        officer.unwrap_or("–")
    )
}

/// `estate.no_contact`; `note`: who stands on the listing without being a broker.
pub fn no_contact(note: &Text, officer: Option<&str>) -> Said {
    Said {
        seen: Text::new(
            format!(
                "Dem Objekt ist kein Makler als Ansprechpartner zugeordnet.{}",
                note.de
            ),
            format!("The listing has no broker as contact person.{}", note.en),
        ),
        expected: assign_expected(officer),
        resolution: one_click(FixKind::AssignContactPerson),
    }
}

/// `estate.contact_not_system_user`; `name`: the first broker's name.
pub fn contact_not_system_user(name: &str, note: &Text, officer: Option<&str>) -> Said {
    Said {
        seen: Text::new(
            format!("Erster Makler-Ansprechpartner ist „{name}“, keine Systembenutzer-Adresse. Portale erhalten nur den ersten.{}", note.de),
            format!("The first broker contact person is \"{name}\", not a system user address. Portals only get the first.{}", note.en),
        ),
        expected: assign_expected(officer),
        resolution: one_click(FixKind::AssignContactPerson),
    }
}

/// `estate.contact_not_ready`; `open`: the open points of that system user (what its row shows).
pub fn contact_not_ready(name: &str, open: &[FindingKind], note: &Text) -> Said {
    let points: Vec<(&str, &str)> = open.iter().filter_map(|k| open_point(*k)).collect();
    let (de, en) = if points.is_empty() {
        (
            "Makler, E-Mail oder Postfach".to_string(),
            "broker, e-mail or mailbox".to_string(),
        )
    } else {
        (
            points.iter().map(|p| p.0).collect::<Vec<_>>().join(", "),
            points.iter().map(|p| p.1).collect::<Vec<_>>().join(", "),
        )
    };
    Said {
        seen: Text::new(
            format!(
                "Erster Makler-Ansprechpartner „{name}“ ist nicht bereit: {de}.{}",
                note.de
            ),
            format!(
                "The first broker contact person \"{name}\" is not ready: {en}.{}",
                note.en
            ),
        ),
        expected: Text::new(
            "Der Ansprechpartner ist vollständig eingerichtet.",
            "The contact person is fully set up.",
        ),
        resolution: manual(
            text!(
                "Checkliste > Systembenutzer > {name}",
                "Checklist > system users > {name}"
            ),
            vec![Text::new(
                "Die offenen Punkte dieses Systembenutzers beheben.",
                "Fix the open points of this system user.",
            )],
            None,
        ),
    }
}

/// `estate.portal_transfer_pending`. `last`: the listing's newest transfer in the Maklerbuch (UTC, RFC 3339), older
/// than our change; `watched`: the kinds under which this account logs transfers (empty: it shows none, the person
/// ticks off).
pub fn portal_transfer_pending(last: Option<&str>, watched: &[String]) -> Said {
    let mut seen = Text::new(
        "Der Ansprechpartner oder seine E-Mail wurde geändert; die Portale kennen noch den alten Stand.",
        "The contact person or its e-mail changed; the portals still have the old state.",
    );
    if let Some(at) = last.and_then(|l| l.parse::<jiff::Timestamp>().ok()) {
        let de = onoffice_protocol::local_time::german_time(at).strftime("%d.%m.%Y, %H:%M");
        let en = at.strftime("%Y-%m-%d %H:%M UTC");
        seen = Text::new(
            format!("{} Zuletzt übertragen am {de}, vor der Änderung.", seen.de),
            format!("{} Last transferred on {en}, before the change.", seen.en),
        );
    }
    let then = if watched.is_empty() {
        Text::new("Danach hier abhaken.", "Then tick it off here.")
    } else {
        let kinds = watched.join("“, „");
        let kinds_en = watched.join("\", \"");
        Text::new(
            format!("Danach hakt Agent-Check das Objekt selbst ab, sobald das Maklerbuch die Übertragung zeigt (als „{kinds}“). Hier abhaken geht auch."),
            format!("Agent-Check then ticks the listing off by itself once the agents log shows the transfer (as \"{kinds_en}\"). Ticking it off here works too."),
        )
    };
    Said {
        seen,
        expected: Text::new(
            "Das Objekt wurde neu an die Portale übertragen.",
            "The listing was re-transferred to the portals.",
        ),
        resolution: manual(transfer_click_path(), vec![then], None),
    }
}
