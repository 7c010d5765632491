//! Planning fixes: which change each fixable finding needs (with the values before and after, for the preview), the
//! Makler key and e-mail a chosen contact needs first, and only ready contacts proposed. No I/O here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingKind};
use crate::snapshot::{MaklerKey, Snapshot};
use crate::subject::Subject;
use crate::text;
use crate::text::Text;

/// One change of a plan.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Add `key` to `ArtDaten`; `before`/`after` as seen at planning time.
    AddContactType {
        address: u64,
        key: String,
        key_label: String,
        before: Vec<String>,
        after: Vec<String>,
    },
    /// Add `email` as the default e-mail.
    AddDefaultEmail { address: u64, email: String },
    /// Make `address` the first contact person: remove `remove`, then create the link if `create`.
    SetFirstContact {
        estate: u64,
        address: u64,
        address_label: String,
        before: Vec<u64>,
        remove: Vec<u64>,
        create: bool,
    },
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedChange {
    pub id: usize,
    pub kind: FindingKind,
    pub subject: Subject,
    pub label: String,
    /// Field, value before and after, in words.
    pub description: Text,
    pub op: Op,
    /// This item needs that item applied first (the Makler key before a contact person link).
    pub requires: Option<usize>,
}

/// A finding the plan cannot fix without an answer from the person.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsInput {
    pub kind: FindingKind,
    pub subject: Subject,
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
    pub emails: BTreeMap<u64, String>,
    pub contacts: BTreeMap<u64, u64>,
}

/// A finding the plan cannot fix without an answer from the person, and why.
fn needs_input(f: &Finding, reason: Text) -> NeedsInput {
    NeedsInput {
        kind: f.kind,
        subject: f.subject,
        label: f.subject_label.clone(),
        reason,
    }
}

/// Why nothing can be made a broker yet: the Makler value is missing. The person chooses it where values read like
/// one; otherwise only onOffice's support can restore it.
fn choose_makler_first(makler: Option<&MaklerKey>) -> Text {
    match makler {
        Some(MaklerKey::Missing { candidates }) if candidates.is_empty() => Text::new(
            "Es gibt die Kontaktart „Makler“ nicht: erst muss der onOffice-Support sie wiederherstellen (siehe Systembenutzer).",
            "There is no contact type \"Makler\": onOffice's support must restore it first (see system users).",
        ),
        _ => Text::new(
            "Erst unter Systembenutzer wählen, welche Kontaktart bei Ihnen für Makler steht.",
            "First choose under system users which contact type stands for brokers.",
        ),
    }
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
            subject: Subject::Address(address),
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
        let (Subject::Address(id) | Subject::Estate(id)) = f.subject else {
            continue;
        };
        match f.kind {
            FindingKind::NotMakler => match &makler_key {
                Some(key) => {
                    add_makler(&mut plan, &mut makler_items, id, key, f.kind);
                }
                None => plan
                    .needs_input
                    .push(needs_input(f, choose_makler_first(makler))),
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
                            subject: f.subject,
                            label: f.subject_label.clone(),
                            description: text!(
                                "Standard-E-Mail: (keine) → {email}",
                                "Default e-mail: (none) → {email}"
                            ),
                            op: Op::AddDefaultEmail { address: id, email },
                            requires: None,
                        });
                    }
                    None => plan.needs_input.push(needs_input(
                        f,
                        Text::new(
                            "Bitte eine gültige E-Mail-Adresse eingeben.",
                            "Please enter a valid e-mail address.",
                        ),
                    )),
                }
            }
            FindingKind::NoContact | FindingKind::ContactNotSystemUser => {
                // Without a Makler value nobody can become a broker: that comes before whom to choose.
                let Some(key) = &makler_key else {
                    plan.needs_input
                        .push(needs_input(f, choose_makler_first(makler)));
                    continue;
                };
                let officer_address = snapshot
                    .rentals
                    .get(&id)
                    .and_then(|r| r.officer)
                    .and_then(|nr| snapshot.users.get(&nr))
                    .filter(|u| u.active)
                    .and_then(|u| u.address_id)
                    .filter(|a| snapshot.system_addresses.contains_key(a));
                let need = |plan: &mut FixPlan, reason: Text| {
                    plan.needs_input.push(needs_input(f, reason))
                };
                // Propose only ready contacts: the Betreuer if ready (or made ready by this plan), else the person
                // chooses; a chosen contact that is not ready is refused here, not by onOffice later.
                let (target, chosen) = match (choices.contacts.get(&id).copied(), officer_address) {
                    (Some(chosen), _) => (chosen, true),
                    (None, Some(officer)) => (officer, false),
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
                if let Some(why) = not_ready(target) {
                    let name = snapshot
                        .address(target)
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| format!("#{target}"));
                    let reason = if chosen {
                        Text::new(
                            format!("{name} ist nicht bereit: {}. Bitte einen anderen Systembenutzer wählen.", why.de),
                            format!("{name} is not ready: {}. Please choose another system user.", why.en),
                        )
                    } else {
                        Text::new(
                            format!("Der Betreuer {name} ist nicht bereit: {}. Bitte einen bereiten Systembenutzer wählen.", why.de),
                            format!("The Betreuer {name} is not ready: {}. Please choose a ready system user.", why.en),
                        )
                    };
                    need(&mut plan, reason);
                    continue;
                }
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
                            subject: Subject::Address(target),
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
                        "Ansprechpartner: {target_name} wird erster Ansprechpartner",
                        "Contact person: {target_name} becomes the first contact person"
                    )
                } else {
                    text!(
                        "Ansprechpartner: {target_name} wird erster Ansprechpartner; nicht mehr Ansprechpartner dieses Objekts (nur die Verknüpfung wird gelöst, die Adresse bleibt erhalten): {}",
                        "Contact person: {target_name} becomes the first contact person; no longer contact person of this listing (only the link is removed, the address stays): {}",
                        removed.join(", ")
                    )
                };
                plan.items.push(PlannedChange {
                    id: plan.items.len(),
                    kind: f.kind,
                    subject: f.subject,
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
