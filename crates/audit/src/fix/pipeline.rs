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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use onoffice::api::{actions, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL};
use onoffice::{Action, AddressChanges, Client, ErrorClass, Record, RelationSide};

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
        let (owners, acts): (Vec<usize>, Vec<Action>) = acts.into_iter().unzip();
        owners
            .into_iter()
            .zip(self.client.execute(acts).await)
            .map(|(i, r)| (i, r.map(|_| ())))
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

    /// Steps 2–4 for the address items; `with_brokers`: read the listings' brokers alongside the read-back.
    async fn addresses(&self, slots: &mut [Slot], with_brokers: bool) {
        let ids: Vec<u64> = slots
            .iter()
            .filter_map(|s| s.address_op().map(|op| op.address()))
            .collect::<BTreeSet<u64>>()
            .into_iter()
            .collect();
        self.step(
            1,
            format!("Lese {} Adressen vor dem Schreiben …", ids.len()),
            format!("Reading {} addresses before writing …", ids.len()),
        );
        // 2.–3. Waves of as many records as one round of requests carries, each re-read right before its write, so
        // a colleague's edit can only slip in during one round trip (the multiselect write replaces the whole list).
        let wave_size = (self.client.batch_limit() * self.client.max_in_flight()).max(1);
        let mut drafts: BTreeMap<u64, (Record, Draft)> = BTreeMap::new();
        let mut writes: BTreeMap<u64, onoffice::Result<()>> = BTreeMap::new();
        for (n, chunk) in ids.chunks(wave_size).enumerate() {
            let wave: BTreeSet<u64> = chunk.iter().copied().collect();
            let current = read_addresses(self.client, &wave, ADDRESS_READ).await;
            for s in slots.iter_mut().filter(|s| s.is_open()) {
                let Some(op) = s.address_op() else { continue };
                let address = op.address();
                if !wave.contains(&address) {
                    continue;
                }
                let seen = match &current {
                    Err(e) => Err(e.clone()),
                    Ok(map) => map.get(&address).cloned().ok_or_else(unknown_record),
                };
                let end = match seen {
                    Err(e) => Err(End::from(failed(&e))),
                    Ok(seen) => {
                        let (_, draft) = drafts
                            .entry(address)
                            .or_insert_with(|| (seen.clone(), Draft::default()));
                        op.merge(&seen, draft)
                    }
                };
                if let Err(end) = end {
                    s.end(end);
                }
            }
            if self.cancelled() {
                // Earlier waves were written: their read-back below decides them; this wave's are not sent.
                for s in slots.iter_mut().filter(|s| s.is_open()) {
                    if let Some(op) = s.address_op() {
                        if !writes.contains_key(&op.address()) {
                            s.end(End::Closed(Outcome::Skipped, cancelled_text()));
                        }
                    }
                }
                break;
            }
            let acts: Vec<(usize, Action)> = wave
                .iter()
                .filter_map(|id| drafts.get(id).map(|(_, d)| (*id, d.changes())))
                .filter(|(_, c)| !c.is_empty())
                .map(|(id, c)| (id as usize, actions::modify_address(id, &c)))
                .collect();
            self.step(
                2,
                format!("Schreibe {} Adressen (Teil {}) …", acts.len(), n + 1),
                format!("Writing {} addresses (part {}) …", acts.len(), n + 1),
            );
            writes.extend(
                self.send(acts)
                    .await
                    .into_iter()
                    .map(|(id, r)| (id as u64, r)),
            );
        }
        self.flush(slots);

        // 4. Read back the written addresses, and read the brokers of the listings to change, together.
        let readback: BTreeSet<u64> = writes.keys().copied().collect();
        let estates: BTreeSet<u64> = slots
            .iter()
            .filter(|s| with_brokers && s.is_open())
            .filter_map(|s| s.listing_op().map(|op| op.estate()))
            .collect();
        self.step(
            3,
            format!(
                "Lese {} Adressen zurück und die Ansprechpartner von {} Objekten …",
                readback.len(),
                estates.len()
            ),
            format!(
                "Reading back {} addresses and the contact persons of {} listings …",
                readback.len(),
                estates.len()
            ),
        );
        let (back, brokers) = tokio::join!(
            read_addresses(self.client, &readback, ADDRESS_READ),
            read_brokers(self.client, &estates)
        );
        for s in slots.iter_mut().filter(|s| s.is_open()) {
            if let WorkOp::Address(op) = &s.work.op {
                let address = op.address();
                let write = writes.get(&address);
                let rec = back.as_ref().ok().and_then(|map| map.get(&address));
                let end = match (rec, drafts.get(&address)) {
                    (Some(rec), Some((seen, draft))) => op.judge(seen, draft, rec, write),
                    // The read-back decides; without it the outcome is unknown, unless onOffice refused.
                    _ => match write {
                        Some(Err(e)) if e.class() != ErrorClass::UnknownOutcome => {
                            End::from(failed(e))
                        }
                        _ => End::Closed(Outcome::Unknown, readback_lost()),
                    },
                };
                s.end(end);
            }
        }
        self.flush(slots);
        if with_brokers {
            self.take_brokers(slots, &brokers);
        }
    }

    /// Steps 5–8 for the listing items: link first, read back, remove, move, read back.
    async fn listings(&self, slots: &mut [Slot]) {
        // 5. Link the missing contact persons first.
        let outcome_of: BTreeMap<usize, Outcome> = slots
            .iter()
            .filter_map(|s| s.done.as_ref().map(|d| (s.work.id, d.0.clone())))
            .collect();
        let in_batch: BTreeSet<usize> = slots.iter().map(|s| s.work.id).collect();
        let mut creates: Vec<(usize, Action)> = Vec::new();
        for (i, s) in slots.iter_mut().enumerate().filter(|(_, s)| s.is_open()) {
            let Some(op) = s.listing_op() else { continue };
            if let Some(r) = s.work.requires {
                let ok = match outcome_of.get(&r) {
                    Some(Outcome::Applied | Outcome::AlreadyDone) => true,
                    Some(_) => false,
                    None => !in_batch.contains(&r),
                };
                if !ok {
                    s.end(End::Closed(
                        Outcome::Skipped,
                        Text::new(
                            "Übersprungen: die nötige vorherige Änderung hat nicht geklappt.",
                            "Skipped: the change it needs did not go through.",
                        ),
                    ));
                    continue;
                }
            }
            let estate = op.estate();
            match op.links_to_create(&s.current) {
                Err(end) => s.end(end),
                Ok(links) => {
                    s.linked = !links.is_empty();
                    creates.extend(links.into_iter().map(|a| {
                        (
                            i,
                            actions::create_relation(RELATION_CONTACT_PERSON, estate, a),
                        )
                    }));
                }
            }
        }
        self.flush(slots);
        if self.cancelled() {
            for s in slots.iter_mut().filter(|s| s.is_open()) {
                s.end(End::Closed(Outcome::Skipped, cancelled_text()));
            }
            self.flush(slots);
            return;
        }
        self.step(
            4,
            format!("Verknüpfe {} Ansprechpartner …", creates.len()),
            format!("Linking {} contact persons …", creates.len()),
        );
        for (i, r) in self.send(creates).await {
            if let Err(e) = r {
                slots[i].link_error.get_or_insert(e);
            }
        }

        // 6. Read the order back: where did the new links land, who stands in front of them now?
        let open: BTreeSet<u64> = slots
            .iter()
            .filter(|s| s.is_open() && s.linked)
            .filter_map(|s| s.listing_op().map(|op| op.estate()))
            .collect();
        self.step(
            5,
            format!("Lese {} Objekte zurück …", open.len()),
            format!("Reading back {} listings …", open.len()),
        );
        let linked = read_brokers(self.client, &open).await;
        let mut deletes: Vec<(usize, Action)> = Vec::new();
        for (i, s) in slots.iter_mut().enumerate().filter(|(_, s)| s.is_open()) {
            let Some(op) = s.listing_op() else { continue };
            let estate = op.estate();
            let now = match &linked {
                _ if !s.linked => s.current.clone(),
                Ok(map) => map.get(&estate).cloned().unwrap_or_default(),
                Err(_) => {
                    s.end(End::Closed(Outcome::Unknown, readback_lost()));
                    continue;
                }
            };
            match op.links_to_remove(&s.current, &now, s.link_error.as_ref()) {
                Err(end) => s.end(end),
                Ok(links) => deletes.extend(links.into_iter().map(|a| {
                    (
                        i,
                        actions::delete_relation(RELATION_CONTACT_PERSON_ALL, estate, a),
                    )
                })),
            }
            s.now = now;
        }
        self.flush(slots);
        let cancelled = self.cancelled();

        // 7. Only now remove the links the operations name; 8. move the ones out of order; read back.
        self.step(
            6,
            format!(
                "Entferne {} Ansprechpartner und lese zurück …",
                deletes.len()
            ),
            format!(
                "Removing {} contact persons and reading back …",
                deletes.len()
            ),
        );
        if !cancelled {
            for (i, r) in self.send(deletes).await {
                if let Err(e) = r {
                    slots[i].trouble.get_or_insert(e);
                }
            }
        }
        let mut finals = self.read_open_listings(slots).await;
        if !cancelled {
            if let Ok(map) = &finals {
                for s in slots
                    .iter_mut()
                    .filter(|s| s.is_open() && s.trouble.is_none())
                {
                    let Some(op) = s.listing_op() else { continue };
                    let back = map.get(&op.estate()).cloned().unwrap_or_default();
                    s.moves = op.links_to_move(&s.current, &back);
                }
            }
            let rounds = slots.iter().map(|s| s.moves.len()).max().unwrap_or(0);
            for k in 0..rounds {
                // One link at a time per listing: it is gone only while the others stay, then comes back last.
                for relation_step in [false, true] {
                    let acts: Vec<(usize, Action)> = slots
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.trouble.is_none())
                        .filter_map(|(i, s)| {
                            let a = *s.moves.get(k)?;
                            let estate = s.listing_op()?.estate();
                            Some((
                                i,
                                if relation_step {
                                    actions::create_relation(RELATION_CONTACT_PERSON, estate, a)
                                } else {
                                    actions::delete_relation(RELATION_CONTACT_PERSON_ALL, estate, a)
                                },
                            ))
                        })
                        .collect();
                    for (i, r) in self.send(acts).await {
                        if let Err(e) = r {
                            slots[i].trouble.get_or_insert(e);
                        }
                    }
                }
            }
            if rounds > 0 {
                finals = self.read_open_listings(slots).await;
            }
        }
        for s in slots.iter_mut().filter(|s| s.is_open()) {
            let Some(op) = s.listing_op() else { continue };
            let end = match &finals {
                Ok(map) => {
                    let back = map.get(&op.estate()).cloned().unwrap_or_default();
                    let trouble = s.trouble.as_ref().or(s.link_error.as_ref());
                    op.judge(&s.current, &back, cancelled, trouble)
                }
                Err(_) => op.readback_lost(&s.current, &s.now),
            };
            s.end(end);
        }
        self.flush(slots);
    }

    async fn read_open_listings(
        &self,
        slots: &[Slot],
    ) -> onoffice::Result<BTreeMap<u64, Vec<u64>>> {
        let estates: BTreeSet<u64> = slots
            .iter()
            .filter(|s| s.is_open())
            .filter_map(|s| s.listing_op().map(|op| op.estate()))
            .collect();
        read_brokers(self.client, &estates).await
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
mod tests {
    use super::*;
    use crate::journal::Change;

    struct Nothing;
    impl AddressOp for Nothing {
        fn address(&self) -> u64 {
            1
        }
        fn merge(&self, _: &Record, _: &mut Draft) -> Result<(), End> {
            Ok(())
        }
        fn judge(
            &self,
            _: &Record,
            _: &Draft,
            _: &Record,
            _: Option<&onoffice::Result<()>>,
        ) -> End {
            End::Closed(Outcome::AlreadyDone, Text::default())
        }
    }

    fn slot(intent: Event) -> Slot {
        Slot::new(
            Work {
                id: 0,
                subject: Subject::Address(1),
                label: "Anna".into(),
                affected: vec![9],
                intent,
                requires: None,
                op: WorkOp::Address(Box::new(Nothing)),
            },
            42,
        )
    }

    fn change() -> Change {
        Change::ContactType {
            address: 1,
            key: "Makler".into(),
            before: vec![],
            after: vec!["Makler".into()],
        }
    }

    #[test]
    fn every_ending_closes_the_intent_with_the_right_entry() {
        let fix = || slot(Event::Intent { change: change() });
        let mut s = fix();
        s.end(End::Closed(Outcome::Unknown, readback_lost()));
        assert!(!s.is_open());
        match &s.pending_event {
            Some(Event::Unknown { intent, reason }) => {
                assert_eq!(*intent, 42);
                assert!(reason.contains("unklar"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        for (outcome, word) in [
            (Outcome::AlreadyDone, "already_done"),
            (Outcome::Conflict, "conflict"),
            (Outcome::Skipped, "skipped"),
            (
                Outcome::Failed {
                    class: ErrorClass::Transient,
                    code: None,
                },
                "failed",
            ),
        ] {
            let mut s = fix();
            s.end(End::Closed(outcome, cancelled_text()));
            let event = s.pending_event.clone().unwrap();
            match &event {
                Event::NotApplied { intent, reason } => {
                    assert_eq!(*intent, 42);
                    assert!(reason.starts_with(word), "{reason}");
                    assert!(reason.contains("Abgebrochen"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
            assert!(s.event_affected(&event).is_empty());
        }
        let mut s = fix();
        s.end(End::recorded(Outcome::Applied, Text::default(), change()));
        let event = s.pending_event.clone().unwrap();
        assert!(matches!(
            event,
            Event::Applied {
                intent: Some(42),
                ..
            }
        ));
        assert_eq!(s.event_affected(&event), [9]);
    }

    #[test]
    fn an_undo_is_recorded_as_undone_and_marks_listings_only_if_it_changed_something() {
        let undo = || {
            slot(Event::UndoIntent {
                of: 7,
                change: change(),
            })
        };
        let mut s = undo();
        s.end(End::recorded(Outcome::Applied, Text::default(), change()));
        let event = s.pending_event.clone().unwrap();
        assert!(matches!(event, Event::Undone { of: 7, .. }), "{event:?}");
        assert_eq!(s.event_affected(&event), [9]);
        let mut s = undo();
        s.end(End::recorded(
            Outcome::AlreadyDone,
            Text::default(),
            change(),
        ));
        let event = s.pending_event.clone().unwrap();
        assert!(matches!(event, Event::Undone { of: 7, .. }), "{event:?}");
        assert!(s.event_affected(&event).is_empty());
    }

    #[test]
    fn a_draft_writes_the_merged_list_and_the_email_change_together() {
        let mut d = Draft::default();
        assert!(d.changes().is_empty());
        d.contact_types = Some(vec!["a".into(), "b".into()]);
        d.email = Some(AddressChanges::new().delete_email("x@y.de"));
        let c = d.changes();
        assert_eq!(
            c,
            AddressChanges::new()
                .delete_email("x@y.de")
                .multiselect(CONTACT_TYPE_FIELD, &["a".into(), "b".into()])
        );
    }
}
