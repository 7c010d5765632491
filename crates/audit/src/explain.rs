//! One listing, the whole chain, in words a support person can read out on the phone: the listing, the contact person
//! the portals get, its mailbox and what the mailbox does with enquiries, the booked enquiries of 30 days with their
//! answers, the last portal transfer, and every finding on the way. Built from a report (no request), except the
//! last transfer, which the caller reads (`Auditor::last_transfer`) or leaves out. `oo-check explain` and the app's
//! search show the same sections.

use serde::{Deserialize, Serialize};

use crate::answers::{duration_words, AnswerRate, Enquiry};
use crate::checks::wording;
use crate::evidence::onoffice_date;
use crate::text;
use crate::text::Text;
use crate::{AuditReport, MailboxRow, MailboxVerdict, Subject};

/// A listing that matches a search.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingHit {
    pub estate_id: u64,
    /// "Title (listing number)".
    pub label: String,
}

/// The active rentals whose title, listing number, city or record number contains `query` (case ignored), at most
/// `limit`; one whose listing number or record number is exactly `query` comes first.
pub fn search(report: &AuditReport, query: &str, limit: usize) -> Vec<ListingHit> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let rentals = report.snapshot.rentals.values();
    let exact = |r: &&crate::snapshot::RentalInfo| {
        r.external_no.to_lowercase() == q || r.id.to_string() == q
    };
    let exact_hits = rentals.clone().filter(exact);
    let others = rentals.filter(|r| !exact(r)).filter(|r| {
        r.title.to_lowercase().contains(&q)
            || r.external_no.to_lowercase().contains(&q)
            || r.city.to_lowercase().contains(&q)
    });
    exact_hits
        .chain(others)
        .take(limit)
        .map(|r| ListingHit {
            estate_id: r.id,
            label: wording::listing_label(&r.title, &r.external_no),
        })
        .collect()
}

/// One section of the chain: a heading and its lines.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: Text,
    pub lines: Vec<Text>,
}

/// The whole chain of one listing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub estate_id: u64,
    pub label: String,
    pub sections: Vec<Section>,
}

/// Where the last transfer stands, as the caller found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LastTransfer {
    /// When (UTC, RFC 3339).
    At(String),
    /// The account's Maklerbuch does not show transfers.
    NotShown,
    /// None in the look back (90 days).
    None,
    /// Not read (no connection, or it failed).
    NotRead,
}

/// The chain of `estate`, if it is an active rental of the report.
pub fn chain(report: &AuditReport, estate: u64, transfer: &LastTransfer) -> Option<Chain> {
    let r = report.snapshot.rentals.get(&estate)?;
    let label = wording::listing_label(&r.title, &r.external_no);
    let mut sections = vec![
        listing_section(report, estate),
        contact_section(report, estate),
    ];
    sections.push(enquiries_section(report, estate));
    sections.push(transfer_section(transfer));
    sections.push(findings_section(report, estate));
    Some(Chain {
        estate_id: estate,
        label,
        sections,
    })
}

fn listing_section(report: &AuditReport, estate: u64) -> Section {
    let r = &report.snapshot.rentals[&estate];
    let mut lines = vec![text!(
        "{} in {} (Datensatz {estate})",
        "{} in {} (record {estate})",
        wording::listing_label(&r.title, &r.external_no),
        r.city
    )];
    let officer = r
        .officer
        .and_then(|nr| report.snapshot.users.get(&nr))
        .map(|u| u.name.clone());
    lines.push(match officer {
        Some(name) => text!("Betreuer: {name}", "Betreuer: {name}"),
        None => Text::new("Kein Betreuer eingetragen", "No Betreuer set"),
    });
    Section {
        title: Text::new("Objekt", "Listing"),
        lines,
    }
}

fn contact_section(report: &AuditReport, estate: u64) -> Section {
    let s = &report.snapshot;
    let title = Text::new(
        "Ansprechpartner für die Portale",
        "Contact person for the portals",
    );
    let Some(first) = s.portal_contact(estate) else {
        return Section {
            title,
            lines: vec![Text::new(
                "Keiner: Die Portale bekommen keinen Makler als Ansprechpartner.",
                "None: the portals get no broker as contact person.",
            )],
        };
    };
    let Some(a) = s.address(first) else {
        return Section {
            title,
            lines: vec![Text::new(
                "Die Adresse des Ansprechpartners ließ sich nicht lesen.",
                "The contact person's address could not be read.",
            )],
        };
    };
    let system = s.system_addresses.contains_key(&first);
    let mut lines = vec![if system {
        text!("{} (Systembenutzer)", "{} (system user)", a.name)
    } else {
        text!(
            "{} – kein Systembenutzer: Anfragen erreichen den Mietagenten nicht",
            "{} – no system user: enquiries do not reach the rental agent",
            a.name
        )
    }];
    match a.default_email.as_deref() {
        Some(email) => lines.extend(mailbox_lines(report, email)),
        None => lines.push(Text::new(
            "Keine Standard-E-Mail-Adresse",
            "No default e-mail address",
        )),
    }
    Section { title, lines }
}

/// The mailbox, its kind, and the one verdict its card shows; its answers where the account shows them.
fn mailbox_lines(report: &AuditReport, email: &str) -> Vec<Text> {
    let key = email.trim().to_lowercase();
    let row: Option<&MailboxRow> = report
        .mailboxes
        .iter()
        .find(|m| m.email.to_lowercase() == key);
    let kind = wording::mailbox(report.snapshot.mailbox_of(email));
    let mut lines = vec![Text::new(
        format!("Postfach: {email} – {}", kind.de),
        format!("Mailbox: {email} – {}", kind.en),
    )];
    if let Some(row) = row {
        lines.push(verdict_words(&row.verdict));
        if let Some(a) = &row.answers {
            lines.push(Text::new(
                format!("Antworten des Mietagenten – {}", a.said.de),
                format!("Rental agent's answers – {}", a.said.en),
            ));
        }
    }
    lines
}

/// The mailbox's one verdict on mail booking, in words.
pub fn verdict_words(v: &MailboxVerdict) -> Text {
    match v {
        MailboxVerdict::Booked => Text::new(
            "Mailverbuchung: Anfragen werden verbucht",
            "Mail booking: enquiries are booked",
        ),
        MailboxVerdict::External => Text::new(
            "Mailverbuchung: bei diesem Postfach nicht möglich",
            "Mail booking: impossible with this mailbox",
        ),
        MailboxVerdict::Confirmed { date } => {
            let d = wording::german_date(date);
            text!(
                "Mailverbuchung: blauer Haken am {d} bestätigt",
                "Mail booking: blue tick confirmed on {d}"
            )
        }
        MailboxVerdict::ConfirmedDespiteSign { date, .. } => {
            let d = wording::german_date(date);
            text!(
                "Mailverbuchung: am {d} trotz Anzeichen bestätigt",
                "Mail booking: confirmed on {d} despite a sign"
            )
        }
        MailboxVerdict::Sign { .. } => Text::new(
            "Mailverbuchung: Anzeichen, dass Anfragen nicht verbucht werden",
            "Mail booking: a sign that enquiries are not booked",
        ),
        MailboxVerdict::ToConfirm => Text::new(
            "Mailverbuchung: noch zu bestätigen",
            "Mail booking: still to confirm",
        ),
    }
}

fn enquiries_section(report: &AuditReport, estate: u64) -> Section {
    let title = Text::new("Verbuchte Anfragen (30 Tage)", "Booked enquiries (30 days)");
    let answers = report.snapshot.answers();
    let now = report.snapshot.read_at_german();
    let own: Vec<&Enquiry> = answers
        .paired
        .enquiries
        .iter()
        .filter(|e| e.listing == estate)
        .collect();
    let booked = report
        .snapshot
        .agents_log
        .as_ref()
        .and_then(|l| l.booked.get(&estate))
        .map_or(0, Vec::len);
    let mut lines = Vec::new();
    if booked == 0 {
        lines.push(Text::new(
            "Keine verbuchte Anfrage in 30 Tagen",
            "No booked enquiry in 30 days",
        ));
    }
    if let Some(note) = &report.answers_note {
        lines.push(note.clone());
    }
    let shown = report.answers.shown();
    for e in own.iter().rev() {
        lines.push(enquiry_line(e, shown, now));
    }
    if booked > own.len() {
        let n = booked - own.len();
        lines.push(text!(
            "{n} ohne Adresse des Absenders (keine Antwort zuzuordnen)",
            "{n} without the sender's address (no reply can be paired)"
        ));
    }
    if shown && !own.is_empty() {
        if let Some(now) = now {
            let rate = AnswerRate::of(own.iter().copied(), now);
            lines.push(rate.words());
        }
    }
    Section { title, lines }
}

/// "18.11.2026 09:12 – beantwortet nach 4 Minuten".
fn enquiry_line(e: &Enquiry, shown: bool, now: Option<jiff::civil::DateTime>) -> Text {
    let at = onoffice_date(e.at);
    let when = format!("{} {}", wording::german_date(&at[..10]), &at[11..16]);
    let young = now.is_some_and(|n| !e.judged_at(n));
    match e.reply_after {
        Some(m) => {
            let (de, en) = duration_words(m.max(0) as u32);
            Text::new(
                format!("{when} – Antwort nach {de}"),
                format!("{when} – reply after {en}"),
            )
        }
        None if young => text!(
            "{when} – noch keine Antwort (jünger als ein Tag)",
            "{when} – no reply yet (younger than a day)"
        ),
        None if shown => text!(
            "{when} – keine Antwort im Maklerbuch",
            "{when} – no reply in the agents log"
        ),
        None => text!(
            "{when} – Antwort nicht zu sehen",
            "{when} – reply not visible"
        ),
    }
}

fn transfer_section(transfer: &LastTransfer) -> Section {
    let line = match transfer {
        LastTransfer::At(at) => {
            let when = german_label(at);
            text!("Zuletzt übertragen: {when}", "Last transferred: {when}")
        }
        LastTransfer::NotShown => Text::new(
            "Das Maklerbuch dieses Kontos zeigt keine Portalübertragungen.",
            "This account's agents log shows no portal transfers.",
        ),
        LastTransfer::None => Text::new(
            "In den letzten 90 Tagen keine Übertragung im Maklerbuch.",
            "No transfer in the agents log in the last 90 days.",
        ),
        LastTransfer::NotRead => Text::new("Konnte nicht gelesen werden.", "Could not be read."),
    };
    Section {
        title: Text::new("Portalübertragung", "Portal transfer"),
        lines: vec![line],
    }
}

/// "25.11.2026, 09:00" in German time (as onOffice shows it), from UTC RFC 3339.
fn german_label(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(at) => onoffice_protocol::local_time::german_time(at)
            .strftime("%d.%m.%Y, %H:%M")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// Every finding on the way: the listing's own, and those of its contact person.
fn findings_section(report: &AuditReport, estate: u64) -> Section {
    let contact = report.snapshot.portal_contact(estate);
    let mut lines: Vec<Text> = report
        .findings
        .iter()
        .filter(|f| {
            f.subject == Subject::Estate(estate)
                || contact.is_some_and(|c| f.subject == Subject::Address(c))
        })
        .map(|f| {
            Text::new(
                format!("{}: {}", f.title.de, f.seen.de),
                format!("{}: {}", f.title.en, f.seen.en),
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push(Text::new(
            "Keine: Auf dem Weg zum Mietagenten ist alles in Ordnung.",
            "None: everything on the way to the rental agent is in order.",
        ));
    }
    Section {
        title: Text::new(
            "Was Agent-Check dazu gefunden hat",
            "What Agent-Check found",
        ),
        lines,
    }
}

/// The chain as plain text, one section after the other (German, or English).
pub fn plain(chain: &Chain, german: bool) -> String {
    let pick = |t: &Text| if german { t.de.clone() } else { t.en.clone() };
    let mut out = format!("{}\n", chain.label);
    for s in &chain.sections {
        out.push_str(&format!("\n{}:\n", pick(&s.title)));
        for l in &s.lines {
            out.push_str(&format!("  – {}\n", pick(l)));
        }
    }
    out
}
