//! Planning a listing's first contact person (the one the portals get): whom to propose, only if ready, what that
//! contact needs first (its e-mail, the Makler key), and which brokers in front of it to remove.

use super::*;

/// The links a first contact item changes: the brokers as they will be when it runs, those in front of the target
/// to remove, and whether the target must be linked.
struct BrokerChange {
    before: Vec<u64>,
    remove: Vec<u64>,
    create: bool,
}

impl Planner<'_> {
    /// A listing whose first contact is missing or no system user: make a ready system user its first contact.
    pub(super) fn first_contact(&mut self, f: &Finding, estate: u64) {
        // Without a Makler value nobody can become a broker: that comes before whom to choose.
        let Some(key) = self.makler_key else {
            self.need(f, choose_makler_first(self.snapshot.makler.as_ref()));
            return;
        };
        let Some(target) = self.ready_target(f, estate) else {
            return;
        };
        self.email_with_plan(target);
        let requires = self.add_makler(target, key, FindingKind::NotMakler);
        let change = self.broker_change(estate, target);
        let target_name = self.name_of(target);
        let removed: Vec<String> = change.remove.iter().map(|a| self.name_of(*a)).collect();
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
        self.plan.items.push(PlannedChange {
            id: self.next_id(),
            kind: f.kind,
            subject: f.subject,
            label: f.subject_label.clone(),
            description,
            op: Op::SetFirstContact {
                estate,
                address: target,
                address_label: target_name,
                before: change.before,
                remove: change.remove,
                create: change.create,
            },
            requires,
        });
    }

    /// Whom to propose, only if ready: the contact the person chose, else the Betreuer. `None` (with the reason
    /// noted for the person) if there is none or it is not ready: refused here, not by onOffice later.
    fn ready_target(&mut self, f: &Finding, estate: u64) -> Option<u64> {
        let (target, chosen) = match (
            self.choices.contacts.get(&estate).copied(),
            self.officer_address(estate),
        ) {
            (Some(chosen), _) => (chosen, true),
            (None, Some(officer)) => (officer, false),
            (None, None) => {
                self.need(
                    f,
                    Text::new(
                        "Der Betreuer hat keine Systembenutzer-Adresse: bitte einen Systembenutzer wählen.",
                        "The Betreuer has no system user address: please choose a system user.",
                    ),
                );
                return None;
            }
        };
        let Some(why) = self.not_ready(target) else {
            return Some(target);
        };
        let name = self.name_of(target);
        let reason = if chosen {
            Text::new(
                format!(
                    "{name} ist nicht bereit: {}. Bitte einen anderen Systembenutzer wählen.",
                    why.de
                ),
                format!(
                    "{name} is not ready: {}. Please choose another system user.",
                    why.en
                ),
            )
        } else {
            Text::new(
                format!("Der Betreuer {name} ist nicht bereit: {}. Bitte einen bereiten Systembenutzer wählen.", why.de),
                format!("The Betreuer {name} is not ready: {}. Please choose a ready system user.", why.en),
            )
        };
        self.need(f, reason);
        None
    }

    /// The system user address of the listing's Betreuer, if an active user's.
    fn officer_address(&self, estate: u64) -> Option<u64> {
        let snapshot = self.snapshot;
        snapshot
            .rentals
            .get(&estate)
            .and_then(|r| r.officer)
            .and_then(|nr| snapshot.users.get(&nr))
            .filter(|u| u.active)
            .and_then(|u| u.address_id)
            .filter(|a| snapshot.system_addresses.contains_key(a))
    }

    /// Why a system user address cannot be a listing's first contact even after this plan, if it cannot.
    fn not_ready(&self, address: u64) -> Option<Text> {
        let linked = self
            .snapshot
            .users
            .values()
            .any(|u| u.active && u.address_id == Some(address));
        let Some(a) = self
            .snapshot
            .system_addresses
            .get(&address)
            .filter(|_| linked)
        else {
            return Some(Text::new(
                "keine Systembenutzer-Adresse eines aktiven Benutzers",
                "not the system user address of an active user",
            ));
        };
        match &a.default_email {
            None if self.email_for(address).is_none() => {
                Some(Text::new("keine E-Mail-Adresse", "no e-mail address"))
            }
            None => None,
            Some(email) => match self.snapshot.mailbox_of(email) {
                Some(crate::mailbox::MailboxKind::External { provider }) => Some(text!(
                    "externes Postfach bei {provider} (keine Mailverbuchung möglich)",
                    "external mailbox at {provider} (no mail booking possible)"
                )),
                _ => None,
            },
        }
    }

    /// The target's e-mail comes with this plan when it has none yet.
    fn email_with_plan(&mut self, target: u64) {
        let without = self
            .snapshot
            .system_addresses
            .get(&target)
            .is_some_and(|a| a.default_email.is_none());
        if !without || self.email_items.contains_key(&target) {
            return;
        }
        if let Some(email) = self.email_for(target) {
            let label = self
                .snapshot
                .address(target)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            self.add_email(
                target,
                FindingKind::NoEmail,
                Subject::Address(target),
                label,
                email,
            );
        }
    }

    /// Portals get the first broker. The target is linked first (if it is not on the listing yet) and the brokers
    /// still in front of it are removed after that, so the listing never loses its broker.
    fn broker_change(&self, estate: u64, target: u64) -> BrokerChange {
        let before = self
            .snapshot
            .brokers
            .get(&estate)
            .cloned()
            .unwrap_or_default();
        let all = self
            .snapshot
            .contacts
            .get(&estate)
            .cloned()
            .unwrap_or_default();
        let made_broker = |c: &u64| self.makler_items.contains_key(c);
        // The brokers as they will be when this item runs: contacts this plan gives the Makler key count.
        let before: Vec<u64> = if all.iter().any(|c| !before.contains(c) && made_broker(c)) {
            all.iter()
                .filter(|c| before.contains(c) || made_broker(c))
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
        BrokerChange {
            before,
            remove,
            create,
        }
    }
}
