//! The overview of many accounts, for support and for a person with several agencies (`oo-check report
//! --all-accounts`, the app's "Alle Konten"): one row per account with what is left per "who acts next" part (the
//! same model every screen uses), the mailboxes, the answered-enquiry rate where the account shows it, the last
//! check, what is new since the previous one, or why the check failed, in plain words. Sorted so the accounts that
//! need someone come first. Pure: a row is built from a report or a failure; no row holds a report.

use serde::{Deserialize, Serialize};

use crate::answers::{AnswerRate, AnswersSeen};
use crate::left::{Left, Part};
use crate::report::{csv_field, esc};
use crate::text::Text;
use crate::{text, AuditReport, MailboxVerdict};

/// What is left of an account, per part (each part's `count`, as every screen shows it).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartCounts {
    pub app: u32,
    pub choice: u32,
    pub confirm: u32,
    pub on_office: u32,
    pub agent: u32,
    pub portals: u32,
}

impl PartCounts {
    pub fn of(left: &Left) -> PartCounts {
        let n = |p: Part| left.count(p) as u32;
        PartCounts {
            app: n(Part::App),
            choice: n(Part::Choice),
            confirm: n(Part::Confirm),
            on_office: n(Part::OnOffice),
            agent: n(Part::Agent),
            portals: n(Part::Portals),
        }
    }

    pub fn get(&self, part: Part) -> u32 {
        match part {
            Part::App => self.app,
            Part::Choice => self.choice,
            Part::Confirm => self.confirm,
            Part::OnOffice => self.on_office,
            Part::Agent => self.agent,
            Part::Portals => self.portals,
        }
    }

    pub fn total(&self) -> u32 {
        Part::ALL.iter().map(|p| self.get(*p)).sum()
    }
}

/// The mailboxes of an account by their one verdict.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxCounts {
    pub total: u32,
    /// Booking shown by the Maklerbuch or confirmed by the person.
    pub booking: u32,
    /// A sign ("Anzeichen") that enquiries are not booked.
    pub signs: u32,
    pub to_confirm: u32,
    /// Outside onOffice: mail booking is impossible there.
    pub external: u32,
}

impl MailboxCounts {
    pub fn of(report: &AuditReport) -> MailboxCounts {
        let mut c = MailboxCounts::default();
        for m in &report.mailboxes {
            c.total += 1;
            match m.verdict {
                MailboxVerdict::Booked
                | MailboxVerdict::Confirmed { .. }
                | MailboxVerdict::ConfirmedDespiteSign { .. } => c.booking += 1,
                MailboxVerdict::Sign { .. } => c.signs += 1,
                MailboxVerdict::ToConfirm => c.to_confirm += 1,
                MailboxVerdict::External => c.external += 1,
            }
        }
        c
    }

    /// "12 Postfächer: 8 buchen, 2 Anzeichen, 1 zu bestätigen, 1 extern".
    pub fn said(&self) -> Text {
        if self.total == 0 {
            return Text::new("keine Postfächer", "no mailboxes");
        }
        let parts = [
            (self.booking, "buchen", "booking"),
            (self.signs, "Anzeichen", "signs"),
            (self.to_confirm, "zu bestätigen", "to confirm"),
            (self.external, "extern", "external"),
        ];
        let join = |de: bool| {
            parts
                .iter()
                .filter(|(n, ..)| *n > 0)
                .map(|(n, d, e)| format!("{n} {}", if de { d } else { e }))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (de, en) = (join(true), join(false));
        match self.total {
            1 => text!("1 Postfach: {de}", "1 mailbox: {en}"),
            n => text!("{n} Postfächer: {de}", "{n} mailboxes: {en}"),
        }
    }
}

/// Why an account's check failed, in kinds support acts on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// onOffice refused token or secret (wrong, revoked, or the API user is locked).
    Credentials,
    /// Nobody has given this account's token and secret.
    CredentialsMissing,
    /// The API user lacks a right.
    Permission,
    /// This PC's clock is off.
    Clock,
    /// onOffice could not be reached, or did not answer in time.
    Network,
    /// The check took longer than its time limit and was stopped.
    TimedOut,
    /// A second line of one name in the accounts file: only the first is checked.
    Repeated,
    /// Anything else (an odd answer, an unusable address).
    Other,
}

impl FailureKind {
    pub fn of_class(class: onoffice::ErrorClass) -> FailureKind {
        use onoffice::ErrorClass as C;
        match class {
            C::Credentials => FailureKind::Credentials,
            C::Permission => FailureKind::Permission,
            C::Clock => FailureKind::Clock,
            C::Transient | C::UnknownOutcome => FailureKind::Network,
            C::NotFound | C::Validation | C::Unexpected | C::Configuration => FailureKind::Other,
        }
    }

    /// What it means and what to do, in one sentence.
    pub fn said(self) -> Text {
        match self {
            FailureKind::Credentials => Text::new(
                "Zugangsdaten abgelehnt: Token oder Secret sind falsch oder widerrufen; neue beim Kunden anfordern.",
                "Credentials refused: token or secret are wrong or revoked; ask the customer for new ones.",
            ),
            FailureKind::CredentialsMissing => Text::new(
                "Token und Secret fehlen für dieses Konto; beim Kunden anfordern und hinterlegen.",
                "Token and secret of this account are missing; ask the customer and store them.",
            ),
            FailureKind::Permission => Text::new(
                "Dem API-Benutzer fehlt ein Recht in onOffice; der Kunde muss es freigeben.",
                "The API user lacks a right in onOffice; the customer must grant it.",
            ),
            FailureKind::Clock => Text::new(
                "Die Uhr dieses PCs geht falsch; bitte die Uhrzeit stellen.",
                "This PC's clock is off; please set the time.",
            ),
            FailureKind::Network => Text::new(
                "onOffice nicht erreichbar oder keine Antwort; später erneut prüfen.",
                "onOffice unreachable or no answer; check again later.",
            ),
            FailureKind::TimedOut => Text::new(
                "Die Prüfung dauerte zu lange und wurde abgebrochen; später erneut prüfen.",
                "The check took too long and was stopped; check again later.",
            ),
            FailureKind::Repeated => Text::new(
                "Doppelt in der Kontendatei: geprüft wird nur der erste Eintrag dieses Namens; bitte einen entfernen.",
                "Twice in the accounts file: only the first entry of this name is checked; please remove one.",
            ),
            FailureKind::Other => Text::new(
                "Prüfung fehlgeschlagen; Details in der Diagnose (oo-check diagnose).",
                "Check failed; details in the diagnosis (oo-check diagnose).",
            ),
        }
    }
}

/// Where an account stands, in the order support calls: a failed check first, the finished ones last.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Failed,
    /// An assumption about the account failed: the check is incomplete.
    Incomplete,
    /// Something is new or back since the previous check.
    News,
    /// Something is left for someone.
    Open,
    /// Never checked yet.
    NotChecked,
    /// Nothing left in any part.
    Done,
}

impl Standing {
    pub fn word(self) -> Text {
        match self {
            Standing::Failed => Text::new("Prüfung fehlgeschlagen", "check failed"),
            Standing::Incomplete => Text::new("unvollständig", "incomplete"),
            Standing::News => Text::new("Neues", "news"),
            Standing::Open => Text::new("offen", "open"),
            Standing::NotChecked => Text::new("noch nicht geprüft", "not checked yet"),
            Standing::Done => Text::new("alles erledigt", "all done"),
        }
    }
}

/// One account in the overview.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub name: String,
    /// When it was last checked (UTC, RFC 3339).
    pub checked_at: Option<String>,
    pub standing: Standing,
    pub left: PartCounts,
    pub mailboxes: MailboxCounts,
    /// Answered enquiries in 30 days, only where the account shows the rental agent's replies.
    pub answers: Option<AnswerRate>,
    /// New or back since the previous check; `None`: nothing to compare with.
    pub news: Option<u32>,
    pub failure: Option<FailureKind>,
    /// The row in one sentence: the finish line, or what failed and what to do.
    pub said: Text,
    /// The words of its cells, as every surface shows them.
    pub words: RowWords,
}

/// A row's cells in words: the standing, the mailboxes, the answers ("–" where nothing is known).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowWords {
    pub standing: Text,
    pub mailboxes: Text,
    pub answers: Text,
}

impl AccountRow {
    /// The row of a check that worked; `news`: new or back since the previous check, when one was compared.
    pub fn checked(name: &str, report: &AuditReport, at: &str, news: Option<u32>) -> AccountRow {
        let left = PartCounts::of(&report.left);
        let standing = match (report.complete, news, left.total()) {
            (false, ..) => Standing::Incomplete,
            (_, Some(n), _) if n > 0 => Standing::News,
            (_, _, 0) => Standing::Done,
            _ => Standing::Open,
        };
        let answers = match &report.answers {
            AnswersSeen::Shown { rate } => Some(rate.clone()),
            _ => None,
        };
        AccountRow {
            name: name.to_string(),
            checked_at: Some(at.to_string()),
            standing,
            left,
            mailboxes: MailboxCounts::of(report),
            answers,
            news,
            failure: None,
            said: report.left.summary(),
            words: RowWords::default(),
        }
        .worded()
    }

    /// The row of a check that failed.
    pub fn failed(name: &str, kind: FailureKind, at: &str) -> AccountRow {
        AccountRow {
            name: name.to_string(),
            checked_at: Some(at.to_string()),
            standing: Standing::Failed,
            left: PartCounts::default(),
            mailboxes: MailboxCounts::default(),
            answers: None,
            news: None,
            failure: Some(kind),
            said: kind.said(),
            words: RowWords::default(),
        }
        .worded()
    }

    /// An account not checked yet.
    pub fn not_checked(name: &str) -> AccountRow {
        AccountRow {
            name: name.to_string(),
            checked_at: None,
            standing: Standing::NotChecked,
            left: PartCounts::default(),
            mailboxes: MailboxCounts::default(),
            answers: None,
            news: None,
            failure: None,
            said: Standing::NotChecked.word(),
            words: RowWords::default(),
        }
        .worded()
    }

    fn worded(mut self) -> Self {
        let known = self.checked_at.is_some() && self.failure.is_none();
        self.words = RowWords {
            standing: self.standing.word(),
            mailboxes: match known {
                true => self.mailboxes.said(),
                false => Text::new("–", "–"),
            },
            answers: self.answers_said(),
        };
        self
    }

    /// "41 von 44 beantwortet" where the account shows replies, else "–".
    pub fn answers_said(&self) -> Text {
        match &self.answers {
            Some(r) => text!(
                "{} von {} beantwortet",
                "{} of {} answered",
                r.answered,
                r.enquiries
            ),
            None => Text::new("–", "–"),
        }
    }
}

/// The accounts in the order support calls them: by standing, then the most left first, then by name.
pub fn sort(rows: &mut [AccountRow]) {
    rows.sort_by(order);
}

/// The order of [`sort`], for lists that carry more than the row.
pub fn order(a: &AccountRow, b: &AccountRow) -> std::cmp::Ordering {
    (a.standing, std::cmp::Reverse(a.left.total()), &a.name).cmp(&(
        b.standing,
        std::cmp::Reverse(b.left.total()),
        &b.name,
    ))
}

/// How many accounts stand where, in one line ("200 Konten: 21 Prüfung fehlgeschlagen, 179 offen").
pub fn headline(rows: &[AccountRow]) -> Text {
    let standings = [
        Standing::Failed,
        Standing::Incomplete,
        Standing::News,
        Standing::Open,
        Standing::NotChecked,
        Standing::Done,
    ];
    let counts: Vec<(usize, Text)> = standings
        .iter()
        .map(|s| (rows.iter().filter(|r| r.standing == *s).count(), s.word()))
        .filter(|(n, _)| *n > 0)
        .collect();
    let join = |de: bool| {
        counts
            .iter()
            .map(|(n, w)| format!("{n} {}", if de { &w.de } else { &w.en }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (de, en) = (join(true), join(false));
    match rows.len() {
        1 => text!("1 Konto: {de}", "1 account: {en}"),
        n => text!("{n} Konten: {de}", "{n} accounts: {en}"),
    }
}

const PART_HEADS: [(Part, &str); 6] = [
    (Part::App, "In der App"),
    (Part::Choice, "Ihre Wahl"),
    (Part::Confirm, "Zu bestätigen"),
    (Part::OnOffice, "In onOffice"),
    (Part::Agent, "Mietagent"),
    (Part::Portals, "Portale"),
];

/// The cells of a row, as both files show them.
fn cells(row: &AccountRow, shown_time: &dyn Fn(&str) -> String) -> Vec<String> {
    let w = &row.words;
    let mut cells = vec![row.name.clone(), w.standing.de.clone(), row.said.de.clone()];
    // A check that failed or never ran knows nothing of what is left: no zeros that read as "nothing to do".
    let known = row.checked_at.is_some() && row.failure.is_none();
    cells.extend(PART_HEADS.iter().map(|(p, _)| match known {
        true => row.left.get(*p).to_string(),
        false => "–".into(),
    }));
    cells.push(w.mailboxes.de.clone());
    cells.push(w.answers.de.clone());
    cells.push(row.news.map_or("–".into(), |n| n.to_string()));
    cells.push(row.checked_at.as_deref().map_or("–".into(), shown_time));
    cells
}

fn heads() -> Vec<&'static str> {
    let mut h = vec!["Konto", "Stand", "Was noch offen ist"];
    h.extend(PART_HEADS.iter().map(|(_, w)| *w));
    h.extend([
        "Postfächer",
        "Antworten",
        "Neu seit letztem Lauf",
        "Geprüft",
    ]);
    h
}

/// The overview as CSV for German Excel (`;`, BOM, formulas defused), sorted rows as given.
pub fn csv(rows: &[AccountRow], shown_time: &dyn Fn(&str) -> String) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| {
        let mut l = cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(";");
        l.push_str("\r\n");
        l
    };
    out.push_str(&line(heads().iter().map(|h| h.to_string()).collect()));
    for row in rows {
        out.push_str(&line(cells(row, shown_time)));
    }
    out
}

/// The overview as a printable HTML page, sorted rows as given.
pub fn html(rows: &[AccountRow], written_at: &str, shown_time: &dyn Fn(&str) -> String) -> String {
    let head: String = heads()
        .iter()
        .map(|h| format!("<th>{}</th>", esc(h)))
        .collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let tds: String = cells(r, shown_time)
                .iter()
                .map(|c| format!("<td>{}</td>", esc(c)))
                .collect();
            let class = format!("{:?}", r.standing).to_lowercase();
            format!("<tr class=\"{class}\">{tds}</tr>")
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Agent-Check – Alle Konten</title>\
<style>body{{font-family:sans-serif;margin:2rem}}table{{border-collapse:collapse;width:100%}}\
td,th{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}}thead{{display:table-header-group}}\
tr{{break-inside:avoid}}tr.failed td:nth-child(2){{font-weight:bold}}@page{{size:A4 landscape;margin:12mm}}\
@media print{{body{{margin:0;font-size:9pt}}}}</style></head>\
<body><h1>Agent-Check für onOffice – Alle Konten</h1><p>Erstellt am: {at}<br><strong>{headline}</strong></p>\
<p>Oben die Konten, die jemanden brauchen: fehlgeschlagene Prüfungen, dann Neues seit dem letzten Lauf, dann \
offene Punkte (die meisten zuerst).</p>\
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>",
        at = esc(written_at),
        headline = esc(&headline(rows).de),
    )
}

#[cfg(test)]
mod tests;
