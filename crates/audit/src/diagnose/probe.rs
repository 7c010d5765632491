//! The check itself: two round trips of reads, then one verdict per assumption from what came back. The second
//! round also reads the Maklerbuch of the sampled rentals and the action kinds with their automatic types, whose
//! names and counts go into the diagnosis file.

use std::collections::BTreeMap;
use std::time::Instant;

use onoffice::api::{
    actions, parse_related_ids, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL,
    RELATION_USER_ADDRESS,
};
use onoffice::client::paged;
use onoffice::{Client, FieldCatalog, RelationSide};

use super::{fails, figure, holds, refused, unknown, AssumptionId, Diagnosis};
use crate::settings::Settings;
use crate::snapshot::{
    parse_user, rental_filter, system_address_filter, CONTACT_TYPE_FIELD, ESTATE_FIELDS,
    USER_FIELDS,
};
use crate::text::Text;

const RIGHTS_PATH: (&str, &str) = (
    "onOffice: Extras > Einstellungen > API-Benutzer > (API-Benutzer öffnen) > Reiter „Rechte“",
    "onOffice: Extras > Settings > API users > (open the API user) > tab \"Rights\"",
);

/// How many records the check looks at per list: enough to see the shapes, few enough to be quick.
const SAMPLE: u64 = 50;

/// Runs the check: (1) field metadata and a first page of users, system user addresses and rentals together,
/// (2) both contact person relations of those rentals (and the user:address relation when the user field is
/// missing) together. Read-only; errors of single reads become failed assumptions, not an error of the check.
pub async fn run(client: &Client, settings: &dyn Settings) -> Diagnosis {
    let started = Instant::now();
    let (req0, _) = client.counters();
    let first = client
        .execute(vec![
            actions::get_fields(&["address", "estate", "user"], true, &[]),
            paged(&actions::read_users(USER_FIELDS), SAMPLE, 0),
            paged(
                &actions::read_addresses(&system_address_filter(), &[CONTACT_TYPE_FIELD]),
                1,
                0,
            ),
            paged(
                &actions::read_estates(&rental_filter(), ESTATE_FIELDS),
                SAMPLE,
                0,
            ),
            actions::get_action_kinds(&[]),
        ])
        .await;
    let mut reads = vec![
        figure("get fields", &first[0]),
        figure("read user", &first[1]),
        figure("read address (Systembenutzer)", &first[2]),
        figure("read estate (Vermietung)", &first[3]),
    ];
    let mut it = first.into_iter();
    let (fields_r, users_r, system_r, rentals_r, kinds_r) = (
        it.next().expect("5 results"),
        it.next().expect("5 results"),
        it.next().expect("5 results"),
        it.next().expect("5 results"),
        it.next().expect("5 results"),
    );
    reads.push(figure("get actionkindtypes", &kinds_r));
    let kind_keys: Vec<String> = kinds_r
        .as_ref()
        .map(|r| r.records.iter().filter_map(|k| k.text("key")).collect())
        .unwrap_or_default();
    let catalog = fields_r
        .as_ref()
        .ok()
        .and_then(|r| FieldCatalog::from_records(&r.records).ok());

    let users: Vec<_> = users_r
        .as_ref()
        .map(|r| r.records.iter().filter_map(parse_user).collect())
        .unwrap_or_default();
    let linked_by_field = users.iter().filter(|u| u.address_id.is_some()).count();
    let rental_ids: Vec<u64> = rentals_r
        .as_ref()
        .map(|r| r.records.iter().filter_map(|r| r.numeric_id()).collect())
        .unwrap_or_default();

    // Second round trip: relations.
    let mut second = Vec::new();
    if !rental_ids.is_empty() {
        for relation in [RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL] {
            second.push(actions::ids_from_relation(
                relation,
                RelationSide::Parents,
                &rental_ids,
            ));
        }
    }
    let ask_link_relation = linked_by_field == 0 && !users.is_empty();
    if ask_link_relation {
        let nrs: Vec<u64> = users.iter().map(|u| u.nr).collect();
        second.push(actions::ids_from_relation(
            RELATION_USER_ADDRESS,
            RelationSide::Parents,
            &nrs,
        ));
    }
    // The Maklerbuch of the sampled rentals in 30 days, every kind, and the kinds with their automatic types.
    let extra = second.len();
    let now = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now());
    if !rental_ids.is_empty() {
        let since = crate::evidence::window_start(now);
        second.push(paged(
            &actions::read_agents_log(
                &rental_ids,
                &onoffice::Filter::new().with("Datum", ">=", crate::evidence::onoffice_date(since)),
                &["Objekt_nr", "Aktionsart", "Aktionstyp"],
            ),
            500,
            0,
        ));
    }
    if !kind_keys.is_empty() {
        let keys: Vec<&str> = kind_keys.iter().map(String::as_str).collect();
        second.push(actions::get_action_kinds(&keys));
    }
    let mut second = if second.is_empty() {
        Vec::new()
    } else {
        client.execute(second).await
    };
    let mut tail = second.split_off(extra).into_iter();
    let log_r = if rental_ids.is_empty() {
        None
    } else {
        tail.next()
    };
    let kinds_r = if kind_keys.is_empty() {
        None
    } else {
        tail.next()
    };
    if let Some(r) = &log_r {
        reads.push(figure("read agentslog", r));
    }
    if let Some(r) = &kinds_r {
        reads.push(figure("get actionkindtypes (automatic)", r));
    }
    let kinds_r = kinds_r.and_then(Result::ok);
    let transfer_kinds: Vec<String> = kinds_r
        .as_ref()
        .map(|r| {
            crate::transfers::transfer_kinds(&crate::transfers::parse_kinds(&r.records))
                .into_iter()
                .map(|k| k.label)
                .collect()
        })
        .unwrap_or_default();
    let action_kinds = kinds_r
        .map(|r| {
            r.records
                .iter()
                .filter_map(|k| {
                    let types = match k.elements.get("types") {
                        Some(serde_json::Value::Object(t)) => t.keys().cloned().collect(),
                        _ => Vec::new(),
                    };
                    Some((k.text("key")?, types))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut agents_log_counts: BTreeMap<String, u64> = BTreeMap::new();
    let (relations, link_relation) = if rental_ids.is_empty() {
        (Vec::new(), second.first())
    } else {
        (second.iter().take(2).collect(), second.get(2))
    };
    for (name, r) in [
        "idsfromrelation contactPerson",
        "idsfromrelation contactPersonAll",
    ]
    .iter()
    .zip(relations.iter())
    {
        reads.push(figure(name, r));
    }
    if let Some(r) = link_relation {
        reads.push(figure("idsfromrelation user:address", r));
    }

    let mut assumptions = Vec::new();
    // Users readable.
    assumptions.push(match &users_r {
        Ok(r) if !r.records.is_empty() => holds(
            AssumptionId::UsersReadable,
            Text::new(
                format!("{} Benutzer gelesen", r.records.len()),
                format!("{} users read", r.records.len()),
            ),
        ),
        Ok(_) => fails(
            AssumptionId::UsersReadable,
            Text::new("Die Benutzerliste ist leer.", "The user list is empty."),
            Text::new(
                "Ohne Benutzer kann die App keine Systembenutzer prüfen; meist fehlt dem API-Benutzer ein Recht.",
                "Without users the app cannot check any system user; usually the API user lacks a right.",
            ),
            Text::new(
                format!("{}: „Benutzerdaten über API auslesen“ erlauben", RIGHTS_PATH.0),
                format!("{}: allow \"Read out user data via API\"", RIGHTS_PATH.1),
            ),
        ),
        Err(e) => refused(
            AssumptionId::UsersReadable,
            e,
            Text::new(
                "Ohne Benutzer kann die App keine Systembenutzer prüfen.",
                "Without users the app cannot check any system user.",
            ),
            Text::new(
                format!("{}: „Benutzerdaten über API auslesen“ erlauben", RIGHTS_PATH.0),
                format!("{}: allow \"Read out user data via API\"", RIGHTS_PATH.1),
            ),
        ),
    });

    // ArtDaten with Systembenutzer, and the Makler key.
    assumptions.extend(super::contact_type::verdicts(
        catalog.as_ref(),
        &fields_r,
        &system_r,
        settings,
    ));

    // vermarktungsart = miete.
    let marketing = catalog
        .as_ref()
        .and_then(|c| c.field("estate", "vermarktungsart"));
    assumptions.push(match marketing {
        Some(f) if f.permitted.iter().any(|p| p.key == "miete") => holds(
            AssumptionId::RentalValue,
            Text::new("Wert „miete“ vorhanden", "Value \"miete\" present"),
        ),
        Some(f) if !f.permitted.is_empty() => fails(
            AssumptionId::RentalValue,
            Text::new(
                format!(
                    "Die Vermarktungsart hat die Werte {}, aber nicht „miete“.",
                    keys_of(f)
                ),
                format!(
                    "The marketing type has the values {}, but not \"miete\".",
                    keys_of(f)
                ),
            ),
            Text::new(
                "Die App erkennt Vermietungsobjekte an „miete“; ohne den Wert findet sie keine.",
                "The app recognises rentals by \"miete\"; without the value it finds none.",
            ),
            Text::new(
                "onOffice-Support fragen, unter welchem Wert Vermietungen geführt werden",
                "Ask onOffice support which value marks rentals",
            ),
        ),
        // Not listed (or listed without values): the read decides.
        _ => unknown(
            AssumptionId::RentalValue,
            Text::new(
                "Die Vermarktungsart ist in der Feldkonfiguration nicht aufgeführt.",
                "The marketing type is not listed in the field configuration.",
            ),
        ),
    });

    // The estate fields the audit reads come back.
    assumptions.push(match &rentals_r {
        Err(e) => refused(
            AssumptionId::EstateFields,
            e,
            Text::new(
                "Ohne diese Felder kann die App Vermietungsobjekte nicht finden oder nicht zuordnen.",
                "Without these fields the app cannot find or assign rental listings.",
            ),
            Text::new(
                format!("{}: Leserechte für Immobilien prüfen", RIGHTS_PATH.0),
                format!("{}: check read rights for estates", RIGHTS_PATH.1),
            ),
        ),
        Ok(r) if r.records.is_empty() => unknown(
            AssumptionId::EstateFields,
            Text::new(
                "Keine aktiven Vermietungsobjekte gefunden.",
                "No active rental listings found.",
            ),
        ),
        Ok(r) => {
            let missing: Vec<&str> = ESTATE_FIELDS
                .iter()
                .copied()
                .filter(|f| !r.records.iter().any(|rec| rec.elements.contains_key(*f)))
                .collect();
            if missing.is_empty() {
                holds(
                    AssumptionId::EstateFields,
                    Text::new(
                        format!("{} Felder kommen zurück", ESTATE_FIELDS.len()),
                        format!("{} fields come back", ESTATE_FIELDS.len()),
                    ),
                )
            } else {
                fails(
                    AssumptionId::EstateFields,
                    Text::new(
                        format!("Diese Objektfelder kommen nicht zurück: {}.", missing.join(", ")),
                        format!("These listing fields do not come back: {}.", missing.join(", ")),
                    ),
                    Text::new(
                        "onOffice lässt Felder ohne Leserecht stillschweigend weg; dann fehlen der App Betreuer oder Objektnummern.",
                        "onOffice silently leaves out fields without read right; then the app lacks Betreuer or listing numbers.",
                    ),
                    Text::new(
                        format!("{}: Leserechte für diese Felder prüfen", RIGHTS_PATH.0),
                        format!("{}: check read rights for these fields", RIGHTS_PATH.1),
                    ),
                )
            }
        }
    });

    // The user ↔ address link resolves for at least one user.
    let linked_by_relation = link_relation
        .and_then(|r| r.as_ref().ok())
        .and_then(|r| parse_related_ids(&r.records).ok())
        .map(|m| m.values().filter(|v| !v.is_empty()).count())
        .unwrap_or(0);
    assumptions.push(if users.is_empty() {
        unknown(
            AssumptionId::UserAddressLink,
            Text::new("Keine Benutzer gelesen.", "No users read."),
        )
    } else if linked_by_field > 0 {
        holds(
            AssumptionId::UserAddressLink,
            Text::new(
                format!("{linked_by_field} von {} Benutzern über adrId:adressen.ID verknüpft", users.len()),
                format!("{linked_by_field} of {} users linked through adrId:adressen.ID", users.len()),
            ),
        )
    } else if linked_by_relation > 0 {
        holds(
            AssumptionId::UserAddressLink,
            Text::new(
                format!("{linked_by_relation} von {} Benutzern über die Relation user:address verknüpft", users.len()),
                format!("{linked_by_relation} of {} users linked through the user:address relation", users.len()),
            ),
        )
    } else {
        fails(
            AssumptionId::UserAddressLink,
            Text::new(
                format!("Bei keinem von {} Benutzern ist eine Adresse verknüpft (weder adrId:adressen.ID noch Relation).", users.len()),
                format!("None of {} users has a linked address (neither adrId:adressen.ID nor the relation).", users.len()),
            ),
            Text::new(
                "Dann meldet die App jeden Benutzer als „ohne Adresse“; das ist vermutlich falsch.",
                "Then the app reports every user as \"without address\"; that is probably wrong.",
            ),
            Text::new(
                "Extras > Einstellungen > Benutzer > (Benutzer öffnen) > Grunddaten: Adressdatensatz verknüpfen; sonst den Support fragen",
                "Extras > Settings > Users > (open the user) > Basic data: link the address record; otherwise ask support",
            ),
        )
    });

    // Both contact person relations readable.
    assumptions.push(if rental_ids.is_empty() {
        unknown(
            AssumptionId::ContactRelations,
            Text::new(
                "Keine aktiven Vermietungsobjekte, an denen es sich prüfen ließe.",
                "No active rental listings to check it on.",
            ),
        )
    } else {
        match relations.iter().find_map(|r| r.as_ref().err()) {
            Some(e) => refused(
                AssumptionId::ContactRelations,
                e,
                Text::new(
                    "Ohne die Ansprechpartner kann die App die Vermietungsobjekte nicht prüfen.",
                    "Without the contact persons the app cannot check the rental listings.",
                ),
                Text::new(
                    format!(
                        "{}: Leserechte für Immobilien und Adressen prüfen",
                        RIGHTS_PATH.0
                    ),
                    format!(
                        "{}: check read rights for estates and addresses",
                        RIGHTS_PATH.1
                    ),
                ),
            ),
            None => holds(
                AssumptionId::ContactRelations,
                Text::new(
                    format!(
                        "contactPerson und contactPersonAll für {} Objekte gelesen",
                        rental_ids.len()
                    ),
                    format!(
                        "contactPerson and contactPersonAll read for {} listings",
                        rental_ids.len()
                    ),
                ),
            ),
        }
    });
    // The Maklerbuch.
    assumptions.push(match &log_r {
        None => unknown(
            AssumptionId::AgentsLogReadable,
            Text::new(
                "Kein aktives Vermietungsobjekt zum Nachsehen.",
                "No active rental listing to look at.",
            ),
        ),
        Some(Ok(r)) => {
            for e in &r.records {
                let key = format!(
                    "{} / {}",
                    e.text("Aktionsart").unwrap_or_default(),
                    e.text("Aktionstyp").unwrap_or_default()
                );
                *agents_log_counts.entry(key).or_default() += 1;
            }
            holds(
                AssumptionId::AgentsLogReadable,
                Text::new(
                    format!(
                        "{} Einträge zu {} Objekten in 30 Tagen gelesen",
                        r.records.len(),
                        rental_ids.len()
                    ),
                    format!(
                        "{} entries on {} listings read for 30 days",
                        r.records.len(),
                        rental_ids.len()
                    ),
                ),
            )
        }
        Some(Err(e)) => refused(
            AssumptionId::AgentsLogReadable,
            e,
            Text::new(
                "Ob Anfragen verbucht werden, sieht die App dann nicht im Maklerbuch; sie fragt stattdessen nach Ihrer Bestätigung des blauen Hakens. Alle anderen Prüfungen laufen wie gewohnt.",
                "The app then cannot see in the agents log whether enquiries are booked; it asks for your confirmation of the blue tick instead. Every other check runs as usual.",
            ),
            Text::new(
                format!("{}: Lesen des Maklerbuchs (Aktivitäten) erlauben", RIGHTS_PATH.0),
                format!("{}: allow reading the agents log (activities)", RIGHTS_PATH.1),
            ),
        ),
    });
    assumptions.sort_by_key(|a| a.id);

    let mut fields = BTreeMap::new();
    let mut value_keys = BTreeMap::new();
    if let Some(c) = &catalog {
        for (module, list) in &c.modules {
            fields.insert(module.clone(), list.keys().cloned().collect());
        }
        for (module, field) in [
            ("address", CONTACT_TYPE_FIELD),
            ("estate", "vermarktungsart"),
        ] {
            if let Some(f) = c.field(module, field) {
                value_keys.insert(
                    format!("{module}.{field}"),
                    f.permitted.iter().map(|p| p.key.clone()).collect(),
                );
            }
        }
    }
    let (req1, _) = client.counters();
    Diagnosis {
        app_version: env!("CARGO_PKG_VERSION").into(),
        created: crate::journal::rfc3339_now(),
        api_host: url_host(client.base_url()),
        assumptions,
        reads,
        fields,
        value_keys,
        requests: req1 - req0,
        elapsed_ms: started.elapsed().as_millis() as u64,
        action_kinds,
        agents_log_counts,
        transfer_kinds,
    }
}

fn keys_of(f: &onoffice::FieldInfo) -> String {
    f.permitted
        .iter()
        .map(|p| format!("„{}“", p.key))
        .collect::<Vec<_>>()
        .join(", ")
}

fn url_host(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or("")
        .to_string()
}
