//! The contact type operation: add a key (the "Makler" fix) to an address's `ArtDaten`, or take it away again
//! (its undo). The multiselect write replaces the whole list, so both merge into the list the record holds now.

use std::collections::BTreeSet;

use onoffice::Record;

use super::outcome::{changed_since, not_saved, refused, undone_text, End, Outcome};
use super::pipeline::{AddressOp, Draft};
use crate::journal::Change;
use crate::snapshot::CONTACT_TYPE_FIELD;
use crate::text;
use crate::text::Text;

/// The contact type keys of an address record.
pub(crate) fn contact_types(rec: &Record) -> Vec<String> {
    rec.value(CONTACT_TYPE_FIELD)
        .as_ref()
        .map(onoffice::api::parse_multiselect)
        .unwrap_or_default()
}

/// Adds `key` to the record's contact types.
pub struct AddKey {
    pub address: u64,
    pub key: String,
    pub key_label: String,
}

impl AddressOp for AddKey {
    fn address(&self) -> u64 {
        self.address
    }

    fn merge(&self, seen: &Record, draft: &mut Draft) -> Result<(), End> {
        let have = contact_types(seen);
        let key_label = &self.key_label;
        if have.contains(&self.key) {
            // Someone set it meanwhile: not ours to journal (a later undo must not remove it).
            return Err(End::Closed(
                Outcome::AlreadyDone,
                text!(
                    "„{key_label}“ ist bereits gesetzt.",
                    "\"{key_label}\" is already set."
                ),
            ));
        }
        let merged = draft.contact_types.get_or_insert(have);
        if !merged.contains(&self.key) {
            merged.push(self.key.clone());
        }
        Ok(())
    }

    fn judge(
        &self,
        seen: &Record,
        draft: &Draft,
        back: &Record,
        write: Option<&onoffice::Result<()>>,
    ) -> End {
        let now = contact_types(back);
        let key_label = &self.key_label;
        if !now.contains(&self.key) {
            return refused(write).unwrap_or_else(|| match write {
                Some(Err(_)) => not_saved(
                    "Die Änderung wurde nicht gespeichert. Bitte erneut versuchen.",
                    "The change was not saved. Please try again.",
                ),
                _ => End::Closed(Outcome::Conflict, Text::new("Nach dem Speichern fehlt der Wert wieder: jemand hat den Datensatz gleichzeitig geändert. Bitte erneut prüfen.", "After saving, the value is missing again: someone changed the record at the same time. Please check again.")),
            });
        }
        let merged = draft.contact_types.as_deref().unwrap_or_default();
        let change = Change::ContactType {
            address: self.address,
            key: self.key.clone(),
            before: contact_types(seen),
            after: now.clone(),
        };
        if merged.iter().all(|k| now.contains(k)) {
            End::recorded(
                Outcome::Applied,
                text!("„{key_label}“ ergänzt.", "\"{key_label}\" added."),
                change,
            )
        } else {
            End::recorded(Outcome::Conflict, text!("„{key_label}“ ist gesetzt, aber andere Werte haben sich gleichzeitig geändert. Bitte die Kontaktart prüfen.", "\"{key_label}\" is set, but other values changed at the same time. Please check the contact type."), change)
        }
    }
}

/// Takes `key` away again, if the record still holds what the fix left (`left`) or the person insists (`force`).
pub struct RemoveKey {
    pub address: u64,
    pub key: String,
    pub left: Vec<String>,
    pub force: bool,
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

impl AddressOp for RemoveKey {
    fn address(&self) -> u64 {
        self.address
    }

    fn merge(&self, seen: &Record, draft: &mut Draft) -> Result<(), End> {
        let current = contact_types(seen);
        if !current.contains(&self.key) {
            return Err(End::recorded(
                Outcome::AlreadyDone,
                Text::new(
                    "Der Wert ist bereits entfernt.",
                    "The value is already removed.",
                ),
                Change::ContactType {
                    address: self.address,
                    key: self.key.clone(),
                    before: current.clone(),
                    after: current,
                },
            ));
        }
        if !self.force && !same_set(&current, &self.left) {
            return Err(changed_since(&self.left.join(", "), &current.join(", ")));
        }
        draft
            .contact_types
            .get_or_insert(current)
            .retain(|k| *k != self.key);
        Ok(())
    }

    fn judge(
        &self,
        seen: &Record,
        _draft: &Draft,
        back: &Record,
        write: Option<&onoffice::Result<()>>,
    ) -> End {
        let now = contact_types(back);
        if now.contains(&self.key) {
            return refused(write).unwrap_or_else(|| {
                not_saved(
                    "Rückgängig machen hat nicht geklappt. Bitte erneut versuchen.",
                    "Undo did not go through. Please try again.",
                )
            });
        }
        End::recorded(
            Outcome::Applied,
            undone_text(),
            Change::ContactType {
                address: self.address,
                key: self.key.clone(),
                before: contact_types(seen),
                after: now,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(keys: &[&str]) -> Record {
        Record::new(
            "1",
            Some("address"),
            json!({ CONTACT_TYPE_FIELD: keys })
                .as_object()
                .unwrap()
                .clone(),
        )
    }

    fn add() -> AddKey {
        AddKey {
            address: 1,
            key: "Makler".into(),
            key_label: "Makler".into(),
        }
    }

    #[test]
    fn a_lost_answer_whose_key_is_missing_after_reading_back_was_not_saved() {
        let mut draft = Draft::default();
        add().merge(&record(&["Kunde"]), &mut draft).unwrap();
        assert_eq!(
            draft.contact_types.as_deref(),
            Some(&["Kunde".to_string(), "Makler".to_string()][..])
        );
        let lost: onoffice::Result<()> = Err(onoffice::Error::UnknownOutcome {
            detail: String::new(),
        });
        match add().judge(
            &record(&["Kunde"]),
            &draft,
            &record(&["Kunde"]),
            Some(&lost),
        ) {
            End::Closed(o, t) => {
                assert!(matches!(o, Outcome::Failed { .. }), "{o:?}");
                assert!(t.de.contains("nicht gespeichert"), "{}", t.de);
            }
            other => panic!("{other:?}"),
        }
        // Answered fine, but the key is gone again: someone changed the record at the same time.
        match add().judge(
            &record(&["Kunde"]),
            &draft,
            &record(&["Kunde"]),
            Some(&Ok(())),
        ) {
            End::Closed(Outcome::Conflict, _) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn undo_takes_the_key_away_only_from_the_list_the_fix_left() {
        let remove = |force| RemoveKey {
            address: 1,
            key: "Makler".into(),
            left: vec!["Kunde".into(), "Makler".into()],
            force,
        };
        let mut draft = Draft::default();
        remove(false)
            .merge(&record(&["Makler", "Kunde"]), &mut draft)
            .unwrap();
        assert_eq!(
            draft.contact_types.as_deref(),
            Some(&["Kunde".to_string()][..])
        );
        // A colleague added "Eigentümer" since: both lists shown, nothing written, unless forced.
        let mut draft = Draft::default();
        match remove(false).merge(&record(&["Kunde", "Makler", "Eigentuemer"]), &mut draft) {
            Err(End::Closed(Outcome::Conflict, t)) => {
                assert!(t.de.contains("Eigentuemer"), "{}", t.de)
            }
            other => panic!("{other:?}"),
        }
        assert!(draft.contact_types.is_none());
        remove(true)
            .merge(&record(&["Kunde", "Makler", "Eigentuemer"]), &mut draft)
            .unwrap();
        assert_eq!(
            draft.contact_types.as_deref(),
            Some(&["Kunde".to_string(), "Eigentuemer".to_string()][..])
        );
    }
}
