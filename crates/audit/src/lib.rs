//! The audit engine: reads an onOffice account through the client, finds every finding kind of docs/product.md,
//! plans and applies fixes safely, and keeps a journal with undo. It knows nothing of Tauri; the app and the
//! `oo-check` tool both use it. It never writes without a plan the caller has seen.

pub mod accounts;
pub mod answers;
mod auditor;
pub mod checks;
pub mod diagnose;
pub mod evidence;
pub mod explain;
pub mod finding;
pub mod fix;
pub mod fleet;
pub mod history;
pub mod journal;
pub mod left;
pub mod mailbox;
pub mod progress;
pub mod report;
pub mod schedule;
pub mod settings;
pub mod snapshot;
pub mod subject;
pub mod text;
pub mod transfers;
pub mod watch;

use serde::{Deserialize, Serialize};

pub use auditor::{affected_estates, Auditor};
pub use checks::{Check, CheckName, CheckState, Light, ListingRow, SystemUserRow};
pub use diagnose::{Assumption, AssumptionId, AssumptionState, Diagnosis};
pub use finding::{Finding, FindingKind, Resolution, Severity, SupportMail};
pub use fix::{FixPlan, ItemResult, Outcome, PlanChoices, PlannedChange};
pub use journal::Journal;
pub use mailbox::{MailboxClassifier, MailboxKind};
pub use progress::{Progress, ProgressSink};
pub use report::ReportFormat;
pub use settings::{MemorySettings, Settings};
pub use snapshot::{MaklerKey, Snapshot};
pub use subject::Subject;
pub use text::Text;

/// Figures of one audit run.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditStats {
    pub elapsed_ms: u64,
    pub requests: u64,
    pub actions: u64,
    pub users: usize,
    pub system_addresses: usize,
    pub rentals: usize,
    /// Mailboxes whose kind could not be checked (DNS did not answer): shown as such, never as fine.
    pub mailboxes_not_checked: usize,
}

/// One mailbox (default e-mail of a system user address) and what the audit knows of it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxRow {
    pub email: String,
    pub kind: MailboxKind,
    pub addresses: Vec<u64>,
    pub names: Vec<String>,
    /// When the person confirmed the blue tick, if ever.
    pub confirmed: Option<String>,
    /// What the Maklerbuch says of its mail booking.
    pub evidence: evidence::BookingEvidence,
    /// The one verdict the screens show for it (evidence and the person's tick together).
    pub verdict: MailboxVerdict,
    /// Whether its enquiries are answered; only where the account shows replies.
    #[serde(default)]
    pub answers: Option<MailboxAnswers>,
}

/// How a mailbox's booked enquiries are answered, in the words its card and its checklist cell say.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxAnswers {
    pub rate: answers::AnswerRate,
    /// A sign: every listing of it goes unanswered, or some of its listings do.
    pub sign: bool,
    pub said: Text,
}

/// The one verdict on a mailbox's mail booking, from the Maklerbuch's evidence and the person's tick together: what
/// its card says, and nothing besides.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum MailboxVerdict {
    /// Booked enquiries show the tick is set.
    Booked,
    /// An external mailbox: mail booking is impossible there.
    External,
    /// The person confirmed the tick (on `date`, "YYYY-MM-DD") and nothing speaks against it.
    Confirmed { date: String },
    /// The person confirmed the tick against the sign; trusted until `until` ("YYYY-MM-DD"): if still no enquiry is
    /// booked by then, the sign returns.
    ConfirmedDespiteSign { date: String, until: String },
    /// A sign ("Anzeichen") that enquiries are not booked; `confirmed`: a tick older than the trust period.
    Sign { confirmed: Option<String> },
    /// Nothing shows it either way: the person confirms the tick.
    ToConfirm,
}

impl MailboxVerdict {
    /// The verdict from the mailbox's kind, evidence, the person's tick and whether that tick is still trusted.
    pub fn of(
        kind: &MailboxKind,
        evidence: &evidence::BookingEvidence,
        confirmed: Option<&str>,
        fresh: bool,
    ) -> MailboxVerdict {
        use evidence::BookingEvidence as E;
        match (kind, evidence, confirmed) {
            (MailboxKind::External { .. }, _, _) => MailboxVerdict::External,
            (_, E::Booked { .. }, _) => MailboxVerdict::Booked,
            (_, E::Silent { .. }, Some(date)) if fresh => MailboxVerdict::ConfirmedDespiteSign {
                date: date.to_string(),
                until: checks::tick_trusted_until(date).unwrap_or_default(),
            },
            (_, E::Silent { .. }, tick) => MailboxVerdict::Sign {
                confirmed: tick.map(str::to_string),
            },
            (_, _, Some(date)) => MailboxVerdict::Confirmed {
                date: date.to_string(),
            },
            (_, _, None) => MailboxVerdict::ToConfirm,
        }
    }
}

/// What an audit found.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditReport {
    pub findings: Vec<Finding>,
    pub users: Vec<SystemUserRow>,
    /// The checks of a system user, in the order the checklist shows them as columns.
    pub user_checks: Vec<CheckName>,
    pub listings: Vec<ListingRow>,
    pub mailboxes: Vec<MailboxRow>,
    pub makler: MaklerKey,
    pub stats: AuditStats,
    /// The compatibility check behind this report.
    pub assumptions: Vec<Assumption>,
    /// False when an assumption of the audit failed: the checklist must not be shown as if it were complete.
    pub complete: bool,
    /// Where this account's Maklerbuch logs portal transfers (kind labels), when listings wait for a re-transfer:
    /// the app then takes them off by itself. Empty: the person ticks them off.
    #[serde(default)]
    pub transfer_kinds: Vec<String>,
    /// What is left, by who acts next: the numbers every surface shows.
    #[serde(default)]
    pub left: left::Left,
    /// Whether this account's Maklerbuch shows the rental agent's replies, with the account's rate.
    #[serde(default)]
    pub answers: answers::AnswersSeen,
    /// The one plain sentence when answers cannot be judged here; `None` when they can.
    #[serde(default)]
    pub answers_note: Option<Text>,
    /// The data behind it, for planning fixes; not sent to the UI.
    #[serde(skip)]
    pub snapshot: Snapshot,
}

impl AuditReport {
    pub fn findings_of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

#[cfg(test)]
mod verdict_tests {
    use super::*;
    use evidence::{BookingEvidence as E, NoEvidence};

    #[test]
    fn one_verdict_from_evidence_and_tick() {
        let ms = MailboxKind::Microsoft365;
        let silent = E::Silent {
            listings: 1,
            days: 40,
        };
        let none = E::Unknown {
            why: NoEvidence::OnlyNew,
        };
        let booked = E::Booked {
            count: 3,
            last: "2026-12-01".into(),
        };
        let external = MailboxKind::External {
            provider: "GMX".into(),
        };
        assert_eq!(
            MailboxVerdict::of(&external, &booked, None, false),
            MailboxVerdict::External
        );
        assert_eq!(
            MailboxVerdict::of(&ms, &booked, Some("2026-12-01"), true),
            MailboxVerdict::Booked
        );
        assert_eq!(
            MailboxVerdict::of(&ms, &silent, Some("2026-12-01"), true),
            MailboxVerdict::ConfirmedDespiteSign {
                date: "2026-12-01".into(),
                until: "2026-12-14".into()
            }
        );
        // A tick older than the trust period: the sign, naming the tick.
        assert_eq!(
            MailboxVerdict::of(&ms, &silent, Some("2026-11-01"), false),
            MailboxVerdict::Sign {
                confirmed: Some("2026-11-01".into())
            }
        );
        assert_eq!(
            MailboxVerdict::of(&ms, &silent, None, false),
            MailboxVerdict::Sign { confirmed: None }
        );
        assert_eq!(
            MailboxVerdict::of(&ms, &none, Some("2026-11-01"), false),
            MailboxVerdict::Confirmed {
                date: "2026-11-01".into()
            }
        );
        assert_eq!(
            MailboxVerdict::of(&ms, &none, None, false),
            MailboxVerdict::ToConfirm
        );
    }
}
