//! The verdicts on the contact type field: the value `Systembenutzer` and the Makler key.

use onoffice::{ActionResult, FieldCatalog};

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
    let mut assumptions = Vec::new();
    let art = catalog.and_then(|c| c.field("address", CONTACT_TYPE_FIELD));
    match (catalog, art) {
        (None, _) => {
            let seen = match fields_r {
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
    assumptions
}
