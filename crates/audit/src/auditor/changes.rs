//! The Auditor's changes to the account: planning fixes, applying them through the write pipeline, the automatic
//! assignment of new listings, undo and reconciliation, and ticking off re-transfers.

use std::collections::BTreeSet;

use super::Auditor;
use crate::{
    fix, history, journal, AuditReport, Finding, FindingKind, FixPlan, ItemResult, PlanChoices,
    ProgressSink, Snapshot, Text,
};

impl Auditor {
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
