//! Undo: one applied change written back with the same care as a fix. Its intent goes into the journal first; the
//! record is re-read and must still hold what the fix left (a colleague's newer change is never overridden); only
//! what the fix changed is written back; the result is read back.

use std::collections::BTreeSet;

use onoffice::api::{RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL};
use onoffice::{AddressChanges, Client, ErrorClass, RelationSide};

use super::Outcome;
use crate::journal::{Change, Entry, Event, Journal};
use crate::snapshot::CONTACT_TYPE_FIELD;
use crate::text;
use crate::text::Text;

fn failed(e: &onoffice::Error) -> (Outcome, Text) {
    (
        Outcome::Failed {
            class: e.class(),
            code: e.code(),
        },
        Text::new(e.message_de(), e.message_en()),
    )
}

fn unknown(detail: &str) -> (Outcome, Text) {
    (
        Outcome::Unknown,
        text!(
            "Ob die Änderung gespeichert wurde, ist unklar ({detail}). Bitte erneut prüfen, bevor Sie es noch einmal versuchen.",
            "Whether the change was saved is unclear ({detail}). Please check again before retrying."
        ),
    )
}

/// Reads, writes and reads back single records for the fixes.
pub struct Writer<'a> {
    pub client: &'a Client,
    pub journal: &'a Journal,
}

impl Writer<'_> {
    async fn contact_types(&self, address: u64) -> onoffice::Result<Vec<String>> {
        let r = self
            .client
            .read_addresses_by_id(&[address], &[CONTACT_TYPE_FIELD])
            .await?;
        let rec = r.first().ok_or(onoffice::Error::Api {
            code: 80,
            message: "Unknown record".into(),
        })?;
        Ok(rec
            .elements
            .get(CONTACT_TYPE_FIELD)
            .map(onoffice::api::parse_multiselect)
            .unwrap_or_default())
    }

    /// Default e-mail and every e-mail of an address.
    async fn emails(&self, address: u64) -> onoffice::Result<(Option<String>, Vec<String>)> {
        let r = self
            .client
            .read_addresses_by_id(&[address], &["defaultemail", "email", "Email"])
            .await?;
        let rec = r.first().ok_or(onoffice::Error::Api {
            code: 80,
            message: "Unknown record".into(),
        })?;
        let default = rec
            .text("defaultemail")
            .filter(|e| !e.trim().is_empty())
            .or_else(|| rec.text("Email").filter(|e| !e.trim().is_empty()));
        // Entries of all three lists (plain, business, private); remarks are never taken for addresses.
        let all = onoffice::email_entries(rec)
            .into_iter()
            .map(|e| e.address)
            .collect();
        Ok((default, all))
    }

    /// The brokers of a listing (`contactPerson`) in onOffice's order: the first is what the portals get.
    async fn contacts(&self, estate: u64) -> onoffice::Result<Vec<u64>> {
        let map = self
            .client
            .ids_from_relation(RELATION_CONTACT_PERSON, RelationSide::Parents, &[estate])
            .await?;
        Ok(map.get(&estate).cloned().unwrap_or_default())
    }

    fn journal(&self, label: &str, affected: Vec<u64>, event: Event) -> Option<u64> {
        // A journal that cannot be written must not hide an applied change: the result says so.
        self.journal
            .append(label, affected, event)
            .ok()
            .map(|e| e.seq)
    }

    /// Reverts one applied change with the same care: its intent goes into the journal first (if that fails,
    /// nothing is written), then re-read, check that the record still holds what the fix left (a colleague's newer
    /// choice is never overridden: both values are shown and nothing is written), change only what the fix changed,
    /// read back.
    pub async fn undo(&self, entry: &Entry, force: bool) -> (Outcome, Text, Option<u64>) {
        let Event::Applied { change, .. } = &entry.event else {
            return (
                Outcome::Skipped,
                Text::new(
                    "Nur angewendete Änderungen lassen sich rückgängig machen.",
                    "Only applied changes can be undone.",
                ),
                None,
            );
        };
        let intent = match self.journal.append(
            &entry.label,
            vec![],
            Event::UndoIntent {
                of: entry.seq,
                change: change.clone(),
            },
        ) {
            Ok(e) => e.seq,
            Err(e) => {
                return (
                    Outcome::Failed {
                        class: ErrorClass::Configuration,
                        code: None,
                    },
                    e.text(),
                    None,
                )
            }
        };
        let (outcome, message, seq) = self.undo_change(entry, change, force).await;
        if seq.is_none() {
            let event = if outcome == Outcome::Unknown {
                Event::Unknown {
                    intent,
                    reason: message.de.clone(),
                }
            } else {
                Event::NotApplied {
                    intent,
                    reason: message.de.clone(),
                }
            };
            let _ = self.journal.append(&entry.label, vec![], event);
        }
        (outcome, message, seq)
    }

    /// `force`: the person saw both values and wants the fix undone anyway.
    async fn undo_change(
        &self,
        entry: &Entry,
        change: &Change,
        force: bool,
    ) -> (Outcome, Text, Option<u64>) {
        match change {
            Change::ContactType {
                address,
                key,
                after,
                ..
            } => {
                let current = match self.contact_types(*address).await {
                    Ok(c) => c,
                    Err(e) => return with_none(failed(&e)),
                };
                if !force && current.iter().any(|k| k == key) && !same_set(&current, after) {
                    return changed_since(&after.join(", "), &current.join(", "));
                }
                if !current.iter().any(|k| k == key) {
                    let seq = self.journal(
                        &entry.label,
                        vec![],
                        Event::Undone {
                            of: entry.seq,
                            change: Change::ContactType {
                                address: *address,
                                key: key.clone(),
                                before: current.clone(),
                                after: current,
                            },
                        },
                    );
                    return (
                        Outcome::AlreadyDone,
                        Text::new(
                            "Der Wert ist bereits entfernt.",
                            "The value is already removed.",
                        ),
                        seq,
                    );
                }
                let reduced: Vec<String> = current.iter().filter(|k| *k != key).cloned().collect();
                let write = self
                    .client
                    .modify_address(
                        *address,
                        &AddressChanges::new().multiselect(CONTACT_TYPE_FIELD, &reduced),
                    )
                    .await;
                if let Some(refused) = refused(&write) {
                    return refused;
                }
                let back = match self.contact_types(*address).await {
                    Ok(b) => b,
                    Err(_) => return readback_failed(),
                };
                if back.iter().any(|k| k == key) {
                    return not_saved(undo_failed_text());
                }
                let seq = self.journal(
                    &entry.label,
                    entry.affected_estates.clone(),
                    Event::Undone {
                        of: entry.seq,
                        change: Change::ContactType {
                            address: *address,
                            key: key.clone(),
                            before: current,
                            after: back,
                        },
                    },
                );
                undone(seq)
            }
            Change::DefaultEmail {
                existed: true,
                email,
                ..
            } => (
                Outcome::Skipped,
                text!(
                    "{email} stand schon vor der Korrektur in der Adresse und wird nicht gelöscht. Die Markierung als Standard bei Bedarf in onOffice ändern.",
                    "{email} was in the address before the fix and is not deleted. Change the default mark in onOffice if needed."
                ),
                None,
            ),
            Change::DefaultEmail { address, email, .. } => {
                let (default, all) = match self.emails(*address).await {
                    Ok(x) => x,
                    Err(e) => return with_none(failed(&e)),
                };
                if let Some(d) = default
                    .as_deref()
                    .filter(|d| !force && !d.eq_ignore_ascii_case(email))
                {
                    return changed_since(email, d);
                }
                let hits = all.iter().filter(|e| e.eq_ignore_ascii_case(email)).count();
                if hits == 0 {
                    let seq = self.journal(
                        &entry.label,
                        vec![],
                        Event::Undone {
                            of: entry.seq,
                            change: Change::DefaultEmail {
                                address: *address,
                                email: email.clone(),
                                before: default.clone(),
                                after: default,
                                existed: false,
                            },
                        },
                    );
                    return (
                        Outcome::AlreadyDone,
                        Text::new(
                            "Die E-Mail-Adresse ist bereits entfernt.",
                            "The e-mail address is already removed.",
                        ),
                        seq,
                    );
                }
                if hits > 1 {
                    return (Outcome::Conflict, Text::new("Die E-Mail-Adresse steht mehrfach in der Adresse; bitte in onOffice von Hand entfernen.", "The e-mail address appears more than once; please remove it by hand in onOffice."), None);
                }
                let write = self
                    .client
                    .modify_address(*address, &AddressChanges::new().delete_email(email))
                    .await;
                if let Some(refused) = refused(&write) {
                    return refused;
                }
                let (back_default, back_all) = match self.emails(*address).await {
                    Ok(x) => x,
                    Err(_) => return readback_failed(),
                };
                if back_all.iter().any(|e| e.eq_ignore_ascii_case(email)) {
                    return not_saved(undo_failed_text());
                }
                let seq = self.journal(
                    &entry.label,
                    entry.affected_estates.clone(),
                    Event::Undone {
                        of: entry.seq,
                        change: Change::DefaultEmail {
                            address: *address,
                            email: email.clone(),
                            before: default,
                            after: back_default,
                            existed: false,
                        },
                    },
                );
                undone(seq)
            }
            Change::ContactPersons {
                estate,
                address,
                before,
                after,
            } => {
                let current = match self.contacts(*estate).await {
                    Ok(c) => c,
                    Err(e) => return with_none(failed(&e)),
                };
                if !force && current != *after && current != *before {
                    let names = |l: &[u64]| {
                        l.iter()
                            .map(|a| format!("#{a}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    return changed_since(&names(after), &names(&current));
                }
                // Back to the order before the fix; contacts others added since are kept, after those.
                let created: Vec<u64> = after
                    .iter()
                    .filter(|a| !before.contains(a))
                    .copied()
                    .collect();
                let mut target = before.clone();
                target.extend(
                    current
                        .iter()
                        .filter(|c| !before.contains(c) && !created.contains(c) && *c != address),
                );
                if current == target {
                    let seq = self.journal(
                        &entry.label,
                        vec![],
                        Event::Undone {
                            of: entry.seq,
                            change: change.clone(),
                        },
                    );
                    return (
                        Outcome::AlreadyDone,
                        Text::new(
                            "Die Ansprechpartner sind bereits wie vorher.",
                            "The contact persons are already as before.",
                        ),
                        seq,
                    );
                }
                let keep = current
                    .iter()
                    .zip(target.iter())
                    .take_while(|(a, b)| a == b)
                    .count();
                // Create the missing brokers first (they land behind the others), then remove the ones that were
                // not there before: the listing keeps a broker at every step.
                let mut trouble = None;
                for c in target[keep..].iter().filter(|c| !current.contains(c)) {
                    if let Err(e) = self
                        .client
                        .create_relation(RELATION_CONTACT_PERSON, *estate, *c)
                        .await
                    {
                        trouble = Some(e);
                        break;
                    }
                }
                if trouble.is_none() {
                    for c in current[keep..].iter().filter(|c| !target.contains(c)) {
                        if let Err(e) = self
                            .client
                            .delete_relation(RELATION_CONTACT_PERSON_ALL, *estate, *c)
                            .await
                        {
                            trouble = Some(e);
                            break;
                        }
                    }
                }
                let mut back = match self.contacts(*estate).await {
                    Ok(b) => b,
                    Err(_) => return readback_failed(),
                };
                // New links land behind the others: move the ones out of order to the end, in the old order, one
                // at a time (each is gone only while the others stay), until the order is as before.
                if trouble.is_none() && back != target && sorted(&back) == sorted(&target) {
                    let first_wrong = back
                        .iter()
                        .zip(target.iter())
                        .take_while(|(a, b)| a == b)
                        .count();
                    for c in &target[first_wrong..] {
                        let moved = match self
                            .client
                            .delete_relation(RELATION_CONTACT_PERSON_ALL, *estate, *c)
                            .await
                        {
                            Ok(()) => {
                                self.client
                                    .create_relation(RELATION_CONTACT_PERSON, *estate, *c)
                                    .await
                            }
                            Err(e) => Err(e),
                        };
                        if let Err(e) = moved {
                            trouble = Some(e);
                            break;
                        }
                    }
                    back = match self.contacts(*estate).await {
                        Ok(b) => b,
                        Err(_) => return readback_failed(),
                    };
                }
                let seq = if back != current {
                    self.journal(
                        &entry.label,
                        entry.affected_estates.clone(),
                        Event::Undone {
                            of: entry.seq,
                            change: Change::ContactPersons {
                                estate: *estate,
                                address: *address,
                                before: current,
                                after: back.clone(),
                            },
                        },
                    )
                } else {
                    None
                };
                if back == target {
                    undone(seq)
                } else {
                    let (o, t) = match trouble {
                        Some(e) => failed(&e),
                        None => (Outcome::Conflict, Text::new("Die Ansprechpartner haben sich gleichzeitig geändert. Bitte prüfen.", "The contact persons changed at the same time. Please check."), ),
                    };
                    (o, t, seq)
                }
            }
        }
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let a: BTreeSet<&String> = a.iter().collect();
    let b: BTreeSet<&String> = b.iter().collect();
    a == b
}

/// A colleague changed the record after the fix: undo shows both values and writes nothing.
fn changed_since(left: &str, now: &str) -> (Outcome, Text, Option<u64>) {
    (
        Outcome::Conflict,
        text!(
            "Seit der Korrektur wurde der Datensatz geändert: die Korrektur hinterließ „{left}“, jetzt steht dort „{now}“. Rückgängig würde diese neuere Änderung überschreiben; es wurde nichts geändert.",
            "The record changed since the fix: the fix left \"{left}\", now it holds \"{now}\". Undo would override that newer change; nothing was changed."
        ),
        None,
    )
}

fn sorted(ids: &[u64]) -> Vec<u64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v
}

const READBACK_FAILED: &str = "Rücklesen fehlgeschlagen / read-back failed";

/// The write may have happened, but reading it back failed.
fn readback_failed() -> (Outcome, Text, Option<u64>) {
    with_none(unknown(READBACK_FAILED))
}

/// Read back shows the change is not there: nothing was saved, trying again is safe.
fn not_saved(message: Text) -> (Outcome, Text, Option<u64>) {
    (
        Outcome::Failed {
            class: ErrorClass::Transient,
            code: None,
        },
        message,
        None,
    )
}

fn undo_failed_text() -> Text {
    Text::new(
        "Rückgängig machen hat nicht geklappt. Bitte erneut versuchen.",
        "Undo did not go through. Please try again.",
    )
}

/// An undo confirmed by reading back, with its journal entry.
fn undone(seq: Option<u64>) -> (Outcome, Text, Option<u64>) {
    (
        Outcome::Applied,
        Text::new("Rückgängig gemacht.", "Undone."),
        seq,
    )
}

/// A write onOffice refused ends the item; a lost answer does not (the read-back decides).
fn refused(write: &onoffice::Result<()>) -> Option<(Outcome, Text, Option<u64>)> {
    match write {
        Err(e) if e.class() != ErrorClass::UnknownOutcome => Some(with_none(failed(e))),
        _ => None,
    }
}

fn with_none((o, t): (Outcome, Text)) -> (Outcome, Text, Option<u64>) {
    (o, t, None)
}
