//! The listings of the account and the ground truth about their contact persons.

use std::collections::BTreeSet;

use super::names::CITIES;
use super::Builder;
use crate::model::*;

impl Builder<'_> {
    /// Listings of every kind (rentals, sales, archived) with their contact persons in every case the audit must tell apart. Returns the open rentals.
    pub(super) fn listings(&mut self, wrong_contacts: &[u64]) -> Vec<u64> {
        let non_broker_contacts: Vec<u64> = wrong_contacts
            .iter()
            .copied()
            .filter(|id| !self.account.is_broker(*id))
            .collect();
        let active_users: Vec<u64> = self
            .account
            .users
            .values()
            .filter(|u| u.status == "active")
            .map(|u| u.nr)
            .collect();
        let linked_users: Vec<u64> = self
            .account
            .users
            .values()
            .filter(|u| u.status == "active" && u.address_id.is_some())
            .map(|u| u.nr)
            .collect();
        let all_system: Vec<u64> = self
            .ready
            .iter()
            .chain(self.not_ready.iter())
            .copied()
            .collect();
        let titles = [
            "Helle 3-Zimmer-Wohnung",
            "Moderne 2-Zimmer-Wohnung mit Balkon",
            "Familienfreundliches Reihenhaus",
            "Altbauwohnung mit Stuck",
            "Büroetage in zentraler Lage",
            "Penthouse mit Dachterrasse",
            "Gemütliches Apartment",
        ];
        let mut open_rentals: Vec<u64> = Vec::new();
        for i in 0..self.cfg.estates {
            let id = 2000 + i as u64;
            let (city, zip) = *self.rng.pick(CITIES);
            let forced_rental = i < 6;
            // 0: none, 1: wrong first contact, 2: system user first, 3: a non-broker in front of a system user,
            // 4: only a system user without the broker key (not a broker, so portals get nobody).
            let case = if i < 6 {
                [0, 1, 2, 2, 3, 4][i]
            } else {
                match self.rng.below(100) {
                    0..=7 => 0,
                    8..=15 => 1,
                    16..=21 => 3,
                    22..=24 => 4,
                    _ => 2,
                }
            };
            // A listing without a proper contact gets a Betreuer who has an address, so "Zuordnen" has a default.
            let officer = if case < 2 || case == 4 {
                *self.rng.pick(&linked_users)
            } else {
                *self.rng.pick(&active_users)
            };
            let estate = Estate {
                id,
                title: format!("{} in {}", self.rng.pick(&titles), city),
                external_no: format!("M-{:05}", 10000 + i),
                marketing_type: if forced_rental || self.rng.chance(0.7) {
                    "miete"
                } else {
                    "kauf"
                }
                .into(),
                status: if forced_rental || self.rng.chance(0.85) {
                    1
                } else if self.rng.chance(0.5) {
                    2
                } else {
                    0
                },
                sold: if forced_rental || self.rng.chance(0.9) {
                    0
                } else {
                    1
                },
                reserved: if self.rng.chance(0.1) { 1 } else { 0 },
                officer,
                city: city.into(),
                zip: zip.into(),
                cold_rent: 400 + self.rng.below(2400) as u32,
                living_area: 30 + self.rng.below(150) as u32,
                kind: self
                    .rng
                    .pick(&["wohnung", "wohnung", "haus", "buero_praxen"])
                    .to_string(),
                created: String::new(),
            };
            let open_rental =
                estate.marketing_type == "miete" && estate.status == 1 && estate.sold == 0;
            match case {
                0 => {}
                1 => {
                    let wrong = *self.rng.pick(wrong_contacts);
                    self.account.link_contact(id, wrong);
                    if self.rng.chance(0.4) && !self.ready.is_empty() {
                        self.account.link_contact(id, *self.rng.pick(&self.ready));
                    }
                }
                3 => {
                    // A private address (no broker) stands in front; portals skip it and take the broker behind.
                    let private = *self.rng.pick(&non_broker_contacts);
                    self.account.link_contact(id, private);
                    let behind = if self.ready.is_empty() {
                        *self.rng.pick(&all_system)
                    } else {
                        *self.rng.pick(&self.ready)
                    };
                    self.account.link_contact(id, behind);
                }
                4 => {
                    let pick = if self.without_broker_key.is_empty() {
                        *self.rng.pick(&non_broker_contacts)
                    } else {
                        *self.rng.pick(&self.without_broker_key)
                    };
                    self.account.link_contact(id, pick);
                }
                _ => {
                    // Mostly the Betreuer's own address, sometimes a colleague's.
                    let officer_address = self.account.users[&estate.officer].address_id;
                    let first = match officer_address {
                        Some(a) if self.rng.chance(0.7) => a,
                        _ if i == 3 && !self.not_ready.is_empty() => {
                            *self.not_ready.iter().next().unwrap()
                        }
                        _ => *self.rng.pick(&all_system),
                    };
                    self.account.link_contact(id, first);
                    if self.rng.chance(0.15) {
                        self.account
                            .link_contact(id, *self.rng.pick(wrong_contacts));
                    }
                }
            }
            if open_rental {
                open_rentals.push(id);
            }
            self.account.estates.insert(id, estate);
        }
        open_rentals
    }

    /// The portals get the first *broker* of a listing (`contactPerson`); every open rental is judged by that rule.
    pub(super) fn judge_listings(&mut self, open_rentals: Vec<u64>) {
        let linked: BTreeSet<u64> = self
            .ready
            .iter()
            .chain(self.not_ready.iter())
            .copied()
            .collect();
        for id in open_rentals {
            let subject = format!("estate:{id}");
            match self.account.contacts_of(id, true).first() {
                None => self.plant("estate.no_contact", subject),
                Some(first) if !linked.contains(first) => {
                    self.plant("estate.contact_not_system_user", subject)
                }
                Some(first) if self.not_ready.contains(first) => {
                    self.plant("estate.contact_not_ready", subject)
                }
                Some(_) => {}
            }
        }
    }
}
