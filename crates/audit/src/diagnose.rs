//! The compatibility check: before the first audit of an account (and on demand, "Verbindung prüfen" in the app,
//! `oo-check diagnose`), it checks every assumption the audit makes about the account, read-only, in two round
//! trips. Each assumption that fails becomes one account-level finding, and the checklist is marked incomplete.
//! The diagnosis can be saved for support: field names, value keys, counts, error codes, timings and the app
//! version; it must never contain a secret, a name or an e-mail address.

use std::collections::BTreeMap;
use std::time::Instant;

use onoffice::api::{
    actions, parse_related_ids, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL,
    RELATION_USER_ADDRESS,
};
use onoffice::client::paged;
use onoffice::{ActionResult, Client, FieldCatalog, RelationSide};
use serde::{Deserialize, Serialize};

use crate::finding::{
    Finding, FindingKind, Resolution, SupportMail, HELP_ARTICLE, ONOFFICE_SUPPORT,
};
use crate::settings::Settings;
use crate::snapshot::{
    parse_user, rental_filter, resolve_makler_key, system_address_filter, MaklerKey,
    CONTACT_TYPE_FIELD, ESTATE_FIELDS, SYSTEM_USER_KEY, USER_FIELDS,
};
use crate::subject::Subject;
use crate::text::Text;

/// The assumptions the audit makes, in the order they are shown.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssumptionId {
    /// Users can be listed (right "Benutzerdaten über API auslesen").
    UsersReadable,
    /// `ArtDaten` exists with a `Systembenutzer` value.
    SystemUserValue,
    /// A Makler key exists (or the person chose one).
    MaklerKey,
    /// `vermarktungsart` has the value `miete`.
    RentalValue,
    /// The estate fields the audit reads come back.
    EstateFields,
    /// The user ↔ address link resolves for at least one user.
    UserAddressLink,
    /// Both contact person relations can be read.
    ContactRelations,
}

impl AssumptionId {
    pub const ALL: [AssumptionId; 7] = [
        AssumptionId::UsersReadable,
        AssumptionId::SystemUserValue,
        AssumptionId::MaklerKey,
        AssumptionId::RentalValue,
        AssumptionId::EstateFields,
        AssumptionId::UserAddressLink,
        AssumptionId::ContactRelations,
    ];

    pub fn from_id(id: &str) -> Option<AssumptionId> {
        AssumptionId::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn id(self) -> &'static str {
        match self {
            AssumptionId::UsersReadable => "users_readable",
            AssumptionId::SystemUserValue => "system_user_value",
            AssumptionId::MaklerKey => "makler_key",
            AssumptionId::RentalValue => "rental_value",
            AssumptionId::EstateFields => "estate_fields",
            AssumptionId::UserAddressLink => "user_address_link",
            AssumptionId::ContactRelations => "contact_relations",
        }
    }

    fn title(self) -> Text {
        let (de, en) = match self {
            AssumptionId::UsersReadable => ("Benutzer lesbar", "Users readable"),
            AssumptionId::SystemUserValue => (
                "Kontaktart „Systembenutzer“ vorhanden",
                "Contact type \"Systembenutzer\" exists",
            ),
            AssumptionId::MaklerKey => (
                "Kontaktart „Makler“ vorhanden",
                "Contact type \"Makler\" exists",
            ),
            AssumptionId::RentalValue => (
                "Vermarktungsart „Miete“ vorhanden",
                "Marketing type \"Miete\" exists",
            ),
            AssumptionId::EstateFields => ("Objektfelder lesbar", "Listing fields readable"),
            AssumptionId::UserAddressLink => (
                "Benutzer mit Adressen verknüpft",
                "Users linked to addresses",
            ),
            AssumptionId::ContactRelations => (
                "Ansprechpartner der Objekte lesbar",
                "Contact persons of listings readable",
            ),
        };
        Text::new(de, en)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssumptionState {
    Holds,
    Fails,
    /// Could not be checked (e.g. no active rental listing to look at).
    Unknown,
}

/// One assumption and what the check saw.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    pub id: AssumptionId,
    pub state: AssumptionState,
    pub title: Text,
    /// What was seen (only counts, field names and value keys; never a name or an address).
    pub seen: Text,
    /// What it means for the checklist and what to do (empty when it holds).
    pub meaning: Text,
    pub todo: Text,
}

/// One read of the check: what, how it went, how long it took.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadFigure {
    pub what: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub error_code: Option<i64>,
    pub error_class: Option<onoffice::ErrorClass>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub records: u64,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub total: Option<u64>,
}

/// The result of a compatibility check; serialised as the diagnosis file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub app_version: String,
    /// UTC, RFC 3339.
    pub created: String,
    /// Host of the API address (e.g. `api.onoffice.de`, or `127.0.0.1` for the demo).
    pub api_host: String,
    pub assumptions: Vec<Assumption>,
    pub reads: Vec<ReadFigure>,
    /// Field names per module, as `get fields` lists them.
    pub fields: BTreeMap<String, Vec<String>>,
    /// Value keys of the select fields the audit relies on (`address.ArtDaten`, `estate.vermarktungsart`).
    pub value_keys: BTreeMap<String, Vec<String>>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub requests: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub elapsed_ms: u64,
}

impl Diagnosis {
    /// True when nothing failed: the checklist may be shown as complete.
    pub fn all_hold(&self) -> bool {
        self.assumptions
            .iter()
            .all(|a| a.state != AssumptionState::Fails)
    }

    /// One account-level finding per failed assumption (the missing Makler key has its own finding kind).
    pub fn findings(&self) -> Vec<Finding> {
        self.assumptions
            .iter()
            .filter(|a| a.state == AssumptionState::Fails && a.id != AssumptionId::MaklerKey)
            .map(|a| Finding {
                kind: FindingKind::ApiAssumption,
                subject: Subject::Assumption(a.id),
                subject_label: "onOffice".into(),
                severity: FindingKind::ApiAssumption.severity(),
                title: a.title.clone(),
                seen: a.seen.clone(),
                expected: a.meaning.clone(),
                resolution: Resolution::Manual {
                    click_path: a.todo.clone(),
                    steps: vec![Text::new(
                        "Unter „Verbindung prüfen“ die Diagnose speichern und der Nachricht an den Support anhängen.",
                        "Save the diagnosis under \"Check connection\" and attach it to the message to support.",
                    )],
                    support: Some(SupportMail {
                        to: ONOFFICE_SUPPORT.into(),
                        subject: format!("API-Benutzer: {}", a.title.de),
                        body: format!(
                            "Guten Tag,\n\nbei der Prüfung unseres onOffice-Kontos über die API fiel auf: {}\n\n{}\n\nDie Diagnosedatei hängt an. Vielen Dank\n",
                            a.seen.de, a.meaning.de
                        ),
                    }),
                    help_url: Some(HELP_ARTICLE.into()),
                },
            })
            .collect()
    }
}

fn figure(what: &str, r: &onoffice::Result<ActionResult>) -> ReadFigure {
    match r {
        Ok(r) => ReadFigure {
            what: what.into(),
            error_code: None,
            error_class: None,
            records: r.records.len() as u64,
            total: r.cnt_absolute,
        },
        Err(e) => ReadFigure {
            what: what.into(),
            error_code: e.code(),
            error_class: Some(e.class()),
            records: 0,
            total: None,
        },
    }
}

fn holds(id: AssumptionId, seen: Text) -> Assumption {
    Assumption {
        id,
        state: AssumptionState::Holds,
        title: id.title(),
        seen,
        meaning: Text::default(),
        todo: Text::default(),
    }
}

/// A read that failed: a refusal (rights, validation) says the assumption fails; network trouble says nothing.
fn refused(id: AssumptionId, e: &onoffice::Error, meaning: Text, todo: Text) -> Assumption {
    use onoffice::ErrorClass::*;
    match e.class() {
        Transient | UnknownOutcome | Clock | Credentials | Configuration => {
            unknown(id, error_text(e))
        }
        _ => fails(id, error_text(e), meaning, todo),
    }
}

fn fails(id: AssumptionId, seen: Text, meaning: Text, todo: Text) -> Assumption {
    Assumption {
        id,
        state: AssumptionState::Fails,
        title: id.title(),
        seen,
        meaning,
        todo,
    }
}

fn unknown(id: AssumptionId, seen: Text) -> Assumption {
    Assumption {
        id,
        state: AssumptionState::Unknown,
        title: id.title(),
        seen,
        meaning: Text::default(),
        todo: Text::default(),
    }
}

fn error_text(e: &onoffice::Error) -> Text {
    Text::new(e.message_de(), e.message_en())
}

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
        ])
        .await;
    let mut reads = vec![
        figure("get fields", &first[0]),
        figure("read user", &first[1]),
        figure("read address (Systembenutzer)", &first[2]),
        figure("read estate (Vermietung)", &first[3]),
    ];
    let mut it = first.into_iter();
    let (fields_r, users_r, system_r, rentals_r) = (
        it.next().expect("4 results"),
        it.next().expect("4 results"),
        it.next().expect("4 results"),
        it.next().expect("4 results"),
    );
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
    let second = if second.is_empty() {
        Vec::new()
    } else {
        client.execute(second).await
    };
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
    let art = catalog
        .as_ref()
        .and_then(|c| c.field("address", CONTACT_TYPE_FIELD));
    match (&catalog, art) {
        (None, _) => {
            let seen = match &fields_r {
                Err(e) => error_text(e),
                Ok(_) => Text::new(
                    "Die Feldkonfiguration kam in unerwarteter Form.",
                    "The field configuration came in an unexpected shape.",
                ),
            };
            assumptions.push(unknown(AssumptionId::SystemUserValue, seen.clone()));
            assumptions.push(unknown(AssumptionId::MaklerKey, seen));
        }
        (Some(_), None) => {
            let seen = Text::new(
                "Das Feld „Kontaktart“ (ArtDaten) fehlt in der Feldkonfiguration der Adressen.",
                "The field \"Kontaktart\" (ArtDaten) is missing from the address field configuration.",
            );
            let meaning = Text::new(
                "Ohne Kontaktart findet die App keine Systembenutzer und keine Makler; die Checkliste bliebe leer.",
                "Without the contact type the app finds no system users and no brokers; the checklist would stay empty.",
            );
            let todo = Text::new(
                "onOffice-Support fragen, warum die Kontaktart für den API-Benutzer nicht sichtbar ist",
                "Ask onOffice support why the contact type is not visible to the API user",
            );
            assumptions.push(fails(
                AssumptionId::SystemUserValue,
                seen.clone(),
                meaning.clone(),
                todo.clone(),
            ));
            assumptions.push(fails(AssumptionId::MaklerKey, seen, meaning, todo));
        }
        (Some(_), Some(field)) => {
            let keys: Vec<&str> = field.permitted.iter().map(|p| p.key.as_str()).collect();
            assumptions.push(if keys.contains(&SYSTEM_USER_KEY) {
                let count = system_r.as_ref().ok().and_then(|r| r.cnt_absolute);
                holds(
                    AssumptionId::SystemUserValue,
                    match count {
                        Some(n) => Text::new(
                            format!("Wert „Systembenutzer“ vorhanden, {n} Adressen"),
                            format!("Value \"Systembenutzer\" present, {n} addresses"),
                        ),
                        None => Text::new(
                            "Wert „Systembenutzer“ vorhanden",
                            "Value \"Systembenutzer\" present",
                        ),
                    },
                )
            } else {
                fails(
                    AssumptionId::SystemUserValue,
                    Text::new(
                        format!("Die Kontaktart hat {} Werte, aber keinen mit dem Schlüssel „Systembenutzer“.", keys.len()),
                        format!("The contact type has {} values, but none with the key \"Systembenutzer\".", keys.len()),
                    ),
                    Text::new(
                        "Die App erkennt Systembenutzer-Adressen an diesem Wert; ohne ihn bleibt die Checkliste der Systembenutzer leer.",
                        "The app recognises system user addresses by this value; without it the system user checklist stays empty.",
                    ),
                    Text::new(
                        "onOffice-Support bitten, den Wert „Systembenutzer“ der Kontaktart zu prüfen",
                        "Ask onOffice support to check the contact type value \"Systembenutzer\"",
                    ),
                )
            });
            assumptions.push(
                match resolve_makler_key(&field.permitted, settings.makler_key()) {
                    MaklerKey::Found { label, .. } => holds(
                        AssumptionId::MaklerKey,
                        Text::new(
                            format!("Schlüssel „Makler“ (angezeigt als „{label}“)"),
                            format!("Key \"Makler\" (shown as \"{label}\")"),
                        ),
                    ),
                    MaklerKey::Chosen { key, .. } => holds(
                        AssumptionId::MaklerKey,
                        Text::new(
                            format!("Gewählter Schlüssel „{key}“"),
                            format!("Chosen key \"{key}\""),
                        ),
                    ),
                    MaklerKey::Missing { candidates } => fails(
                        AssumptionId::MaklerKey,
                        Text::new(
                            format!("Kein Schlüssel „Makler“; {} mögliche Werte", candidates.len()),
                            format!("No key \"Makler\"; {} possible values", candidates.len()),
                        ),
                        Text::new(
                            "Bis der Makler-Wert feststeht, kann die App „Makler“ nicht prüfen und nicht ergänzen.",
                            "Until the broker value is known, the app cannot check or add \"Makler\".",
                        ),
                        Text::new(
                            "In der App den Wert wählen, der für Makler steht, oder den onOffice-Support fragen",
                            "Pick the value that stands for brokers in the app, or ask onOffice support",
                        ),
                    ),
                },
            );
        }
    }

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
