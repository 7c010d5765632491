//! The colleague in the office: edits a record between the app's read and its write (the second writer knob).

use super::*;

/// A colleague adds or removes one ordinary contact type (never the system user or broker keys).
pub fn colleague_edit(account: &mut Account, id: u64, rng: &mut Rng) -> Option<SecondWriterChange> {
    let protected: Vec<String> = ["Systembenutzer".to_string()]
        .into_iter()
        .chain(account.broker_key().map(str::to_owned))
        .collect();
    let ordinary: Vec<String> = account
        .contact_type_values
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| !protected.contains(k))
        .collect();
    account.list_cache.clear();
    let address = account.addresses.get_mut(&id)?;
    let present: Vec<String> = address
        .contact_types
        .iter()
        .filter(|k| ordinary.contains(k))
        .cloned()
        .collect();
    let absent: Vec<String> = ordinary
        .iter()
        .filter(|k| !address.contact_types.contains(k))
        .cloned()
        .collect();
    if (rng.chance(0.7) || present.is_empty()) && !absent.is_empty() {
        let key = rng.pick(&absent).clone();
        address.contact_types.push(key.clone());
        Some(SecondWriterChange {
            address: id,
            key,
            added: true,
        })
    } else if !present.is_empty() {
        let key = rng.pick(&present).clone();
        address.contact_types.retain(|k| *k != key);
        Some(SecondWriterChange {
            address: id,
            key,
            added: false,
        })
    } else {
        None
    }
}

/// A colleague changes a listing's contact persons: mostly adds a broker record (never a system user, never one that
/// is already there) behind the others; sometimes removes the last link, but never the only broker.
pub fn colleague_edit_contacts(
    account: &mut Account,
    estate: u64,
    rng: &mut Rng,
) -> Option<SecondWriterChange> {
    if !account.estates.contains_key(&estate) {
        return None;
    }
    account.list_cache.clear();
    let on_listing = account.contacts_of(estate, false);
    let system: BTreeSet<u64> = account
        .users
        .values()
        .filter_map(|u| u.address_id)
        .collect();
    if rng.chance(0.7) {
        let candidates: Vec<u64> = account
            .addresses
            .values()
            .filter(|a| {
                account.is_broker(a.id)
                    && !a.contact_types.iter().any(|k| k == "Systembenutzer")
                    && !system.contains(&a.id)
                    && !on_listing.contains(&a.id)
            })
            .map(|a| a.id)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let address = *rng.pick(&candidates);
        account.link_contact(estate, address);
        Some(SecondWriterChange {
            address,
            key: format!("contact:{estate}"),
            added: true,
        })
    } else {
        let last = *on_listing.last()?;
        let brokers = account.contacts_of(estate, true);
        if on_listing.len() < 2 || (brokers.len() == 1 && brokers[0] == last) {
            return None;
        }
        account.unlink_contacts(estate, |a| a == last);
        Some(SecondWriterChange {
            address: last,
            key: format!("contact:{estate}"),
            added: false,
        })
    }
}
