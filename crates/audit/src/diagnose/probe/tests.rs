//! Every verdict the check can give, built without a server, and what the person reads of it: no API name in
//! the German or the English text (docs/product.md, "One word for one thing").

use std::collections::{BTreeMap, BTreeSet};

use onoffice::{Error, FieldInfo, PermittedValue, Record};
use serde_json::{json, Value};

use super::verdicts::estate_field_words;
use super::*;
use crate::diagnose::{Assumption, AssumptionId, AssumptionState, Diagnosis};
use crate::settings::MemorySettings;
use crate::text::Text;

/// Names of the API that belong in the diagnosis file and the docs, never on a screen.
const API_NAMES: &[&str] = &[
    "adrId",
    "adressen.ID",
    "contactPerson",
    "ArtDaten",
    "estate:",
    "address:",
    "Aktionsart",
    "Aktionstyp",
    "HMAC",
    "api.php",
    "multiselect",
    "singleselect",
    "idsfromrelation",
    "agentslog",
    "objektnr_extern",
    "permittedvalues",
];
/// API names that are also (parts of) words: only a whole word, spelt exactly so, counts.
const API_WORDS: &[&str] = &["miete", "vermarktungsart", "benutzer", "objekttitel"];

fn api_names_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = API_NAMES
        .iter()
        .filter(|n| text.contains(*n))
        .map(|n| n.to_string())
        .collect();
    if text.to_lowercase().contains("relation") {
        found.push("relation".into());
    }
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
        if API_WORDS.contains(&word) {
            found.push(word.into());
        }
    }
    found
}

fn assert_plain(what: &str, t: &Text) {
    for (lang, text) in [("de", &t.de), ("en", &t.en)] {
        let found = api_names_in(text);
        assert!(
            found.is_empty(),
            "{what} ({lang}) names the API {found:?}: {text}"
        );
    }
}

fn record(id: &str, elements: Value) -> Record {
    Record::new(id, None, elements.as_object().cloned().unwrap_or_default())
}

fn ok(records: Vec<Record>) -> onoffice::Result<ActionResult> {
    let n = records.len() as u64;
    Ok(ActionResult {
        records,
        cnt_absolute: Some(n),
    })
}

fn refusal() -> Error {
    Error::Api {
        code: 170,
        message: "no right".into(),
    }
}

fn network() -> Error {
    Error::Transport {
        detail: "down".into(),
    }
}

fn select(values: &[(&str, Option<&str>)]) -> FieldInfo {
    FieldInfo {
        field_type: "multiselect".into(),
        label: None,
        permitted: values
            .iter()
            .map(|(key, label)| PermittedValue {
                key: key.to_string(),
                label: label.map(str::to_string),
            })
            .collect(),
    }
}

fn catalog(contact_types: Option<FieldInfo>, marketing: Option<FieldInfo>) -> FieldCatalog {
    let mut c = FieldCatalog::default();
    let address = c.modules.entry("address".into()).or_default();
    if let Some(f) = contact_types {
        address.insert("ArtDaten".into(), f);
    }
    let estate = c.modules.entry("estate".into()).or_default();
    if let Some(f) = marketing {
        estate.insert("vermarktungsart".into(), f);
    }
    c
}

fn rental(id: &str, without: &[&str]) -> Record {
    let mut elements = serde_json::Map::new();
    for f in ESTATE_FIELDS.iter().filter(|f| !without.contains(f)) {
        elements.insert(f.to_string(), json!("1"));
    }
    Record::new(id, None, elements)
}

/// What the reads brought back, owned.
struct Inputs {
    catalog: Option<FieldCatalog>,
    fields_r: onoffice::Result<ActionResult>,
    users_r: onoffice::Result<ActionResult>,
    system_r: onoffice::Result<ActionResult>,
    rentals_r: onoffice::Result<ActionResult>,
    relations: Vec<onoffice::Result<ActionResult>>,
    link_relation: Option<onoffice::Result<ActionResult>>,
    log_r: Option<onoffice::Result<ActionResult>>,
}

impl Inputs {
    /// An account where every assumption holds.
    fn standard() -> Inputs {
        Inputs {
            catalog: Some(catalog(
                Some(select(&[
                    ("Systembenutzer", Some("Systembenutzer")),
                    ("Makler", Some("Makler")),
                    ("Interessent", Some("Interessent")),
                ])),
                Some(select(&[("kauf", Some("Kauf")), ("miete", Some("Miete"))])),
            )),
            fields_r: ok(Vec::new()),
            users_r: ok(vec![
                record("1", json!({"Nr": "1", "adrId:adressen.ID": "11"})),
                record("2", json!({"Nr": "2"})),
            ]),
            system_r: Ok(ActionResult {
                records: Vec::new(),
                cnt_absolute: Some(2),
            }),
            rentals_r: ok(vec![rental("100", &[]), rental("101", &[])]),
            relations: vec![ok(Vec::new()), ok(Vec::new())],
            link_relation: None,
            log_r: Some(ok(vec![record(
                "5",
                json!({"Objekt_nr": "100", "Aktionsart": "Email", "Aktionstyp": "Eingang"}),
            )])),
        }
    }

    fn verdicts(&self, settings: &dyn Settings) -> Vec<Assumption> {
        verdicts(
            &Seen {
                catalog: self.catalog.as_ref(),
                fields_r: &self.fields_r,
                users_r: &self.users_r,
                system_r: &self.system_r,
                rentals_r: &self.rentals_r,
                relations: &self.relations,
                link_relation: self.link_relation.as_ref(),
                log_r: self.log_r.as_ref(),
            },
            settings,
        )
    }
}

/// Every account shape the verdicts tell apart, each with the settings it is judged with.
fn scenarios() -> Vec<(&'static str, Inputs, MemorySettings)> {
    let plain = MemorySettings::default;
    let with = |f: fn(&mut Inputs)| {
        let mut i = Inputs::standard();
        f(&mut i);
        i
    };
    let chosen = MemorySettings::default();
    chosen.set_makler_key(Some("Vermittler".into()));
    vec![
        ("standard", Inputs::standard(), plain()),
        ("no users", with(|i| i.users_r = ok(Vec::new())), plain()),
        (
            "users refused",
            with(|i| i.users_r = Err(refusal())),
            plain(),
        ),
        (
            "users offline",
            with(|i| i.users_r = Err(network())),
            plain(),
        ),
        (
            "no field list",
            with(|i| {
                i.catalog = None;
                i.fields_r = Err(network());
            }),
            plain(),
        ),
        ("odd field list", with(|i| i.catalog = None), plain()),
        (
            "no contact type field",
            with(|i| i.catalog = Some(catalog(None, Some(select(&[("miete", None)]))))),
            plain(),
        ),
        (
            "no Systembenutzer, Makler renamed, no count",
            with(|i| {
                i.catalog = Some(catalog(
                    Some(select(&[("Makler", Some("Mitarbeiter")), ("Kunde", None)])),
                    Some(select(&[("kauf", Some("Kauf")), ("pacht", None)])),
                ));
                i.system_r = Err(refusal());
            }),
            plain(),
        ),
        (
            "Makler chosen",
            with(|i| {
                i.catalog = Some(catalog(
                    Some(select(&[
                        ("Systembenutzer", None),
                        ("Vermittler", Some("Vermittler")),
                    ])),
                    Some(select(&[])),
                ))
            }),
            chosen,
        ),
        (
            "no Makler, no candidate",
            with(|i| {
                i.catalog = Some(catalog(
                    Some(select(&[("Systembenutzer", None), ("Kunde", None)])),
                    None,
                ))
            }),
            plain(),
        ),
        (
            "no Makler, one candidate",
            with(|i| {
                i.catalog = Some(catalog(
                    Some(select(&[("Systembenutzer", None), ("Mitarbeiter", None)])),
                    None,
                ))
            }),
            plain(),
        ),
        (
            "no Makler, two candidates",
            with(|i| {
                i.catalog = Some(catalog(
                    Some(select(&[
                        ("Systembenutzer", None),
                        ("Mitarbeiter", None),
                        ("Broker", None),
                    ])),
                    None,
                ))
            }),
            plain(),
        ),
        (
            "rentals refused",
            with(|i| i.rentals_r = Err(refusal())),
            plain(),
        ),
        (
            "rentals offline",
            with(|i| i.rentals_r = Err(network())),
            plain(),
        ),
        (
            "no rentals",
            with(|i| {
                i.rentals_r = ok(Vec::new());
                i.relations = Vec::new();
                i.log_r = None;
            }),
            plain(),
        ),
        (
            "Betreuer not readable",
            with(|i| i.rentals_r = ok(vec![rental("100", &["benutzer"])])),
            plain(),
        ),
        (
            "no field readable",
            with(|i| i.rentals_r = ok(vec![rental("100", ESTATE_FIELDS)])),
            plain(),
        ),
        (
            "linked through the relation",
            with(|i| {
                i.users_r = ok(vec![record("1", json!({"Nr": "1"}))]);
                i.link_relation = Some(ok(vec![record("0", json!({"1": [11]}))]));
            }),
            plain(),
        ),
        (
            "linked nowhere",
            with(|i| {
                i.users_r = ok(vec![record("1", json!({"Nr": "1"}))]);
                i.link_relation = Some(ok(vec![record("0", json!({"1": []}))]));
            }),
            plain(),
        ),
        (
            "relation refused",
            with(|i| {
                i.users_r = ok(vec![record("1", json!({"Nr": "1"}))]);
                i.link_relation = Some(Err(refusal()));
            }),
            plain(),
        ),
        (
            "contact persons refused",
            with(|i| i.relations[1] = Err(refusal())),
            plain(),
        ),
        (
            "contact persons offline",
            with(|i| i.relations[0] = Err(network())),
            plain(),
        ),
        (
            "Maklerbuch refused",
            with(|i| i.log_r = Some(Err(refusal()))),
            plain(),
        ),
    ]
}

#[test]
fn every_verdict_speaks_plain_words() {
    let mut outcomes = BTreeSet::new();
    for (name, inputs, settings) in scenarios() {
        let assumptions = inputs.verdicts(&settings);
        assert_eq!(
            assumptions.iter().map(|a| a.id).collect::<Vec<_>>(),
            AssumptionId::ALL,
            "{name}"
        );
        for a in &assumptions {
            outcomes.insert((a.id, format!("{:?}", a.state)));
            let what = format!("{name}: {:?} {:?}", a.id, a.state);
            for t in [&a.title, &a.seen, &a.meaning, &a.todo] {
                assert_plain(&what, t);
            }
            assert!(!a.seen.de.is_empty() && !a.seen.en.is_empty(), "{what}");
            if a.state == AssumptionState::Fails {
                assert!(!a.todo.de.is_empty() && !a.meaning.de.is_empty(), "{what}");
            }
        }
        // The findings of the failed ones, as the checklist shows them and the support mail says them.
        let diagnosis = Diagnosis {
            app_version: String::new(),
            created: String::new(),
            api_host: String::new(),
            assumptions,
            reads: Vec::new(),
            fields: BTreeMap::new(),
            value_keys: BTreeMap::new(),
            requests: 0,
            elapsed_ms: 0,
            action_kinds: BTreeMap::new(),
            agents_log_counts: BTreeMap::new(),
            answer_counts: Default::default(),
            transfer_kinds: Vec::new(),
        };
        for f in diagnosis.findings() {
            let what = format!("{name}: finding {}", f.subject);
            assert_plain(&what, &f.title);
            assert_plain(&what, &f.seen);
            assert_plain(&what, &f.expected);
            if let crate::finding::Resolution::Manual {
                click_path,
                steps,
                support,
                ..
            } = &f.resolution
            {
                assert_plain(&what, click_path);
                for s in steps {
                    assert_plain(&what, s);
                }
                if let Some(mail) = support {
                    let t = Text::new(mail.subject.clone(), mail.body.clone());
                    assert_plain(&what, &t);
                }
            }
        }
    }
    // Every assumption was seen holding, failing and unknown: no outcome went untested.
    for id in AssumptionId::ALL {
        for state in ["Holds", "Fails", "Unknown"] {
            assert!(
                outcomes.contains(&(id, state.to_string())),
                "{id:?} never came out {state}"
            );
        }
    }
}

#[test]
fn the_test_catches_api_names() {
    for text in [
        "über adrId:adressen.ID verknüpft",
        "contactPerson und contactPersonAll gelesen",
        "Wert „miete“ vorhanden",
        "weder adrId noch Relation",
        "Feld ArtDaten fehlt",
        "fields missing: benutzer",
    ] {
        assert!(!api_names_in(text).is_empty(), "{text}");
    }
    for text in [
        "Kontaktart „Systembenutzer“ vorhanden",
        "Vermarktungsart „Miete“",
        "Ansprechpartner von 3 Vermietungsobjekten gelesen",
        "API-Benutzer",
    ] {
        assert!(api_names_in(text).is_empty(), "{text}");
    }
}

#[test]
fn every_listing_field_has_a_plain_name_and_the_file_keeps_the_technical_one() {
    for f in ESTATE_FIELDS {
        let (de, en) = estate_field_words(f);
        assert_ne!(de, "ein weiteres Feld", "{f} has no plain name");
        assert!(
            api_names_in(de).is_empty() && api_names_in(en).is_empty(),
            "{f}"
        );
    }
    let figure = estate_figure(&ok(vec![rental("100", &["benutzer"])]));
    assert!(figure.what.contains("benutzer"), "{}", figure.what);
    assert_eq!(
        estate_figure(&ok(vec![rental("100", &[])])).what,
        "read estate (Vermietung)"
    );
}
