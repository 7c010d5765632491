//! Days passing in the sandbox (`POST /_sandbox/advance`, `Sandbox::advance`), so a scheduled check has something
//! new to find: what is dated moves back by the days passed (the clock stays the real one), and each day brings what
//! a week in an agency brings, deterministically per seed: new rental listings (some without contact person, some
//! with a broker who is no system user, some fine), now and then a new member of staff with an open point, a
//! colleague putting another contact person in front, portal transfers and enquiries booked into the Maklerbuch. The
//! ground truth follows: every listing and user touched is judged by the rules the generator plants by, and mail
//! booking's truth is recomputed for the new day.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use onoffice_protocol::local_time::{german_time, parse_onoffice_date, ONOFFICE_DATE_FORMAT};

use crate::generate::{mail_booking_truth, mail_local, Planted, Rng};
use crate::model::*;

/// The two ground truths a sandbox keeps (see `Generated`).
pub struct Truth<'a> {
    pub planted: &'a mut BTreeSet<Planted>,
    pub after_choice: &'a mut BTreeSet<Planted>,
}

/// What one advance did, for the caller (the demo says it; tests check it).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Advanced {
    pub days: u32,
    pub new_listings: Vec<u64>,
    pub new_users: Vec<u64>,
    pub reassigned: Vec<u64>,
}

const TITLES: &[&str] = &[
    "Neu: Helle 2-Zimmer-Wohnung",
    "Neu: Dachgeschosswohnung mit Gaube",
    "Neu: Erdgeschosswohnung mit Garten",
    "Neu: Maisonette am Park",
];
const FIRST: &[&str] = &[
    "Lena", "Jonas", "Mia", "Paul", "Emilia", "Finn", "Hanna", "Luis",
];
const LAST: &[&str] = &[
    "Albrecht", "Brandt", "Dietrich", "Engel", "Franke", "Gärtner", "Haas", "Jung",
];

fn shift_back(date: &str, days: u32) -> String {
    match parse_onoffice_date(date) {
        Some(d) => (d - SignedDuration::from_hours(24 * days as i64))
            .strftime(ONOFFICE_DATE_FORMAT)
            .to_string(),
        None => date.to_string(),
    }
}

fn german(at: Timestamp) -> String {
    german_time(at).strftime(ONOFFICE_DATE_FORMAT).to_string()
}

fn utc(at: Timestamp) -> String {
    jiff::tz::Offset::UTC
        .to_datetime(at)
        .strftime(ONOFFICE_DATE_FORMAT)
        .to_string()
}

fn open_rental(e: &Estate) -> bool {
    e.marketing_type == "miete" && e.status == 1 && e.sold == 0
}

/// Lets `days` days pass at `now`.
pub fn advance(
    account: &mut Account,
    truth: Truth,
    seed: u64,
    days: u32,
    now: Timestamp,
) -> Advanced {
    let mut done = Advanced {
        days,
        ..Advanced::default()
    };
    shift_past_back(account, days);
    let people = enquirers(account);
    let Truth {
        planted,
        after_choice,
    } = truth;
    for day in 0..days {
        // This day's moments lie between `start` and `now`, never later.
        let start = now - SignedDuration::from_hours(24 * (days - day) as i64);
        let mut today = Day::begin(account, planted, seed, start, &people);
        new_rentals(account, &mut today, &mut done);
        // Now and then a new member of staff whose address still has an open point.
        if today.n % 3 == 2 {
            let id = new_staff(account, planted, after_choice, &mut today.rng, today.n);
            done.new_users.push(id);
        }
        if today.n % 2 == 1 && !today.outsiders.is_empty() {
            colleague_reassigns(account, &mut today, &mut done);
        }
        enquiries_of_the_day(account, &mut today, now);
    }
    let touched: Vec<u64> = done
        .new_listings
        .iter()
        .chain(&done.reassigned)
        .copied()
        .collect();
    let now_utc = jiff::tz::Offset::UTC.to_datetime(now);
    for list in [planted, after_choice] {
        judge(account, list, &touched);
        mail_booking_truth(account, list, now_utc);
    }
    account.list_cache.clear();
    done
}

/// The past moves back: listings' creation, the Maklerbuch and the rental agent's failures.
fn shift_past_back(account: &mut Account, days: u32) {
    for e in account.estates.values_mut() {
        e.created = shift_back(&e.created, days);
    }
    for entry in account.agents_log.iter_mut() {
        entry.date = shift_back(&entry.date, days);
    }
    if let Some(agent) = &mut account.rental_agent {
        agent.shift_back(|d| shift_back(d, days));
    }
}

/// Who asks about listings: every address that is no system user.
fn enquirers(account: &Account) -> Vec<u64> {
    account
        .addresses
        .values()
        .filter(|a| !a.contact_types.iter().any(|k| k == "Systembenutzer"))
        .map(|a| a.id)
        .collect()
}

/// One day passing: its number in the account's days, its random stream, when it starts, and who is around.
struct Day<'p> {
    n: u64,
    rng: Rng,
    start: Timestamp,
    /// Ready system user addresses (see [`ready_system_addresses`]).
    ready: Vec<u64>,
    /// Brokers who are no system users.
    outsiders: Vec<u64>,
    people: &'p [u64],
}

impl<'p> Day<'p> {
    /// The account's next day, starting at `start`.
    fn begin(
        account: &mut Account,
        planted: &BTreeSet<Planted>,
        seed: u64,
        start: Timestamp,
        people: &'p [u64],
    ) -> Self {
        let n = account.days_advanced;
        account.days_advanced += 1;
        let outsiders = account
            .addresses
            .values()
            .filter(|a| {
                account.is_broker(a.id) && !a.contact_types.iter().any(|k| k == "Systembenutzer")
            })
            .map(|a| a.id)
            .collect();
        Day {
            n,
            rng: Rng::new(seed ^ 0xADA0_0000 ^ n.wrapping_mul(0x9E37_79B9)),
            start,
            ready: ready_system_addresses(account, planted),
            outsiders,
            people,
        }
    }

    /// A moment of the day, never later than its end.
    fn moment(&mut self) -> Timestamp {
        self.start + SignedDuration::from_mins(60 + self.rng.below(22 * 60) as i64)
    }

    /// Someone who asks about a listing (nobody when the account has no one but staff).
    fn enquirer(&mut self) -> Option<u64> {
        (!self.people.is_empty()).then(|| *self.rng.pick(self.people))
    }
}

/// New rental listings: none, a broker who is no system user, or a ready one as contact; transferred to the portals
/// and, where booking is on, with a booked enquiry.
fn new_rentals(account: &mut Account, today: &mut Day, done: &mut Advanced) {
    for k in 0..(1 + today.rng.below(2)) {
        let id = account.estates.keys().max().copied().unwrap_or(1999) + 1;
        let at = today.moment();
        let officer = officer_with_ready_address(account, &today.ready, &mut today.rng);
        let case = (today.n as usize * 2 + k) % 3;
        let rng = &mut today.rng;
        let estate = Estate {
            id,
            title: format!(
                "{} in {}",
                rng.pick(TITLES),
                ["Köln", "Bonn", "Aachen"][k % 3]
            ),
            external_no: format!("M-{:05}", 20000 + id),
            marketing_type: "miete".into(),
            status: 1,
            sold: 0,
            reserved: 0,
            officer: officer.unwrap_or(0),
            city: "Köln".into(),
            zip: "50667".into(),
            cold_rent: 600 + rng.below(1400) as u32,
            living_area: 40 + rng.below(80) as u32,
            kind: "wohnung".into(),
            created: utc(at),
        };
        account.estates.insert(id, estate);
        match case {
            0 => {}
            1 if !today.outsiders.is_empty() => {
                account.link_contact(id, *rng.pick(&today.outsiders))
            }
            _ if !today.ready.is_empty() => account.link_contact(id, *rng.pick(&today.ready)),
            _ => {}
        }
        account.transfer_to_portals(&[id], at);
        if account.booking_for(id) == Some(MailBooking::On) {
            let from = today.enquirer();
            account.receive_enquiry(id, from, &german(at + SignedDuration::from_mins(30)));
        }
        done.new_listings.push(id);
    }
}

/// Every other day a colleague puts a broker who is no system user in front of a listing that was fine.
fn colleague_reassigns(account: &mut Account, today: &mut Day, done: &mut Advanced) {
    let fine: Vec<u64> = account
        .estates
        .values()
        .filter(|e| open_rental(e))
        .map(|e| e.id)
        .filter(|e| {
            account
                .contacts_of(*e, true)
                .first()
                .is_some_and(|f| today.ready.contains(f))
        })
        .filter(|&e| !agent_fails_on(account, e))
        .collect();
    if !fine.is_empty() {
        let estate = *today.rng.pick(&fine);
        let outsider = *today.rng.pick(&today.outsiders);
        account.unlink_contacts(estate, |_| true);
        account.link_contact(estate, outsider);
        done.reassigned.push(estate);
    }
}

/// Enquiries of the day, booked where the broker's mailbox has booking on: every open rental whose mailbox is on
/// keeps a booked enquiry in its last 20 days.
fn enquiries_of_the_day(account: &mut Account, today: &mut Day, now: Timestamp) {
    let open: Vec<u64> = account
        .estates
        .values()
        .filter(|e| open_rental(e))
        .map(|e| e.id)
        .collect();
    for estate in open {
        if today.rng.chance(0.12) || needs_booked_enquiry(account, estate, now) {
            let at = today.moment();
            let from = today.enquirer();
            account.receive_enquiry(estate, from, &german(at));
        }
    }
}

/// Whether the rental agent fails on this listing (skips it, or lost its mailbox): a colleague's change there would
/// change what the ground truth says of it, so the days passing leave it alone.
fn agent_fails_on(account: &Account, estate: u64) -> bool {
    let Some(agent) = &account.rental_agent else {
        return false;
    };
    let mailbox = account
        .contacts_of(estate, true)
        .first()
        .and_then(|&a| account.mailbox_of(a));
    agent.skipped.contains(&estate)
        || agent
            .lost_mailbox
            .as_ref()
            .is_some_and(|(m, _)| Some(m) == mailbox.as_ref())
}

/// The subjects (`address:<id>`) of system user addresses with an open point that keeps them from being a listing's
/// contact person: no broker key, no default e-mail, an external mailbox.
fn not_ready(planted: &BTreeSet<Planted>) -> BTreeSet<String> {
    planted
        .iter()
        .filter(|p| {
            matches!(
                p.kind.as_str(),
                "user.not_makler" | "user.no_email" | "user.mailbox_external"
            )
        })
        .map(|p| p.subject.clone())
        .collect()
}

/// Linked system user addresses of active users without an open point that keeps them from being a listing's
/// contact (no broker key, no default e-mail, an external mailbox).
fn ready_system_addresses(account: &Account, planted: &BTreeSet<Planted>) -> Vec<u64> {
    let open = not_ready(planted);
    account
        .users
        .values()
        .filter(|u| u.status == "active")
        .filter_map(|u| u.address_id)
        .filter(|a| account.is_broker(*a) && !open.contains(&format!("address:{a}")))
        .collect()
}

/// A Betreuer whose own address is ready, so assigning the Betreuer is the obvious fix.
fn officer_with_ready_address(account: &Account, ready: &[u64], rng: &mut Rng) -> Option<u64> {
    let officers: Vec<u64> = account
        .users
        .values()
        .filter(|u| u.address_id.is_some_and(|a| ready.contains(&a)))
        .map(|u| u.nr)
        .collect();
    (!officers.is_empty()).then(|| *rng.pick(&officers))
}

fn needs_booked_enquiry(account: &Account, estate: u64, now: Timestamp) -> bool {
    if account.booking_for(estate) != Some(MailBooking::On) {
        return false;
    }
    let limit = german(now - SignedDuration::from_hours(24 * 18));
    !account.agents_log.iter().any(|e| {
        e.kind == "Email"
            && e.kind_type == "Eingang"
            && e.estates.contains(&estate)
            && e.date >= limit
    })
}

/// A new user with a linked system user address at the agency's domain: without the broker key where the account
/// has one (`user.not_makler`), without a default e-mail where it has none (`user.no_email`).
fn new_staff(
    account: &mut Account,
    planted: &mut BTreeSet<Planted>,
    after_choice: &mut BTreeSet<Planted>,
    rng: &mut Rng,
    n: u64,
) -> u64 {
    let nr = account.users.keys().max().copied().unwrap_or(15) + 2;
    let id = account.addresses.keys().max().copied().unwrap_or(999) + 1;
    let (first, last) = (*rng.pick(FIRST), *rng.pick(LAST));
    let mail = format!(
        "{}.{}@{}",
        mail_local(first),
        mail_local(last),
        account.mail_domain
    );
    let subject = format!("address:{id}");
    let mut address = Address {
        id,
        first_name: first.into(),
        last_name: last.into(),
        company: account.agency.clone(),
        city: "Köln".into(),
        zip: "50667".into(),
        street: format!("Ringstraße {}", 1 + n),
        contact_types: vec!["Systembenutzer".into()],
        emails: Vec::new(),
        phone: String::new(),
    };
    let plant = |list: &mut BTreeSet<Planted>, kind: &str| {
        list.insert(Planted {
            kind: kind.into(),
            subject: subject.clone(),
        });
    };
    if account.broker_key().is_some() {
        let email_id = account.next_email_id;
        account.next_email_id += 1;
        address.emails.push(EmailEntry {
            id: email_id,
            address: mail.clone(),
            default: true,
            ..EmailEntry::default()
        });
        // As the generator plants it: before the person picks a customer key, its absence is the account's finding.
        if matches!(
            account.makler_variant,
            MaklerVariant::Standard | MaklerVariant::Renamed
        ) {
            plant(planted, "user.not_makler");
        }
        plant(after_choice, "user.not_makler");
        account.bookable.insert(id);
    } else {
        plant(planted, "user.no_email");
        plant(after_choice, "user.no_email");
    }
    account.addresses.insert(id, address);
    let username = format!("{}{}", mail_local(&first[..1]), mail_local(last));
    account.users.insert(
        nr,
        User {
            nr,
            username,
            first_name: first.into(),
            last_name: last.into(),
            kuerzel: format!("{}{}", &first[..1], &last[..1]).to_uppercase(),
            email: mail,
            address_id: Some(id),
            status: "active".into(),
        },
    );
    id
}

/// Judges touched open rentals as the generator does: no broker, a first broker who is no system user, or one who
/// is not ready.
fn judge(account: &Account, list: &mut BTreeSet<Planted>, estates: &[u64]) {
    let linked: BTreeSet<u64> = account
        .users
        .values()
        .filter_map(|u| u.address_id)
        .collect();
    let not_ready = not_ready(list);
    for &e in estates {
        let subject = format!("estate:{e}");
        for kind in [
            "estate.no_contact",
            "estate.contact_not_system_user",
            "estate.contact_not_ready",
        ] {
            list.remove(&Planted {
                kind: kind.into(),
                subject: subject.clone(),
            });
        }
        if !account.estates.get(&e).is_some_and(open_rental) {
            continue;
        }
        let kind = match account.contacts_of(e, true).first() {
            None => "estate.no_contact",
            Some(first) if !linked.contains(first) => "estate.contact_not_system_user",
            Some(first) if not_ready.contains(&format!("address:{first}")) => {
                "estate.contact_not_ready"
            }
            Some(_) => continue,
        };
        list.insert(Planted {
            kind: kind.into(),
            subject,
        });
    }
}
