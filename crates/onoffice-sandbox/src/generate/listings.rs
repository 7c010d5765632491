//! The listings of the account and the ground truth about their contact persons.

use std::collections::BTreeSet;

use super::names::CITIES;
use super::Builder;
use crate::model::*;

const TITLES: [&str; 7] = [
    "Helle 3-Zimmer-Wohnung",
    "Moderne 2-Zimmer-Wohnung mit Balkon",
    "Familienfreundliches Reihenhaus",
    "Altbauwohnung mit Stuck",
    "Büroetage in zentraler Lage",
    "Penthouse mit Dachterrasse",
    "Gemütliches Apartment",
];

/// Who a listing can get as Betreuer and as contact persons.
struct Staffing<'w> {
    /// Separate broker records and private addresses of staff.
    wrong_contacts: &'w [u64],
    /// The wrong contacts that are no brokers.
    non_broker_contacts: Vec<u64>,
    active_users: Vec<u64>,
    /// Active users with a system user address.
    linked_users: Vec<u64>,
    /// Every system user address.
    all_system: Vec<u64>,
}

/// How a listing's contact persons are planted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ContactCase {
    NoContact,
    WrongFirst,
    SystemUserFirst,
    /// A non-broker in front of a system user.
    NonBrokerInFront,
    /// Only a system user without the broker key (not a broker, so portals get nobody).
    NoBrokerKey,
}

impl Builder<'_> {
    /// Listings of every kind (rentals, sales, archived) with their contact persons in every case the audit must tell apart. Returns the open rentals.
    pub(super) fn listings(&mut self, wrong_contacts: &[u64]) -> Vec<u64> {
        let staffing = self.staffing(wrong_contacts);
        let mut open_rentals: Vec<u64> = Vec::new();
        for i in 0..self.cfg.estates {
            let (city, zip) = *self.rng.pick(CITIES);
            let case = self.contact_case(i);
            let estate = self.new_listing(i, case, (city, zip), &staffing);
            let id = estate.id;
            match case {
                ContactCase::NoContact => {}
                ContactCase::WrongFirst => {
                    let wrong = *self.rng.pick(wrong_contacts);
                    self.account.link_contact(id, wrong);
                    if self.rng.chance(0.4) && !self.ready.is_empty() {
                        self.account.link_contact(id, *self.rng.pick(&self.ready));
                    }
                }
                ContactCase::NonBrokerInFront => self.non_broker_in_front(id, &staffing),
                ContactCase::NoBrokerKey => {
                    let pick = if self.without_broker_key.is_empty() {
                        *self.rng.pick(&staffing.non_broker_contacts)
                    } else {
                        *self.rng.pick(&self.without_broker_key)
                    };
                    self.account.link_contact(id, pick);
                }
                ContactCase::SystemUserFirst => {
                    self.system_user_first(i, id, estate.officer, &staffing)
                }
            }
            if estate.marketing_type == "miete" && estate.status == 1 && estate.sold == 0 {
                open_rentals.push(id);
            }
            self.account.estates.insert(id, estate);
        }
        open_rentals
    }

    /// The Betreuer and contact persons listings are given from.
    fn staffing<'w>(&self, wrong_contacts: &'w [u64]) -> Staffing<'w> {
        let active = |u: &&User| u.status == "active";
        Staffing {
            wrong_contacts,
            non_broker_contacts: wrong_contacts
                .iter()
                .copied()
                .filter(|id| !self.account.is_broker(*id))
                .collect(),
            active_users: self
                .account
                .users
                .values()
                .filter(active)
                .map(|u| u.nr)
                .collect(),
            linked_users: self
                .account
                .users
                .values()
                .filter(active)
                .filter(|u| u.address_id.is_some())
                .map(|u| u.nr)
                .collect(),
            all_system: self.system_addresses(),
        }
    }

    /// The contact case of the `i`th listing: one of each first (the first six are open rentals), then a random mix.
    fn contact_case(&mut self, i: usize) -> ContactCase {
        use ContactCase::*;
        if let Some(&case) = [
            NoContact,
            WrongFirst,
            SystemUserFirst,
            SystemUserFirst,
            NonBrokerInFront,
            NoBrokerKey,
        ]
        .get(i)
        {
            return case;
        }
        match self.rng.below(100) {
            0..=7 => NoContact,
            8..=15 => WrongFirst,
            16..=21 => NonBrokerInFront,
            22..=24 => NoBrokerKey,
            _ => SystemUserFirst,
        }
    }

    /// The `i`th listing with its Betreuer, type, state and figures (no contact persons yet).
    fn new_listing(
        &mut self,
        i: usize,
        case: ContactCase,
        (city, zip): (&str, &str),
        staffing: &Staffing,
    ) -> Estate {
        let forced_rental = i < 6;
        // A listing without a proper contact gets a Betreuer who has an address, so "Zuordnen" has a default.
        let officer = if matches!(
            case,
            ContactCase::NoContact | ContactCase::WrongFirst | ContactCase::NoBrokerKey
        ) {
            *self.rng.pick(&staffing.linked_users)
        } else {
            *self.rng.pick(&staffing.active_users)
        };
        Estate {
            id: 2000 + i as u64,
            title: format!("{} in {}", self.rng.pick(&TITLES), city),
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
        }
    }

    /// A private address (no broker) stands in front; portals skip it and take the broker behind.
    fn non_broker_in_front(&mut self, id: u64, staffing: &Staffing) {
        let private = *self.rng.pick(&staffing.non_broker_contacts);
        self.account.link_contact(id, private);
        let behind = if self.ready.is_empty() {
            *self.rng.pick(&staffing.all_system)
        } else {
            *self.rng.pick(&self.ready)
        };
        self.account.link_contact(id, behind);
    }

    /// Mostly the Betreuer's own address, sometimes a colleague's; now and then a wrong contact behind.
    fn system_user_first(&mut self, i: usize, id: u64, officer: u64, staffing: &Staffing) {
        let officer_address = self.account.users[&officer].address_id;
        let first = match officer_address {
            Some(a) if self.rng.chance(0.7) => a,
            _ if i == 3 && !self.not_ready.is_empty() => *self.not_ready.iter().next().unwrap(),
            _ => *self.rng.pick(&staffing.all_system),
        };
        self.account.link_contact(id, first);
        if self.rng.chance(0.15) {
            self.account
                .link_contact(id, *self.rng.pick(staffing.wrong_contacts));
        }
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
