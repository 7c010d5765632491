//! The verdicts on the contact type field: the value `Systembenutzer` and the Makler key. What the person reads
//! names the contact types by their labels ("Kontaktart „Makler“"); the keys stay in the diagnosis file.

use onoffice::{ActionResult, FieldCatalog, FieldInfo};

use super::{error_text, fails, holds, unknown, Assumption, AssumptionId};
use crate::settings::Settings;
use crate::snapshot::{resolve_makler_key, MaklerKey, CONTACT_TYPE_FIELD, SYSTEM_USER_KEY};
use crate::text::Text;

/// `ArtDaten` has the value `Systembenutzer`, and a Makler key exists (or the person chose one).
pub(super) fn verdicts(
    catalog: Option<&FieldCatalog>,
    fields_r: &onoffice::Result<ActionResult>,
    system_r: &onoffice::Result<ActionResult>,
    settings: &dyn Settings,
) -> Vec<Assumption> {
    let art = catalog.and_then(|c| c.field("address", CONTACT_TYPE_FIELD));
    match (catalog, art) {
        (None, _) => {
            let seen = match fields_r {
                Err(e) => error_text(e),
                Ok(_) => Text::new(
                    "onOffice hat die Liste der Felder in unerwarteter Form geschickt.",
                    "onOffice sent the list of fields in an unexpected form.",
                ),
            };
            vec![
                unknown(AssumptionId::SystemUserValue, seen.clone()),
                unknown(AssumptionId::MaklerKey, seen),
            ]
        }
        (Some(_), None) => contact_type_invisible(),
        (Some(_), Some(field)) => vec![
            system_user_value(field, system_r),
            makler_key(field, settings),
        ],
    }
}

/// Both verdicts when the contact type field is not visible to the API user.
fn contact_type_invisible() -> Vec<Assumption> {
    let seen = Text::new(
        "Das Feld „Kontaktart“ der Adressen ist für die App nicht sichtbar.",
        "The contact type field of the addresses is not visible to the app.",
    );
    let meaning = Text::new(
        "Ohne Kontaktart findet die App keine Systembenutzer und keine Makler; die Checkliste bliebe leer.",
        "Without the contact type the app finds no system users and no brokers; the checklist would stay empty.",
    );
    let todo = Text::new(
        "onOffice-Support fragen, warum die Kontaktart für den API-Benutzer nicht sichtbar ist",
        "Ask onOffice support why the contact type is not visible to the API user",
    );
    vec![
        fails(
            AssumptionId::SystemUserValue,
            seen.clone(),
            meaning.clone(),
            todo.clone(),
        ),
        fails(AssumptionId::MaklerKey, seen, meaning, todo),
    ]
}

/// The contact type `Systembenutzer` is among the field's values; with the count of addresses that carry it.
fn system_user_value(field: &FieldInfo, system_r: &onoffice::Result<ActionResult>) -> Assumption {
    let keys: Vec<&str> = field.permitted.iter().map(|p| p.key.as_str()).collect();
    if keys.contains(&SYSTEM_USER_KEY) {
        let count = system_r.as_ref().ok().and_then(|r| r.cnt_absolute);
        holds(
            AssumptionId::SystemUserValue,
            match count {
                Some(n) => Text::new(
                    format!("{n} Adressen mit der Kontaktart „Systembenutzer“"),
                    format!("{n} addresses with the contact type \"Systembenutzer\""),
                ),
                None => Text::new(
                    "Die Kontaktart „Systembenutzer“ ist vorhanden",
                    "The contact type \"Systembenutzer\" is there",
                ),
            },
        )
    } else {
        fails(
            AssumptionId::SystemUserValue,
            Text::new(
                format!("Unter den {} Kontaktarten fehlt „Systembenutzer“.", keys.len()),
                format!("Among the {} contact types, \"Systembenutzer\" is missing.", keys.len()),
            ),
            Text::new(
                "Die App erkennt die Adressen der Systembenutzer an dieser Kontaktart; ohne sie bleibt die Checkliste der Systembenutzer leer.",
                "The app recognises the system users' addresses by this contact type; without it the system user checklist stays empty.",
            ),
            Text::new(
                "Den onOffice-Support bitten, die Kontaktart „Systembenutzer“ zu prüfen",
                "Ask onOffice support to check the contact type \"Systembenutzer\"",
            ),
        )
    }
}

/// The Makler key: found under its own name or another label, chosen by the person, or missing.
fn makler_key(field: &FieldInfo, settings: &dyn Settings) -> Assumption {
    match resolve_makler_key(&field.permitted, settings.makler_key()) {
        MaklerKey::Found { label, .. } if label == "Makler" => holds(
            AssumptionId::MaklerKey,
            Text::new(
                "Die Kontaktart „Makler“ ist vorhanden",
                "The contact type \"Makler\" is there",
            ),
        ),
        MaklerKey::Found { label, .. } => holds(
            AssumptionId::MaklerKey,
            Text::new(
                format!("Die Kontaktart „Makler“ heißt bei Ihnen „{label}“"),
                format!("The contact type \"Makler\" is called \"{label}\" in your account"),
            ),
        ),
        MaklerKey::Chosen { label, .. } => holds(
            AssumptionId::MaklerKey,
            Text::new(
                format!("Sie haben „{label}“ als Makler-Wert gewählt"),
                format!("You chose \"{label}\" as the broker value"),
            ),
        ),
        MaklerKey::Missing { candidates } => makler_key_missing(candidates.len()),
    }
}

/// No Makler key: how many other contact types could stand for it.
fn makler_key_missing(candidates: usize) -> Assumption {
    fails(
        AssumptionId::MaklerKey,
        match candidates {
            0 => Text::new(
                "Keine Kontaktart „Makler“ gefunden, auch keine, die danach klingt.",
                "No contact type \"Makler\" found, nor one that sounds like it.",
            ),
            1 => Text::new(
                "Keine Kontaktart „Makler“ gefunden; eine andere käme dafür in Frage.",
                "No contact type \"Makler\" found; one other could stand for it.",
            ),
            n => Text::new(
                format!("Keine Kontaktart „Makler“ gefunden; {n} andere kämen dafür in Frage."),
                format!("No contact type \"Makler\" found; {n} others could stand for it."),
            ),
        },
        Text::new(
            "Bis der Makler-Wert feststeht, kann die App „Makler“ nicht prüfen und nicht ergänzen.",
            "Until the broker value is known, the app cannot check or add \"Makler\".",
        ),
        Text::new(
            "In der App die Kontaktart wählen, die bei Ihnen für Makler steht, oder den onOffice-Support fragen",
            "Pick in the app the contact type that stands for brokers in your account, or ask onOffice support",
        ),
    )
}
