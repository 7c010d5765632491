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
use onoffice::{Action, ActionResult, Batch, Client, FieldCatalog, RelationSide};

use super::{
    fails, figure, holds, refused, unknown, Assumption, AssumptionId, Diagnosis, ReadFigure,
};
use crate::settings::Settings;
use crate::snapshot::{
    parse_user, rental_filter, system_address_filter, UserInfo, CONTACT_TYPE_FIELD, ESTATE_FIELDS,
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
    let first = FirstRound::read(client).await;
    let catalog = first.catalog();
    let users = users_of(&first.users_r);
    let rental_ids = ids_of(&first.rentals_r);
    let second = SecondRound::read(client, &users, &rental_ids, &first.kind_keys()).await;
    let mut reads = first.figures();
    reads.extend(second.figures());
    let seen = Seen {
        catalog: catalog.as_ref(),
        fields_r: &first.fields_r,
        users_r: &first.users_r,
        system_r: &first.system_r,
        rentals_r: &first.rentals_r,
        relations: &second.relations,
        link_relation: second.link_relation.as_ref(),
        log_r: second.log_r.as_ref(),
    };
    let assumptions = verdicts(&seen, settings);
    let (fields, value_keys) = field_names(catalog.as_ref());
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
        action_kinds: second.action_kinds(),
        agents_log_counts: second.agents_log_counts(),
        answer_counts: second.answer_counts(&rental_ids),
        transfer_kinds: second.transfer_kinds(),
    }
}

/// The first round trip: field metadata, a first page of users, the count of system user addresses, a first page
/// of rentals, and the account's action kinds.
struct FirstRound {
    fields_r: onoffice::Result<ActionResult>,
    users_r: onoffice::Result<ActionResult>,
    system_r: onoffice::Result<ActionResult>,
    rentals_r: onoffice::Result<ActionResult>,
    kinds_r: onoffice::Result<ActionResult>,
}

impl FirstRound {
    async fn read(client: &Client) -> FirstRound {
        let mut batch = Batch::new();
        let fields = batch.add(actions::get_fields(
            &["address", "estate", "user"],
            true,
            &[],
        ));
        let users = batch.add(paged(&actions::read_users(USER_FIELDS), SAMPLE, 0));
        let system = batch.add(paged(
            &actions::read_addresses(&system_address_filter(), &[CONTACT_TYPE_FIELD]),
            1,
            0,
        ));
        let rentals = batch.add(paged(
            &actions::read_estates(&rental_filter(), ESTATE_FIELDS),
            SAMPLE,
            0,
        ));
        let kinds = batch.add(actions::get_action_kinds(&[]));
        let mut answers = client.send(batch).await;
        FirstRound {
            fields_r: answers.take(fields),
            users_r: answers.take(users),
            system_r: answers.take(system),
            rentals_r: answers.take(rentals),
            kinds_r: answers.take(kinds),
        }
    }

    /// The figures of its reads, in the order the diagnosis file lists them.
    fn figures(&self) -> Vec<ReadFigure> {
        vec![
            figure("get fields", &self.fields_r),
            figure("read user", &self.users_r),
            figure("read address (Systembenutzer)", &self.system_r),
            estate_figure(&self.rentals_r),
            figure("get actionkindtypes", &self.kinds_r),
        ]
    }

    /// The field catalog, when `get fields` came back in the expected form.
    fn catalog(&self) -> Option<FieldCatalog> {
        self.fields_r
            .as_ref()
            .ok()
            .and_then(|r| FieldCatalog::from_records(&r.records).ok())
    }

    /// The keys of the account's action kinds, whose automatic types the second round asks for.
    fn kind_keys(&self) -> Vec<String> {
        self.kinds_r
            .as_ref()
            .map(|r| r.records.iter().filter_map(|k| k.text("key")).collect())
            .unwrap_or_default()
    }
}

/// The second round trip: both contact person relations of the sampled rentals, the user:address relation (asked
/// only when no user carries the address in its own field), the rentals' Maklerbuch of 30 days, and the action
/// kinds with their automatic types. What was not asked is empty.
struct SecondRound {
    /// Both contact person relations (none without rentals).
    relations: Vec<onoffice::Result<ActionResult>>,
    link_relation: Option<onoffice::Result<ActionResult>>,
    log_r: Option<onoffice::Result<ActionResult>>,
    kinds_r: Option<onoffice::Result<ActionResult>>,
}

impl SecondRound {
    async fn read(
        client: &Client,
        users: &[UserInfo],
        rental_ids: &[u64],
        kind_keys: &[String],
    ) -> SecondRound {
        let mut batch = Batch::new();
        let relations = if rental_ids.is_empty() {
            Vec::new()
        } else {
            batch.add_all(
                [RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL].map(|relation| {
                    actions::ids_from_relation(relation, RelationSide::Parents, rental_ids)
                }),
            )
        };
        let linked_by_field = users.iter().filter(|u| u.address_id.is_some()).count();
        let link = (linked_by_field == 0 && !users.is_empty()).then(|| {
            let nrs: Vec<u64> = users.iter().map(|u| u.nr).collect();
            batch.add(actions::ids_from_relation(
                RELATION_USER_ADDRESS,
                RelationSide::Parents,
                &nrs,
            ))
        });
        let log = (!rental_ids.is_empty()).then(|| batch.add(agents_log_read(rental_ids)));
        let kinds = (!kind_keys.is_empty()).then(|| {
            let keys: Vec<&str> = kind_keys.iter().map(String::as_str).collect();
            batch.add(actions::get_action_kinds(&keys))
        });
        let mut answers = client.send(batch).await;
        SecondRound {
            relations: answers.take_all(relations),
            link_relation: answers.take_if(link),
            log_r: answers.take_if(log),
            kinds_r: answers.take_if(kinds),
        }
    }

    /// The figures of its reads, in the order the diagnosis file lists them (after the first round's).
    fn figures(&self) -> Vec<ReadFigure> {
        let mut reads = Vec::new();
        if let Some(r) = &self.log_r {
            reads.push(figure("read agentslog", r));
        }
        if let Some(r) = &self.kinds_r {
            reads.push(figure("get actionkindtypes (automatic)", r));
        }
        let names = [
            "idsfromrelation contactPerson",
            "idsfromrelation contactPersonAll",
        ];
        for (name, r) in names.iter().zip(&self.relations) {
            reads.push(figure(name, r));
        }
        if let Some(r) = &self.link_relation {
            reads.push(figure("idsfromrelation user:address", r));
        }
        reads
    }

    /// The action kinds with their automatic types, when they came back.
    fn kinds(&self) -> Option<&ActionResult> {
        self.kinds_r.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// The labels of the kinds (and types) that name a portal transfer.
    fn transfer_kinds(&self) -> Vec<String> {
        self.kinds()
            .map(|r| {
                crate::transfers::transfer_kinds(&crate::transfers::parse_kinds(&r.records))
                    .into_iter()
                    .map(|k| k.label)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Each action kind's key with the names of its types, automatic ones included.
    fn action_kinds(&self) -> BTreeMap<String, Vec<String>> {
        self.kinds()
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
            .unwrap_or_default()
    }

    /// How many Maklerbuch entries of each "kind / type" the sampled rentals got.
    fn agents_log_counts(&self) -> BTreeMap<String, u64> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        if let Some(Ok(r)) = &self.log_r {
            for e in &r.records {
                let key = format!(
                    "{} / {}",
                    e.text("Aktionsart").unwrap_or_default(),
                    e.text("Aktionstyp").unwrap_or_default()
                );
                *counts.entry(key).or_default() += 1;
            }
        }
        counts
    }

    /// The e-mails on the sampled rentals in 30 days, paired into enquiries and replies.
    fn answer_counts(&self, rental_ids: &[u64]) -> crate::answers::AnswerCounts {
        // The Maklerbuch writes German time.
        let german_now = onoffice_protocol::local_time::german_time(jiff::Timestamp::now());
        crate::answers::AnswerCounts::of_read(
            self.log_r.as_ref(),
            rental_ids,
            crate::evidence::window_start(german_now),
            german_now,
        )
    }
}

/// The Maklerbuch of the sampled rentals in 30 days, every kind.
fn agents_log_read(rental_ids: &[u64]) -> Action {
    let now = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now());
    let since = crate::evidence::window_start(now);
    paged(
        &actions::read_agents_log(
            rental_ids,
            &onoffice::Filter::new().with("Datum", ">=", crate::evidence::onoffice_date(since)),
            &[
                "Objekt_nr",
                "Adress_nr",
                "Aktionsart",
                "Aktionstyp",
                "Datum",
            ],
        ),
        500,
        0,
    )
}

/// The field names per module, and the value keys of the select fields the audit relies on.
fn field_names(
    catalog: Option<&FieldCatalog>,
) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<String>>) {
    let mut fields = BTreeMap::new();
    let mut value_keys = BTreeMap::new();
    if let Some(c) = catalog {
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
    (fields, value_keys)
}

/// What the reads of the check brought back, for the verdicts.
struct Seen<'a> {
    catalog: Option<&'a FieldCatalog>,
    fields_r: &'a onoffice::Result<ActionResult>,
    users_r: &'a onoffice::Result<ActionResult>,
    system_r: &'a onoffice::Result<ActionResult>,
    rentals_r: &'a onoffice::Result<ActionResult>,
    /// Both contact person relations of the sampled rentals (none without rentals).
    relations: &'a [onoffice::Result<ActionResult>],
    /// The user:address relation, asked only when no user carries the address in its own field.
    link_relation: Option<&'a onoffice::Result<ActionResult>>,
    /// The Maklerbuch of the sampled rentals (not asked without rentals).
    log_r: Option<&'a onoffice::Result<ActionResult>>,
}

/// One verdict per assumption, in the order they are shown. The texts are what the person reads: plain words and
/// onOffice's own labels, never an API name (those stay in the diagnosis file: reads, fields, value keys).
fn verdicts(seen: &Seen<'_>, settings: &dyn Settings) -> Vec<Assumption> {
    let users = users_of(seen.users_r);
    let rental_ids = ids_of(seen.rentals_r);
    let mut assumptions = vec![users_readable(seen.users_r)];
    // The contact types "Systembenutzer" and "Makler".
    assumptions.extend(super::contact_type::verdicts(
        seen.catalog,
        seen.fields_r,
        seen.system_r,
        settings,
    ));
    assumptions.extend([
        rental_value(seen.catalog),
        estate_fields(seen.rentals_r),
        user_address_link(&users, seen.link_relation),
        contact_relations(&rental_ids, seen.relations),
        agents_log_readable(seen.log_r, &rental_ids),
    ]);
    assumptions.sort_by_key(|a| a.id);
    assumptions
}

/// What to do when users cannot be read: the right to read user data.
fn user_data_right() -> Text {
    Text::new(
        format!(
            "{}: „Benutzerdaten über API auslesen“ erlauben",
            RIGHTS_PATH.0
        ),
        format!("{}: allow \"Read out user data via API\"", RIGHTS_PATH.1),
    )
}

/// Users readable.
fn users_readable(users_r: &onoffice::Result<ActionResult>) -> Assumption {
    match users_r {
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
            user_data_right(),
        ),
        Err(e) => refused(
            AssumptionId::UsersReadable,
            e,
            Text::new(
                "Ohne Benutzer kann die App keine Systembenutzer prüfen.",
                "Without users the app cannot check any system user.",
            ),
            user_data_right(),
        ),
    }
}

/// The marketing type "Miete".
fn rental_value(catalog: Option<&FieldCatalog>) -> Assumption {
    let marketing = catalog.and_then(|c| c.field("estate", "vermarktungsart"));
    match marketing {
        Some(f) if f.permitted.iter().any(|p| p.key == "miete") => {
            let label = f
                .permitted
                .iter()
                .find(|p| p.key == "miete")
                .and_then(|p| p.label.clone())
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| "Miete".into());
            holds(
                AssumptionId::RentalValue,
                Text::new(
                    format!("Vermietungsobjekte sind an der Vermarktungsart „{label}“ zu erkennen"),
                    format!("Rental listings are recognised by the marketing type \"{label}\""),
                ),
            )
        }
        Some(f) if !f.permitted.is_empty() => fails(
            AssumptionId::RentalValue,
            Text::new(
                format!(
                    "Die Vermarktungsart „Miete“ fehlt; vorhanden sind nur {}.",
                    labels_of(f, "„", "“")
                ),
                format!(
                    "The marketing type \"Miete\" is missing; there are only {}.",
                    labels_of(f, "\"", "\"")
                ),
            ),
            Text::new(
                "Die App erkennt Vermietungsobjekte an der Vermarktungsart „Miete“; ohne sie findet sie keine.",
                "The app recognises rental listings by the marketing type \"Miete\"; without it, it finds none.",
            ),
            Text::new(
                "Den onOffice-Support fragen, unter welcher Vermarktungsart Ihre Vermietungsobjekte geführt werden",
                "Ask onOffice support under which marketing type your rental listings are kept",
            ),
        ),
        // Not listed (or listed without values): the read decides.
        _ => unknown(
            AssumptionId::RentalValue,
            Text::new(
                "Das Feld „Vermarktungsart“ ist für die App nicht sichtbar oder hat keine Werte.",
                "The marketing type field is not visible to the app, or has no values.",
            ),
        ),
    }
}

/// The listing fields the audit reads come back.
fn estate_fields(rentals_r: &onoffice::Result<ActionResult>) -> Assumption {
    match rentals_r {
        Err(e) => refused(
            AssumptionId::EstateFields,
            e,
            Text::new(
                "Ohne die Angaben der Objekte kann die App Vermietungsobjekte nicht finden oder nicht zuordnen.",
                "Without the listings' details the app cannot find or assign rental listings.",
            ),
            Text::new(
                format!("{}: „Immobilien“ lesen erlauben", RIGHTS_PATH.0),
                format!("{}: allow reading \"estates\"", RIGHTS_PATH.1),
            ),
        ),
        Ok(r) if r.records.is_empty() => unknown(
            AssumptionId::EstateFields,
            Text::new(
                "Keine aktiven Vermietungsobjekte gefunden.",
                "No active rental listings found.",
            ),
        ),
        Ok(r) => estate_fields_of(r),
    }
}

/// [`estate_fields`] for rentals that came back: every field there, or which are missing.
fn estate_fields_of(rentals: &ActionResult) -> Assumption {
    let missing = missing_estate_fields(rentals);
    if missing.is_empty() {
        return holds(
            AssumptionId::EstateFields,
            Text::new(
                format!(
                    "Alle {} Felder, die die App braucht, sind lesbar",
                    ESTATE_FIELDS.len()
                ),
                format!(
                    "All {} fields the app needs are readable",
                    ESTATE_FIELDS.len()
                ),
            ),
        );
    }
    let words: Vec<(&str, &str)> = missing.iter().map(|f| estate_field_words(f)).collect();
    let de: Vec<&str> = words.iter().map(|w| w.0).collect();
    let en: Vec<&str> = words.iter().map(|w| w.1).collect();
    fails(
        AssumptionId::EstateFields,
        Text::new(
            format!("Diese Felder der Objekte kann die App nicht lesen: {}.", de.join(", ")),
            format!("The app cannot read these fields of the listings: {}.", en.join(", ")),
        ),
        Text::new(
            "onOffice lässt Felder, die der API-Benutzer nicht lesen darf, ohne Meldung weg; dann fehlen der App zum Beispiel der Betreuer oder die ImmoNr.",
            "onOffice silently leaves out fields the API user may not read; then the app lacks, for example, the Betreuer or the ImmoNr.",
        ),
        Text::new(
            format!("{}: Leserechte für diese Felder prüfen", RIGHTS_PATH.0),
            format!("{}: check the read rights for these fields", RIGHTS_PATH.1),
        ),
    )
}

/// The user ↔ address link resolves for at least one user (through the user's own field or the relation; which one
/// is in the diagnosis file's reads).
fn user_address_link(
    users: &[UserInfo],
    link_relation: Option<&onoffice::Result<ActionResult>>,
) -> Assumption {
    let linked_by_field = users.iter().filter(|u| u.address_id.is_some()).count();
    let linked_by_relation = link_relation
        .and_then(|r| r.as_ref().ok())
        .and_then(|r| parse_related_ids(&r.records).ok())
        .map(|m| m.values().filter(|v| !v.is_empty()).count())
        .unwrap_or(0);
    let linked = linked_by_field.max(linked_by_relation);
    if users.is_empty() {
        unknown(
            AssumptionId::UserAddressLink,
            Text::new("Keine Benutzer gelesen.", "No users read."),
        )
    } else if linked > 0 {
        holds(
            AssumptionId::UserAddressLink,
            Text::new(
                format!(
                    "Bei {linked} von {} Benutzern ist eine Adresse verknüpft",
                    users.len()
                ),
                format!("{linked} of {} users have a linked address", users.len()),
            ),
        )
    } else {
        fails(
            AssumptionId::UserAddressLink,
            Text::new(
                format!("Bei keinem der {} Benutzer ist eine Adresse verknüpft.", users.len()),
                format!("None of the {} users has a linked address.", users.len()),
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
    }
}

/// The contact persons of the listings can be read.
fn contact_relations(
    rental_ids: &[u64],
    relations: &[onoffice::Result<ActionResult>],
) -> Assumption {
    if rental_ids.is_empty() {
        return unknown(
            AssumptionId::ContactRelations,
            Text::new(
                "Keine aktiven Vermietungsobjekte, an denen es sich prüfen ließe.",
                "No active rental listings to check it on.",
            ),
        );
    }
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
                    "{}: „Immobilien“ und „Adressen“ lesen erlauben",
                    RIGHTS_PATH.0
                ),
                format!(
                    "{}: allow reading \"estates\" and \"addresses\"",
                    RIGHTS_PATH.1
                ),
            ),
        ),
        None => holds(
            AssumptionId::ContactRelations,
            Text::new(
                format!(
                    "Ansprechpartner von {} Vermietungsobjekten gelesen",
                    rental_ids.len()
                ),
                format!(
                    "Contact persons of {} rental listings read",
                    rental_ids.len()
                ),
            ),
        ),
    }
}

/// The Maklerbuch.
fn agents_log_readable(
    log_r: Option<&onoffice::Result<ActionResult>>,
    rental_ids: &[u64],
) -> Assumption {
    match log_r {
        None => unknown(
            AssumptionId::AgentsLogReadable,
            Text::new(
                "Kein aktives Vermietungsobjekt zum Nachsehen.",
                "No active rental listing to look at.",
            ),
        ),
        Some(Ok(r)) => holds(
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
        ),
        Some(Err(e)) => refused(
            AssumptionId::AgentsLogReadable,
            e,
            Text::new(
                "Ob Anfragen verbucht werden, sieht die App dann nicht im Maklerbuch; sie fragt stattdessen nach Ihrer Bestätigung des blauen Hakens. Alle anderen Prüfungen laufen wie gewohnt.",
                "The app then cannot see in the agents log whether enquiries are booked; it asks for your confirmation of the blue tick instead. Every other check runs as usual.",
            ),
            Text::new(
                format!("{}: Lesen des Maklerbuchs erlauben", RIGHTS_PATH.0),
                format!("{}: allow reading the agents log", RIGHTS_PATH.1),
            ),
        ),
    }
}

fn users_of(r: &onoffice::Result<ActionResult>) -> Vec<UserInfo> {
    r.as_ref()
        .map(|r| r.records.iter().filter_map(parse_user).collect())
        .unwrap_or_default()
}

fn ids_of(r: &onoffice::Result<ActionResult>) -> Vec<u64> {
    r.as_ref()
        .map(|r| r.records.iter().filter_map(|r| r.numeric_id()).collect())
        .unwrap_or_default()
}

/// The listing fields the audit reads that no record brought back (onOffice leaves out what may not be read).
fn missing_estate_fields(r: &ActionResult) -> Vec<&'static str> {
    ESTATE_FIELDS
        .iter()
        .copied()
        .filter(|f| !r.records.iter().any(|rec| rec.elements.contains_key(*f)))
        .collect()
}

/// The figure of the rentals' read; the names of fields that did not come back go into the diagnosis file here.
fn estate_figure(r: &onoffice::Result<ActionResult>) -> ReadFigure {
    let mut f = figure("read estate (Vermietung)", r);
    if let Ok(r) = r {
        let missing = missing_estate_fields(r);
        if !missing.is_empty() && !r.records.is_empty() {
            f.what = format!(
                "read estate (Vermietung), fields not returned: {}",
                missing.join(", ")
            );
        }
    }
    f
}

/// What onOffice shows for a listing field the audit reads (German, English).
fn estate_field_words(field: &str) -> (&'static str, &'static str) {
    match field {
        "objekttitel" => ("Objekttitel", "listing title"),
        "objektnr_extern" => ("ImmoNr", "ImmoNr"),
        "benutzer" => ("Betreuer", "Betreuer"),
        "ort" => ("Ort", "town"),
        "vermarktungsart" => ("Vermarktungsart", "marketing type"),
        "status" => ("Status", "status"),
        "verkauft" => ("verkauft/vermietet", "sold/let"),
        _ => ("ein weiteres Feld", "another field"),
    }
}

/// The values of a select field as the person sees them: labels, quoted.
fn labels_of(f: &onoffice::FieldInfo, open: &str, close: &str) -> String {
    f.permitted
        .iter()
        .map(|p| {
            let label = p.label.as_deref().filter(|l| !l.trim().is_empty());
            format!("{open}{}{close}", label.unwrap_or(&p.key))
        })
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

#[cfg(test)]
mod tests {
    //! Every verdict the check can give, built without a server, and what the person reads of it: no API name in
    //! the German or the English text (docs/product.md, "One word for one thing").

    use std::collections::{BTreeMap, BTreeSet};

    use onoffice::{Error, FieldInfo, PermittedValue, Record};
    use serde_json::{json, Value};

    use super::*;
    use crate::diagnose::{AssumptionState, Diagnosis};
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
        Record {
            id: id.into(),
            record_type: None,
            elements: elements.as_object().cloned().unwrap_or_default(),
        }
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
        Record {
            id: id.into(),
            record_type: None,
            elements,
        }
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
}
