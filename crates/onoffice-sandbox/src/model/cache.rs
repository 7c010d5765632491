//! What list reads of an account can reuse until the next write: filter results, the contact persons by estate and
//! the Maklerbuch's entries by estate.

use onoffice_protocol::lock::Unpoisoned;

use super::ContactLink;

type Shared<T> = std::sync::Arc<std::sync::Mutex<T>>;
/// Contact persons (address ids, in order) per estate id.
pub type ContactIndex = std::sync::Arc<std::collections::HashMap<u64, Vec<u64>>>;
/// The Maklerbuch's entries (their places in it, in its order) per estate id.
pub type LogIndex = std::sync::Arc<std::collections::HashMap<u64, Vec<usize>>>;

/// What list reads can reuse until the next write: filter results by request key (shared by the pages of one
/// list read), the contact persons by estate and the Maklerbuch's entries by estate. A copy of the account starts with an empty cache of its own (the
/// copy and the original change apart).
#[derive(Debug, Default)]
pub struct ListCache {
    pub filters: Shared<std::collections::HashMap<String, std::sync::Arc<Vec<u64>>>>,
    pub contacts: Shared<Option<ContactIndex>>,
    pub log: Shared<Option<LogIndex>>,
}

impl Clone for ListCache {
    fn clone(&self) -> Self {
        ListCache::default()
    }
}

impl ListCache {
    pub fn clear(&self) {
        self.filters.write_guard().clear();
        self.forget_contacts();
        self.forget_log();
    }

    /// Drops the Maklerbuch index (an entry was added or the Maklerbuch re-sorted).
    pub fn forget_log(&self) {
        *self.log.write_guard() = None;
    }

    /// The Maklerbuch's entries per estate: their places in `log`, in its order.
    pub fn log_by_estate(&self, log: &[super::AgentsLogEntry]) -> LogIndex {
        kept(&self.log, || {
            let mut index: std::collections::HashMap<u64, Vec<usize>> =
                std::collections::HashMap::new();
            for (at, entry) in log.iter().enumerate() {
                for estate in &entry.estates {
                    index.entry(*estate).or_default().push(at);
                }
            }
            index
        })
    }

    /// Drops the contact index (the contact persons changed).
    pub fn forget_contacts(&self) {
        *self.contacts.write_guard() = None;
    }

    /// Contact persons per estate, in stored order.
    pub fn contacts_by_estate(&self, links: &[ContactLink]) -> ContactIndex {
        kept(&self.contacts, || {
            let mut index: std::collections::HashMap<u64, Vec<u64>> =
                std::collections::HashMap::new();
            for c in links {
                index.entry(c.estate).or_default().push(c.address);
            }
            index
        })
    }
}

/// What `slot` keeps, built by `build` if it keeps nothing yet (until the next write drops it).
fn kept<T>(
    slot: &Shared<Option<std::sync::Arc<T>>>,
    build: impl FnOnce() -> T,
) -> std::sync::Arc<T> {
    let mut slot = slot.write_guard();
    slot.get_or_insert_with(|| std::sync::Arc::new(build()))
        .clone()
}
