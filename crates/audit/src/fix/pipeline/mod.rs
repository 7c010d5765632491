//! The one write pipeline every fix and every undo goes through, over the whole batch in rounds instead of item by
//! item. It knows rounds, the journal and onOffice's requests; what a change means is up to its operation
//! ([`AddressOp`] for fields of an address, [`ListingOp`] for the contact persons of a listing).
//!
//! (1) Every item's intent is appended to the journal and flushed before anything is sent; if the journal cannot be
//! written, nothing is written to onOffice. (2) The touched addresses are re-read in waves of one request round,
//! each wave (3) merged per record and written right away, then (4) read back in bulk together with the contact
//! persons of the listings to change. (5) Missing contact persons are linked first, (6) read back, (7) only then are
//! the links the operation names removed, (8) links to reorder are moved, and the listings are read back. Each
//! item's outcome is decided by what the read-back shows, never by the write's answer alone, and is appended to the
//! journal. Cancel takes effect between rounds. A listing never loses its broker: links are created before any is
//! removed.

mod addresses;
mod listings;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use onoffice::api::{actions, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL};
use onoffice::{Action, AddressChanges, Batch, Client, ErrorClass, Record, RelationSide};

use super::outcome::{failed, readback_lost, End, ItemResult, Outcome};
use crate::journal::{Event, Journal};
use crate::progress::{Progress, ProgressSink};
use crate::snapshot::CONTACT_TYPE_FIELD;
use crate::subject::Subject;
use crate::text::Text;

/// Steps the pipeline reports as progress.
pub const FIX_STEPS: u8 = 6;

/// Fields a re-read of an address needs for every address operation.
const ADDRESS_READ: &[&str] = &[CONTACT_TYPE_FIELD, "defaultemail", "Email", "email"];

/// What this run will write to one address: merged from every item that touches it.
#[derive(Debug, Default)]
pub struct Draft {
    /// The whole contact type list to write: every key the record holds now, with this run's keys added or removed.
    pub contact_types: Option<Vec<String>>,
    /// The e-mail change (one per write).
    pub email: Option<AddressChanges>,
}

impl Draft {
    fn changes(&self) -> AddressChanges {
        let mut c = self.email.clone().unwrap_or_default();
        if let Some(keys) = &self.contact_types {
            c = c.multiselect(CONTACT_TYPE_FIELD, keys);
        }
        c
    }
}

/// A change to fields of one address.
pub trait AddressOp: Send + Sync {
    fn address(&self) -> u64;
    /// Checks the record as re-read right before the write and merges this item's change into the record's draft;
    /// `Err` ends the item here (nothing of it is written).
    fn merge(&self, seen: &Record, draft: &mut Draft) -> Result<(), End>;
    /// Decides the item from the read-back. `write` is the write's answer (`None`: nothing was sent for the record).
    fn judge(
        &self,
        seen: &Record,
        draft: &Draft,
        back: &Record,
        write: Option<&onoffice::Result<()>>,
    ) -> End;
}

/// A change to the contact persons (`contactPerson`, in onOffice's order) of one listing.
pub trait ListingOp: Send + Sync {
    fn estate(&self) -> u64;
    /// From the brokers re-read before writing: the links to create (they land at the end); `Err` ends the item.
    fn links_to_create(&self, current: &[u64]) -> Result<Vec<u64>, End>;
    /// After creating and reading back (`now`): the links to remove; `Err` ends the item. `link_error` is a create
    /// onOffice refused or whose answer was lost.
    fn links_to_remove(
        &self,
        current: &[u64],
        now: &[u64],
        link_error: Option<&onoffice::Error>,
    ) -> Result<Vec<u64>, End>;
    /// After removing and reading back: links to move to the end, one after the other, to restore an order.
    fn links_to_move(&self, _current: &[u64], _back: &[u64]) -> Vec<u64> {
        Vec::new()
    }
    /// Decides the item from the final read-back. `trouble` is the first write onOffice refused or did not answer.
    fn judge(
        &self,
        current: &[u64],
        back: &[u64],
        cancelled: bool,
        trouble: Option<&onoffice::Error>,
    ) -> End;
    /// The final read-back failed: `now` is what was seen after linking.
    fn readback_lost(&self, current: &[u64], now: &[u64]) -> End;
}

/// What an item changes.
pub enum WorkOp {
    Address(Box<dyn AddressOp>),
    Listing(Box<dyn ListingOp>),
}

/// One item of a batch: a planned fix or the undo of a journal entry.
pub struct Work {
    pub id: usize,
    pub subject: Subject,
    pub label: String,
    /// Listings to re-transfer to the portals if the item goes through.
    pub affected: Vec<u64>,
    /// The entry announcing it: [`Event::Intent`] for a fix, [`Event::UndoIntent`] for an undo.
    pub intent: Event,
    /// This item needs that item (by id) to have gone through first.
    pub requires: Option<usize>,
    pub op: WorkOp,
}

/// Everything one run of the pipeline needs.
pub struct Pipeline<'a> {
    pub client: &'a Client,
    pub journal: &'a Journal,
    pub progress: &'a ProgressSink,
    /// Set from outside to stop between rounds.
    pub cancel: Option<&'a AtomicBool>,
}

/// One item on its way through the rounds.
struct Slot {
    work: Work,
    intent: u64,
    done: Option<(Outcome, Text, Option<u64>)>,
    /// The journal event decided for this item, written at the end of the round that decided it.
    pending_event: Option<Event>,
    /// Listing items: the brokers re-read before writing, and after linking.
    current: Vec<u64>,
    now: Vec<u64>,
    /// Listing items: links were sent for it (its order must be read back).
    linked: bool,
    link_error: Option<onoffice::Error>,
    trouble: Option<onoffice::Error>,
    moves: Vec<u64>,
}

impl Slot {
    fn new(work: Work, intent: u64) -> Self {
        Slot {
            work,
            intent,
            done: None,
            pending_event: None,
            current: Vec::new(),
            now: Vec::new(),
            linked: false,
            link_error: None,
            trouble: None,
            moves: Vec::new(),
        }
    }

    /// Ends the item: a recorded change becomes `Applied` (a fix) or `Undone` (an undo) with what was seen; anything
    /// else closes the intent as not applied, or as unknown for the next start to reconcile.
    fn end(&mut self, end: End) {
        match end {
            End::Recorded(outcome, message, change) => {
                self.pending_event = Some(match &self.work.intent {
                    Event::UndoIntent { of, .. } => Event::Undone {
                        of: *of,
                        change: *change,
                    },
                    _ => Event::Applied {
                        change: *change,
                        intent: Some(self.intent),
                    },
                });
                self.done = Some((outcome, message, None));
            }
            End::Closed(outcome, message) => {
                let reason = match &outcome {
                    Outcome::AlreadyDone => "already_done",
                    Outcome::Conflict => "conflict",
                    Outcome::Failed { .. } => "failed",
                    Outcome::Skipped => "skipped",
                    Outcome::Applied => "applied_without_record",
                    Outcome::Unknown => "",
                };
                self.pending_event = Some(if outcome == Outcome::Unknown {
                    Event::Unknown {
                        intent: self.intent,
                        reason: message.de.clone(),
                    }
                } else {
                    Event::NotApplied {
                        intent: self.intent,
                        reason: format!("{reason}: {}", message.de),
                    }
                });
                self.done = Some((outcome, message, None));
            }
        }
    }

    fn is_open(&self) -> bool {
        self.done.is_none()
    }

    fn address_op(&self) -> Option<&dyn AddressOp> {
        match &self.work.op {
            WorkOp::Address(op) => Some(op.as_ref()),
            WorkOp::Listing(_) => None,
        }
    }

    fn listing_op(&self) -> Option<&dyn ListingOp> {
        match &self.work.op {
            WorkOp::Listing(op) => Some(op.as_ref()),
            WorkOp::Address(_) => None,
        }
    }

    /// Which listings the item's journal entry marks for re-transfer: only changes that went through do.
    fn event_affected(&self, event: &Event) -> Vec<u64> {
        let through = matches!(event, Event::Applied { .. } | Event::Undone { .. })
            && self.done.as_ref().map(|d| &d.0) != Some(&Outcome::AlreadyDone);
        if through {
            self.work.affected.clone()
        } else {
            Vec::new()
        }
    }
}

fn cancelled_text() -> Text {
    Text::new(
        "Abgebrochen, bevor etwas geschrieben wurde.",
        "Cancelled before anything was written.",
    )
}

fn unknown_record() -> onoffice::Error {
    onoffice::Error::Api {
        code: 80,
        message: "Unknown record".into(),
    }
}

/// Reads addresses by id in bulk: id → record, or the error for all of them.
pub(crate) async fn read_addresses(
    client: &Client,
    ids: &BTreeSet<u64>,
    fields: &[&str],
) -> onoffice::Result<BTreeMap<u64, Record>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<u64> = ids.iter().copied().collect();
    let records = client.read_addresses_by_id(&ids, fields).await?;
    Ok(records
        .into_iter()
        .filter_map(|r| r.numeric_id().map(|id| (id, r)))
        .collect())
}

/// Reads the brokers (`contactPerson`, in onOffice's order) of listings in bulk.
pub(crate) async fn read_brokers(
    client: &Client,
    estates: &BTreeSet<u64>,
) -> onoffice::Result<BTreeMap<u64, Vec<u64>>> {
    if estates.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<u64> = estates.iter().copied().collect();
    client
        .ids_from_relation(RELATION_CONTACT_PERSON, RelationSide::Parents, &ids)
        .await
}

impl Pipeline<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::SeqCst))
    }

    fn step(&self, step: u8, de: String, en: String) {
        self.progress.report(Progress {
            step,
            of: FIX_STEPS,
            label: Text::new(de, en),
        });
    }

    /// Writes the events the last round decided, with one flush. If that fails, every affected item says so: the
    /// change stands in onOffice, but the journal does not know it.
    fn flush(&self, slots: &mut [Slot]) {
        let mut batch = Vec::new();
        let mut owners = Vec::new();
        for (i, s) in slots.iter_mut().enumerate() {
            if let Some(event) = s.pending_event.take() {
                batch.push((s.work.label.clone(), s.event_affected(&event), event));
                owners.push(i);
            }
        }
        if batch.is_empty() {
            return;
        }
        match self.journal.append_all(batch) {
            Ok(entries) => {
                for (i, e) in owners.into_iter().zip(entries) {
                    if matches!(e.event, Event::Applied { .. } | Event::Undone { .. }) {
                        if let Some(done) = &mut slots[i].done {
                            done.2 = Some(e.seq);
                        }
                    }
                }
            }
            Err(err) => {
                let note = err.text();
                for i in owners {
                    if let Some(done) = &mut slots[i].done {
                        done.1 = Text::new(
                            format!("{} {}", done.1.de, note.de),
                            format!("{} {}", done.1.en, note.en),
                        );
                    }
                }
            }
        }
    }

    /// Sends actions in batches (several requests in flight); each answer goes back to the item that asked.
    async fn send(&self, acts: Vec<(usize, Action)>) -> Vec<(usize, onoffice::Result<()>)> {
        let mut batch = Batch::new();
        let sent: Vec<(usize, onoffice::Slot)> =
            acts.into_iter().map(|(i, a)| (i, batch.add(a))).collect();
        let mut answers = self.client.send(batch).await;
        sent.into_iter()
            .map(|(i, slot)| (i, answers.take(slot).map(|_| ())))
            .collect()
    }

    /// Runs the batch (in order; an item whose prerequisite did not go through is skipped).
    pub async fn run(&self, work: Vec<Work>) -> Vec<ItemResult> {
        // 1. Intent first: nothing is sent before every intent is on disk.
        let intents = work
            .iter()
            .map(|w| (w.label.clone(), w.affected.clone(), w.intent.clone()))
            .collect::<Vec<_>>();
        let entries = match self.journal.append_all(intents) {
            Ok(e) => e,
            Err(err) => {
                let text = err.text();
                return work
                    .into_iter()
                    .map(|w| ItemResult {
                        id: w.id,
                        subject: w.subject,
                        label: w.label,
                        outcome: Outcome::Failed {
                            class: ErrorClass::Configuration,
                            code: None,
                        },
                        message: text.clone(),
                        journal_seq: None,
                    })
                    .collect();
            }
        };
        let mut slots: Vec<Slot> = work
            .into_iter()
            .zip(entries)
            .map(|(w, e)| Slot::new(w, e.seq))
            .collect();
        if self.cancelled() {
            return self.cancel_open(slots);
        }
        let undo = slots
            .iter()
            .any(|s| matches!(s.work.intent, Event::UndoIntent { .. }));
        if undo {
            // Undo goes the other way round: the contact persons first (a broker stays linkable while its Makler
            // key is still there), then the addresses.
            self.step(
                3,
                "Lese die Ansprechpartner der Objekte …".into(),
                "Reading the contact persons of the listings …".into(),
            );
            let brokers = self.read_open_listings(&slots).await;
            self.take_brokers(&mut slots, &brokers);
            self.listings(&mut slots).await;
            self.addresses(&mut slots, false).await;
        } else {
            self.addresses(&mut slots, true).await;
            self.listings(&mut slots).await;
        }
        results(slots)
    }

    /// Keeps the brokers each open listing item re-read before writing (or ends it if they could not be read).
    fn take_brokers(
        &self,
        slots: &mut [Slot],
        brokers: &onoffice::Result<BTreeMap<u64, Vec<u64>>>,
    ) {
        for s in slots.iter_mut().filter(|s| s.is_open()) {
            let Some(estate) = s.listing_op().map(|op| op.estate()) else {
                continue;
            };
            match brokers {
                Err(e) => s.end(End::from(failed(e))),
                Ok(map) => s.current = map.get(&estate).cloned().unwrap_or_default(),
            }
        }
        self.flush(slots);
    }

    /// Ends every open item as cancelled.
    fn cancel_open(&self, mut slots: Vec<Slot>) -> Vec<ItemResult> {
        for s in slots.iter_mut().filter(|s| s.is_open()) {
            s.end(End::Closed(Outcome::Skipped, cancelled_text()));
        }
        self.flush(&mut slots);
        results(slots)
    }
}

fn results(slots: Vec<Slot>) -> Vec<ItemResult> {
    slots
        .into_iter()
        .map(|s| {
            let (outcome, message, seq) =
                s.done
                    .unwrap_or((Outcome::Unknown, Text::new("Unbekannt.", "Unknown."), None));
            ItemResult {
                id: s.work.id,
                subject: s.work.subject,
                label: s.work.label,
                outcome,
                message,
                journal_seq: seq,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
