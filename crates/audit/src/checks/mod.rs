//! The checks of docs/product.md as a pure function of a snapshot: findings with evidence and resolution, plus one
//! checklist row per system user and per rental listing. No I/O here, so every rule is easy to test. The rules live
//! per subject (`account`, `system_user`, `listing`); everything they say to the person in `wording`. A new check
//! goes into the module of its subject, its words into `wording`, its finding kind into `finding.rs`.

mod account;
mod listing;
mod system_user;
#[cfg(test)]
mod tests;
pub mod wording;

pub use system_user::{tick_is_fresh, tick_trusted_until};
pub use wording::quota_mail;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::finding::{Finding, FindingKind};
use crate::mailbox::MailboxKind;
use crate::settings::Settings;
use crate::snapshot::{MaklerKey, Snapshot};
use crate::subject::Subject;
use crate::text::Text;

/// Traffic light of a checklist row. One rule, from the row's cells ([`Light::of`]): red when a cell shows a proven
/// problem, yellow when none does but a cell shows a sign, waits for a confirmation or could not be checked, green
/// when every cell is fine.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    /// The light of a row with these cells.
    pub fn of(checks: &[Check]) -> Light {
        if checks.iter().any(|c| c.state == CheckState::Problem) {
            Light::Red
        } else if checks.iter().all(|c| c.state == CheckState::Ok) {
            Light::Green
        } else {
            Light::Yellow
        }
    }
}

/// State of one of the five checks of a system user.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Ok,
    Problem,
    /// Could not be checked (DNS failure, unknown Makler key, ...).
    Unknown,
    /// Only a person can confirm it.
    Manual,
    /// A sign ("Anzeichen") from the Maklerbuch that something is wrong, not a proof.
    Sign,
}

/// The five checks of a system user, in the checklist's column order.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckName {
    /// The user is linked to a system user address.
    Linked,
    /// The address carries the Makler key.
    Makler,
    /// It has a default e-mail address.
    Email,
    /// That mailbox is one mail booking works with (Microsoft 365 or onOffice).
    Mailbox,
    /// The person confirmed the blue tick for automatic mail booking.
    Booking,
    /// Booked enquiries to the mailbox get a reply (only where the account shows replies).
    Answers,
}

impl CheckName {
    pub const ALL: [CheckName; 6] = [
        CheckName::Linked,
        CheckName::Makler,
        CheckName::Email,
        CheckName::Mailbox,
        CheckName::Booking,
        CheckName::Answers,
    ];

    /// The columns of a checklist: the answers only where the account shows replies.
    pub fn columns(answers_shown: bool) -> Vec<CheckName> {
        CheckName::ALL
            .into_iter()
            .filter(|c| answers_shown || *c != CheckName::Answers)
            .collect()
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: CheckName,
    pub state: CheckState,
    pub detail: Text,
}

/// One row of the system user checklist.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemUserRow {
    pub name: String,
    pub user_nr: Option<u64>,
    pub address_id: Option<u64>,
    pub email: Option<String>,
    pub mailbox: Option<MailboxKind>,
    pub light: Light,
    pub checks: Vec<Check>,
    pub findings: Vec<FindingKind>,
}

/// One rental listing with a contact person problem (or a pending transfer).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingRow {
    pub estate_id: u64,
    pub title: String,
    pub external_no: String,
    pub city: String,
    pub officer: Option<String>,
    /// The first broker: the contact person the portals get.
    pub first_contact: Option<String>,
    /// Its address, to go to that system user from the listing.
    pub first_contact_id: Option<u64>,
    /// Contact persons in front of the first broker (or all, without one) that are no brokers: the portals skip them.
    pub skipped_contacts: Vec<String>,
    pub findings: Vec<FindingKind>,
    /// When the Maklerbuch last showed a portal transfer of it (UTC, RFC 3339); only read for listings waiting for
    /// a re-transfer, in accounts whose Maklerbuch shows transfers.
    #[serde(default)]
    pub last_transfer: Option<String>,
}

/// The result of evaluating a snapshot.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub users: Vec<SystemUserRow>,
    pub listings: Vec<ListingRow>,
}

/// A finding about `subject` (named `label`), worded by `wording`.
fn finding(kind: FindingKind, subject: Subject, label: &str, said: wording::Said) -> Finding {
    Finding {
        kind,
        subject,
        subject_label: label.to_string(),
        severity: kind.severity(),
        title: kind.title(),
        seen: said.seen,
        expected: said.expected,
        resolution: said.resolution,
    }
}

/// Records a finding about a checklist row: in the row's kinds and in the checklist's findings.
fn raise(
    kinds: &mut Vec<FindingKind>,
    out: &mut Evaluation,
    kind: FindingKind,
    subject: Subject,
    label: &str,
    said: wording::Said,
) {
    kinds.push(kind);
    out.findings.push(finding(kind, subject, label, said));
}

/// Evaluates every check. `pending_transfers` are the listings a fix touched that the person has not ticked off.
pub fn evaluate(
    snapshot: &Snapshot,
    settings: &dyn Settings,
    pending_transfers: &BTreeSet<u64>,
) -> Evaluation {
    evaluate_with(snapshot, settings, pending_transfers, &snapshot.answers())
}

/// `evaluate` with the answers already judged (`Snapshot::answers`).
pub fn evaluate_with(
    snapshot: &Snapshot,
    settings: &dyn Settings,
    pending_transfers: &BTreeSet<u64>,
    answers: &Answers,
) -> Evaluation {
    let mut out = Evaluation::default();
    let makler = snapshot.makler.clone().unwrap_or(MaklerKey::Missing {
        candidates: Vec::new(),
    });
    let makler_key = makler.key().map(str::to_owned);
    let makler_label = makler.label().unwrap_or("Makler").to_string();
    account::makler_key(&makler, &mut out);
    let users = system_user::evaluate(
        snapshot,
        settings,
        (&makler_key, &makler_label),
        answers,
        &mut out,
    );
    listing::evaluate(snapshot, &users, &makler_label, pending_transfers, &mut out);
    listing::unanswered(snapshot, answers, &mut out);
    listing::transfers_pending(snapshot, pending_transfers, &mut out);
    out.findings
        .sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
    out
}
