//! Fix plans and applying them safely. A plan lists every change before anything is written. Applying re-reads the
//! record right before the write, merges (a multiselect keeps every key it has at that moment), writes, reads back
//! and compares. Each item ends applied, already done, conflict, failed or unknown; other items go on. Every applied
//! change goes into the journal, and undo writes the before-value back with the same care.

use std::collections::{BTreeMap, BTreeSet};

use onoffice::api::{RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL};
use onoffice::{AddressChanges, Client, ErrorClass, RelationSide};
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingKind};
use crate::journal::{Change, Entry, Event, Journal};
use crate::snapshot::{Snapshot, CONTACT_TYPE_FIELD};
use crate::text;
use crate::text::Text;

pub mod pipeline;
pub mod reconcile;
pub use pipeline::Pipeline;

/// One change of a plan.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Add `key` to `ArtDaten`; `before`/`after` as seen at planning time.
    AddContactType {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        address: u64,
        key: String,
        key_label: String,
        before: Vec<String>,
        after: Vec<String>,
    },
    /// Add `email` as the default e-mail.
    AddDefaultEmail {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        address: u64,
        email: String,
    },
    /// Make `address` the first contact person: remove `remove`, then create the link if `create`.
    SetFirstContact {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        estate: u64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        address: u64,
        address_label: String,
        #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
        before: Vec<u64>,
        #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
        remove: Vec<u64>,
        create: bool,
    },
}

impl Op {
    pub fn record(&self) -> String {
        match self {
            Op::AddContactType { address, .. } | Op::AddDefaultEmail { address, .. } => {
                format!("address:{address}")
            }
            Op::SetFirstContact { estate, .. } => format!("estate:{estate}"),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedChange {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: usize,
    pub kind: FindingKind,
    pub subject: String,
    pub label: String,
    /// Field, value before and after, in words.
    pub description: Text,
    pub op: Op,
    /// This item needs that item applied first (the Makler key before a contact person link).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub requires: Option<usize>,
}

/// A finding the plan cannot fix without an answer from the person.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsInput {
    pub kind: FindingKind,
    pub subject: String,
    pub label: String,
    pub reason: Text,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixPlan {
    pub items: Vec<PlannedChange>,
    pub needs_input: Vec<NeedsInput>,
}

/// Answers the person gave: an e-mail per address, a contact person per listing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PlanChoices {
    #[cfg_attr(feature = "ts", ts(type = "Record<number, string>"))]
    pub emails: BTreeMap<u64, String>,
    #[cfg_attr(feature = "ts", ts(type = "Record<number, number>"))]
    pub contacts: BTreeMap<u64, u64>,
}

fn subject_id(subject: &str) -> Option<u64> {
    subject.split_once(':').and_then(|(_, id)| id.parse().ok())
}

/// A plausible e-mail address (the person may type one).
pub fn valid_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
}

/// Plans the fixes for the given findings (fixable kinds only; others are ignored).
pub fn plan(snapshot: &Snapshot, findings: &[&Finding], choices: &PlanChoices) -> FixPlan {
    let mut plan = FixPlan::default();
    let makler = snapshot.makler.as_ref();
    let makler_key = makler.and_then(|m| m.key()).map(str::to_owned);
    let makler_label = makler
        .and_then(|m| m.label())
        .unwrap_or("Makler")
        .to_string();
    let mut makler_items: BTreeMap<u64, usize> = BTreeMap::new();
    let mut email_items: BTreeMap<u64, usize> = BTreeMap::new();
    // The e-mail a system user address would get: the person's choice, else the onOffice user's own.
    let email_for = |address: u64| -> Option<String> {
        let user_email = snapshot
            .users
            .values()
            .find(|u| u.address_id == Some(address))
            .map(|u| u.email.clone())
            .filter(|e| valid_email(e));
        choices
            .emails
            .get(&address)
            .cloned()
            .or(user_email)
            .filter(|e| valid_email(e))
            .map(|e| e.trim().to_string())
    };
    // Why a system user address cannot be a listing's first contact even after this plan, if it cannot.
    let not_ready = |address: u64| -> Option<Text> {
        let linked = snapshot
            .users
            .values()
            .any(|u| u.active && u.address_id == Some(address));
        let Some(a) = snapshot.system_addresses.get(&address).filter(|_| linked) else {
            return Some(Text::new(
                "keine Systembenutzer-Adresse eines aktiven Benutzers",
                "not the system user address of an active user",
            ));
        };
        match &a.default_email {
            None if email_for(address).is_none() => {
                Some(Text::new("keine E-Mail-Adresse", "no e-mail address"))
            }
            None => None,
            Some(email) => match snapshot.mailbox_of(email) {
                Some(crate::mailbox::MailboxKind::External { provider }) => Some(text!(
                    "externes Postfach bei {provider} (keine Mailverbuchung möglich)",
                    "external mailbox at {provider} (no mail booking possible)"
                )),
                _ => None,
            },
        }
    };

    let add_makler = |plan: &mut FixPlan,
                      items: &mut BTreeMap<u64, usize>,
                      address: u64,
                      key: &str,
                      kind: FindingKind|
     -> Option<usize> {
        if let Some(&id) = items.get(&address) {
            return Some(id);
        }
        let a = snapshot
            .system_addresses
            .get(&address)
            .or_else(|| snapshot.other_contacts.get(&address))?;
        if a.contact_types.iter().any(|k| k == key) {
            return None;
        }
        let mut after = a.contact_types.clone();
        after.push(key.to_string());
        let id = plan.items.len();
        plan.items.push(PlannedChange {
            id,
            kind,
            subject: format!("address:{address}"),
            label: a.name.clone(),
            description: text!(
                "Kontaktart: „{}“ → „{}“",
                "Contact type: \"{}\" → \"{}\"",
                a.contact_types.join(", "),
                after.join(", ")
            ),
            op: Op::AddContactType {
                address,
                key: key.to_string(),
                key_label: makler_label.clone(),
                before: a.contact_types.clone(),
                after,
            },
            requires: None,
        });
        items.insert(address, id);
        Some(id)
    };

    // Address fixes first, so the listings below know which addresses this plan turns into brokers.
    let (address_findings, listing_findings): (Vec<&&Finding>, Vec<&&Finding>) =
        findings.iter().partition(|f| {
            !matches!(
                f.kind,
                FindingKind::NoContact | FindingKind::ContactNotSystemUser
            )
        });
    for f in address_findings.into_iter().chain(listing_findings) {
        let Some(id) = subject_id(&f.subject) else {
            continue;
        };
        match f.kind {
            FindingKind::NotMakler => match &makler_key {
                Some(key) => {
                    add_makler(&mut plan, &mut makler_items, id, key, f.kind);
                }
                None => plan.needs_input.push(NeedsInput {
                    kind: f.kind,
                    subject: f.subject.clone(),
                    label: f.subject_label.clone(),
                    reason: Text::new(
                        "Erst den Makler-Wert wählen.",
                        "Choose the broker value first.",
                    ),
                }),
            },
            FindingKind::NoEmail => {
                if email_items.contains_key(&id) {
                    continue;
                }
                match email_for(id) {
                    Some(email) => {
                        email_items.insert(id, plan.items.len());
                        plan.items.push(PlannedChange {
                            id: plan.items.len(),
                            kind: f.kind,
                            subject: f.subject.clone(),
                            label: f.subject_label.clone(),
                            description: text!(
                                "Standard-E-Mail: (keine) → {email}",
                                "Default e-mail: (none) → {email}"
                            ),
                            op: Op::AddDefaultEmail { address: id, email },
                            requires: None,
                        });
                    }
                    None => plan.needs_input.push(NeedsInput {
                        kind: f.kind,
                        subject: f.subject.clone(),
                        label: f.subject_label.clone(),
                        reason: Text::new(
                            "Bitte eine gültige E-Mail-Adresse eingeben.",
                            "Please enter a valid e-mail address.",
                        ),
                    }),
                }
            }
            FindingKind::NoContact | FindingKind::ContactNotSystemUser => {
                let officer_address = snapshot
                    .rentals
                    .get(&id)
                    .and_then(|r| r.officer)
                    .and_then(|nr| snapshot.users.get(&nr))
                    .filter(|u| u.active)
                    .and_then(|u| u.address_id)
                    .filter(|a| snapshot.system_addresses.contains_key(a));
                let need = |plan: &mut FixPlan, reason: Text| {
                    plan.needs_input.push(NeedsInput {
                        kind: f.kind,
                        subject: f.subject.clone(),
                        label: f.subject_label.clone(),
                        reason,
                    })
                };
                // Propose only ready contacts: the Betreuer if ready (or made ready by this plan), else the person
                // chooses; a chosen contact that is not ready is refused here, not by onOffice later.
                let target = match (choices.contacts.get(&id).copied(), officer_address) {
                    (Some(chosen), _) => match not_ready(chosen) {
                        None => chosen,
                        Some(why) => {
                            let name = snapshot
                                .address(chosen)
                                .map(|a| a.name.clone())
                                .unwrap_or_else(|| format!("#{chosen}"));
                            need(
                                &mut plan,
                                Text::new(
                                    format!("{name} ist nicht bereit: {}. Bitte einen anderen Systembenutzer wählen.", why.de),
                                    format!("{name} is not ready: {}. Please choose another system user.", why.en),
                                ),
                            );
                            continue;
                        }
                    },
                    (None, Some(officer)) => match not_ready(officer) {
                        None => officer,
                        Some(why) => {
                            let name = snapshot
                                .address(officer)
                                .map(|a| a.name.clone())
                                .unwrap_or_default();
                            need(
                                &mut plan,
                                Text::new(
                                    format!("Der Betreuer {name} ist nicht bereit: {}. Bitte einen bereiten Systembenutzer wählen.", why.de),
                                    format!("The Betreuer {name} is not ready: {}. Please choose a ready system user.", why.en),
                                ),
                            );
                            continue;
                        }
                    },
                    (None, None) => {
                        need(
                            &mut plan,
                            Text::new(
                                "Der Betreuer hat keine Systembenutzer-Adresse: bitte einen Systembenutzer wählen.",
                                "The Betreuer has no system user address: please choose a system user.",
                            ),
                        );
                        continue;
                    }
                };
                // Its e-mail comes with this plan when it has none yet.
                if snapshot
                    .system_addresses
                    .get(&target)
                    .is_some_and(|a| a.default_email.is_none())
                    && !email_items.contains_key(&target)
                {
                    if let Some(email) = email_for(target) {
                        let label = snapshot
                            .address(target)
                            .map(|a| a.name.clone())
                            .unwrap_or_default();
                        email_items.insert(target, plan.items.len());
                        plan.items.push(PlannedChange {
                            id: plan.items.len(),
                            kind: FindingKind::NoEmail,
                            subject: format!("address:{target}"),
                            label,
                            description: text!(
                                "Standard-E-Mail: (keine) → {email}",
                                "Default e-mail: (none) → {email}"
                            ),
                            op: Op::AddDefaultEmail {
                                address: target,
                                email,
                            },
                            requires: None,
                        });
                    }
                }
                let Some(key) = &makler_key else {
                    plan.needs_input.push(NeedsInput {
                        kind: f.kind,
                        subject: f.subject.clone(),
                        label: f.subject_label.clone(),
                        reason: Text::new(
                            "Erst den Makler-Wert wählen.",
                            "Choose the broker value first.",
                        ),
                    });
                    continue;
                };
                let requires = add_makler(
                    &mut plan,
                    &mut makler_items,
                    target,
                    key,
                    FindingKind::NotMakler,
                );
                // Portals get the first broker. The target is linked first (if it is not on the listing yet) and the
                // brokers still in front of it are removed after that, so the listing never loses its broker.
                let before = snapshot.brokers.get(&id).cloned().unwrap_or_default();
                let all = snapshot.contacts.get(&id).cloned().unwrap_or_default();
                // The brokers as they will be when this item runs: contacts this plan gives the Makler key count.
                let before = if all
                    .iter()
                    .any(|c| !before.contains(c) && makler_items.contains_key(c))
                {
                    all.iter()
                        .filter(|c| before.contains(c) || makler_items.contains_key(c))
                        .copied()
                        .collect()
                } else {
                    before
                };
                let (remove, create) = match before.iter().position(|c| *c == target) {
                    Some(pos) => (before[..pos].to_vec(), false),
                    // On the listing but no broker yet: the Makler fix makes it one, in its place.
                    None if all.contains(&target) => {
                        let pos = all.iter().position(|c| *c == target).unwrap_or(0);
                        let ahead: Vec<u64> = before
                            .iter()
                            .filter(|b| all[..pos].contains(b))
                            .copied()
                            .collect();
                        (ahead, false)
                    }
                    None => (before.clone(), true),
                };
                let name = |a: u64| {
                    snapshot
                        .address(a)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| format!("#{a}"))
                };
                let target_name = name(target);
                let removed: Vec<String> = remove.iter().map(|a| name(*a)).collect();
                let description = if removed.is_empty() {
                    text!(
                        "Ansprechpartner: {target_name} wird erster Makler",
                        "Contact person: {target_name} becomes the first broker"
                    )
                } else {
                    text!(
                        "Ansprechpartner: {target_name} wird erster Makler; nicht mehr Ansprechpartner dieses Objekts: {}",
                        "Contact person: {target_name} becomes the first broker; no longer contact person of this listing: {}",
                        removed.join(", ")
                    )
                };
                plan.items.push(PlannedChange {
                    id: plan.items.len(),
                    kind: f.kind,
                    subject: f.subject.clone(),
                    label: f.subject_label.clone(),
                    description,
                    op: Op::SetFirstContact {
                        estate: id,
                        address: target,
                        address_label: target_name,
                        before,
                        remove,
                        create,
                    },
                    requires,
                });
            }
            _ => {}
        }
    }
    plan
}

/// How one item ended.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Written and confirmed by reading back.
    Applied,
    /// Nothing to do any more (someone did it meanwhile).
    AlreadyDone,
    /// The record changed since the preview in a way the plan did not cover: nothing (more) was written.
    Conflict,
    /// onOffice refused or could not be reached; nothing was written.
    Failed {
        class: ErrorClass,
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
        code: Option<i64>,
    },
    /// Whether the write happened is unknown (answer lost, read-back failed): check before trying again.
    Unknown,
    /// Not tried because the item it needs did not go through.
    Skipped,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: usize,
    pub subject: String,
    pub label: String,
    pub outcome: Outcome,
    pub message: Text,
    /// The journal entry written for it.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub journal_seq: Option<u64>,
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
    pub async fn undo(&self, entry: &Entry) -> (Outcome, Text, Option<u64>) {
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
        let (outcome, message, seq) = self.undo_change(entry, change).await;
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

    async fn undo_change(&self, entry: &Entry, change: &Change) -> (Outcome, Text, Option<u64>) {
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
                if current.iter().any(|k| k == key) && !same_set(&current, after) {
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
                if let Some(d) = default.as_deref().filter(|d| !d.eq_ignore_ascii_case(email)) {
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
                if current != *after && current != *before {
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
