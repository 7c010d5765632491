//! Undo: journal entries turned back into work for the same pipeline as the fixes (intent first, batched re-read,
//! merge and write, read-back). Each record must still hold what the fix left; a colleague's newer change is never
//! overridden unless the person saw both values and insists. Only what the fix changed is written back.

use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;

use onoffice::Client;

use super::contact_persons::RestoreOrder;
use super::contact_type::RemoveKey;
use super::default_email::DeleteAdded;
use super::pipeline::{Pipeline, Work, WorkOp};
use super::{ItemResult, Outcome};
use crate::journal::{Change, Entry, Event, Journal};
use crate::progress::ProgressSink;
use crate::subject::Subject;
use crate::text;
use crate::text::Text;

/// The undo of one applied entry, or why it cannot be undone here.
fn undo_work(journal: &Journal, entry: &Entry, force: bool) -> Result<Work, Text> {
    if !journal.is_ours(entry) {
        return Err(Text::new(
            "Dieser Eintrag gehört zu einem anderen onOffice-Konto und wird hier nicht rückgängig gemacht.",
            "This entry belongs to another onOffice account and is not undone here.",
        ));
    }
    let Event::Applied { change, .. } = &entry.event else {
        return Err(Text::new(
            "Nur angewendete Änderungen lassen sich rückgängig machen.",
            "Only applied changes can be undone.",
        ));
    };
    let op = match change.clone() {
        Change::ContactType {
            address,
            key,
            after,
            ..
        } => WorkOp::Address(Box::new(RemoveKey {
            address,
            key,
            left: after,
            force,
        })),
        Change::DefaultEmail {
            existed: true,
            email,
            ..
        } => {
            return Err(text!(
                "{email} stand schon vor der Korrektur in der Adresse und wird nicht gelöscht. Die Markierung als Standard bei Bedarf in onOffice ändern.",
                "{email} was in the address before the fix and is not deleted. Change the default mark in onOffice if needed."
            ))
        }
        Change::DefaultEmail { address, email, .. } => WorkOp::Address(Box::new(DeleteAdded {
            address,
            email,
            force,
        })),
        Change::ContactPersons {
            estate,
            address,
            before,
            after,
        } => WorkOp::Listing(Box::new(RestoreOrder {
            estate,
            address,
            before,
            after,
            force,
        })),
    };
    Ok(Work {
        id: entry.seq as usize,
        subject: change.subject(),
        label: entry.label.clone(),
        affected: entry.affected_estates.clone(),
        intent: Event::UndoIntent {
            of: entry.seq,
            change: change.clone(),
        },
        requires: None,
        op,
    })
}

fn subject(entry: &Entry) -> Subject {
    match &entry.event {
        Event::Applied { change, .. }
        | Event::Undone { change, .. }
        | Event::Intent { change }
        | Event::UndoIntent { change, .. } => change.subject(),
        Event::TransferDone { estate } | Event::TransferSeen { estate, .. } => {
            Subject::Estate(*estate)
        }
        Event::NotApplied { .. } | Event::Unknown { .. } => Subject::Account,
    }
}

/// Undoes the entries, newest first as given, through the pipeline. Entries about the same record go in separate
/// passes, newest first, so each pass sees what the one before left. `force`: the person saw that a colleague
/// changed the record since the fix and still wants it undone.
pub async fn undo(
    client: &Client,
    journal: &Journal,
    entries: &[Entry],
    force: bool,
    progress: &ProgressSink,
    cancel: Option<&AtomicBool>,
) -> Vec<ItemResult> {
    let mut results: Vec<ItemResult> = Vec::new();
    let mut waiting: Vec<Work> = Vec::new();
    for entry in entries {
        match undo_work(journal, entry, force) {
            Ok(w) => waiting.push(w),
            Err(message) => results.push(ItemResult {
                id: entry.seq as usize,
                subject: subject(entry),
                label: entry.label.clone(),
                outcome: Outcome::Skipped,
                message,
                journal_seq: None,
            }),
        }
    }
    while !waiting.is_empty() {
        let mut records = BTreeSet::new();
        let (pass, later): (Vec<Work>, Vec<Work>) =
            waiting.into_iter().partition(|w| records.insert(w.subject));
        waiting = later;
        let pipeline = Pipeline {
            client,
            journal,
            progress,
            cancel,
        };
        results.extend(pipeline.run(pass).await);
    }
    // In the order asked.
    let order: Vec<usize> = entries.iter().map(|e| e.seq as usize).collect();
    results.sort_by_key(|r| order.iter().position(|id| *id == r.id));
    results
}
