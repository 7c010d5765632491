//! The audit engine: reads an onOffice account through the client, finds every finding kind of docs/product.md,
//! plans and applies fixes safely, and keeps a journal with undo. It knows nothing of Tauri; the app and the
//! `oo-check` tool both use it. It never writes without a plan the caller has seen.

pub mod accounts;
pub mod answers;
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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use onoffice::Client;
use serde::{Deserialize, Serialize};

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

/// A mailbox's answers as its card says them; `None` where the account does not show replies.
fn mailbox_answers(email: &str, answers: &answers::Answers) -> Option<MailboxAnswers> {
    if !answers.seen.shown() {
        return None;
    }
    let key = email.trim().to_lowercase();
    let (sign, said) = checks::wording::mailbox_answers_said(answers, &key);
    Some(MailboxAnswers {
        rate: answers.per_mailbox.get(&key).cloned().unwrap_or_default(),
        sign,
        said,
    })
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

/// One connection's audit engine.
pub struct Auditor {
    pub client: Client,
    pub classifier: Arc<MailboxClassifier>,
    pub settings: Arc<dyn Settings>,
    pub journal: Arc<Journal>,
    /// The latest compatibility check; the first audit runs one alongside its reads.
    diagnosis: std::sync::Mutex<Option<Diagnosis>>,
}

impl Auditor {
    pub fn new(
        client: Client,
        classifier: Arc<MailboxClassifier>,
        settings: Arc<dyn Settings>,
        journal: Arc<Journal>,
    ) -> Self {
        Auditor {
            client,
            classifier,
            settings,
            journal,
            diagnosis: std::sync::Mutex::new(None),
        }
    }

    /// Runs the compatibility check now (read-only) and keeps it for the next reports.
    pub async fn diagnose(&self) -> Diagnosis {
        let d = diagnose::run(&self.client, self.settings.as_ref()).await;
        *self.diagnosis.lock().unwrap() = Some(d.clone());
        d
    }

    /// The latest compatibility check, if one ran.
    pub fn last_diagnosis(&self) -> Option<Diagnosis> {
        self.diagnosis.lock().unwrap().clone()
    }

    /// Runs every check. Cancel it by dropping the future.
    pub async fn audit(&self, progress: &ProgressSink) -> onoffice::Result<AuditReport> {
        let started = Instant::now();
        let (req0, act0) = self.client.counters();
        let waiting = self.journal.pending_transfers_since();
        let read = snapshot::read(
            &self.client,
            &self.classifier,
            self.settings.as_ref(),
            progress,
            &waiting,
        );
        // Before the first audit of an account, check every assumption it makes, alongside its reads.
        let snapshot = if self.last_diagnosis().is_none() {
            let (diagnosis, snapshot) =
                tokio::join!(diagnose::run(&self.client, self.settings.as_ref()), read);
            *self.diagnosis.lock().unwrap() = Some(diagnosis);
            snapshot?
        } else {
            read.await?
        };
        self.take_off_transferred(&snapshot, &waiting);
        progress.report(Progress::step(
            5,
            Text::new("Werte die Prüfungen aus …", "Evaluating the checks …"),
        ));
        let report = self.evaluate(snapshot);
        let (req1, act1) = self.client.counters();
        let mut report = report;
        report.stats.elapsed_ms = started.elapsed().as_millis() as u64;
        report.stats.requests = req1 - req0;
        report.stats.actions = act1 - act0;
        Ok(report)
    }

    /// Listings whose re-transfer the Maklerbuch shows (a transfer newer than our change) are taken off in the
    /// journal, marked as the app's doing. Should the journal not take it, `evaluate` still leaves them out.
    fn take_off_transferred(&self, snapshot: &Snapshot, waiting: &BTreeMap<u64, String>) {
        let Some(transfers) = &snapshot.transfers else {
            return;
        };
        for (estate, transferred_at) in transfers.seen_after(waiting) {
            let label = snapshot
                .rentals
                .get(&estate)
                .map(|r| checks::wording::listing_label(&r.title, &r.external_no))
                .unwrap_or_else(|| format!("Objekt {estate}"));
            let _ = self.journal.append(
                &label,
                vec![],
                journal::Event::TransferSeen {
                    estate,
                    transferred_at,
                },
            );
        }
    }

    /// Evaluates a snapshot against the current settings and journal (no I/O).
    pub fn evaluate(&self, mut snapshot: Snapshot) -> AuditReport {
        snapshot.contact_changed = self.journal.contact_changes();
        let waiting = self.journal.pending_transfers_since();
        let seen = snapshot
            .transfers
            .as_ref()
            .map(|t| t.seen_after(&waiting))
            .unwrap_or_default();
        let pending: BTreeSet<u64> = waiting
            .keys()
            .filter(|e| !seen.contains_key(e))
            .copied()
            .collect();
        let answers = snapshot.answers();
        let mut eval = checks::evaluate_with(&snapshot, self.settings.as_ref(), &pending, &answers);
        let diagnosis = self.last_diagnosis();
        if let Some(d) = &diagnosis {
            let mut findings = d.findings();
            findings.append(&mut eval.findings);
            eval.findings = findings;
        }
        let evidence = snapshot.booking_evidence();
        let mut mailboxes: BTreeMap<String, MailboxRow> = BTreeMap::new();
        for row in eval.users.iter().filter(|r| r.user_nr.is_some()) {
            if let (Some(email), Some(address)) = (&row.email, row.address_id) {
                let key = email.trim().to_lowercase();
                let entry = mailboxes
                    .entry(key.clone())
                    .or_insert_with(|| self.mailbox_row(&snapshot, email, &evidence, &answers));
                entry.addresses.push(address);
                entry.names.push(row.name.clone());
            }
        }
        let mailboxes: Vec<MailboxRow> = mailboxes.into_values().collect();
        let mut report = AuditReport {
            stats: AuditStats {
                users: snapshot.users.len(),
                system_addresses: snapshot.system_addresses.len(),
                rentals: snapshot.rentals.len(),
                mailboxes_not_checked: mailboxes
                    .iter()
                    .filter(|m| matches!(m.kind, MailboxKind::CouldNotCheck { .. }))
                    .count(),
                ..AuditStats::default()
            },
            complete: diagnosis.as_ref().is_none_or(Diagnosis::all_hold),
            transfer_kinds: snapshot
                .transfers
                .as_ref()
                .map(|t| t.kinds.iter().map(|k| k.label.clone()).collect())
                .unwrap_or_default(),
            assumptions: diagnosis.map(|d| d.assumptions).unwrap_or_default(),
            findings: eval.findings,
            users: eval.users,
            user_checks: CheckName::columns(answers.seen.shown()),
            answers_note: answers.seen.sentence(),
            answers: answers.seen.clone(),
            listings: eval.listings,
            mailboxes,
            makler: snapshot.makler.clone().unwrap_or(MaklerKey::Missing {
                candidates: Vec::new(),
            }),
            snapshot,
            left: left::Left::default(),
        };
        report.left = left::of(&report);
        report
    }

    /// A mailbox as the report lists it, with its one verdict.
    fn mailbox_row(
        &self,
        snapshot: &Snapshot,
        email: &str,
        evidence: &BTreeMap<String, evidence::BookingEvidence>,
        answers: &answers::Answers,
    ) -> MailboxRow {
        let kind = snapshot
            .mailbox_of(email)
            .cloned()
            .unwrap_or(MailboxKind::CouldNotCheck {
                reason: String::new(),
            });
        let evidence = evidence
            .get(&email.trim().to_lowercase())
            .cloned()
            .unwrap_or(evidence::BookingEvidence::Unknown {
                why: evidence::NoEvidence::NotRead,
            });
        let confirmed = self.settings.mail_booking_confirmed(email);
        let fresh = confirmed
            .as_deref()
            .is_some_and(|d| checks::tick_is_fresh(d, snapshot.read_at()));
        MailboxRow {
            email: email.to_string(),
            verdict: MailboxVerdict::of(&kind, &evidence, confirmed.as_deref(), fresh),
            kind,
            addresses: Vec::new(),
            names: Vec::new(),
            confirmed,
            evidence,
            answers: mailbox_answers(email, answers),
        }
    }

    /// One listing's whole chain (`explain`): from the report, plus its last portal transfer read now.
    pub async fn explain(&self, report: &AuditReport, estate: u64) -> Option<explain::Chain> {
        report.snapshot.rentals.get(&estate)?;
        let last = transfers::last_of(&self.client, estate, jiff::Timestamp::now()).await;
        explain::chain(report, estate, &last)
    }

    /// Plans fixes for the findings `select` picks (fixable kinds only).
    pub fn plan(
        &self,
        report: &AuditReport,
        select: impl Fn(&Finding) -> bool,
        choices: &PlanChoices,
    ) -> FixPlan {
        let picked: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.kind.is_fixable() && select(f))
            .collect();
        fix::plan(&report.snapshot, &picked, choices)
    }

    /// Applies the selected items of a plan through the write pipeline (intent first, bulk re-read, merge and
    /// write, bulk read-back); an item whose prerequisite did not go through is skipped.
    pub async fn apply(
        &self,
        report: &AuditReport,
        plan: &FixPlan,
        selected: &BTreeSet<usize>,
    ) -> Vec<ItemResult> {
        self.apply_with(report, plan, selected, &ProgressSink::default(), None)
            .await
    }

    /// [`Auditor::apply`] with progress per round and a cancel flag that takes effect between rounds.
    pub async fn apply_with(
        &self,
        report: &AuditReport,
        plan: &FixPlan,
        selected: &BTreeSet<usize>,
        progress: &ProgressSink,
        cancel: Option<&std::sync::atomic::AtomicBool>,
    ) -> Vec<ItemResult> {
        let work = plan
            .items
            .iter()
            .filter(|i| selected.contains(&i.id))
            .map(|i| fix::fix_work(i, affected_estates(&report.snapshot, &i.op)))
            .collect();
        fix::Pipeline {
            client: &self.client,
            journal: &self.journal,
            progress,
            cancel,
        }
        .run(work)
        .await
    }

    /// The standing rule "Neue Vermietungsobjekte ohne Ansprechpartner automatisch ihrem Betreuer zuordnen": for the
    /// `new` findings of kind `estate.no_contact` only, the listing's Betreuer becomes its contact person where the
    /// Betreuer is ready (a listing whose Betreuer is not waits for the person). It only creates the missing link,
    /// through the same pipeline and journal as every fix; the journal's label marks it as automatic.
    pub async fn assign_new_listings(
        &self,
        report: &AuditReport,
        new: &BTreeSet<history::FindingRef>,
    ) -> Vec<ItemResult> {
        let plan = self.plan(
            report,
            |f| {
                f.kind == FindingKind::NoContact
                    && new.contains(&history::FindingRef {
                        kind: f.kind,
                        subject: f.subject,
                    })
            },
            &PlanChoices::default(),
        );
        let work: Vec<_> = plan
            .items
            .iter()
            .filter(|i| matches!(i.op, fix::Op::SetFirstContact { .. }))
            .map(|i| {
                let mut w = fix::fix_work(i, affected_estates(&report.snapshot, &i.op));
                w.label.push_str(history::AUTOMATIC_MARK);
                w
            })
            .collect();
        if work.is_empty() {
            return Vec::new();
        }
        fix::Pipeline {
            client: &self.client,
            journal: &self.journal,
            progress: &ProgressSink::default(),
            cancel: None,
        }
        .run(work)
        .await
    }

    /// Applies the selected items, then audits again so the touched records (and everything that depends on them,
    /// such as the listings of a fixed contact person) show their new state.
    pub async fn apply_and_recheck(
        &self,
        report: &AuditReport,
        plan: &FixPlan,
        selected: &BTreeSet<usize>,
        progress: &ProgressSink,
    ) -> (Vec<ItemResult>, onoffice::Result<AuditReport>) {
        let results = self
            .apply_with(report, plan, selected, progress, None)
            .await;
        let fresh = self.audit(progress).await;
        (results, fresh)
    }

    /// Reverts the newest applied change that is not undone yet.
    pub async fn undo_last(&self) -> Option<ItemResult> {
        let entry = self.journal.undoable().into_iter().next()?;
        Some(self.undo(&entry).await)
    }

    /// Reverts one applied change of the journal (intent first, then re-read, write, read back). An entry of
    /// another account is refused.
    pub async fn undo(&self, entry: &journal::Entry) -> ItemResult {
        self.undo_with(entry, false).await
    }

    /// [`Auditor::undo`]; with `force` after the person saw that a colleague changed the record since the fix and
    /// still wants it undone.
    pub async fn undo_with(&self, entry: &journal::Entry, force: bool) -> ItemResult {
        let mut results = self
            .undo_entries(
                std::slice::from_ref(entry),
                force,
                &ProgressSink::default(),
                None,
            )
            .await;
        results.remove(0)
    }

    /// Reverts every applied change of this account that is not undone yet, newest first, through the pipeline.
    pub async fn undo_all(&self, progress: &ProgressSink) -> Vec<ItemResult> {
        let entries = self.journal.undoable();
        self.undo_entries(&entries, false, progress, None).await
    }

    /// Reverts the entries (newest first) in batches through the write pipeline.
    pub async fn undo_entries(
        &self,
        entries: &[journal::Entry],
        force: bool,
        progress: &ProgressSink,
        cancel: Option<&std::sync::atomic::AtomicBool>,
    ) -> Vec<ItemResult> {
        fix::undo::undo(
            &self.client,
            &self.journal,
            entries,
            force,
            progress,
            cancel,
        )
        .await
    }

    /// Checks the changes an interrupted run announced but never confirmed, against what onOffice holds now, and
    /// records the outcome. Returns what it found, for the person.
    pub async fn reconcile(&self) -> Vec<Text> {
        fix::reconcile::reconcile(&self.client, &self.journal).await
    }

    /// Ticks a listing off as re-transferred to the portals.
    pub fn confirm_transfer(&self, estate: u64, label: &str) -> Result<(), journal::JournalError> {
        self.journal
            .append(label, vec![], journal::Event::TransferDone { estate })
            .map(|_| ())
    }
}

/// Listings that must be re-transferred if this change goes through: the listing itself for a contact person
/// change; for a new default e-mail, every rental whose portal contact (first broker) is the address; for the Makler
/// key, every rental where the address then becomes the first broker (it is on the listing with no broker in front).
pub fn affected_estates(snapshot: &Snapshot, op: &fix::Op) -> Vec<u64> {
    match op {
        fix::Op::SetFirstContact { estate, .. } => vec![*estate],
        fix::Op::AddDefaultEmail { address, .. } => snapshot
            .rentals
            .keys()
            .filter(|e| snapshot.portal_contact(**e) == Some(*address))
            .copied()
            .collect(),
        fix::Op::AddContactType { address, .. } => snapshot
            .rentals
            .keys()
            .filter(|e| {
                let all = snapshot.contacts.get(e).map(Vec::as_slice).unwrap_or(&[]);
                let brokers = snapshot.brokers.get(e).map(Vec::as_slice).unwrap_or(&[]);
                match all.iter().position(|c| c == address) {
                    Some(pos) => !all[..pos].iter().any(|c| brokers.contains(c)),
                    None => false,
                }
            })
            .copied()
            .collect(),
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
