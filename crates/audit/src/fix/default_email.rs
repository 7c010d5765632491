//! The default e-mail operation: make an address's e-mail its default one (the fix; an address already in one of
//! its lists is marked, never added twice), or delete the e-mail the fix added (its undo).

use onoffice::{email_entries, AddressChanges, Record};

use super::outcome::{changed_since, not_saved, refused, undone_text, End, Outcome};
use super::pipeline::{AddressOp, Draft};
use crate::journal::Change;
use crate::text;
use crate::text::Text;

/// The default e-mail of an address record (`defaultemail`, else `Email`), if it has one.
pub(crate) fn default_email(rec: &Record) -> Option<String> {
    rec.text("defaultemail")
        .filter(|e| !e.trim().is_empty())
        .or_else(|| rec.text("Email").filter(|e| !e.trim().is_empty()))
        .map(|e| e.trim().to_string())
}

/// How often `email` stands in the record's e-mail lists (remarks are never taken for addresses).
fn occurrences(rec: &Record, email: &str) -> usize {
    email_entries(rec)
        .iter()
        .filter(|e| e.address.eq_ignore_ascii_case(email))
        .count()
}

/// One e-mail change per write: a second one on the same record in the same run waits for the next.
fn set_email(draft: &mut Draft, change: AddressChanges) -> Result<(), End> {
    if draft.email.is_some() {
        return Err(End::Closed(
            Outcome::Skipped,
            Text::new(
                "Für diese Adresse steht schon eine E-Mail-Änderung an. Bitte danach erneut versuchen.",
                "Another e-mail change of this address comes first. Please try again afterwards.",
            ),
        ));
    }
    draft.email = Some(change);
    Ok(())
}

/// Sets `email` as the default e-mail.
pub struct SetDefault {
    pub address: u64,
    pub email: String,
}

impl AddressOp for SetDefault {
    fn address(&self) -> u64 {
        self.address
    }

    fn merge(&self, seen: &Record, draft: &mut Draft) -> Result<(), End> {
        let email = &self.email;
        if let Some(existing) = default_email(seen) {
            return Err(End::Closed(
                Outcome::AlreadyDone,
                text!(
                    "Inzwischen ist {existing} als Standard-E-Mail eingetragen.",
                    "Meanwhile {existing} is the default e-mail."
                ),
            ));
        }
        let same: Vec<String> = email_entries(seen)
            .into_iter()
            .map(|e| e.address)
            .filter(|e| e.eq_ignore_ascii_case(email))
            .collect();
        let change = match same.as_slice() {
            [] => AddressChanges::new().add_email(email, true),
            [one] => AddressChanges::new().modify_email(one, one, true),
            _ => return Err(End::Closed(Outcome::Conflict, text!("{email} steht mehrfach in der Adresse. Bitte in onOffice einen Eintrag entfernen und ihn dann als Standard markieren.", "{email} appears more than once in the address. Please remove one entry in onOffice, then mark it as default."))),
        };
        set_email(draft, change)
    }

    fn judge(
        &self,
        seen: &Record,
        _draft: &Draft,
        back: &Record,
        write: Option<&onoffice::Result<()>>,
    ) -> End {
        let email = &self.email;
        match default_email(back) {
            Some(now) if now.eq_ignore_ascii_case(email) => End::recorded(
                Outcome::Applied,
                text!(
                    "{email} als Standard-E-Mail eingetragen.",
                    "{email} set as default e-mail."
                ),
                Change::DefaultEmail {
                    address: self.address,
                    email: email.clone(),
                    before: None,
                    after: Some(now),
                    existed: occurrences(seen, email) > 0,
                },
            ),
            None => refused(write).unwrap_or_else(|| {
                not_saved(
                    "Die E-Mail wurde nicht gespeichert. Bitte erneut versuchen.",
                    "The e-mail was not saved. Please try again.",
                )
            }),
            Some(other) => End::Closed(Outcome::Conflict, text!("Nach dem Speichern ist eine andere Standard-E-Mail eingetragen ({other}). Bitte prüfen.", "After saving, another default e-mail is set ({other}). Please check.")),
        }
    }
}

/// Deletes the e-mail the fix added, if it is still the default (or the person insists: `force`).
pub struct DeleteAdded {
    pub address: u64,
    pub email: String,
    pub force: bool,
}

impl AddressOp for DeleteAdded {
    fn address(&self) -> u64 {
        self.address
    }

    fn merge(&self, seen: &Record, draft: &mut Draft) -> Result<(), End> {
        let email = &self.email;
        let default = default_email(seen);
        if let Some(d) = default
            .as_deref()
            .filter(|d| !self.force && !d.eq_ignore_ascii_case(email))
        {
            return Err(changed_since(email, d));
        }
        match occurrences(seen, email) {
            0 => Err(End::recorded(
                Outcome::AlreadyDone,
                Text::new(
                    "Die E-Mail-Adresse ist bereits entfernt.",
                    "The e-mail address is already removed.",
                ),
                Change::DefaultEmail {
                    address: self.address,
                    email: email.clone(),
                    before: default.clone(),
                    after: default,
                    existed: false,
                },
            )),
            1 => set_email(draft, AddressChanges::new().delete_email(email)),
            _ => Err(End::Closed(Outcome::Conflict, Text::new("Die E-Mail-Adresse steht mehrfach in der Adresse; bitte in onOffice von Hand entfernen.", "The e-mail address appears more than once; please remove it by hand in onOffice."))),
        }
    }

    fn judge(
        &self,
        seen: &Record,
        _draft: &Draft,
        back: &Record,
        write: Option<&onoffice::Result<()>>,
    ) -> End {
        if occurrences(back, &self.email) > 0 {
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
            Change::DefaultEmail {
                address: self.address,
                email: self.email.clone(),
                before: default_email(seen),
                after: default_email(back),
                existed: false,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn record(default: &str, entries: &[&str]) -> Record {
        let mut elements = serde_json::Map::new();
        elements.insert("defaultemail".into(), Value::String(default.into()));
        for (i, e) in entries.iter().enumerate() {
            elements.insert(format!("email__{}", i + 10), json!(e));
        }
        Record::new("1", Some("address"), elements)
    }

    #[test]
    fn another_default_after_saving_is_a_conflict_not_a_success() {
        let op = SetDefault {
            address: 1,
            email: "anna@firma.de".into(),
        };
        let mut draft = Draft::default();
        op.merge(&record("", &[]), &mut draft).unwrap();
        let end = op.judge(
            &record("", &[]),
            &draft,
            &record("info@firma.de", &["info@firma.de"]),
            Some(&Ok(())),
        );
        assert!(matches!(end, End::Closed(Outcome::Conflict, _)), "{end:?}");
        let end = op.judge(
            &record("", &[]),
            &draft,
            &record("Anna@Firma.de", &["Anna@Firma.de"]),
            Some(&Ok(())),
        );
        assert!(
            matches!(end, End::Recorded(Outcome::Applied, ..)),
            "{end:?}"
        );
    }

    #[test]
    fn undo_of_an_email_someone_already_removed_is_done_and_a_duplicate_is_left_alone() {
        let op = DeleteAdded {
            address: 1,
            email: "anna@firma.de".into(),
            force: false,
        };
        let mut draft = Draft::default();
        let end = op.merge(&record("", &["info@firma.de"]), &mut draft);
        assert!(
            matches!(end, Err(End::Recorded(Outcome::AlreadyDone, ..))),
            "{end:?}"
        );
        assert!(draft.email.is_none());
        let end = op.merge(
            &record("anna@firma.de", &["anna@firma.de", "ANNA@firma.de"]),
            &mut draft,
        );
        assert!(
            matches!(end, Err(End::Closed(Outcome::Conflict, _))),
            "{end:?}"
        );
        assert!(draft.email.is_none());
        let seen = record("anna@firma.de", &["anna@firma.de"]);
        op.merge(&seen, &mut draft).unwrap();
        assert_eq!(
            draft.email,
            Some(AddressChanges::new().delete_email("anna@firma.de"))
        );
        // Still there after the write: not undone (and a refused write says onOffice's reason).
        let end = op.judge(&seen, &draft, &seen, Some(&Ok(())));
        assert!(
            matches!(end, End::Closed(Outcome::Failed { .. }, _)),
            "{end:?}"
        );
        let gone = record("", &[]);
        match op.judge(&seen, &draft, &gone, Some(&Ok(()))) {
            End::Recorded(Outcome::Applied, _, change) => assert_eq!(
                *change,
                Change::DefaultEmail {
                    address: 1,
                    email: "anna@firma.de".into(),
                    before: Some("anna@firma.de".into()),
                    after: None,
                    existed: false,
                }
            ),
            other => panic!("{other:?}"),
        }
    }
}
