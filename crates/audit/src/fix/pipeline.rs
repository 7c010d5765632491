//! The one write pipeline every fix goes through, over the whole plan in rounds instead of item by item:
//! (1) every item's intent is appended to the journal and flushed before anything is sent; if the journal cannot be
//! written, nothing is written to onOffice; (2) all touched addresses are re-read in bulk, (3) merged per record and
//! written in bulk, (4) read back in bulk together with the contact persons of the listings to change, (5) new contact
//! persons are linked, (6) read back, (7) the brokers still in front of them are removed exactly as previewed, and
//! (8) read back. Each item's outcome is decided by what the read-back shows, never by the write's answer alone, and
//! is appended to the journal. Cancel takes effect between rounds. A listing never loses its broker: the new link is
//! created before any old one is removed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use onoffice::api::{actions, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL};
use onoffice::{email_entries, AddressChanges, Client, ErrorClass, Record, RelationSide};

use super::{ItemResult, Op, Outcome, PlannedChange};
use crate::journal::{Change, Event, Journal};
use crate::progress::{Progress, ProgressSink};
use crate::snapshot::CONTACT_TYPE_FIELD;
use crate::text;
use crate::text::Text;

/// Steps the pipeline reports as progress.
pub const FIX_STEPS: u8 = 6;

/// Fields a re-read of an address needs for every address operation.
const ADDRESS_READ: &[&str] = &[CONTACT_TYPE_FIELD, "defaultemail", "Email", "email"];

/// Everything one run of the pipeline needs.
pub struct Pipeline<'a> {
    pub client: &'a Client,
    pub journal: &'a Journal,
    pub progress: &'a ProgressSink,
    /// Set from outside to stop between rounds.
    pub cancel: Option<&'a AtomicBool>,
}

/// One item on its way through the rounds.
struct Slot<'a> {
    item: &'a PlannedChange,
    affected: Vec<u64>,
    intent: u64,
    done: Option<(Outcome, Text, Option<u64>)>,
    /// Journal events decided for this item, written at the end of the round that decided them.
    pending_event: Option<Event>,
}

impl Slot<'_> {
    fn finish(&mut self, outcome: Outcome, message: Text) {
        let reason = match &outcome {
            Outcome::AlreadyDone => Some("already_done"),
            Outcome::Conflict => Some("conflict"),
            Outcome::Failed { .. } => Some("failed"),
            Outcome::Skipped => Some("skipped"),
            // An applied change is recorded with what was seen, through `applied`.
            Outcome::Applied => Some("applied_without_record"),
            Outcome::Unknown => None,
        };
        if let Some(reason) = reason {
            self.pending_event = Some(Event::NotApplied {
                intent: self.intent,
                reason: format!("{reason}: {}", message.de),
            });
        } else if outcome == Outcome::Unknown {
            self.pending_event = Some(Event::Unknown {
                intent: self.intent,
                reason: message.de.clone(),
            });
        }
        self.done = Some((outcome, message, None));
    }

    /// An applied change (or part of one), confirmed by reading back; journaled with what was seen.
    fn applied(&mut self, outcome: Outcome, message: Text, change: Change) {
        self.pending_event = Some(Event::Applied {
            change,
            intent: Some(self.intent),
        });
        self.done = Some((outcome, message, None));
    }

    fn is_open(&self) -> bool {
        self.done.is_none()
    }
}

fn failed(e: &onoffice::Error) -> (Outcome, Text) {
    (
        Outcome::Failed {
            class: e.class(),
            code: e.code(),
        },
        Text::new(e.message_de(), e.message_en()),
    )
}

fn cancelled_text() -> Text {
    Text::new(
        "Abgebrochen, bevor etwas geschrieben wurde.",
        "Cancelled before anything was written.",
    )
}

fn readback_lost() -> Text {
    Text::new(
        "Ob die Änderung gespeichert wurde, ist unklar: das Rücklesen ist fehlgeschlagen. Beim nächsten Start prüft die App den Datensatz und trägt das Ergebnis ins Protokoll ein.",
        "Whether the change was saved is unclear: reading it back failed. At the next start the app checks the record and records the result.",
    )
}

/// The change an item announces in its intent entry, with the values as planned.
pub fn planned_change(item: &PlannedChange) -> Change {
    match &item.op {
        Op::AddContactType {
            address,
            key,
            before,
            after,
            ..
        } => Change::ContactType {
            address: *address,
            key: key.clone(),
            before: before.clone(),
            after: after.clone(),
        },
        Op::AddDefaultEmail { address, email } => Change::DefaultEmail {
            address: *address,
            email: email.clone(),
            before: None,
            after: Some(email.clone()),
            existed: false,
        },
        Op::SetFirstContact {
            estate,
            address,
            before,
            remove,
            ..
        } => {
            let mut after = vec![*address];
            after.extend(
                before
                    .iter()
                    .filter(|b| !remove.contains(b) && *b != address),
            );
            Change::ContactPersons {
                estate: *estate,
                address: *address,
                before: before.clone(),
                after,
            }
        }
    }
}

/// The contact type keys of an address record.
pub(crate) fn contact_types(rec: &Record) -> Vec<String> {
    rec.elements
        .get(CONTACT_TYPE_FIELD)
        .map(onoffice::api::parse_multiselect)
        .unwrap_or_default()
}

/// The default e-mail of an address record (`defaultemail`, else `Email`), if it has one.
pub(crate) fn default_email(rec: &Record) -> Option<String> {
    rec.text("defaultemail")
        .filter(|e| !e.trim().is_empty())
        .or_else(|| rec.text("Email").filter(|e| !e.trim().is_empty()))
        .map(|e| e.trim().to_string())
}

/// Reads addresses by id in bulk: id → record, or the error for all of them.
async fn read_addresses(
    client: &Client,
    ids: &BTreeSet<u64>,
) -> onoffice::Result<BTreeMap<u64, Record>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<u64> = ids.iter().copied().collect();
    let records = client.read_addresses_by_id(&ids, ADDRESS_READ).await?;
    Ok(records
        .into_iter()
        .filter_map(|r| r.numeric_id().map(|id| (id, r)))
        .collect())
}

/// Reads the brokers (`contactPerson`, in onOffice's order) of listings in bulk.
async fn read_brokers(
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
    fn flush(&self, slots: &mut [Slot<'_>]) {
        let mut batch = Vec::new();
        let mut owners = Vec::new();
        for (i, s) in slots.iter_mut().enumerate() {
            if let Some(event) = s.pending_event.take() {
                batch.push((
                    s.item.label.clone(),
                    event_affected(&event, &s.affected),
                    event,
                ));
                owners.push(i);
            }
        }
        if batch.is_empty() {
            return;
        }
        match self.journal.append_all(batch) {
            Ok(entries) => {
                for (i, e) in owners.into_iter().zip(entries) {
                    if matches!(e.event, Event::Applied { .. }) {
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

    /// Applies the items (in plan order; an item whose prerequisite did not go through is skipped). `affected` are
    /// the listings to re-transfer if an item goes through.
    pub async fn apply(&self, items: Vec<(&PlannedChange, Vec<u64>)>) -> Vec<ItemResult> {
        let selected: BTreeSet<usize> = items.iter().map(|(i, _)| i.id).collect();
        // 1. Intent first: nothing is sent before every intent is on disk.
        let intents = items
            .iter()
            .map(|(item, affected)| {
                (
                    item.label.clone(),
                    affected.clone(),
                    Event::Intent {
                        change: planned_change(item),
                    },
                )
            })
            .collect::<Vec<_>>();
        let entries = match self.journal.append_all(intents) {
            Ok(e) => e,
            Err(err) => {
                let text = err.text();
                return items
                    .iter()
                    .map(|(item, _)| ItemResult {
                        id: item.id,
                        subject: item.subject.clone(),
                        label: item.label.clone(),
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
        let mut slots: Vec<Slot> = items
            .into_iter()
            .zip(entries)
            .map(|((item, affected), e)| Slot {
                item,
                affected,
                intent: e.seq,
                done: None,
                pending_event: None,
            })
            .collect();

        if self.cancelled() {
            for s in &mut slots {
                s.finish(Outcome::Skipped, cancelled_text());
            }
            self.flush(&mut slots);
            return results(slots);
        }

        // 2. Re-read every touched address in bulk, right before the writes.
        let address_ids: BTreeSet<u64> = slots
            .iter()
            .filter_map(|s| match &s.item.op {
                Op::AddContactType { address, .. } | Op::AddDefaultEmail { address, .. } => {
                    Some(*address)
                }
                Op::SetFirstContact { .. } => None,
            })
            .collect();
        self.step(
            1,
            format!("Lese {} Adressen vor dem Schreiben …", address_ids.len()),
            format!("Reading {} addresses before writing …", address_ids.len()),
        );
        // 3. Merge per record and write. Addresses go in waves of as many records as one round of requests
        //    carries, each re-read right before its write, so a colleague's edit can only slip in during one round
        //    trip (the multiselect write replaces the whole list).
        let wave_size = (self.client.batch_limit() * self.client.max_in_flight()).max(1);
        let mut touched: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        let mut merged_types: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        let mut before_types: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        let mut existed: BTreeMap<u64, bool> = BTreeMap::new();
        let mut write_results: BTreeMap<u64, onoffice::Result<()>> = BTreeMap::new();
        let ids: Vec<u64> = address_ids.iter().copied().collect();
        for (n, chunk) in ids.chunks(wave_size).enumerate() {
            let wave: BTreeSet<u64> = chunk.iter().copied().collect();
            let current = read_addresses(self.client, &wave).await;
            let mut changes: BTreeMap<u64, AddressChanges> = BTreeMap::new();
            for (i, s) in slots.iter_mut().enumerate() {
                let address = match &s.item.op {
                    Op::AddContactType { address, .. } | Op::AddDefaultEmail { address, .. } => {
                        *address
                    }
                    Op::SetFirstContact { .. } => continue,
                };
                if !wave.contains(&address) || !s.is_open() {
                    continue;
                }
                let rec = match &current {
                    Err(e) => {
                        let (o, t) = failed(e);
                        s.finish(o, t);
                        continue;
                    }
                    Ok(map) => match map.get(&address) {
                        Some(r) => r,
                        None => {
                            let (o, t) = failed(&onoffice::Error::Api {
                                code: 80,
                                message: "Unknown record".into(),
                            });
                            s.finish(o, t);
                            continue;
                        }
                    },
                };
                match &s.item.op {
                    Op::AddContactType { key, key_label, .. } => {
                        let have = contact_types(rec);
                        before_types.insert(address, have.clone());
                        if have.iter().any(|k| k == key) {
                            s.finish(
                                Outcome::AlreadyDone,
                                text!(
                                    "„{key_label}“ ist bereits gesetzt.",
                                    "\"{key_label}\" is already set."
                                ),
                            );
                            continue;
                        }
                        let merged = merged_types.entry(address).or_insert(have);
                        if !merged.contains(key) {
                            merged.push(key.clone());
                        }
                        let keys = merged.clone();
                        let c = changes.remove(&address).unwrap_or_default();
                        changes.insert(address, c.multiselect(CONTACT_TYPE_FIELD, &keys));
                    }
                    Op::AddDefaultEmail { email, .. } => {
                        if let Some(existing) = default_email(rec) {
                            s.finish(
                                Outcome::AlreadyDone,
                                text!(
                                    "Inzwischen ist {existing} als Standard-E-Mail eingetragen.",
                                    "Meanwhile {existing} is the default e-mail."
                                ),
                            );
                            continue;
                        }
                        // An address already in one of the lists becomes the default; it is never added twice.
                        let entries: Vec<String> =
                            email_entries(rec).into_iter().map(|e| e.address).collect();
                        let same: Vec<&String> = entries
                            .iter()
                            .filter(|e| e.eq_ignore_ascii_case(email))
                            .collect();
                        let c = changes.remove(&address).unwrap_or_default();
                        let c = match same.len() {
                            0 => c.add_email(email, true),
                            1 => c.modify_email(same[0], same[0], true),
                            _ => {
                                changes.insert(address, c);
                                s.finish(Outcome::Conflict, text!("{email} steht mehrfach in der Adresse. Bitte in onOffice einen Eintrag entfernen und ihn dann als Standard markieren.", "{email} appears more than once in the address. Please remove one entry in onOffice, then mark it as default."));
                                continue;
                            }
                        };
                        existed.insert(address, !same.is_empty());
                        changes.insert(address, c);
                    }
                    Op::SetFirstContact { .. } => {}
                }
                touched.entry(address).or_default().push(i);
            }
            changes.retain(|_, c| !c.is_empty());
            if self.cancelled() {
                // Addresses of earlier waves were written: their read-back below decides them.
                for s in slots.iter_mut().filter(|s| s.is_open()) {
                    if let Op::AddContactType { address, .. }
                    | Op::AddDefaultEmail { address, .. } = &s.item.op
                    {
                        if !write_results.contains_key(address) {
                            s.finish(Outcome::Skipped, cancelled_text());
                        }
                    }
                }
                break;
            }
            self.step(
                2,
                format!("Schreibe {} Adressen (Teil {}) …", changes.len(), n + 1),
                format!("Writing {} addresses (part {}) …", changes.len(), n + 1),
            );
            let (write_ids, write_actions): (Vec<u64>, Vec<_>) = changes
                .iter()
                .map(|(id, c)| (*id, actions::modify_address(*id, c)))
                .unzip();
            write_results.extend(
                write_ids
                    .into_iter()
                    .zip(self.client.execute(write_actions).await)
                    .map(|(id, r)| (id, r.map(|_| ()))),
            );
        }

        // 4. Read back the written addresses, and re-read the brokers of the listings to change, together.
        let readback_ids: BTreeSet<u64> = write_results.keys().copied().collect();
        let estates: BTreeSet<u64> = slots
            .iter()
            .filter_map(|s| match &s.item.op {
                Op::SetFirstContact { estate, .. } => Some(*estate),
                _ => None,
            })
            .collect();
        self.step(
            3,
            format!(
                "Lese {} Adressen zurück und die Ansprechpartner von {} Objekten …",
                readback_ids.len(),
                estates.len()
            ),
            format!(
                "Reading back {} addresses and the contact persons of {} listings …",
                readback_ids.len(),
                estates.len()
            ),
        );
        let (back, brokers) = tokio::join!(
            read_addresses(self.client, &readback_ids),
            read_brokers(self.client, &estates)
        );
        for (address, owners) in &touched {
            let write = write_results.get(address);
            for &i in owners {
                let s = &mut slots[i];
                if !s.is_open() {
                    continue;
                }
                let rec = match &back {
                    Ok(map) => map.get(address),
                    Err(_) => None,
                };
                let Some(rec) = rec else {
                    // The read-back decides; without it the outcome is unknown (or nothing was sent).
                    match write {
                        Some(Err(e)) if e.class() != ErrorClass::UnknownOutcome => {
                            let (o, t) = failed(e);
                            s.finish(o, t);
                        }
                        _ => s.finish(Outcome::Unknown, readback_lost()),
                    }
                    continue;
                };
                judge_address(s, rec, write, &before_types, &merged_types, &existed);
            }
        }
        self.flush(&mut slots);

        // 5. Contact persons: link the new one first.
        let outcome_of: BTreeMap<usize, Outcome> = slots
            .iter()
            .filter_map(|s| s.done.as_ref().map(|d| (s.item.id, d.0.clone())))
            .collect();
        let mut creates: Vec<(usize, onoffice::Action)> = Vec::new();
        let mut current_brokers: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
        for (i, s) in slots.iter_mut().enumerate() {
            let Op::SetFirstContact {
                estate,
                address,
                address_label,
                remove,
                create,
                ..
            } = &s.item.op
            else {
                continue;
            };
            if let Some(r) = s.item.requires {
                let ok = match outcome_of.get(&r) {
                    Some(Outcome::Applied | Outcome::AlreadyDone) => true,
                    Some(_) => false,
                    None => !selected.contains(&r),
                };
                if !ok {
                    s.finish(
                        Outcome::Skipped,
                        Text::new(
                            "Übersprungen: die nötige vorherige Änderung hat nicht geklappt.",
                            "Skipped: the change it needs did not go through.",
                        ),
                    );
                    continue;
                }
            }
            let current = match &brokers {
                Err(e) => {
                    let (o, t) = failed(e);
                    s.finish(o, t);
                    continue;
                }
                Ok(map) => map.get(estate).cloned().unwrap_or_default(),
            };
            if current.first() == Some(address) {
                let message = text!(
                    "{address_label} ist erster Ansprechpartner.",
                    "{address_label} is the first contact person."
                );
                if remove.is_empty() && !*create {
                    // With nothing to link or remove, the Makler key added before made it the first broker: the
                    // listing's portal contact changed, the links did not.
                    let change = Change::ContactPersons {
                        estate: *estate,
                        address: *address,
                        before: current.clone(),
                        after: current,
                    };
                    s.applied(Outcome::Applied, message, change);
                } else {
                    s.finish(Outcome::AlreadyDone, message);
                }
                continue;
            }
            let previewed: BTreeSet<u64> = remove.iter().copied().collect();
            let (ahead, create_now) = match current.iter().position(|c| c == address) {
                Some(pos) => (current[..pos].to_vec(), false),
                None => (current.clone(), true),
            };
            if !ahead.iter().all(|a| previewed.contains(a)) || (create_now && !*create) {
                s.finish(Outcome::Conflict, Text::new("Die Ansprechpartner wurden seit der Vorschau geändert. Es wurde nichts geändert; bitte erneut prüfen.", "The contact persons changed since the preview. Nothing was changed; please check again."));
                continue;
            }
            if create_now {
                creates.push((
                    i,
                    actions::create_relation(RELATION_CONTACT_PERSON, *estate, *address),
                ));
            }
            current_brokers.insert(i, current);
        }
        self.flush(&mut slots);
        if self.cancelled() {
            for s in slots.iter_mut().filter(|s| s.is_open()) {
                s.finish(Outcome::Skipped, cancelled_text());
            }
            self.flush(&mut slots);
            return results(slots);
        }
        self.step(
            4,
            format!("Verknüpfe {} Ansprechpartner …", creates.len()),
            format!("Linking {} contact persons …", creates.len()),
        );
        let (create_owners, create_actions): (Vec<usize>, Vec<_>) = creates.into_iter().unzip();
        let create_results: BTreeMap<usize, onoffice::Result<()>> = create_owners
            .into_iter()
            .zip(self.client.execute(create_actions).await)
            .map(|(i, r)| (i, r.map(|_| ())))
            .collect();
        for (&i, r) in &create_results {
            let s = &mut slots[i];
            if let Err(e) = r {
                let Op::SetFirstContact { address_label, .. } = &s.item.op else {
                    continue;
                };
                if e.code() == Some(263) {
                    s.finish(Outcome::Conflict, text!("onOffice nimmt {address_label} nicht als Ansprechpartner, weil die Kontaktart „Makler“ fehlt (inzwischen entfernt?). Es wurde nichts geändert; bitte erneut prüfen.", "onOffice does not take {address_label} as contact person because the contact type \"Makler\" is missing (removed meanwhile?). Nothing was changed; please check again."));
                } else if e.class() != ErrorClass::UnknownOutcome {
                    let (o, t) = failed(e);
                    s.finish(o, t);
                }
            }
        }
        self.flush(&mut slots);

        // 6. Read the order back: where did the new links land, who stands in front of them now?
        let linked_estates: BTreeSet<u64> = create_results
            .keys()
            .filter(|i| slots[**i].is_open())
            .filter_map(|i| match &slots[*i].item.op {
                Op::SetFirstContact { estate, .. } => Some(*estate),
                _ => None,
            })
            .collect();
        self.step(
            5,
            format!("Lese {} Objekte zurück …", linked_estates.len()),
            format!("Reading back {} listings …", linked_estates.len()),
        );
        let linked = read_brokers(self.client, &linked_estates).await;
        let mut deletes: Vec<(usize, onoffice::Action)> = Vec::new();
        let mut before_delete: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
        for (i, s) in slots.iter_mut().enumerate() {
            if !s.is_open() {
                continue;
            }
            let Op::SetFirstContact {
                estate,
                address,
                address_label,
                remove,
                ..
            } = &s.item.op
            else {
                continue;
            };
            let current = current_brokers.get(&i).cloned().unwrap_or_default();
            let now = if create_results.contains_key(&i) {
                match &linked {
                    Ok(map) => map.get(estate).cloned().unwrap_or_default(),
                    Err(_) => {
                        s.finish(Outcome::Unknown, readback_lost());
                        continue;
                    }
                }
            } else {
                current.clone()
            };
            let Some(pos) = now.iter().position(|c| c == address) else {
                let lost = matches!(create_results.get(&i), Some(Err(_)));
                if lost {
                    s.finish(
                        Outcome::Failed {
                            class: ErrorClass::Transient,
                            code: None,
                        },
                        text!(
                            "{address_label} wurde nicht verknüpft. Bitte erneut versuchen.",
                            "{address_label} was not linked. Please try again."
                        ),
                    );
                } else {
                    s.finish(Outcome::Conflict, text!("{address_label} steht nach dem Speichern nicht bei den Ansprechpartnern: jemand hat das Objekt gleichzeitig geändert. Bitte erneut prüfen.", "{address_label} is not among the contact persons after saving: someone changed the listing at the same time. Please check again."));
                }
                continue;
            };
            let previewed: BTreeSet<u64> = remove.iter().copied().collect();
            let in_front = now[..pos].to_vec();
            if !in_front.iter().all(|a| previewed.contains(a)) {
                let change = Change::ContactPersons {
                    estate: *estate,
                    address: *address,
                    before: current.clone(),
                    after: now.clone(),
                };
                s.applied(Outcome::Conflict, text!("{address_label} ist verknüpft, aber gleichzeitig wurde ein anderer Makler davor eingetragen. Er wurde nicht entfernt, weil er nicht in der Vorschau stand; bitte erneut prüfen.", "{address_label} is linked, but meanwhile another broker was put in front. It was not removed because it was not in the preview; please check again."), change);
                continue;
            }
            if in_front.is_empty() {
                let change = Change::ContactPersons {
                    estate: *estate,
                    address: *address,
                    before: current.clone(),
                    after: now.clone(),
                };
                s.applied(
                    Outcome::Applied,
                    text!(
                        "{address_label} ist jetzt erster Ansprechpartner.",
                        "{address_label} is now the first contact person."
                    ),
                    change,
                );
                continue;
            }
            for r in in_front {
                deletes.push((
                    i,
                    actions::delete_relation(RELATION_CONTACT_PERSON_ALL, *estate, r),
                ));
            }
            before_delete.insert(i, now);
        }
        self.flush(&mut slots);
        let cancelled = self.cancelled();

        // 7. Only now remove the brokers still in front, exactly as previewed; 8. read back.
        self.step(
            6,
            format!(
                "Entferne {} Ansprechpartner, die davor stehen, und lese zurück …",
                deletes.len()
            ),
            format!(
                "Removing {} contact persons in front and reading back …",
                deletes.len()
            ),
        );
        let mut delete_errors: BTreeMap<usize, onoffice::Error> = BTreeMap::new();
        if !cancelled {
            let (owners, acts): (Vec<usize>, Vec<_>) = deletes.into_iter().unzip();
            for (i, r) in owners.into_iter().zip(self.client.execute(acts).await) {
                if let Err(e) = r {
                    delete_errors.entry(i).or_insert(e);
                }
            }
        }
        let final_estates: BTreeSet<u64> = before_delete
            .keys()
            .filter_map(|i| match &slots[*i].item.op {
                Op::SetFirstContact { estate, .. } => Some(*estate),
                _ => None,
            })
            .collect();
        let finals = read_brokers(self.client, &final_estates).await;
        for (i, now) in before_delete {
            let s = &mut slots[i];
            let Op::SetFirstContact {
                estate,
                address,
                address_label,
                ..
            } = &s.item.op
            else {
                continue;
            };
            let current = current_brokers.get(&i).cloned().unwrap_or_default();
            let back = match &finals {
                Ok(map) => map.get(estate).cloned().unwrap_or_default(),
                Err(_) => {
                    // The new link stands (read back before); whether the old ones went is unknown.
                    let change = Change::ContactPersons {
                        estate: *estate,
                        address: *address,
                        before: current,
                        after: now,
                    };
                    s.applied(Outcome::Unknown, readback_lost(), change);
                    continue;
                }
            };
            let change = Change::ContactPersons {
                estate: *estate,
                address: *address,
                before: current,
                after: back.clone(),
            };
            if back.first() == Some(address) {
                s.applied(
                    Outcome::Applied,
                    text!(
                        "{address_label} ist jetzt erster Ansprechpartner.",
                        "{address_label} is now the first contact person."
                    ),
                    change,
                );
            } else if cancelled {
                s.applied(Outcome::Conflict, text!("Abgebrochen: {address_label} ist verknüpft, die bisherigen Ansprechpartner stehen aber noch davor.", "Cancelled: {address_label} is linked, but the previous contact persons still stand in front."), change);
            } else if let Some(e) = delete_errors.get(&i) {
                let (o, t) = failed(e);
                let o = if o == Outcome::Unknown {
                    Outcome::Failed {
                        class: ErrorClass::Transient,
                        code: None,
                    }
                } else {
                    o
                };
                s.applied(o, t, change);
            } else {
                s.applied(
                    Outcome::Conflict,
                    Text::new(
                        "Nach dem Speichern ist ein anderer Ansprechpartner erster. Bitte prüfen.",
                        "After saving, another contact person is first. Please check.",
                    ),
                    change,
                );
            }
        }
        self.flush(&mut slots);
        results(slots)
    }
}

/// Decides an address item from the read-back.
fn judge_address(
    s: &mut Slot<'_>,
    rec: &Record,
    write: Option<&onoffice::Result<()>>,
    before_types: &BTreeMap<u64, Vec<String>>,
    merged_types: &BTreeMap<u64, Vec<String>>,
    existed: &BTreeMap<u64, bool>,
) {
    let write_refused = matches!(write, Some(Err(e)) if e.class() != ErrorClass::UnknownOutcome);
    match &s.item.op {
        Op::AddContactType {
            address,
            key,
            key_label,
            ..
        } => {
            let back = contact_types(rec);
            if !back.iter().any(|k| k == key) {
                match write {
                    Some(Err(e)) if write_refused => {
                        let (o, t) = failed(e);
                        s.finish(o, t)
                    }
                    Some(Err(_)) => s.finish(
                        Outcome::Failed {
                            class: ErrorClass::Transient,
                            code: None,
                        },
                        Text::new(
                            "Die Änderung wurde nicht gespeichert. Bitte erneut versuchen.",
                            "The change was not saved. Please try again.",
                        ),
                    ),
                    _ => s.finish(Outcome::Conflict, Text::new("Nach dem Speichern fehlt der Wert wieder: jemand hat den Datensatz gleichzeitig geändert. Bitte erneut prüfen.", "After saving, the value is missing again: someone changed the record at the same time. Please check again.")),
                }
                return;
            }
            let before = before_types.get(address).cloned().unwrap_or_default();
            let merged = merged_types.get(address).cloned().unwrap_or_default();
            let lost: Vec<&String> = merged.iter().filter(|k| !back.contains(k)).collect();
            let change = Change::ContactType {
                address: *address,
                key: key.clone(),
                before,
                after: back.clone(),
            };
            if lost.is_empty() {
                s.applied(
                    Outcome::Applied,
                    text!("„{key_label}“ ergänzt.", "\"{key_label}\" added."),
                    change,
                );
            } else {
                s.applied(Outcome::Conflict, Text::new("„Makler“ ist gesetzt, aber andere Werte haben sich gleichzeitig geändert. Bitte die Kontaktart prüfen.", "\"Makler\" is set, but other values changed at the same time. Please check the contact type."), change);
            }
        }
        Op::AddDefaultEmail { address, email } => {
            let back = default_email(rec);
            if back.as_deref().map(|b| b.eq_ignore_ascii_case(email)) == Some(true) {
                let change = Change::DefaultEmail {
                    address: *address,
                    email: email.clone(),
                    before: None,
                    after: back,
                    existed: existed.get(address).copied().unwrap_or(false),
                };
                s.applied(
                    Outcome::Applied,
                    text!(
                        "{email} als Standard-E-Mail eingetragen.",
                        "{email} set as default e-mail."
                    ),
                    change,
                );
            } else if back.is_none() {
                match write {
                    Some(Err(e)) if write_refused => {
                        let (o, t) = failed(e);
                        s.finish(o, t)
                    }
                    _ => s.finish(
                        Outcome::Failed {
                            class: ErrorClass::Transient,
                            code: None,
                        },
                        Text::new(
                            "Die E-Mail wurde nicht gespeichert. Bitte erneut versuchen.",
                            "The e-mail was not saved. Please try again.",
                        ),
                    ),
                }
            } else {
                s.finish(Outcome::Conflict, text!("Nach dem Speichern ist eine andere Standard-E-Mail eingetragen ({}). Bitte prüfen.", "After saving, another default e-mail is set ({}). Please check.", back.clone().unwrap_or_default()));
            }
        }
        Op::SetFirstContact { .. } => {}
    }
}

/// Which listings an entry marks for re-transfer: only applied changes do.
fn event_affected(event: &Event, affected: &[u64]) -> Vec<u64> {
    match event {
        Event::Applied { .. } => affected.to_vec(),
        _ => Vec::new(),
    }
}

fn results(slots: Vec<Slot<'_>>) -> Vec<ItemResult> {
    slots
        .into_iter()
        .map(|s| {
            let (outcome, message, seq) =
                s.done
                    .unwrap_or((Outcome::Unknown, Text::new("Unbekannt.", "Unknown."), None));
            ItemResult {
                id: s.item.id,
                subject: s.item.subject.clone(),
                label: s.item.label.clone(),
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
    use crate::finding::FindingKind;

    fn item(op: Op) -> PlannedChange {
        PlannedChange {
            id: 0,
            kind: FindingKind::NoContact,
            subject: "estate:1".into(),
            label: "Objekt".into(),
            description: Text::default(),
            op,
            requires: None,
        }
    }

    #[test]
    fn the_announced_contact_order_is_the_target_then_the_rest() {
        let it = item(Op::SetFirstContact {
            estate: 1,
            address: 7,
            address_label: "Anna".into(),
            before: vec![3, 4, 7, 5],
            remove: vec![3, 4],
            create: false,
        });
        let Change::ContactPersons { before, after, .. } = planned_change(&it) else {
            panic!()
        };
        assert_eq!(before, [3, 4, 7, 5]);
        assert_eq!(after, [7, 5]);
    }

    #[test]
    fn every_ending_closes_the_intent_with_the_right_entry() {
        let it = item(Op::AddDefaultEmail {
            address: 1,
            email: "a@b.de".into(),
        });
        let slot = || Slot {
            item: &it,
            affected: vec![9],
            intent: 42,
            done: None,
            pending_event: None,
        };
        let mut s = slot();
        s.finish(Outcome::Unknown, readback_lost());
        assert!(!s.is_open());
        match s.pending_event {
            Some(Event::Unknown { intent, reason }) => {
                assert_eq!(intent, 42);
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
            let mut s = slot();
            s.finish(outcome, cancelled_text());
            match s.pending_event {
                Some(Event::NotApplied { intent, reason }) => {
                    assert_eq!(intent, 42);
                    assert!(reason.starts_with(word), "{reason}");
                    assert!(reason.contains("Abgebrochen"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
        }
        let mut s = slot();
        s.applied(Outcome::Applied, Text::default(), planned_change(&it));
        assert!(matches!(
            s.pending_event,
            Some(Event::Applied {
                intent: Some(42),
                ..
            })
        ));
        assert_eq!(
            event_affected(s.pending_event.as_ref().unwrap(), &s.affected),
            [9]
        );
        assert!(event_affected(
            &Event::NotApplied {
                intent: 1,
                reason: String::new()
            },
            &[9]
        )
        .is_empty());
    }
}
