//! The rental agent's part of the generated past: which agency has one (all but one seed in six), and where it fails
//! (listings it does not handle, a mailbox it lost six days ago, a day it was down ten days ago), with the enquiries
//! that make each failure visible in the Maklerbuch, a steady stream of answered enquiries around them (so a gap is
//! only where the agent was down), and the ground truth: `estate.enquiries_unanswered` per skipped listing,
//! `user.enquiries_unanswered` per system user address with the lost mailbox.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::DateTime;
use jiff::ToSpan;

use super::{Builder, Planted, Rng};
use crate::agent::RentalAgent;
use crate::model::*;

/// Seeds whose agency has no rental agent at all.
pub fn without_agent(seed: u64) -> bool {
    seed % 6 == 5
}

/// German wall time of a UTC moment, as the Maklerbuch writes it.
fn german(at: DateTime) -> String {
    let t = jiff::tz::Offset::UTC
        .to_timestamp(at)
        .expect("within range");
    super::onoffice_date(onoffice_protocol::local_time::german_time(t))
}

/// The days before the anchor around the day the agent was down, which random enquiries keep clear of.
pub const DOWN_DAYS: std::ops::RangeInclusive<i64> = 9..=11;

/// Who asks about listings: people who are no system users, and who already wrote about each listing.
pub(super) struct Enquirers {
    pub people: Vec<u64>,
    pub used: BTreeMap<u64, BTreeSet<u64>>,
}

impl Enquirers {
    /// A person who has not written about `estate` before (so a mail to one is never taken for a reply to another).
    pub fn pick(&mut self, estate: u64, rng: &mut Rng) -> Option<u64> {
        if self.people.is_empty() {
            return None;
        }
        let used = self.used.entry(estate).or_default();
        let mut p = *rng.pick(&self.people);
        for _ in 0..8 {
            if !used.contains(&p) {
                break;
            }
            p = *rng.pick(&self.people);
        }
        used.insert(p);
        Some(p)
    }
}

/// What the agent's failures need: the listings that work (for the stream of answered enquiries), the skipped
/// listings and the lost mailbox's listings.
struct Faults {
    working: Vec<u64>,
    skipped: Vec<u64>,
    lost: Vec<u64>,
}

impl Builder<'_> {
    /// Sets up the agent (or none) before the enquiries arrive; returns whether failures were planted.
    pub(super) fn rental_agent(
        &mut self,
        open_rentals: &[u64],
        age: &BTreeMap<u64, i64>,
        anchor: DateTime,
    ) -> bool {
        if without_agent(self.cfg.seed) {
            return false;
        }
        let mut agent = RentalAgent::default();
        let faults = self.faults(open_rentals, age);
        if let Some(f) = &faults {
            agent.skipped = f.skipped.iter().copied().collect();
            let mailbox = self.first_mailbox(f.lost[0]).unwrap_or_default();
            agent.lost_mailbox = Some((mailbox, german(anchor - 6.days())));
            agent.down = Some((german(anchor - 11.days()), german(anchor - 10.days())));
        }
        self.account.rental_agent = Some(agent);
        faults.is_some()
    }

    fn first_mailbox(&self, estate: u64) -> Option<String> {
        self.account
            .contacts_of(estate, true)
            .first()
            .and_then(|&a| self.account.mailbox_of(a))
    }

    /// The listings to fail on: a mailbox with two or more listings it loses, one listing each of two other mailboxes
    /// it skips, and the rest working. `None` when the agency has too few ready brokers with booking for that.
    fn faults(&self, open_rentals: &[u64], age: &BTreeMap<u64, i64>) -> Option<Faults> {
        let mut by_box: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for &e in open_rentals {
            let first = self.account.contacts_of(e, true).first().copied();
            let ready = first.is_some_and(|a| self.ready.contains(&a));
            if ready && self.account.booking_for(e) == Some(MailBooking::On) {
                by_box.entry(self.first_mailbox(e)?).or_default().push(e);
            }
        }
        let (lost_box, lost) = by_box.iter().find(|(_, l)| l.len() >= 2)?;
        let skipped: Vec<u64> = by_box
            .iter()
            .filter(|(m, _)| *m != lost_box)
            .filter_map(|(_, l)| l.iter().find(|e| age[e] >= 20).copied())
            .take(2)
            .collect();
        let working: Vec<u64> = by_box
            .iter()
            .filter(|(m, _)| *m != lost_box)
            .flat_map(|(_, l)| l.iter().copied())
            .filter(|e| !skipped.contains(e))
            .collect();
        // The outage needs enquiries on listings of three mailboxes that work.
        let working_boxes = by_box
            .iter()
            .filter(|(m, l)| *m != lost_box && l.iter().any(|e| working.contains(e)))
            .count();
        (skipped.len() == 2 && working_boxes >= 3).then(|| Faults {
            working,
            skipped,
            lost: lost.clone(),
        })
    }

    /// The enquiries that make the failures visible, the stream of answered ones, and the ground truth.
    pub(super) fn agent_enquiries(
        &mut self,
        open_rentals: &[u64],
        age: &BTreeMap<u64, i64>,
        anchor: DateTime,
        who: &mut Enquirers,
    ) {
        let Some(f) = self.faults(open_rentals, age) else {
            return;
        };
        let mut rng = Rng::new(self.cfg.seed ^ 0x00A6_E70F_A115);
        let mut ask = |b: &mut Builder, estate: u64, at: DateTime, rng: &mut Rng| {
            let from = who.pick(estate, rng);
            b.account.receive_enquiry(estate, from, &german(at));
            from
        };
        let hours = |rng: &mut Rng| (1 + rng.below(14) as i64).hours();
        for &e in &f.skipped {
            for _ in 0..2 {
                let at = anchor - (2 + rng.below(6) as i64).days() - hours(&mut rng);
                ask(self, e, at, &mut rng);
            }
        }
        for &e in &f.lost {
            let at = anchor - (2 + rng.below(4) as i64).days() - hours(&mut rng);
            ask(self, e, at, &mut rng);
        }
        // Answered enquiries twice a day, except around the day the agent was down.
        for d in (1..=30).filter(|d| !DOWN_DAYS.contains(d)) {
            for h in [3, 14] {
                let e = *rng.pick(&f.working);
                ask(self, e, anchor - d.days() - h.hours(), &mut rng);
            }
        }
        // The day it was down: enquiries on listings of different mailboxes, none answered; one by hand two days on.
        let mut boxes = BTreeSet::new();
        let down: Vec<u64> = f
            .working
            .iter()
            .copied()
            .filter(|&e| boxes.insert(self.first_mailbox(e)))
            .take(3)
            .collect();
        for (i, &e) in down.iter().enumerate() {
            let at = anchor - 10.days() - (10 + 2 * i as i64).hours();
            let from = ask(self, e, at, &mut rng);
            if i == 0 {
                self.account.log(AgentsLogEntry {
                    id: 0,
                    estates: vec![e],
                    addresses: from.into_iter().collect(),
                    kind: "Email".into(),
                    kind_type: "Ausgang".into(),
                    date: german(at + 2.days()),
                    user: "mbauer".into(),
                    note: "Entschuldigung für die späte Antwort".into(),
                });
            }
        }
        self.plant_agent_faults(&f);
    }

    fn plant_agent_faults(&mut self, f: &Faults) {
        for &e in &f.skipped {
            self.planted.insert(Planted {
                kind: "estate.enquiries_unanswered".into(),
                subject: format!("estate:{e}"),
            });
        }
        let lost = self.first_mailbox(f.lost[0]);
        let addresses: Vec<u64> = self
            .ready
            .iter()
            .chain(self.not_ready.iter())
            .copied()
            .filter(|&a| self.account.mailbox_of(a) == lost)
            .collect();
        for a in addresses {
            self.planted.insert(Planted {
                kind: "user.enquiries_unanswered".into(),
                subject: format!("address:{a}"),
            });
        }
    }
}
