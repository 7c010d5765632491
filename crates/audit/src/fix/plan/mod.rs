//! Planning fixes: which change each fixable finding needs (with the values before and after, for the preview), the
//! Makler key and e-mail a chosen contact needs first, and only ready contacts proposed. No I/O here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingKind};
use crate::snapshot::{MaklerKey, Snapshot};
use crate::subject::Subject;
use crate::text;
use crate::text::Text;

mod first_contact;

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
    let mut planner = Planner::new(snapshot, choices);
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
            FindingKind::NotMakler => planner.not_makler(f, id),
            FindingKind::NoEmail => planner.no_email(f, id),
            FindingKind::NoContact | FindingKind::ContactNotSystemUser => {
                planner.first_contact(f, id)
            }
            _ => {}
        }
    }
    planner.plan
}

/// A fix plan being made: the snapshot and the person's answers it follows, and which items it already holds.
struct Planner<'a> {
    snapshot: &'a Snapshot,
    choices: &'a PlanChoices,
    makler_key: Option<&'a str>,
    makler_label: String,
    plan: FixPlan,
    /// The item that gives an address the Makler key, per address.
    makler_items: BTreeMap<u64, usize>,
    /// The item that gives an address its default e-mail, per address.
    email_items: BTreeMap<u64, usize>,
}

impl<'a> Planner<'a> {
    fn new(snapshot: &'a Snapshot, choices: &'a PlanChoices) -> Self {
        let makler = snapshot.makler.as_ref();
        Planner {
            snapshot,
            choices,
            makler_key: makler.and_then(|m| m.key()),
            makler_label: makler
                .and_then(|m| m.label())
                .unwrap_or("Makler")
                .to_string(),
            plan: FixPlan::default(),
            makler_items: BTreeMap::new(),
            email_items: BTreeMap::new(),
        }
    }

    /// Notes that the finding needs an answer from the person first.
    fn need(&mut self, f: &Finding, reason: Text) {
        self.plan.needs_input.push(needs_input(f, reason));
    }

    /// The next item's id.
    fn next_id(&self) -> usize {
        self.plan.items.len()
    }

    /// An address that is no broker: it gets the Makler key, once the person chose which key that is.
    fn not_makler(&mut self, f: &Finding, address: u64) {
        match self.makler_key {
            Some(key) => {
                self.add_makler(address, key, f.kind);
            }
            None => self.need(f, choose_makler_first(self.snapshot.makler.as_ref())),
        }
    }

    /// An address without a default e-mail: it gets the one chosen or its user's own.
    fn no_email(&mut self, f: &Finding, address: u64) {
        if self.email_items.contains_key(&address) {
            return;
        }
        match self.email_for(address) {
            Some(email) => {
                self.add_email(address, f.kind, f.subject, f.subject_label.clone(), email)
            }
            None => self.need(
                f,
                Text::new(
                    "Bitte eine gültige E-Mail-Adresse eingeben.",
                    "Please enter a valid e-mail address.",
                ),
            ),
        }
    }

    /// The e-mail a system user address would get: the person's choice, else the onOffice user's own.
    fn email_for(&self, address: u64) -> Option<String> {
        let user_email = self
            .snapshot
            .users
            .values()
            .find(|u| u.address_id == Some(address))
            .map(|u| u.email.clone())
            .filter(|e| valid_email(e));
        self.choices
            .emails
            .get(&address)
            .cloned()
            .or(user_email)
            .filter(|e| valid_email(e))
            .map(|e| e.trim().to_string())
    }

    /// Plans `email` as the default e-mail of `address`.
    fn add_email(
        &mut self,
        address: u64,
        kind: FindingKind,
        subject: Subject,
        label: String,
        email: String,
    ) {
        let id = self.next_id();
        self.email_items.insert(address, id);
        self.plan.items.push(PlannedChange {
            id,
            kind,
            subject,
            label,
            description: text!(
                "Standard-E-Mail: (keine) → {email}",
                "Default e-mail: (none) → {email}"
            ),
            op: Op::AddDefaultEmail { address, email },
            requires: None,
        });
    }

    /// Plans the Makler key `key` for `address`, once: the item that adds it, or `None` if the address has it.
    fn add_makler(&mut self, address: u64, key: &str, kind: FindingKind) -> Option<usize> {
        if let Some(&id) = self.makler_items.get(&address) {
            return Some(id);
        }
        let a = self
            .snapshot
            .system_addresses
            .get(&address)
            .or_else(|| self.snapshot.other_contacts.get(&address))?;
        if a.contact_types.iter().any(|k| k == key) {
            return None;
        }
        let mut after = a.contact_types.clone();
        after.push(key.to_string());
        let id = self.next_id();
        self.plan.items.push(PlannedChange {
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
                key_label: self.makler_label.clone(),
                before: a.contact_types.clone(),
                after,
            },
            requires: None,
        });
        self.makler_items.insert(address, id);
        Some(id)
    }

    /// The name of an address as the plan shows it (`#id` if the snapshot does not know it).
    fn name_of(&self, address: u64) -> String {
        self.snapshot
            .address(address)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| format!("#{address}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::KeyChoice;

    #[test]
    fn without_a_makler_value_the_words_say_who_can_give_one() {
        let none = MaklerKey::Missing {
            candidates: Vec::new(),
        };
        assert!(choose_makler_first(Some(&none))
            .de
            .contains("onOffice-Support"));
        let some = MaklerKey::Missing {
            candidates: vec![KeyChoice {
                key: "Vermittler".into(),
                label: "Vermittler".into(),
            }],
        };
        for makler in [Some(&some), None] {
            let words = choose_makler_first(makler);
            assert!(
                words.de.starts_with("Erst unter Systembenutzer wählen"),
                "{}",
                words.de
            );
            assert!(words.en.starts_with("First choose"), "{}", words.en);
        }
    }
}
