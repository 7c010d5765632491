//! The few settings the audit reads: the chosen Makler key (when the account renamed or lacks it) and the mailboxes
//! whose blue tick the person confirmed. The app implements this over its settings store; tests use memory.

use std::collections::BTreeMap;
use std::sync::Mutex;

use onoffice_protocol::lock::Unpoisoned;

pub trait Settings: Send + Sync {
    /// The `ArtDaten` key the person chose as "Makler", if the account has no key `Makler`.
    fn makler_key(&self) -> Option<String>;
    fn set_makler_key(&self, key: Option<String>);
    /// When the person confirmed the blue tick for this mailbox (date as `YYYY-MM-DD`), if ever.
    fn mail_booking_confirmed(&self, email: &str) -> Option<String>;
    fn set_mail_booking_confirmed(&self, email: &str, date: Option<String>);
}

/// Settings in memory (tests, the command-line tool).
#[derive(Default)]
pub struct MemorySettings {
    makler_key: Mutex<Option<String>>,
    confirmed: Mutex<BTreeMap<String, String>>,
}

impl Settings for MemorySettings {
    fn makler_key(&self) -> Option<String> {
        self.makler_key.write_guard().clone()
    }
    fn set_makler_key(&self, key: Option<String>) {
        *self.makler_key.write_guard() = key;
    }
    fn mail_booking_confirmed(&self, email: &str) -> Option<String> {
        self.confirmed
            .write_guard()
            .get(&email.trim().to_lowercase())
            .cloned()
    }
    fn set_mail_booking_confirmed(&self, email: &str, date: Option<String>) {
        let key = email.trim().to_lowercase();
        let mut map = self.confirmed.write_guard();
        match date {
            Some(d) => map.insert(key, d),
            None => map.remove(&key),
        };
    }
}
