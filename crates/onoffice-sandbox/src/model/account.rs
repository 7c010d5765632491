//! What an account does with its records: who is a broker, whose mailbox books enquiries, the Maklerbuch (enquiries,
//! portal transfers, date order) and the contact persons of listings.

use serde_json::{Map, Value};

use super::*;

impl Account {
    /// A record's elements without the fields the API user may not read.
    pub fn readable(&self, mut elements: Map<String, Value>) -> Map<String, Value> {
        if !self.unreadable_fields.is_empty() {
            elements.retain(|k, _| !self.unreadable_fields.contains(k));
        }
        elements
    }

    /// The key that marks brokers in this account, if any.
    pub fn broker_key(&self) -> Option<&'static str> {
        match self.makler_variant {
            MaklerVariant::Standard | MaklerVariant::Renamed => Some("Makler"),
            MaklerVariant::CustomKey => Some(CUSTOM_BROKER_KEY),
            MaklerVariant::Missing => None,
        }
    }

    pub fn is_broker(&self, address_id: u64) -> bool {
        match (self.broker_key(), self.addresses.get(&address_id)) {
            (Some(key), Some(a)) => a.contact_types.iter().any(|k| k == key),
            _ => false,
        }
    }

    /// An address's default mailbox, lower case: where mail booking is switched on or off.
    pub fn mailbox_of(&self, address: u64) -> Option<String> {
        self.addresses
            .get(&address)?
            .default_email()
            .map(|e| e.address.to_lowercase())
    }

    /// The mail booking of a listing's first broker's default mailbox, as onOffice applies it to an enquiry that
    /// arrives now: `None` when the listing has no broker or the broker no default e-mail.
    pub fn booking_for(&self, estate: u64) -> Option<MailBooking> {
        let first = *self.contacts_of(estate, true).first()?;
        let mailbox = self.mailbox_of(first)?;
        Some(
            self.mail_booking
                .get(&mailbox)
                .copied()
                .unwrap_or(MailBooking::Off),
        )
    }

    /// A portal enquiry about `estate` from `from` arrives at `at` ("Y-m-d H:i:s"): onOffice books it (an
    /// `Email`/`Eingang` entry on the listing, newest first) only when the first broker's mailbox has booking on.
    /// Returns whether it was booked.
    pub fn receive_enquiry(&mut self, estate: u64, from: Option<u64>, at: &str) -> bool {
        if self.booking_for(estate) != Some(MailBooking::On) {
            return false;
        }
        self.log(AgentsLogEntry {
            id: 0,
            estates: vec![estate],
            addresses: from.into_iter().collect(),
            kind: "Email".into(),
            kind_type: "Eingang".into(),
            date: at.to_string(),
            user: String::new(),
            note: "Anfrage über Immobilienportal".into(),
        });
        if let Some(from) = from {
            self.agent_reply(estate, &[from], at);
        }
        true
    }

    /// onOffice's job server transferred these listings to the portals at `at` (UTC): one Maklerbuch entry per
    /// listing with the job's number, dated in German time as onOffice writes it. Nothing is logged when the account
    /// does not show transfers. Returns the job number.
    pub fn transfer_to_portals(&mut self, estates: &[u64], at: jiff::Timestamp) -> Option<u64> {
        let logging = self.transfer_logging.clone()?;
        self.next_transfer_job = self.next_transfer_job.max(4_711_000) + 1;
        let job = self.next_transfer_job;
        let date = onoffice_protocol::local_time::german_time(at)
            .strftime(onoffice_protocol::local_time::ONOFFICE_DATE_FORMAT)
            .to_string();
        let known: Vec<u64> = estates
            .iter()
            .copied()
            .filter(|e| self.estates.contains_key(e))
            .collect();
        for estate in known {
            self.log(AgentsLogEntry {
                id: 0,
                estates: vec![estate],
                addresses: vec![],
                kind: logging.kind.clone(),
                kind_type: logging.kind_type.clone(),
                date: date.clone(),
                user: String::new(),
                note: format!("Job-ID {job}"),
            });
        }
        Some(job)
    }

    /// Adds an entry to the Maklerbuch in date order (newest first), with the next id.
    pub fn log(&mut self, mut entry: AgentsLogEntry) {
        self.list_cache.forget_log();
        entry.id = self.next_log_id();
        if self.log_unsorted {
            self.agents_log.push(entry);
            return;
        }
        let at = self.agents_log.partition_point(|e| e.date > entry.date);
        self.agents_log.insert(at, entry);
    }

    /// The next entry's id: one above the highest.
    fn next_log_id(&self) -> u64 {
        let highest = if self.log_unsorted {
            self.agents_log.last().map(|e| e.id)
        } else {
            self.agents_log.iter().map(|e| e.id).max()
        };
        highest.unwrap_or(90_000) + 1
    }

    /// Puts the Maklerbuch in date order (newest first) after the generator appended to it.
    pub fn sort_log(&mut self) {
        self.list_cache.forget_log();
        self.agents_log
            .sort_by(|a, b| (&b.date, b.id).cmp(&(&a.date, a.id)));
        self.log_unsorted = false;
    }

    /// The Maklerbuch's entries on any of these estates, newest first (as a read of all would meet them). Read
    /// through an index that every new entry ([`Account::log`]) and every write drops.
    pub fn log_of_estates(
        &self,
        estates: &std::collections::BTreeSet<u64>,
    ) -> Vec<&AgentsLogEntry> {
        let index = self.list_cache.log_by_estate(&self.agents_log);
        let mut at: Vec<usize> = estates
            .iter()
            .filter_map(|e| index.get(e))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        // A Maklerbuch changed behind the index (the field is public) loses entries here, never panics.
        at.into_iter()
            .filter_map(|i| self.agents_log.get(i))
            .collect()
    }

    /// Contact persons of an estate in order; `brokers_only` is the `contactPerson` view. Read through the contact
    /// index, which every change of `contacts` ([`Account::link_contact`], [`Account::unlink_contacts`]) drops.
    pub fn contacts_of(&self, estate: u64, brokers_only: bool) -> Vec<u64> {
        let index = self.list_cache.contacts_by_estate(&self.contacts);
        index
            .get(&estate)
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|a| !brokers_only || self.is_broker(*a))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds `address` as the last contact person of `estate` (duplicates kept, as onOffice stores them).
    pub fn link_contact(&mut self, estate: u64, address: u64) {
        self.contacts.push(ContactLink { estate, address });
        self.list_cache.forget_contacts();
    }

    /// Removes the contact persons of `estate` that `which` picks.
    pub fn unlink_contacts(&mut self, estate: u64, which: impl Fn(u64) -> bool) {
        self.contacts
            .retain(|c| !(c.estate == estate && which(c.address)));
        self.list_cache.forget_contacts();
    }

    /// Estates whose contact persons include this address.
    pub fn estates_of_contact(&self, address: u64, brokers_only: bool) -> Vec<u64> {
        if brokers_only && !self.is_broker(address) {
            return Vec::new();
        }
        let mut out: Vec<u64> = self
            .contacts
            .iter()
            .filter(|c| c.address == address)
            .map(|c| c.estate)
            .collect();
        out.dedup();
        out
    }
}
