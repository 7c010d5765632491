//! `--contact LISTING=USER` of `oo-check fix`: the contact person chosen for a listing that waits for a choice,
//! matched against the checklist's listings and system users.

use audit::{FindingKind, PlanChoices};

/// `--contact LISTING=USER` against the checklist: the listing by external number (or record id) among the listings
/// with a finding, the user by name (or address id) among the system users; anything unclear is refused with the
/// candidates.
pub fn contact_choices(
    report: &audit::AuditReport,
    given: &[String],
) -> Result<PlanChoices, String> {
    let mut choices = PlanChoices::default();
    for g in given {
        let (listing, user) = g.split_once('=').ok_or_else(|| {
            format!("--contact {g}: erwartet / expected OBJEKTNR=BENUTZER, z. B. / e.g. M-10000=\"Anna Berg\"")
        })?;
        let (listing, user) = (listing.trim(), user.trim().trim_matches('"'));
        let row = report
            .listings
            .iter()
            .find(|r| r.external_no.eq_ignore_ascii_case(listing) || r.estate_id.to_string() == listing)
            .ok_or_else(|| {
                format!(
                    "--contact: kein Objekt „{listing}“ unter den Objekten mit Befund / no listing \"{listing}\" among \
                     the listings with a finding ({})",
                    report.listings.iter().take(8).map(|r| r.external_no.as_str()).collect::<Vec<_>>().join(", ")
                )
            })?;
        let users: Vec<&audit::SystemUserRow> = report
            .users
            .iter()
            .filter(|u| u.address_id.is_some())
            .collect();
        let by_id = user
            .parse::<u64>()
            .ok()
            .and_then(|id| users.iter().find(|u| u.address_id == Some(id)));
        let matches: Vec<&&audit::SystemUserRow> = match by_id {
            Some(u) => vec![u],
            None => users
                .iter()
                .filter(|u| u.name.trim().eq_ignore_ascii_case(user))
                .collect(),
        };
        let chosen = match matches.as_slice() {
            [one] => one,
            [] => {
                return Err(format!(
                    "--contact: kein Systembenutzer „{user}“ / no system user \"{user}\"; vorhanden / there: {}",
                    users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
                ))
            }
            many => {
                return Err(format!(
                    "--contact: „{user}“ ist mehrdeutig, bitte die Adress-Nr. nehmen / is ambiguous, please use the \
                     address id: {}",
                    many.iter()
                        .map(|u| format!("{} = {}", u.name, u.address_id.unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        };
        if chosen.findings.contains(&FindingKind::MailboxExternal) {
            return Err(format!(
                "--contact: „{}“ hat ein Postfach außerhalb von onOffice und kann nie Ansprechpartner für den \
                 Vermietungsagenten sein / has a mailbox outside onOffice and can never be the rental agent's contact",
                chosen.name
            ));
        }
        choices
            .contacts
            .insert(row.estate_id, chosen.address_id.expect("filtered"));
    }
    Ok(choices)
}
