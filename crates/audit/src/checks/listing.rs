//! Rules per rental listing: who the portals get as contact person (the first broker), whether that is a system user
//! and whether it is ready, and the re-transfer a changed listing still needs. What they say is worded in `wording`.

use std::collections::BTreeSet;

use super::system_user::SystemUsers;
use super::wording::{self, Said};
use super::{finding, raise, Evaluation, ListingRow};
use crate::answers::Answers;
use crate::finding::FindingKind;
use crate::snapshot::{RentalInfo, Snapshot};
use crate::subject::Subject;
use crate::text::Text;

/// Who the portals get as a listing's contact person: the first broker (`contactPerson`), and whoever stands in
/// front of it without being a broker, skipped, by name so the person understands what they see in onOffice.
struct PortalContact {
    id: Option<u64>,
    name: Option<String>,
    skipped: Vec<String>,
}

impl PortalContact {
    fn of(snapshot: &Snapshot, estate: u64) -> PortalContact {
        let name_of = |c: u64| {
            snapshot
                .address(c)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| format!("#{c}"))
        };
        let id = snapshot.portal_contact(estate);
        PortalContact {
            id,
            name: id.map(name_of),
            skipped: snapshot
                .skipped_contacts(estate)
                .into_iter()
                .map(name_of)
                .collect(),
        }
    }
}

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
        let officer = r.officer.and_then(user_name);
        let contact = PortalContact::of(snapshot, r.id);
        let note = wording::skipped_note(&contact.skipped, contact.id.is_some(), makler_label);
        let mut kinds = Vec::new();
        if let Some((kind, said)) = contact_finding(&contact, &note, officer.as_deref(), users, out)
        {
            let label = wording::listing_label(&r.title, &r.external_no);
            raise(&mut kinds, out, kind, Subject::Estate(r.id), &label, said);
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
                first_contact: contact.name,
                first_contact_id: contact.id,
                skipped_contacts: contact.skipped,
                findings: kinds,
                last_transfer: snapshot
                    .transfers
                    .as_ref()
                    .and_then(|t| t.last.get(&r.id).cloned()),
            });
        }
    }
}

/// What is wrong with a listing's portal contact, if anything: none, not a system user, or a system user that is not
/// ready (which of its points is open comes from that system user's row in `out`).
fn contact_finding(
    contact: &PortalContact,
    note: &Text,
    officer: Option<&str>,
    users: &SystemUsers,
    out: &Evaluation,
) -> Option<(FindingKind, Said)> {
    let name = contact.name.clone().unwrap_or_default();
    match contact.id {
        None => Some((FindingKind::NoContact, wording::no_contact(note, officer))),
        Some(first) if !users.linked.contains_key(&first) => Some((
            FindingKind::ContactNotSystemUser,
            wording::contact_not_system_user(&name, note, officer),
        )),
        Some(first) if users.open.contains(&first) => {
            let open: Vec<FindingKind> = out
                .users
                .iter()
                .find(|u| u.address_id == Some(first))
                .map(|u| u.findings.clone())
                .unwrap_or_default();
            Some((
                FindingKind::ContactNotReady,
                wording::contact_not_ready(&name, &open, note),
            ))
        }
        Some(_) => None,
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
