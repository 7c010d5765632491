//! What list reads of an account can reuse until the next write: filter results and the contact persons by estate.

use onoffice_protocol::lock::Unpoisoned;

use super::ContactLink;

type Shared<T> = std::sync::Arc<std::sync::Mutex<T>>;
/// Contact persons (address ids, in order) per estate id.
pub type ContactIndex = std::sync::Arc<std::collections::HashMap<u64, Vec<u64>>>;

/// What list reads can reuse until the next write: filter results by request key (shared by the pages of one
/// list read) and the contact persons by estate. A copy of the account starts with an empty cache of its own (the
/// copy and the original change apart).
#[derive(Debug, Default)]
pub struct ListCache {
    pub filters: Shared<std::collections::HashMap<String, std::sync::Arc<Vec<u64>>>>,
    pub contacts: Shared<Option<ContactIndex>>,
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
    }

    /// Drops the contact index (the contact persons changed).
    pub fn forget_contacts(&self) {
        *self.contacts.write_guard() = None;
    }

    /// Contact persons per estate, in stored order.
    pub fn contacts_by_estate(
        &self,
        links: &[ContactLink],
    ) -> std::sync::Arc<std::collections::HashMap<u64, Vec<u64>>> {
        let mut slot = self.contacts.write_guard();
        if let Some(index) = slot.as_ref() {
            return index.clone();
        }
        let mut index: std::collections::HashMap<u64, Vec<u64>> = std::collections::HashMap::new();
        for c in links {
            index.entry(c.estate).or_default().push(c.address);
        }
        let index = std::sync::Arc::new(index);
        *slot = Some(index.clone());
        index
    }
}
