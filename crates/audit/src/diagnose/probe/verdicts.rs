//! One verdict per assumption of the audit, from what the check's reads brought back. The texts are what the
//! person reads: plain words and onOffice's own labels, never an API name.

use onoffice::api::parse_related_ids;
use onoffice::{ActionResult, FieldCatalog};

use super::{ids_of, missing_estate_fields, users_of};
use crate::diagnose::{fails, holds, refused, unknown, Assumption, AssumptionId};
use crate::settings::Settings;
use crate::snapshot::{UserInfo, ESTATE_FIELDS};
use crate::text::Text;

const RIGHTS_PATH: (&str, &str) = (
    "onOffice: Extras > Einstellungen > API-Benutzer > (API-Benutzer öffnen) > Reiter „Rechte“",
    "onOffice: Extras > Settings > API users > (open the API user) > tab \"Rights\"",
);
/// What the reads of the check brought back, for the verdicts.
pub(super) struct Seen<'a> {
    pub(super) catalog: Option<&'a FieldCatalog>,
    pub(super) fields_r: &'a onoffice::Result<ActionResult>,
    pub(super) users_r: &'a onoffice::Result<ActionResult>,
    pub(super) system_r: &'a onoffice::Result<ActionResult>,
    pub(super) rentals_r: &'a onoffice::Result<ActionResult>,
    /// Both contact person relations of the sampled rentals (none without rentals).
    pub(super) relations: &'a [onoffice::Result<ActionResult>],
    /// The user:address relation, asked only when no user carries the address in its own field.
    pub(super) link_relation: Option<&'a onoffice::Result<ActionResult>>,
    /// The Maklerbuch of the sampled rentals (not asked without rentals).
    pub(super) log_r: Option<&'a onoffice::Result<ActionResult>>,
}

/// One verdict per assumption, in the order they are shown. The texts are what the person reads: plain words and
/// onOffice's own labels, never an API name (those stay in the diagnosis file: reads, fields, value keys).
pub(super) fn verdicts(seen: &Seen<'_>, settings: &dyn Settings) -> Vec<Assumption> {
    let users = users_of(seen.users_r);
    let rental_ids = ids_of(seen.rentals_r);
    let mut assumptions = vec![users_readable(seen.users_r)];
    // The contact types "Systembenutzer" and "Makler".
    assumptions.extend(crate::diagnose::contact_type::verdicts(
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
/// What onOffice shows for a listing field the audit reads (German, English).
pub(super) fn estate_field_words(field: &str) -> (&'static str, &'static str) {
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
