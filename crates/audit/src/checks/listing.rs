//! Rules per rental listing: who the portals get as contact person (the first broker), whether that is a system user
//! and whether it is ready, and the re-transfer a changed listing still needs.

use std::collections::BTreeSet;

use super::system_user::SystemUsers;
use super::{finding, manual, wording, Evaluation, ListingRow};
use crate::finding::{FindingKind, FixKind, Resolution};
use crate::snapshot::Snapshot;
use crate::subject::Subject;
use crate::text;
use crate::text::Text;

/// `estate.no_contact`, `estate.contact_not_system_user`, `estate.contact_not_ready` for every active rental listing;
/// a row for each listing with a finding or a pending transfer.
pub(super) fn evaluate(
    snapshot: &Snapshot,
    users: &SystemUsers,
    makler_label: &str,
    pending_transfers: &BTreeSet<u64>,
    out: &mut Evaluation,
) {
    let user_name = |nr: u64| snapshot.users.get(&nr).map(|u| u.name.clone());
    for r in snapshot.rentals.values() {
        let subject = Subject::Estate(r.id);
        let label = wording::listing_label(&r.title, &r.external_no);
        let officer = r.officer.and_then(user_name);
        let name_of = |c: u64| {
            snapshot
                .address(c)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| format!("#{c}"))
        };
        // The portals get the first broker (`contactPerson`); whoever stands in front of it without being a broker
        // is skipped, and is named so the person understands what they see in onOffice.
        let portal_contact = snapshot.portal_contact(r.id);
        let first_name = portal_contact.map(name_of);
        let skipped_names: Vec<String> = snapshot
            .skipped_contacts(r.id)
            .into_iter()
            .map(name_of)
            .collect();
        let skipped: Vec<String> = skipped_names.iter().map(|n| format!("„{n}“")).collect();
        let skipped_en: Vec<String> = skipped
            .iter()
            .map(|n| n.replace(['„', '“'], "\""))
            .collect();
        let skipped_note = if skipped.is_empty() {
            Text::default()
        } else if portal_contact.is_some() {
            let one = skipped.len() == 1;
            Text::new(
                format!(
                    " Davor {} {}, aber ohne Kontaktart „{makler_label}“; die Portale überspringen {}.",
                    if one { "steht" } else { "stehen" },
                    skipped.join(", "),
                    if one { "diesen Eintrag" } else { "diese Einträge" }
                ),
                format!(
                    " In front of it {} {}, without the contact type \"{makler_label}\"; the portals skip {}.",
                    if one { "stands" } else { "stand" },
                    skipped_en.join(", "),
                    if one { "this entry" } else { "these entries" }
                ),
            )
        } else {
            Text::new(
                format!(
                    " Eingetragen {}, aber ohne Kontaktart „{makler_label}“; so wird niemand an die Portale übertragen.",
                    if skipped.len() == 1 {
                        format!("ist {}", skipped[0])
                    } else {
                        format!("sind {}", skipped.join(", "))
                    }
                ),
                format!(
                    " Entered: {}, but without the contact type \"{makler_label}\"; so nobody is sent to the portals.",
                    skipped_en.join(", ")
                ),
            )
        };
        let mut kinds = Vec::new();
        let assign_expected = text!(
            "Erster Ansprechpartner ist die Systembenutzer-Adresse eines Maklers (Vorschlag: Betreuer {}).",
            "The first contact person is a broker's system user address (suggestion: Betreuer {}).", officer.clone().unwrap_or_else(|| "–".into()));
        match portal_contact {
            None => {
                kinds.push(FindingKind::NoContact);
                out.findings.push(finding(
                    FindingKind::NoContact,
                    subject,
                    &label,
                    Text::new(
                        format!(
                            "Dem Objekt ist kein Makler als Ansprechpartner zugeordnet.{}",
                            skipped_note.de
                        ),
                        format!(
                            "The listing has no broker as contact person.{}",
                            skipped_note.en
                        ),
                    ),
                    assign_expected.clone(),
                    Resolution::Fix {
                        fix: FixKind::AssignContactPerson,
                    },
                ));
            }
            Some(first) if !users.linked.contains_key(&first) => {
                kinds.push(FindingKind::ContactNotSystemUser);
                let name = first_name.clone().unwrap_or_default();
                out.findings.push(finding(
                    FindingKind::ContactNotSystemUser,
                    subject,
                    &label,
                    Text::new(
                        format!("Erster Makler-Ansprechpartner ist „{name}“, keine Systembenutzer-Adresse. Portale erhalten nur den ersten.{}", skipped_note.de),
                        format!("The first broker contact person is \"{name}\", not a system user address. Portals only get the first.{}", skipped_note.en),
                    ),
                    assign_expected.clone(),
                    Resolution::Fix { fix: FixKind::AssignContactPerson },
                ));
            }
            Some(first) if users.open.contains(&first) => {
                kinds.push(FindingKind::ContactNotReady);
                let name = first_name.clone().unwrap_or_default();
                // Which of the points is open, from that system user's row.
                let points: Vec<(&str, &str)> = out
                    .users
                    .iter()
                    .find(|u| u.address_id == Some(first))
                    .map(|u| {
                        u.findings
                            .iter()
                            .filter_map(|k| wording::open_point(*k))
                            .collect()
                    })
                    .unwrap_or_default();
                let (de, en) = if points.is_empty() {
                    (
                        "Makler, E-Mail oder Postfach".to_string(),
                        "broker, e-mail or mailbox".to_string(),
                    )
                } else {
                    (
                        points.iter().map(|p| p.0).collect::<Vec<_>>().join(", "),
                        points.iter().map(|p| p.1).collect::<Vec<_>>().join(", "),
                    )
                };
                out.findings.push(finding(
                    FindingKind::ContactNotReady,
                    subject,
                    &label,
                    Text::new(
                        format!(
                            "Erster Makler-Ansprechpartner „{name}“ ist nicht bereit: {de}.{}",
                            skipped_note.de
                        ),
                        format!(
                            "The first broker contact person \"{name}\" is not ready: {en}.{}",
                            skipped_note.en
                        ),
                    ),
                    Text::new(
                        "Der Ansprechpartner ist vollständig eingerichtet.",
                        "The contact person is fully set up.",
                    ),
                    manual(
                        text!(
                            "Checkliste > Systembenutzer > {name}",
                            "Checklist > system users > {name}"
                        ),
                        vec![Text::new(
                            "Die offenen Punkte dieses Systembenutzers beheben.",
                            "Fix the open points of this system user.",
                        )],
                        None,
                    ),
                ));
            }
            Some(_) => {}
        }
        if pending_transfers.contains(&r.id) {
            kinds.push(FindingKind::PortalTransferPending);
        }
        if !kinds.is_empty() {
            out.listings.push(ListingRow {
                estate_id: r.id,
                title: r.title.clone(),
                external_no: r.external_no.clone(),
                city: r.city.clone(),
                officer: officer.clone(),
                first_contact: first_name,
                first_contact_id: portal_contact,
                skipped_contacts: skipped_names,
                findings: kinds,
            });
        }
    }
}

/// `estate.portal_transfer_pending`: listings a fix changed that the person has not ticked off as re-transferred.
pub(super) fn transfers_pending(
    snapshot: &Snapshot,
    pending_transfers: &BTreeSet<u64>,
    out: &mut Evaluation,
) {
    for estate in pending_transfers {
        let label = snapshot
            .rentals
            .get(estate)
            .map(|r| wording::listing_label(&r.title, &r.external_no))
            .unwrap_or_else(|| format!("Objekt {estate}"));
        out.findings.push(finding(
            FindingKind::PortalTransferPending,
            Subject::Estate(*estate),
            &label,
            Text::new("Der Ansprechpartner oder seine E-Mail wurde geändert; die Portale kennen noch den alten Stand.", "The contact person or its e-mail changed; the portals still have the old state."),
            Text::new("Das Objekt wurde neu an die Portale übertragen.", "The listing was re-transferred to the portals."),
            manual(
                wording::transfer_click_path(),
                vec![Text::new("Danach hier abhaken.", "Then tick it off here.")],
                None,
            ),
        ));
    }
}
