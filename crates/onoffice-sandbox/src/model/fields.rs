//! `get fields`: the field configuration of an account's modules, shaped like recorded dumps.

use serde_json::{json, Map, Value};

use super::Account;

/// How `get fields` shapes each field: with labels or without.
#[derive(Clone, Copy)]
struct FieldShape {
    labels: bool,
}

impl FieldShape {
    /// Permitted values: key → label with labels on, a key list without.
    fn permitted(self, values: &[(String, String)]) -> Value {
        if self.labels {
            Value::Object(
                values
                    .iter()
                    .map(|(k, l)| (k.clone(), Value::from(l.clone())))
                    .collect(),
            )
        } else {
            Value::Array(values.iter().map(|(k, _)| Value::from(k.clone())).collect())
        }
    }

    /// One field; a plain field carries `permittedvalues: null`.
    fn field(self, ty: &str, label: &str, values: Option<&[(String, String)]>) -> Value {
        let mut f = json!({"type": ty, "length": null, "default": null, "filters": [], "dependencies": [], "compoundFields": [], "fieldMeasureFormat": null});
        f["permittedvalues"] = values.map(|v| self.permitted(v)).unwrap_or(Value::Null);
        if self.labels {
            f["label"] = label.into();
        }
        f
    }

    /// A module's fields, starting with the module's label (with labels on) and its plain fields.
    fn module(self, label: &str, plain: &[(&str, &str, &str)]) -> Map<String, Value> {
        let mut m = Map::new();
        if self.labels {
            m.insert("label".into(), label.into());
        }
        for (name, ty, label) in plain {
            m.insert((*name).into(), self.field(ty, label, None));
        }
        m
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, l)| (k.to_string(), l.to_string()))
        .collect()
}

impl Account {
    /// `get fields` for one module, shaped like recorded dumps: permitted values map key → label with labels on and
    /// are a key list without; plain fields carry `permittedvalues: null`; some readable fields (`estate.status`,
    /// `estate.verkauft`, `user.online`) are not listed at all; `benutzer` is `text` unless `realDataTypes` is set.
    pub fn field_metadata(
        &self,
        module: &str,
        labels: bool,
        real_types: bool,
    ) -> Option<Map<String, Value>> {
        let shape = FieldShape { labels };
        match module {
            "address" => Some(self.address_fields(shape)),
            "estate" => Some(self.estate_fields(shape, real_types)),
            "user" => Some(user_fields(shape)),
            _ => None,
        }
    }

    fn address_fields(&self, shape: FieldShape) -> Map<String, Value> {
        let mut m = shape.module(
            "Adressen",
            &[
                ("Vorname", "varchar", "Vorname"),
                ("Name", "varchar", "Name"),
                ("Firma", "varchar", "Firma"),
                ("Ort", "varchar", "Ort"),
                ("Plz", "varchar", "PLZ"),
                ("Strasse", "varchar", "Straße"),
                ("Telefon1", "varchar", "Telefon"),
                ("Email", "varchar", "E-Mail"),
                ("KdNr", "integer", "KdNr"),
            ],
        );
        m.insert(
            "Status".into(),
            shape.field(
                "singleselect",
                "Status",
                Some(&pairs(&[("1", "Aktiv"), ("0", "Archiviert")])),
            ),
        );
        m.insert(
            "ArtDaten".into(),
            shape.field("multiselect", "Kontaktart", Some(&self.contact_type_values)),
        );
        m
    }

    fn estate_fields(&self, shape: FieldShape, real_types: bool) -> Map<String, Value> {
        let mut m = shape.module(
            "Immobilien",
            &[
                ("objekttitel", "varchar", "Objekttitel"),
                ("objektnr_extern", "varchar", "ImmoNr"),
                ("reserviert", "boolean", "Reserviert"),
                ("ort", "varchar", "Ort"),
                ("plz", "varchar", "PLZ"),
                ("kaltmiete", "float", "Kaltmiete"),
                ("wohnflaeche", "float", "Wohnfläche"),
                (
                    "benutzer",
                    if real_types { "user" } else { "text" },
                    "Betreuer",
                ),
            ],
        );
        m.insert(
            "vermarktungsart".into(),
            shape.field(
                "singleselect",
                "Vermarktungsart",
                Some(&self.marketing_type_values),
            ),
        );
        m.insert(
            "objektart".into(),
            shape.field(
                "singleselect",
                "Objektart",
                Some(&pairs(&[
                    ("wohnung", "Wohnung"),
                    ("haus", "Haus"),
                    ("buero_praxen", "Büro/Praxen"),
                ])),
            ),
        );
        m
    }
}

fn user_fields(shape: FieldShape) -> Map<String, Value> {
    shape.module(
        "Benutzer",
        &[
            ("Nr", "integer", "Nr"),
            ("Name", "varchar", "Benutzername"),
            ("Vorname", "varchar", "Vorname"),
            ("Nachname", "varchar", "Nachname"),
            ("Kuerzel", "varchar", "Kürzel"),
            ("email", "varchar", "E-Mail"),
            ("adrId:adressen.ID", "integer", "Adresse"),
            ("Aktiv_bis", "date", "Aktiv bis"),
            ("userDeactivatedDate", "date", "Deaktiviert am"),
            ("online_seit", "datetime", "Online seit"),
            ("mailMode", "varchar", "Mail-Modus"),
        ],
    )
}
