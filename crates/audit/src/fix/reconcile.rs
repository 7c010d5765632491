//! Reconciling the journal after an interrupted run: intents (of fixes and of undos) without a recorded outcome are
//! checked against what onOffice holds now, and the journal gets the outcome that was found. It only reads from
//! onOffice; it never writes there.

use onoffice::api::RELATION_CONTACT_PERSON;
use onoffice::{Client, RelationSide};

use super::contact_type::contact_types;
use super::default_email::default_email;
use crate::journal::{Change, Event, Journal};
use crate::snapshot::CONTACT_TYPE_FIELD;
use crate::text::Text;

/// What onOffice holds for the record a change is about: does it show the change's result?
async fn shows_result(client: &Client, change: &Change) -> onoffice::Result<(bool, Change)> {
    match change {
        Change::ContactType {
            address,
            key,
            before,
            ..
        } => {
            let recs = client
                .read_addresses_by_id(&[*address], &[CONTACT_TYPE_FIELD])
                .await?;
            let now = recs.first().map(contact_types).unwrap_or_default();
            let found = Change::ContactType {
                address: *address,
                key: key.clone(),
                before: before.clone(),
                after: now.clone(),
            };
            Ok((now.contains(key), found))
        }
        Change::DefaultEmail {
            address,
            email,
            existed,
            ..
        } => {
            let recs = client
                .read_addresses_by_id(&[*address], &["defaultemail", "Email"])
                .await?;
            let now = recs.first().and_then(default_email);
            let found = Change::DefaultEmail {
                address: *address,
                email: email.clone(),
                before: None,
                after: now.clone(),
                existed: *existed,
            };
            Ok((
                now.is_some_and(|n| n.trim().eq_ignore_ascii_case(email)),
                found,
            ))
        }
        Change::ContactPersons {
            estate,
            address,
            before,
            ..
        } => {
            let map = client
                .ids_from_relation(RELATION_CONTACT_PERSON, RelationSide::Parents, &[*estate])
                .await?;
            let now = map.get(estate).cloned().unwrap_or_default();
            let found = Change::ContactPersons {
                estate: *estate,
                address: *address,
                before: before.clone(),
                after: now.clone(),
            };
            Ok((now.contains(address), found))
        }
    }
}

/// Checks every open intent and records what onOffice shows. Returns one line per intent for the person.
pub async fn reconcile(client: &Client, journal: &Journal) -> Vec<Text> {
    let mut said = Vec::new();
    for entry in journal.open_intents() {
        let (change, undo_of) = match &entry.event {
            Event::Intent { change } => (change, None),
            Event::UndoIntent { of, change } => (change, Some(*of)),
            _ => continue,
        };
        let (event, de, en) = match shows_result(client, change).await {
            Err(e) => (
                None,
                format!("nicht prüfbar ({})", e.message_de()),
                format!("could not be checked ({})", e.message_en()),
            ),
            Ok((shows, found)) => match (undo_of, shows) {
                (None, true) => (
                    Some(Event::Applied {
                        change: found,
                        intent: Some(entry.seq),
                    }),
                    "in onOffice gespeichert; im Verlauf nachgetragen".into(),
                    "saved in onOffice; added to the history".into(),
                ),
                (None, false) => (
                    Some(Event::NotApplied {
                        intent: entry.seq,
                        reason: "reconciled: not in onOffice".into(),
                    }),
                    "nicht in onOffice angekommen".into(),
                    "did not reach onOffice".into(),
                ),
                (Some(of), false) => (
                    Some(Event::Undone { of, change: found }),
                    "Rückgängig ist in onOffice angekommen; im Verlauf nachgetragen".into(),
                    "the undo reached onOffice; added to the history".into(),
                ),
                (Some(_), true) => (
                    Some(Event::NotApplied {
                        intent: entry.seq,
                        reason: "reconciled: undo not in onOffice".into(),
                    }),
                    "Rückgängig ist nicht in onOffice angekommen".into(),
                    "the undo did not reach onOffice".into(),
                ),
            },
        };
        if let Some(event) = event {
            let affected = if matches!(event, Event::Applied { .. } | Event::Undone { .. }) {
                entry.affected_estates.clone()
            } else {
                Vec::new()
            };
            if journal.append(&entry.label, affected, event).is_err() {
                continue;
            }
        }
        said.push(Text::new(
            format!("Unterbrochene Änderung „{}“ geprüft: {de}.", entry.label),
            format!("Interrupted change \"{}\" checked: {en}.", entry.label),
        ));
    }
    said
}
