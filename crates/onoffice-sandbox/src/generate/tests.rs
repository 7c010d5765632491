//! Unit tests of `generate`.

use super::*;

#[test]
fn deterministic_and_covers_every_kind() {
    let a = generate(&GenConfig {
        seed: 7,
        users: 20,
        estates: 60,
        makler_variant: Some(MaklerVariant::Standard),
        tenant: None,
    });
    let b = generate(&GenConfig {
        seed: 7,
        users: 20,
        estates: 60,
        makler_variant: Some(MaklerVariant::Standard),
        tenant: None,
    });
    assert_eq!(a.planted, b.planted);
    assert_eq!(
        serde_json::to_string(&a.account).unwrap(),
        serde_json::to_string(&b.account).unwrap()
    );
    let kinds: BTreeSet<&str> = a.planted.iter().map(|p| p.kind.as_str()).collect();
    for k in [
        "user.address_missing",
        "address.user_missing",
        "user.not_makler",
        "user.no_email",
        "user.mailbox_external",
        "user.mail_booking_unconfirmed",
        "estate.no_contact",
        "estate.contact_not_system_user",
        "estate.contact_not_ready",
    ] {
        assert!(kinds.contains(k), "{k} not planted");
    }
    let c = generate(&GenConfig {
        seed: 8,
        users: 20,
        estates: 60,
        makler_variant: None,
        tenant: None,
    });
    assert_ne!(a.planted, c.planted);
}

#[test]
fn variants() {
    let missing = generate(&GenConfig {
        seed: 1,
        users: 12,
        estates: 10,
        makler_variant: Some(MaklerVariant::Missing),
        tenant: None,
    });
    assert!(missing
        .planted
        .iter()
        .any(|p| p.kind == "account.makler_key_missing"));
    assert!(!missing.planted.iter().any(|p| p.kind == "user.not_makler"));
    assert!(!missing
        .account
        .contact_type_values
        .iter()
        .any(|(k, l)| k == "Makler" || l == "Mitarbeiter"));
    let renamed = generate(&GenConfig {
        seed: 3,
        users: 12,
        estates: 10,
        makler_variant: None,
        tenant: None,
    });
    assert_eq!(renamed.account.makler_variant, MaklerVariant::Renamed);
    assert!(renamed
        .account
        .contact_type_values
        .contains(&("Makler".into(), "Mitarbeiter".into())));
    assert!(!renamed
        .planted
        .iter()
        .any(|p| p.kind == "account.makler_key_missing"));
}

/// The Maklerbuch read by estate through its index meets the entries a walk through all of them meets, in the same
/// order; a new entry is met at once (the index is dropped), and so is a re-ordered Maklerbuch once the cache is
/// cleared (as every write and `Sandbox::edit` do).
#[test]
fn the_maklerbuch_by_estate_is_what_a_walk_through_it_finds() {
    let mut account = generate(&GenConfig {
        seed: 10,
        users: 20,
        estates: 200,
        makler_variant: Some(MaklerVariant::Standard),
        tenant: None,
    })
    .account;
    let walked = |account: &Account, estates: &BTreeSet<u64>| -> Vec<u64> {
        let on = |e: &&AgentsLogEntry| e.estates.iter().any(|id| estates.contains(id));
        account.agents_log.iter().filter(on).map(|e| e.id).collect()
    };
    let indexed = |account: &Account, estates: &BTreeSet<u64>| -> Vec<u64> {
        account
            .log_of_estates(estates)
            .iter()
            .map(|e| e.id)
            .collect()
    };
    let all: Vec<u64> = account.estates.keys().copied().collect();
    let some: BTreeSet<u64> = all.iter().copied().step_by(3).collect();
    assert!(walked(&account, &some).len() > 20);
    assert_eq!(indexed(&account, &some), walked(&account, &some));
    let every: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(indexed(&account, &every), walked(&account, &every));
    let estate = *some.iter().next().unwrap();
    let newest = account.agents_log[0].date.clone();
    account.log(AgentsLogEntry {
        id: 0,
        estates: vec![estate, estate],
        addresses: Vec::new(),
        kind: "Email".into(),
        kind_type: "Eingang".into(),
        date: newest,
        user: String::new(),
        note: String::new(),
    });
    let after = indexed(&account, &some);
    assert_eq!(after, walked(&account, &some));
    assert_eq!(
        after
            .iter()
            .filter(|id| **id == account.agents_log[0].id)
            .count(),
        1
    );
    account.agents_log.swap(0, 1);
    account.list_cache.clear();
    assert_eq!(indexed(&account, &some), walked(&account, &some));
    // What a read builds of an entry: the fields it names, as the whole entry has them.
    let entry = &account.agents_log[0];
    let all = entry.elements();
    assert_eq!(all.len(), 10);
    let some = entry.elements_of(|f| f == "Datum" || f == "Objekt_nr");
    assert_eq!(some.len(), 2);
    assert!(some.iter().all(|(k, v)| all[k] == *v));
    // Entries taken away behind the index: fewer found, no panic.
    account.agents_log.truncate(5);
    assert!(indexed(&account, &every).len() <= 5);
}
