//! Mail booking as onOffice does it, over simulated time: every mailbox has a hidden booking state (on, off, off for
//! want of quota), never readable through the API; portal enquiries arrive on active rentals over the last 60 days
//! (a few a month, more for new listings), and an enquiry is booked into the Maklerbuch (`Email`/`Eingang` on the
//! listing) only when the listing's first broker's default mailbox has booking on. Calls, outgoing mails, viewings,
//! notes and entries on sales listings are the noise a reader must ignore. Then the ground truth: a mailbox with a
//! booked enquiry needs no confirmation, one whose booking is off while its listings have been on the market for
//! weeks is `user.mail_booking_silent`.
//!
//! Dates count back from today 00:00 UTC (so an audit's "now" is always at most a day later), and nothing sits near
//! the rules' edges: listings are either new (1–10 days) or old (20 days and more), and a listing whose broker has
//! booking on always has a booked enquiry in its last 20 days.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::DateTime;
use jiff::ToSpan;

use super::action_kinds::action_kinds;
use super::answers::{Enquirers, DOWN_DAYS};
use super::{Builder, Planted, Rng};
use crate::model::*;

/// Today 00:00 UTC: where the simulated past ends.
pub fn anchor() -> DateTime {
    jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        .at(0, 0, 0, 0)
}

/// "Y-m-d H:i:s", as onOffice writes `Datum`.
pub fn onoffice_date(at: DateTime) -> String {
    at.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// `days` (and a few hours) before `anchor` (UTC), in German time as onOffice writes it.
fn before(anchor: DateTime, days: i64, rng: &mut Rng) -> String {
    let at = anchor
        - days.days()
        - (1 + rng.below(14) as i64).hours()
        - (rng.below(60) as i64).minutes();
    let at = jiff::tz::Offset::UTC
        .to_timestamp(at)
        .expect("within range");
    onoffice_date(onoffice_protocol::local_time::german_time(at))
}

/// The simulated past of the Maklerbuch: its own random stream, where it ends, and each listing's age in days.
struct Past {
    rng: Rng,
    anchor: DateTime,
    age: BTreeMap<u64, i64>,
}

/// The open rentals per mailbox of their first broker (two system users may share one mailbox).
fn rentals_by_mailbox(
    account: &Account,
    rentals: impl IntoIterator<Item = u64>,
) -> BTreeMap<String, Vec<u64>> {
    let mut listings: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for e in rentals {
        if let Some(m) = account
            .contacts_of(e, true)
            .first()
            .and_then(|&a| account.mailbox_of(a))
        {
            listings.entry(m).or_default().push(e);
        }
    }
    listings
}

/// What staff log about a listing besides enquiries: kind, type and the chance per listing.
const NOISE: [(&str, &str, f64); 5] = [
    ("Email", "Ausgang", 0.6),
    ("Telefonat", "Eingang", 0.4),
    ("Telefonat", "Ausgang", 0.2),
    ("Termin", "Besichtigung", 0.3),
    ("Notiz", "", 0.2),
];

impl Builder<'_> {
    /// Booking states, listing ages, the Maklerbuch of the last 60 days, and the mail booking ground truth.
    pub(super) fn mail_booking(&mut self, open_rentals: &[u64], anchor: DateTime) {
        // A stream of its own, so the rest of the account is what it was before mail booking was simulated.
        let mut rng = Rng::new(self.cfg.seed ^ 0x00B0_0C1E_D0E5_A11C);
        self.account.log_unsorted = true;
        (self.account.action_kinds, self.account.transfer_logging) = action_kinds(self.cfg.seed);
        let age = self.listing_ages(&mut rng);
        let mut past = Past { rng, anchor, age };
        let system = self.system_addresses();
        self.booking_states(&system, &mut past.rng);
        self.silent_and_fresh_mailbox(open_rentals, &mut past);
        for (id, estate) in self.account.estates.iter_mut() {
            estate.created = onoffice_date(anchor - past.age[id].days() + 9.hours());
        }
        let agent_fails = self.rental_agent(open_rentals, &past.age, anchor);
        let mut who = self.enquirers();
        self.maklerbuch(open_rentals, agent_fails, &mut who, &mut past);
        self.agent_enquiries(open_rentals, &past.age, anchor, &mut who);
        self.portal_transfers(&mut past);
        self.mail_booking_ground_truth(&system);
    }

    /// Each listing's age in days: new (1–10 days) for a quarter, old (20 days and more) for the rest.
    fn listing_ages(&self, rng: &mut Rng) -> BTreeMap<u64, i64> {
        let mut age: BTreeMap<u64, i64> = BTreeMap::new();
        for &id in self.account.estates.keys() {
            let days = if rng.chance(0.25) {
                1 + rng.below(10) as i64
            } else {
                20 + rng.below(160) as i64
            };
            age.insert(id, days);
        }
        age
    }

    /// Booking is on for most mailboxes of system users, off (some for want of quota) for a few.
    fn booking_states(&mut self, system: &[u64], rng: &mut Rng) {
        for &a in system {
            if let Some(mailbox) = self.account.mailbox_of(a) {
                let state = if rng.chance(0.15) {
                    if rng.chance(0.5) {
                        MailBooking::Off
                    } else {
                        MailBooking::OffNoQuota
                    }
                } else {
                    MailBooking::On
                };
                self.account.mail_booking.insert(mailbox, state);
            }
        }
    }

    /// Every account has one silent mailbox (off, with a listing on the market for weeks) and one too new to judge
    /// (off, only new listings), when it has ready brokers enough.
    fn silent_and_fresh_mailbox(&mut self, open_rentals: &[u64], past: &mut Past) {
        let listings = rentals_by_mailbox(&self.account, open_rentals.iter().copied());
        let listings_of = |m: &str| listings.get(m).cloned().unwrap_or_default();
        let brokers: Vec<String> = self
            .ready
            .iter()
            .filter_map(|&a| self.account.mailbox_of(a))
            .filter(|m| !listings_of(m).is_empty())
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect();
        let Some(silent) = brokers
            .iter()
            .find(|m| listings_of(m).iter().any(|e| past.age[e] >= 20))
        else {
            return;
        };
        self.account
            .mail_booking
            .insert(silent.clone(), MailBooking::Off);
        if let Some(fresh) = brokers.iter().rev().find(|&m| m != silent) {
            for e in listings_of(fresh) {
                past.age.insert(e, 1 + past.rng.below(10) as i64);
            }
            self.account
                .mail_booking
                .insert(fresh.clone(), MailBooking::OffNoQuota);
        }
    }

    /// Who asks: every address that is no system user.
    fn enquirers(&self) -> Enquirers {
        let people: Vec<u64> = self
            .account
            .addresses
            .values()
            .filter(|a| !a.contact_types.iter().any(|k| k == "Systembenutzer"))
            .map(|a| a.id)
            .collect();
        Enquirers {
            people,
            used: BTreeMap::new(),
        }
    }

    /// Enquiries over the last 60 days, and the noise around them.
    fn maklerbuch(
        &mut self,
        open_rentals: &[u64],
        agent_fails: bool,
        who: &mut Enquirers,
        past: &mut Past,
    ) {
        let estates: Vec<(u64, bool)> = self
            .account
            .estates
            .values()
            .map(|e| (e.id, open_rentals.contains(&e.id)))
            .collect();
        for (estate, open_rental) in estates {
            let days = past.age[&estate].min(60);
            if open_rental {
                self.rental_enquiries(estate, agent_fails, who, past);
            }
            self.staff_noise(estate, days, who, past);
            if !open_rental && past.rng.chance(0.3) {
                self.sales_enquiry(estate, days, who, past);
            }
        }
    }

    /// Portal enquiries on an open rental: a few a month, more for a new listing, and one in the last 20 days when
    /// its broker's mailbox books them.
    fn rental_enquiries(
        &mut self,
        estate: u64,
        agent_fails: bool,
        who: &mut Enquirers,
        past: &mut Past,
    ) {
        let rng = &mut past.rng;
        let days = past.age[&estate].min(60);
        let booked = self.account.booking_for(estate) == Some(MailBooking::On);
        let mut enquiries: Vec<i64> = if past.age[&estate] <= 14 {
            (0..2 + rng.below(4))
                .map(|_| rng.below(days as usize) as i64)
                .collect()
        } else {
            (0..rng.below(5))
                .map(|_| rng.below(days as usize) as i64)
                .collect()
        };
        if booked && !enquiries.iter().any(|&d| d < 20) {
            enquiries.push(rng.below(days.min(20) as usize) as i64);
        }
        for d in enquiries {
            // Clear of the day the agent was down, where only the planted enquiries are.
            let d = if agent_fails && DOWN_DAYS.contains(&d) {
                d + 3
            } else {
                d
            };
            let from = who.pick(estate, rng);
            let at = before(past.anchor, d, rng);
            self.account.receive_enquiry(estate, from, &at);
        }
    }

    /// Calls, outgoing mails, viewings and notes on a listing: staff write to other people about the listing than
    /// those who asked.
    fn staff_noise(&mut self, estate: u64, days: i64, who: &mut Enquirers, past: &mut Past) {
        let rng = &mut past.rng;
        for (kind, kind_type, p) in NOISE {
            if rng.chance(p) {
                let at = before(past.anchor, rng.below(days as usize) as i64, rng);
                let to = who.pick(estate, rng);
                self.account.log(AgentsLogEntry {
                    id: 0,
                    estates: vec![estate],
                    addresses: to.into_iter().collect(),
                    kind: kind.into(),
                    kind_type: kind_type.into(),
                    date: at,
                    user: "mbauer".into(),
                    note: String::new(),
                });
            }
        }
    }

    /// Sales listings get enquiries too, answered by hand; they are no rental agent's business.
    fn sales_enquiry(&mut self, estate: u64, days: i64, who: &mut Enquirers, past: &mut Past) {
        let rng = &mut past.rng;
        let at = before(past.anchor, rng.below(days as usize) as i64, rng);
        let from: Vec<u64> = who.pick(estate, rng).into_iter().collect();
        let reply = crate::agent::later(&at, 90);
        self.account.log(AgentsLogEntry {
            id: 0,
            estates: vec![estate],
            addresses: from.clone(),
            kind: "Email".into(),
            kind_type: "Eingang".into(),
            date: at,
            user: String::new(),
            note: "Anfrage über Immobilienportal".into(),
        });
        if let Some(reply) = reply.filter(|_| rng.chance(0.5)) {
            self.account.log(AgentsLogEntry {
                id: 0,
                estates: vec![estate],
                addresses: from,
                kind: "Email".into(),
                kind_type: "Ausgang".into(),
                date: reply,
                user: "mbauer".into(),
                note: String::new(),
            });
        }
    }

    /// Portal transfers (where the account shows them): each listing on the market when it was created, then now
    /// and then when something changed; a listing's last transfer is before today, so a fix made now is newer.
    fn portal_transfers(&mut self, past: &mut Past) {
        if self.account.transfer_logging.is_none() {
            return;
        }
        let marketed: Vec<u64> = self.account.estates.keys().copied().collect();
        for estate in marketed {
            let days = past.age[&estate];
            let mut at = vec![days.min(60)];
            if days > 7 && past.rng.chance(0.5) {
                at.push(1 + past.rng.below(days.min(60) as usize) as i64);
            }
            for d in at {
                let hours = (2 + past.rng.below(8) as i64).hours();
                let moment = jiff::tz::Offset::UTC
                    .to_timestamp(past.anchor - d.days() + hours)
                    .expect("within range");
                self.account.transfer_to_portals(&[estate], moment);
            }
        }
    }

    /// The ground truth, per mailbox: booked enquiries need no confirmation; booking off with weeks on the market
    /// is silent, while other mailboxes of the agency do get booked enquiries.
    fn mail_booking_ground_truth(&mut self, system: &[u64]) {
        self.account.bookable = system
            .iter()
            .copied()
            .filter(|a| {
                self.planted.contains(&Planted {
                    kind: "user.mail_booking_unconfirmed".into(),
                    subject: format!("address:{a}"),
                })
            })
            .collect();
        let now = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now());
        mail_booking_truth(&self.account, &mut self.planted, now);
        self.account.sort_log();
    }
}

/// The mail booking ground truth of every bookable system user address at `now` (UTC): a mailbox whose booking is on
/// and that has listings gets booked enquiries (the generator and `advance` see to one in every 20 days), so it
/// needs no confirmation; one whose booking is off, with a listing on the market 14 days or more while another
/// mailbox works, is `user.mail_booking_silent`; every other one is `user.mail_booking_unconfirmed`.
pub fn mail_booking_truth(account: &Account, planted: &mut BTreeSet<Planted>, now: DateTime) {
    let open_rentals = account
        .estates
        .values()
        .filter(|e| e.marketing_type == "miete" && e.status == 1 && e.sold == 0)
        .map(|e| e.id);
    let listings = rentals_by_mailbox(account, open_rentals);
    let state = |m: &str| account.mail_booking.get(m).copied();
    let works: BTreeSet<&String> = listings
        .keys()
        .filter(|m| state(m) == Some(MailBooking::On))
        .collect();
    let days_on_market = |estate: u64| {
        account
            .estates
            .get(&estate)
            .and_then(|e| DateTime::strptime("%Y-%m-%d %H:%M:%S", &e.created).ok())
            .map(|created| now.duration_since(created).as_secs() / 86_400)
            .unwrap_or(0)
    };
    for &a in &account.bookable {
        let subject = format!("address:{a}");
        for kind in ["user.mail_booking_unconfirmed", "user.mail_booking_silent"] {
            planted.remove(&Planted {
                kind: kind.into(),
                subject: subject.clone(),
            });
        }
        let Some(m) = account.mailbox_of(a) else {
            continue;
        };
        let own = listings.get(&m).cloned().unwrap_or_default();
        let kind = if works.contains(&m) {
            continue;
        } else if own.iter().any(|&e| days_on_market(e) >= 14)
            && state(&m) != Some(MailBooking::On)
            && works.iter().any(|w| **w != m)
        {
            "user.mail_booking_silent"
        } else {
            "user.mail_booking_unconfirmed"
        };
        planted.insert(Planted {
            kind: kind.into(),
            subject,
        });
    }
}
