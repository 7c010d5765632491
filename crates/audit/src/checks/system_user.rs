//! Rules per system user: its user ↔ address link, the Makler key, the default e-mail, the mailbox's kind and the
//! mail booking only a person can confirm. Each system user becomes one checklist row with its traffic light.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    finding, manual, wording, Check, CheckName, CheckState, Evaluation, Light, SystemUserRow,
};
use crate::finding::{FindingKind, FixKind, Resolution};
use crate::mailbox::MailboxKind;
use crate::settings::Settings;
use crate::snapshot::{AddressInfo, Snapshot, UserInfo};
use crate::subject::Subject;
use crate::text;
use crate::text::Text;

/// Which system user address belongs to which active user, and which of them are not ready yet.
pub(super) struct SystemUsers {
    /// Address id → user `Nr`.
    pub linked: BTreeMap<u64, u64>,
    /// Addresses with an open point a listing's contact person must not have.
    pub open: BTreeSet<u64>,
}

/// One system user's row while its rules run.
struct Draft {
    subject: Subject,
    checks: Vec<Check>,
    kinds: Vec<FindingKind>,
}

impl Draft {
    /// A finding about this system user: in its row and in the checklist's findings.
    fn raise(
        &mut self,
        out: &mut Evaluation,
        kind: FindingKind,
        label: &str,
        seen: Text,
        expected: Text,
        resolution: Resolution,
    ) {
        self.kinds.push(kind);
        out.findings.push(finding(
            kind,
            self.subject,
            label,
            seen,
            expected,
            resolution,
        ));
    }
}

/// Evaluates every system user; rows go to `out.users`, findings to `out.findings`.
pub(super) fn evaluate(
    snapshot: &Snapshot,
    settings: &dyn Settings,
    makler_key: &Option<String>,
    makler_label: &str,
    out: &mut Evaluation,
) -> SystemUsers {
    // Which system user address belongs to which active user.
    let mut linked: BTreeMap<u64, u64> = BTreeMap::new();
    let mut any_link: BTreeSet<u64> = BTreeSet::new();
    for u in snapshot.users.values() {
        if let Some(a) = u.address_id {
            any_link.insert(a);
            if u.active && snapshot.system_addresses.contains_key(&a) {
                linked.insert(a, u.nr);
            }
        }
    }
    let link_path = wording::link_path();

    for u in snapshot.users.values().filter(|u| u.active) {
        let has = u
            .address_id
            .is_some_and(|a| snapshot.system_addresses.contains_key(&a));
        if !has {
            let seen = match u.address_id {
                None => text!("Benutzer „{}“ ist mit keiner Adresse verknüpft.", "User \"{}\" is linked to no address.", u.username),
                Some(a) => text!(
                    "Benutzer „{}“ ist mit Adresse {a} verknüpft, die nicht die Kontaktart „Systembenutzer“ hat.",
                    "User \"{}\" is linked to address {a}, which lacks the contact type \"Systembenutzer\".", u.username),
            };
            out.findings.push(finding(
                FindingKind::UserAddressMissing,
                Subject::User(u.nr),
                &u.name,
                seen,
                Text::new(
                    "Jeder aktive Benutzer hat eine eigene Adresse mit der Kontaktart „Systembenutzer“.",
                    "Every active user has an own address with the contact type \"Systembenutzer\".",
                ),
                manual(link_path.clone(), Vec::new(), None),
            ));
            out.users.push(SystemUserRow {
                name: u.name.clone(),
                user_nr: Some(u.nr),
                address_id: None,
                email: None,
                mailbox: None,
                light: Light::Red,
                checks: vec![Check {
                    name: CheckName::Linked,
                    state: CheckState::Problem,
                    detail: wording::seen_short(&u.username),
                }],
                findings: vec![FindingKind::UserAddressMissing],
            });
        }
    }

    let mut open: BTreeSet<u64> = BTreeSet::new();
    for a in snapshot.system_addresses.values() {
        let Some(&nr) = linked.get(&a.id) else {
            if !any_link.contains(&a.id) {
                out.findings.push(finding(
                    FindingKind::AddressUserMissing,
                    Subject::Address(a.id),
                    &a.name,
                    text!(
                        "Die Adresse „{}“ hat die Kontaktart „Systembenutzer“, aber kein Benutzer ist mit ihr verknüpft.",
                        "The address \"{}\" has the contact type \"Systembenutzer\", but no user is linked to it.", a.name),
                    Text::new(
                        "Jede Systembenutzer-Adresse gehört zu genau einem Benutzer.",
                        "Every system user address belongs to exactly one user.",
                    ),
                    manual(
                        link_path.clone(),
                        vec![Text::new(
                            "Ist die Person nicht mehr im Unternehmen, die Kontaktart „Systembenutzer“ in der Adresse entfernen.",
                            "If the person has left, remove the contact type \"Systembenutzer\" from the address.",
                        )],
                        None,
                    ),
                ));
                out.users.push(SystemUserRow {
                    name: a.name.clone(),
                    user_nr: None,
                    address_id: Some(a.id),
                    email: a.default_email.clone(),
                    mailbox: None,
                    light: Light::Yellow,
                    checks: vec![Check {
                        name: CheckName::Linked,
                        state: CheckState::Problem,
                        detail: Text::new("Kein Benutzer verknüpft", "No user linked"),
                    }],
                    findings: vec![FindingKind::AddressUserMissing],
                });
            }
            continue;
        };
        let user = &snapshot.users[&nr];
        let mut row = Draft {
            subject: Subject::Address(a.id),
            kinds: Vec::new(),
            checks: Vec::new(),
        };
        row.checks.push(Check {
            name: CheckName::Linked,
            state: CheckState::Ok,
            detail: text!(
                "Verknüpft mit Benutzer „{}“",
                "Linked to user \"{}\"",
                user.username
            ),
        });
        makler(a, makler_key, makler_label, &mut row, out);
        let mailbox = mail(a, user, snapshot, settings, &mut row, out);
        let Draft { kinds, checks, .. } = row;
        if kinds.iter().any(|k| {
            matches!(
                k,
                FindingKind::NotMakler | FindingKind::NoEmail | FindingKind::MailboxExternal
            )
        }) {
            open.insert(a.id);
        }
        let light = if open.contains(&a.id) {
            Light::Red
        } else if kinds.is_empty() {
            Light::Green
        } else {
            Light::Yellow
        };
        out.users.push(SystemUserRow {
            name: a.name.clone(),
            user_nr: Some(nr),
            address_id: Some(a.id),
            email: a.default_email.clone(),
            mailbox,
            light,
            checks,
            findings: kinds,
        });
    }
    SystemUsers { linked, open }
}

/// `user.not_makler`: the address lacks the Makler key.
fn makler(
    a: &AddressInfo,
    makler_key: &Option<String>,
    makler_label: &str,
    row: &mut Draft,
    out: &mut Evaluation,
) {
    match &makler_key {
        Some(key) if !a.contact_types.iter().any(|k| k == key) => {
            let have: Vec<&str> = a.contact_types.iter().map(String::as_str).collect();
            row.raise(
                out,
                FindingKind::NotMakler,
                &a.name,
                text!(
                    "Kontaktart: {}. „{makler_label}“ fehlt, daher wird die Adresse nicht an die Portale übertragen.",
                    "Contact type: {}. \"{makler_label}\" is missing, so the address is not sent to the portals.", have.join(", ")),
                text!(
                    "Kontaktart enthält „{makler_label}“ (alle anderen Werte bleiben).",
                    "Contact type includes \"{makler_label}\" (all other values stay)."
                ),
                Resolution::Fix { fix: FixKind::AddMaklerKey },
            );
            row.checks.push(Check {
                name: CheckName::Makler,
                state: CheckState::Problem,
                detail: text!("„{makler_label}“ fehlt", "\"{makler_label}\" missing"),
            });
        }
        Some(_) => row.checks.push(Check {
            name: CheckName::Makler,
            state: CheckState::Ok,
            detail: text!("„{makler_label}“ gesetzt", "\"{makler_label}\" set"),
        }),
        None => row.checks.push(Check {
            name: CheckName::Makler,
            state: CheckState::Unknown,
            detail: Text::new(
                "Makler-Wert noch nicht bekannt",
                "Broker value not known yet",
            ),
        }),
    }
}

/// `user.no_email`, `user.mailbox_external`, `user.mail_booking_unconfirmed`: the default e-mail, the kind of its
/// mailbox, and the blue tick only a person can confirm. Returns the mailbox's kind.
fn mail(
    a: &AddressInfo,
    user: &UserInfo,
    snapshot: &Snapshot,
    settings: &dyn Settings,
    row: &mut Draft,
    out: &mut Evaluation,
) -> Option<MailboxKind> {
    let mut mailbox = None;
    match &a.default_email {
        None => {
            let suggestion = if user.email.contains('@') {
                text!(
                    " Vorschlag: {} (E-Mail des Benutzers).",
                    " Suggestion: {} (the user's e-mail).",
                    user.email
                )
            } else {
                Text::default()
            };
            row.raise(
                out,
                FindingKind::NoEmail,
                &a.name,
                Text::new(
                    format!(
                        "Die Adresse hat keine Standard-E-Mail-Adresse.{}",
                        suggestion.de
                    ),
                    format!(
                        "The address has no default e-mail address.{}",
                        suggestion.en
                    ),
                ),
                Text::new(
                    "Eine Standard-E-Mail-Adresse, deren Postfach automatisch verbucht wird.",
                    "A default e-mail address whose mailbox is booked automatically.",
                ),
                Resolution::Fix {
                    fix: FixKind::AddDefaultEmail,
                },
            );
            row.checks.push(Check {
                name: CheckName::Email,
                state: CheckState::Problem,
                detail: Text::new("Keine Standard-E-Mail", "No default e-mail"),
            });
            row.checks.push(Check {
                name: CheckName::Mailbox,
                state: CheckState::Unknown,
                detail: Text::new("Keine E-Mail", "No e-mail"),
            });
            row.checks.push(Check {
                name: CheckName::Booking,
                state: CheckState::Unknown,
                detail: Text::new("Keine E-Mail", "No e-mail"),
            });
        }
        Some(email) => {
            row.checks.push(Check {
                name: CheckName::Email,
                state: CheckState::Ok,
                detail: text!("{email}", "{email}"),
            });
            let kind = snapshot.mailbox_of(email).cloned();
            let mailbox_check = match &kind {
                Some(MailboxKind::External { provider }) => {
                    row.raise(
                        out,
                        FindingKind::MailboxExternal,
                        &a.name,
                        text!(
                            "{email} liegt bei {provider}. Für Postfächer außerhalb von Microsoft und onOffice lässt sich die automatische Mailverbuchung nicht aktivieren.",
                            "{email} is hosted by {provider}. Automatic mail booking cannot be enabled for mailboxes outside Microsoft and onOffice."
                        ),
                        Text::new(
                            "Ein Microsoft-365-Postfach oder ein onOffice-eigenes Postfach (z. B. vermietung@ihre-domain.de).",
                            "A Microsoft 365 mailbox or an onOffice mailbox (e.g. vermietung@your-domain.de).",
                        ),
                        manual(
                            Text::new("onOffice-Support: onOffice-eigenes Postfach einrichten lassen", "onOffice support: have an onOffice mailbox set up"),
                            vec![
                                Text::new("Den Support bitten, ein onOffice-Postfach (z. B. vermietung@ihre-domain.de) einzurichten und die Mailverbuchung zu aktivieren.", "Ask support to set up an onOffice mailbox (e.g. vermietung@your-domain.de) with mail booking."),
                                Text::new("Danach diese E-Mail-Adresse als Standard-E-Mail in der Systembenutzer-Adresse eintragen.", "Then enter that e-mail address as the default e-mail of the system user address."),
                            ],
                            Some(wording::external_mailbox_mail(email, provider)),
                        ),
                    );
                    Check {
                        name: CheckName::Mailbox,
                        state: CheckState::Problem,
                        detail: text!("Extern: {provider}", "External: {provider}"),
                    }
                }
                Some(MailboxKind::Microsoft365) => Check {
                    name: CheckName::Mailbox,
                    state: CheckState::Ok,
                    detail: Text::new("Microsoft 365", "Microsoft 365"),
                },
                Some(MailboxKind::OnOffice) => Check {
                    name: CheckName::Mailbox,
                    state: CheckState::Ok,
                    detail: Text::new("onOffice-Postfach", "onOffice mailbox"),
                },
                Some(MailboxKind::Unknown { .. }) => Check {
                    name: CheckName::Mailbox,
                    state: CheckState::Unknown,
                    detail: Text::new("Unbekannter Mailserver", "Unknown mail server"),
                },
                Some(MailboxKind::CouldNotCheck { .. }) | None => Check {
                    name: CheckName::Mailbox,
                    state: CheckState::Unknown,
                    detail: Text::new("Konnte nicht geprüft werden", "Could not be checked"),
                },
            };
            row.checks.push(mailbox_check);
            let external = matches!(kind, Some(MailboxKind::External { .. }));
            mailbox = kind;
            match settings.mail_booking_confirmed(email) {
                // An external mailbox never gets mail booking: nothing to confirm; its own finding says what
                // to do instead (an onOffice mailbox through support).
                _ if external => row.checks.push(Check {
                    name: CheckName::Booking,
                    state: CheckState::Problem,
                    detail: Text::new(
                        "Bei externem Postfach nicht möglich",
                        "Not possible with an external mailbox",
                    ),
                }),
                Some(date) => row.checks.push(Check {
                    name: CheckName::Booking,
                    state: CheckState::Ok,
                    detail: text!(
                        "Blauer Haken bestätigt am {date}",
                        "Blue tick confirmed on {date}"
                    ),
                }),
                None => {
                    row.raise(
                        out,
                        FindingKind::MailBookingUnconfirmed,
                        &a.name,
                        text!(
                            "Ob für {email} die automatische Mailverbuchung aktiv ist, lässt sich über die Schnittstelle nicht lesen.",
                            "Whether automatic mail booking is on for {email} cannot be read through the API."
                        ),
                        Text::new("Blauer Haken beim Postfach gesetzt und hier bestätigt.", "Blue tick set for the mailbox and confirmed here."),
                        manual(
                            wording::booking_click_path(email),
                            vec![
                                Text::new("Ist der Haken gesetzt, hier „Haken ist gesetzt“ wählen.", "If the tick is set, choose \"Tick is set\" here."),
                                Text::new("Lässt er sich nicht setzen, fehlt meist freies Kontingent: dann den vertrieblichen Ansprechpartner bei onOffice fragen.", "If it cannot be set, the quota is usually used up: ask your onOffice sales contact."),
                            ],
                            Some(wording::quota_mail(email)),
                        ),
                    );
                    row.checks.push(Check {
                        name: CheckName::Booking,
                        state: CheckState::Manual,
                        detail: Text::new("Bitte bestätigen", "Please confirm"),
                    });
                }
            }
        }
    }
    mailbox
}
