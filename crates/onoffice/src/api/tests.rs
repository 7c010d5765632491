//! Unit tests of `api`.

use super::*;
use crate::envelope::parse_response;

#[test]
fn multiselect_parsing() {
    assert_eq!(
        parse_multiselect(&json!("|Tippgeber||Werbung|")),
        vec!["Tippgeber", "Werbung"]
    );
    assert_eq!(parse_multiselect(&json!("")), Vec::<String>::new());
    assert_eq!(parse_multiselect(&json!(null)), Vec::<String>::new());
    assert_eq!(
        parse_multiselect(&json!(["Makler", "Kunde"])),
        vec!["Makler", "Kunde"]
    );
    assert_eq!(parse_multiselect(&json!("|Makler|")), vec!["Makler"]);
}

#[test]
fn email_entries_in_every_form_without_comments() {
    let record = Record::new(
        "5",
        Some("address"),
        serde_json::from_value(json!({
            "email__3811": "info@firma.de", "email__3811__Comment": "nur werktags",
            "emailbusiness__3757": "a.weber@firma.de", "emailbusiness__3757__Comment": "Mailbemerkung",
            "emailprivate__3760": "anna@web.de", "emailprivate__3760__Comment": "privat@nicht-nutzen.de",
            "emailprivate__3761": "", "Email": "a.weber@firma.de", "emailfoo__1": "x@y.de"
        }))
        .unwrap(),
    );
    let entries = email_entries(&record);
    let addresses: Vec<&str> = entries.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(
        addresses,
        vec!["a.weber@firma.de", "anna@web.de", "info@firma.de"]
    );
    assert_eq!(entries[0].kind, EmailEntryKind::Business);
    assert_eq!(entries[1].kind, EmailEntryKind::Private);
    assert_eq!(entries[2].kind, EmailEntryKind::Plain);
}

#[test]
fn multiselect_filters_use_in() {
    let f = Filter::new().any_of("ArtDaten", &["Systembenutzer"]);
    assert_eq!(
        f.to_value(),
        json!({"ArtDaten": [{"op": "in", "val": ["Systembenutzer"]}]})
    );
}

#[test]
fn related_ids_from_plugin_fixture() {
    let body = json!({"status":{"code":200,"errorcode":0,"message":"OK"},"response":{"results":[
      {"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:get","resourceid":"","resourcetype":"idsfromrelation","cacheable":true,"identifier":"",
       "data":{"meta":{"cntabsolute":null},"records":[{"id":"relatedIds","type":"","elements":{"15":[],"1051":["50"],"1082":["52"],"1193":["50"],"1071":["50"]}}]},
       "status":{"errorcode":0,"message":"OK"}}]}});
    let r = parse_response(body, 1).unwrap().remove(0).unwrap();
    let map = parse_related_ids(&r.records).unwrap();
    assert_eq!(map[&15], Vec::<u64>::new());
    assert_eq!(map[&1051], vec![50]);
    assert_eq!(map.len(), 5);
}

#[test]
fn field_catalog_with_and_without_labels() {
    let with = Record::new(
        "address",
        None,
        serde_json::from_value(json!({"label":"Adressen","ArtDaten":{"type":"multiselect","label":"Kontaktart",
            "permittedvalues":{"Makler":"Mitarbeiter","Systembenutzer":"Systembenutzer (Adresse ist mit Benutzer verknüpft)"}}}))
        .unwrap(),
    );
    let c = FieldCatalog::from_records(&[with]).unwrap();
    let f = c.field("address", "ArtDaten").unwrap();
    assert_eq!(f.field_type, "multiselect");
    assert!(f.permitted.contains(&PermittedValue {
        key: "Makler".into(),
        label: Some("Mitarbeiter".into())
    }));
    let without = Record::new(
        "address",
        None,
        serde_json::from_value(
            json!({"ArtDaten":{"type":"multiselect","permittedvalues":["Makler","Kunde"]}}),
        )
        .unwrap(),
    );
    let c = FieldCatalog::from_records(&[without]).unwrap();
    assert_eq!(
        c.field("address", "ArtDaten").unwrap().permitted[1].key,
        "Kunde"
    );
}

#[test]
fn modify_payload_shapes() {
    let a = actions::modify_address(
        7,
        &AddressChanges::new()
            .multiselect("ArtDaten", &["Makler".into(), "Systembenutzer".into()])
            .add_email("a@b.de", true),
    );
    assert_eq!(a.resource_id, "7");
    assert_eq!(
        a.parameters["ArtDaten"],
        json!(["Makler", "Systembenutzer"])
    );
    assert_eq!(a.parameters["email"]["action"], "add");
}
