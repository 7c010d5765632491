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
