//! `--contact LISTING=USER` of `oo-check fix`: the contact person chosen for a listing that waits for a choice,
//! matched against the checklist's listings and system users.

use audit::{FindingKind, ListingRow, PlanChoices, SystemUserRow};

/// A system user who can be a contact person: one with an address record, by its number.
type SystemUser<'a> = (u64, &'a SystemUserRow);

/// `--contact LISTING=USER` against the checklist: the listing by external number (or record id) among the listings
/// with a finding, the user by name (or address id) among the system users; anything unclear is refused with the
/// candidates.
pub fn contact_choices(
    report: &audit::AuditReport,
    given: &[String],
) -> Result<PlanChoices, String> {
    let mut choices = PlanChoices::default();
    let users: Vec<SystemUser> = report
        .users
        .iter()
        .filter_map(|u| Some((u.address_id?, u)))
        .collect();
    for g in given {
        let (listing, user) = g.split_once('=').ok_or_else(|| {
            format!("--contact {g}: erwartet / expected OBJEKTNR=BENUTZER, z. B. / e.g. M-10000=\"Anna Berg\"")
        })?;
        let (listing, user) = (listing.trim(), user.trim().trim_matches('"'));
        let row = listing_with_finding(report, listing)?;
        let (address_id, _) = contact_person(&users, user)?;
        choices.contacts.insert(row.estate_id, address_id);
    }
    Ok(choices)
}

/// The listing with a finding that `listing` names by external number or record id.
fn listing_with_finding<'a>(
    report: &'a audit::AuditReport,
    listing: &str,
) -> Result<&'a ListingRow, String> {
    report
        .listings
        .iter()
        .find(|r| r.external_no.eq_ignore_ascii_case(listing) || r.estate_id.to_string() == listing)
        .ok_or_else(|| {
            format!(
                "--contact: kein Objekt „{listing}“ unter den Objekten mit Befund / no listing \"{listing}\" among \
                 the listings with a finding ({})",
                report.listings.iter().take(8).map(|r| r.external_no.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
}

/// The one system user `user` names by address id or name, who can be the rental agent's contact.
fn contact_person<'a>(users: &[SystemUser<'a>], user: &str) -> Result<SystemUser<'a>, String> {
    let by_id = user
        .parse::<u64>()
        .ok()
        .and_then(|id| users.iter().find(|(address_id, _)| *address_id == id));
    let matches: Vec<&SystemUser> = match by_id {
        Some(u) => vec![u],
        None => users
            .iter()
            .filter(|(_, u)| u.name.trim().eq_ignore_ascii_case(user))
            .collect(),
    };
    let chosen = match matches.as_slice() {
        [one] => **one,
        [] => {
            return Err(format!(
                "--contact: kein Systembenutzer „{user}“ / no system user \"{user}\"; vorhanden / there: {}",
                users.iter().map(|(_, u)| u.name.as_str()).collect::<Vec<_>>().join(", ")
            ))
        }
        many => {
            return Err(format!(
                "--contact: „{user}“ ist mehrdeutig, bitte die Adress-Nr. nehmen / is ambiguous, please use the \
                 address id: {}",
                many.iter()
                    .map(|(address_id, u)| format!("{} = {address_id}", u.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    if chosen.1.findings.contains(&FindingKind::MailboxExternal) {
        return Err(format!(
            "--contact: „{}“ hat ein Postfach außerhalb von onOffice und kann nie Ansprechpartner für den \
             Vermietungsagenten sein / has a mailbox outside onOffice and can never be the rental agent's contact",
            chosen.1.name
        ));
    }
    Ok(chosen)
}
