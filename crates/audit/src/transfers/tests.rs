//! Unit tests of `transfers`: which labels name a portal transfer, and when a waiting listing counts as transferred.

use super::*;
use serde_json::json;

fn kind(key: &str, label: &str, types: &[(&str, &str)]) -> KindInfo {
    KindInfo {
        key: key.into(),
        label: label.into(),
        types: types
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
    }
}

fn record(id: &str, elements: Value) -> Record {
    Record::new(id, Some("agentslog"), elements.as_object().unwrap().clone())
}

fn entry(estates: Value, kind: &str, kind_type: &str, date: &str) -> Record {
    record(
        "1",
        json!({"Objekt_nr": estates, "Aktionsart": kind, "Aktionstyp": kind_type, "Datum": date}),
    )
}

#[test]
fn a_label_names_a_transfer_only_with_portal_and_a_transfer_word() {
    for yes in [
        "Portalübertragung",
        "Portal-Export",
        "Export Portal-Aktualisierung",
        "Immobilienportale Übertragung",
        "PORTAL UEBERTRAGUNG",
    ] {
        assert!(names_transfer(yes), "{yes}");
    }
    for no in [
        "Portal-Anfrage Rückruf",
        "Export CSV",
        "Übertragung",
        "E-Mail Eingang",
        "Immobilienportale Anfrage weitergeleitet",
        "",
    ] {
        assert!(!names_transfer(no), "{no}");
    }
}

#[test]
fn a_kind_naming_the_transfer_counts_whole_and_otherwise_only_the_naming_types() {
    let kinds = [
        kind("Email", "E-Mail", &[("Eingang", "Eingang")]),
        kind(
            "Portalanfrage",
            "Portal-Anfrage",
            &[("Rueckruf", "Rückruf")],
        ),
        kind("Portal", "Portalübertragung", &[("Export", "Export")]),
        kind(
            "Immobilienportal",
            "Immobilienportale",
            &[
                ("Anfrage", "Anfrage weitergeleitet"),
                ("Uebertragung", "Übertragung"),
            ],
        ),
        kind(
            "Export",
            "Export",
            &[("CSV", "CSV"), ("Portalupdate", "Portal-Aktualisierung")],
        ),
    ];
    assert_eq!(
        transfer_kinds(&kinds),
        vec![
            TransferKind {
                kind: "Portal".into(),
                kind_type: None,
                label: "Portalübertragung".into()
            },
            TransferKind {
                kind: "Immobilienportal".into(),
                kind_type: Some("Uebertragung".into()),
                label: "Immobilienportale › Übertragung".into()
            },
            TransferKind {
                kind: "Export".into(),
                kind_type: Some("Portalupdate".into()),
                label: "Export › Portal-Aktualisierung".into()
            },
        ]
    );
    assert!(transfer_kinds(&kinds[..2]).is_empty());
}

#[test]
fn kinds_parse_with_types_as_an_object_or_an_empty_array() {
    let records = [
        record("0", json!({"key": "Email", "label": "E-Mail", "types": []})),
        record(
            "1",
            json!({"key": "Export", "label": "Export", "types": {"Portalupdate": "Portal-Aktualisierung"}}),
        ),
        record("2", json!({"label": "ohne Schlüssel", "types": []})),
        record("3", json!({"key": "Notiz", "types": {}})),
    ];
    assert_eq!(
        parse_kinds(&records),
        vec![
            kind("Email", "E-Mail", &[]),
            kind(
                "Export",
                "Export",
                &[("Portalupdate", "Portal-Aktualisierung")]
            ),
            kind("Notiz", "Notiz", &[]),
        ]
    );
}

fn export_kind() -> Vec<TransferKind> {
    vec![TransferKind {
        kind: "Export".into(),
        kind_type: Some("Portalupdate".into()),
        label: "Export › Portal-Aktualisierung".into(),
    }]
}

#[test]
fn the_newest_transfer_per_listing_is_kept_in_utc_and_other_entries_are_ignored() {
    let chunks = vec![vec![7, 8, 9]];
    let results = vec![Ok(vec![
        entry(
            json!(["7"]),
            "Export",
            "Portalupdate",
            "2026-12-01 11:31:00",
        ),
        entry(
            json!(["7"]),
            "Export",
            "Portalupdate",
            "2026-11-02 09:00:00",
        ),
        // Same kind, another type (a CSV export): no portal transfer.
        entry(json!(["8"]), "Export", "CSV", "2026-12-01 12:00:00"),
        entry(json!(["8"]), "Email", "Eingang", "2026-12-01 12:00:00"),
        // Summer time: two hours ahead of UTC.
        entry(
            json!(["9", "99"]),
            "Export",
            "Portalupdate",
            "2026-07-01 12:00:00",
        ),
    ])];
    let t = collect(export_kind(), &chunks, results);
    assert_eq!(
        t.last,
        BTreeMap::from([
            (7, "2026-12-01T10:31:00Z".to_string()),
            (9, "2026-07-01T10:00:00Z".to_string()),
        ])
    );
    assert!(t.undecidable.is_empty() && t.problems.is_empty());
}

#[test]
fn an_odd_transfer_entry_or_a_failed_read_leaves_its_listings_undecidable() {
    let chunks = vec![vec![1, 2], vec![3], vec![4]];
    let results = vec![
        Ok(vec![
            entry(json!(["1"]), "Export", "Portalupdate", "01.12.2026 11:31"),
            entry(
                json!(["2"]),
                "Export",
                "Portalupdate",
                "2026-12-01 11:31:00",
            ),
        ]),
        Ok(vec![entry(
            json!([]),
            "Export",
            "Portalupdate",
            "2026-12-01 11:31:00",
        )]),
        Err(onoffice::Error::Api {
            code: 500,
            message: "Interner Fehler".into(),
        }),
    ];
    let t = collect(export_kind(), &chunks, results);
    assert_eq!(t.undecidable, BTreeSet::from([1, 2, 3, 4]));
    assert_eq!(t.problems.len(), 3, "{:?}", t.problems);
    let waiting: BTreeMap<u64, String> = [(2, "2026-12-01T09:00:00Z".to_string())]
        .into_iter()
        .collect();
    assert!(
        t.seen_after(&waiting).is_empty(),
        "never taken off from a chunk with an odd entry"
    );
}

#[test]
fn a_listing_counts_as_transferred_only_when_the_transfer_is_newer_than_our_change() {
    let t = PortalTransfers {
        kinds: export_kind(),
        last: BTreeMap::from([
            (1, "2026-12-01T10:31:00Z".to_string()),
            (2, "2026-12-01T10:00:00Z".to_string()),
            (3, "2026-11-30T08:00:00Z".to_string()),
            (5, "2026-12-01T11:00:00Z".to_string()),
        ]),
        undecidable: BTreeSet::from([5]),
        problems: vec![],
    };
    let waiting: BTreeMap<u64, String> = [
        (1, "2026-12-01T10:00:00Z"),
        (2, "2026-12-01T10:00:00Z"),
        (3, "2026-12-01T10:00:00Z"),
        (4, "2026-12-01T10:00:00Z"),
        (5, "2026-12-01T10:00:00Z"),
        (6, "kaputt"),
    ]
    .into_iter()
    .map(|(e, c)| (e, c.to_string()))
    .collect();
    assert_eq!(
        t.seen_after(&waiting),
        BTreeMap::from([(1, "2026-12-01T10:31:00Z".to_string())]),
        "newer only (not the same second), not from an undecidable listing"
    );
}

#[test]
fn the_look_back_reaches_a_day_before_the_oldest_change() {
    let now: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
    let recent: BTreeMap<u64, String> = [(1, "2026-11-30T10:00:00Z".to_string())].into();
    assert_eq!(
        look_back_start(now, &recent),
        "2026-09-02T10:00:00Z".parse().unwrap()
    );
    let old: BTreeMap<u64, String> = [
        (1, "2026-11-30T10:00:00Z".to_string()),
        (2, "2026-06-01T10:00:00Z".to_string()),
    ]
    .into();
    assert_eq!(
        look_back_start(now, &old),
        "2026-05-31T10:00:00Z".parse().unwrap()
    );
}

#[test]
fn the_reads_ask_for_at_most_200_listings_each_since_the_start_in_german_time() {
    let waiting: Vec<u64> = (1..=450).collect();
    let (chunks, lists) = reads(&waiting, "2026-12-01T10:00:00Z".parse().unwrap());
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![200, 200, 50]
    );
    assert_eq!(lists.len(), 3);
    let v = serde_json::to_value(&lists[0].parameters).unwrap();
    assert_eq!(v["filter"]["Datum"][0]["val"], "2026-12-01 11:00:00", "{v}");
}

#[tokio::test]
async fn without_a_transfer_kind_nothing_is_read_and_what_failed_is_kept() {
    // No request goes out: the client points nowhere.
    let client = onoffice::Client::builder(
        onoffice::Credentials::new(&"a".repeat(32), &"b".repeat(64)).unwrap(),
    )
    .base_url("https://127.0.0.1:9/api/stable/api.php")
    .build()
    .unwrap();
    let t = finish(
        &client,
        vec![],
        vec![vec![1]],
        vec![],
        vec![],
        vec!["onOffice error 170: no right".into()],
    )
    .await;
    assert!(t.kinds.is_empty() && t.last.is_empty());
    assert_eq!(t.problems, vec!["onOffice error 170: no right".to_string()]);
    assert_eq!(client.counters().0, 0);
}
