//! The audit's parsing of records in the recorded shapes of docs/protocol.md (numbers as numbers, pipe strings
//! and lists, three e-mail lists with remarks, empty links, status words), from the client's fixture files.

use audit::snapshot::{parse_address, parse_user};
use onoffice::envelope::parse_response;
use onoffice::Record;

fn records(name: &str) -> Vec<Record> {
    let text = std::fs::read_to_string(format!(
        "{}/../onoffice/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut results = parse_response(serde_json::from_str(&text).unwrap(), 1).unwrap();
    results.remove(0).unwrap().records
}

#[test]
fn users_with_numbers_and_strings_and_empty_links() {
    let users: Vec<_> = records("read_user_recorded.json")
        .iter()
        .filter_map(parse_user)
        .collect();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].nr, 17);
    assert_eq!(users[0].address_id, Some(10505));
    assert!(users[0].active);
    assert_eq!(users[1].nr, 19);
    assert_eq!(users[1].address_id, None, "an empty link is no link");
    assert!(!users[1].active, "gesperrt");
}

#[test]
fn addresses_with_pipes_lists_and_every_email_list() {
    let addresses: Vec<_> = records("read_address_recorded.json")
        .iter()
        .filter_map(parse_address)
        .collect();
    let anna = &addresses[0];
    assert_eq!(anna.contact_types, ["Systembenutzer", "Makler"]);
    assert_eq!(anna.default_email.as_deref(), Some("a.weber@firma.de"));
    assert_eq!(
        anna.emails,
        ["a.weber@firma.de", "anna.weber@web.de", "info@firma.de"]
    );
    let joerg = &addresses[1];
    assert_eq!(joerg.contact_types, ["Systembenutzer", "Kunde"]);
    assert_eq!(joerg.default_email, None, "an empty default is none");
    assert_eq!(joerg.emails, ["joerg@gmx.de"]);
}
