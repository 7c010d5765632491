//! Rules per rental listing: who the portals get as contact person (the first broker), whether that is a system user
//! and whether it is ready, and the re-transfer a changed listing still needs. What they say is worded in `wording`.

use std::collections::BTreeSet;

use super::system_user::SystemUsers;
use super::{finding, raise, wording, Evaluation, ListingRow};
use crate::answers::Answers;
use crate::finding::FindingKind;
use crate::snapshot::{RentalInfo, Snapshot};
use crate::subject::Subject;

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
        let note = wording::skipped_note(&skipped_names, portal_contact.is_some(), makler_label);
        let mut kinds = Vec::new();
        let officer_name = officer.as_deref();
        match portal_contact {
            None => {
                let said = wording::no_contact(&note, officer_name);
                raise(
                    &mut kinds,
                    out,
                    FindingKind::NoContact,
                    subject,
                    &label,
                    said,
                );
            }
            Some(first) if !users.linked.contains_key(&first) => {
                let name = first_name.clone().unwrap_or_default();
                let said = wording::contact_not_system_user(&name, &note, officer_name);
                raise(
                    &mut kinds,
                    out,
                    FindingKind::ContactNotSystemUser,
                    subject,
                    &label,
                    said,
                );
            }
            Some(first) if users.open.contains(&first) => {
                let name = first_name.clone().unwrap_or_default();
                // Which of the points is open, from that system user's row.
                let open: Vec<FindingKind> = out
                    .users
                    .iter()
                    .find(|u| u.address_id == Some(first))
                    .map(|u| u.findings.clone())
                    .unwrap_or_default();
                let said = wording::contact_not_ready(&name, &open, &note);
                raise(
                    &mut kinds,
                    out,
                    FindingKind::ContactNotReady,
                    subject,
                    &label,
                    said,
                );
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
                last_transfer: snapshot
                    .transfers
                    .as_ref()
                    .and_then(|t| t.last.get(&r.id).cloned()),
            });
        }
    }
}

/// `estate.enquiries_unanswered`: listings whose enquiries stay unanswered while the agency's others are answered
/// (only where the account shows replies); each joins its listing's row.
pub(super) fn unanswered(snapshot: &Snapshot, answers: &Answers, out: &mut Evaluation) {
    let mailboxes = snapshot.listing_mailboxes();
    for (estate, u) in &answers.signs.listings {
        let Some(r) = snapshot.rentals.get(estate) else {
            continue;
        };
        let label = wording::listing_label(&r.title, &r.external_no);
        let said = wording::enquiries_unanswered(u, mailboxes.get(estate).map(String::as_str));
        out.findings.push(finding(
            FindingKind::EnquiriesUnanswered,
            Subject::Estate(*estate),
            &label,
            said,
        ));
        match out.listings.iter_mut().find(|l| l.estate_id == *estate) {
            Some(row) => row.findings.push(FindingKind::EnquiriesUnanswered),
            None => out
                .listings
                .push(row_of(snapshot, r, FindingKind::EnquiriesUnanswered)),
        }
    }
}

/// The row of a listing that has no other finding.
fn row_of(snapshot: &Snapshot, r: &RentalInfo, kind: FindingKind) -> ListingRow {
    let contact = snapshot.portal_contact(r.id);
    ListingRow {
        estate_id: r.id,
        title: r.title.clone(),
        external_no: r.external_no.clone(),
        city: r.city.clone(),
        officer: r
            .officer
            .and_then(|nr| snapshot.users.get(&nr))
            .map(|u| u.name.clone()),
        first_contact: contact
            .and_then(|c| snapshot.address(c))
            .map(|a| a.name.clone()),
        first_contact_id: contact,
        skipped_contacts: Vec::new(),
        findings: vec![kind],
        last_transfer: None,
    }
}

/// `estate.portal_transfer_pending`: listings a fix changed that the person has not ticked off as re-transferred.
pub(super) fn transfers_pending(
    snapshot: &Snapshot,
    pending_transfers: &BTreeSet<u64>,
    out: &mut Evaluation,
) {
    let transfers = snapshot.transfers.as_ref();
    let watched: Vec<String> = transfers
        .map(|t| t.kinds.iter().map(|k| k.label.clone()).collect())
        .unwrap_or_default();
    for estate in pending_transfers {
        let label = snapshot
            .rentals
            .get(estate)
            .map(|r| wording::listing_label(&r.title, &r.external_no))
            .unwrap_or_else(|| format!("Objekt {estate}"));
        let last = transfers
            .and_then(|t| t.last.get(estate))
            .map(String::as_str);
        out.findings.push(finding(
            FindingKind::PortalTransferPending,
            Subject::Estate(*estate),
            &label,
            wording::portal_transfer_pending(last, &watched),
        ));
    }
}
