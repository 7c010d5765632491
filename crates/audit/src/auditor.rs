//! One connection's audit engine: the compatibility check, the audit's reads and their evaluation into a report,
//! and a listing's whole chain. Its fixes and undo are in `changes`.

mod changes;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use onoffice::Client;
use onoffice_protocol::lock::Unpoisoned;

pub use changes::affected_estates;

use crate::{
    answers, checks, diagnose, evidence, explain, journal, left, snapshot, transfers, AuditReport,
    AuditStats, CheckName, Diagnosis, Journal, MailboxAnswers, MailboxClassifier, MailboxKind,
    MailboxRow, MailboxVerdict, MaklerKey, Progress, ProgressSink, Settings, Snapshot, Text,
};

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
        *self.diagnosis.write_guard() = Some(d.clone());
        d
    }

    /// The latest compatibility check, if one ran.
    pub fn last_diagnosis(&self) -> Option<Diagnosis> {
        self.diagnosis.read_guard().clone()
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
            *self.diagnosis.write_guard() = Some(diagnosis);
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
