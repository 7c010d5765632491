//! The checks of the product spec as a pure function of a snapshot: findings with evidence and resolution, plus one
//! checklist row per system user and per rental listing. No I/O here, so every rule is easy to test.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::finding::*;
use crate::mailbox::MailboxKind;
use crate::settings::Settings;
use crate::snapshot::{MaklerKey, Snapshot, SYSTEM_USER_KEY};
use crate::text;
use crate::text::Text;

/// Traffic light of a checklist row.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

/// State of one of the five checks of a system user.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Ok,
    Problem,
    /// Could not be checked (DNS failure, unknown Makler key, ...).
    Unknown,
    /// Only a person can confirm it.
    Manual,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub state: CheckState,
    pub detail: Text,
}

/// One row of the system user checklist.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemUserRow {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub user_nr: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub address_id: Option<u64>,
    pub email: Option<String>,
    pub mailbox: Option<MailboxKind>,
    pub light: Light,
    pub checks: Vec<Check>,
    pub findings: Vec<FindingKind>,
}

/// One rental listing with a contact person problem (or a pending transfer).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingRow {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub estate_id: u64,
    pub title: String,
    pub external_no: String,
    pub city: String,
    pub officer: Option<String>,
    /// The first broker: the contact person the portals get.
    pub first_contact: Option<String>,
    /// Its address, to go to that system user from the listing.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub first_contact_id: Option<u64>,
    /// Contact persons in front of the first broker (or all, without one) that are no brokers: the portals skip them.
    pub skipped_contacts: Vec<String>,
    pub findings: Vec<FindingKind>,
}

/// The result of evaluating a snapshot.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub users: Vec<SystemUserRow>,
    pub listings: Vec<ListingRow>,
}

fn manual(click_path: Text, steps: Vec<Text>, support: Option<SupportMail>) -> Resolution {
    Resolution::Manual {
        click_path,
        steps,
        support,
        help_url: Some(HELP_ARTICLE.to_string()),
    }
}

fn finding(
    kind: FindingKind,
    subject: String,
    label: &str,
    seen: Text,
    expected: Text,
    resolution: Resolution,
) -> Finding {
    Finding {
        kind,
        subject,
        subject_label: label.to_string(),
        severity: kind.severity(),
        title: kind.title(),
        seen,
        expected,
        resolution,
    }
}

fn external_mailbox_mail(email: &str, provider: &str) -> SupportMail {
    let domain = email.rsplit('@').next().unwrap_or("");
    SupportMail {
        to: ONOFFICE_SUPPORT.to_string(),
        subject: "Bitte onOffice-Postfach für den Vermietungsagenten einrichten".into(),
        body: format!(
            "Guten Tag,\n\nunsere E-Mail-Adresse {email} liegt bei {provider} (kein Microsoft-Postfach). Dafür lässt sich die \
automatische Mailverbuchung nicht aktivieren.\n\nBitte richten Sie uns ein onOffice-eigenes Postfach ein \
(z. B. vermietung@{domain}) und aktivieren Sie dafür die automatische Mailverbuchung.\n\nVielen Dank\n"
        ),
    }
}

pub fn quota_mail(email: &str) -> SupportMail {
    SupportMail {
        to: String::new(),
        subject: "Kontingent für die automatische Mailverbuchung".into(),
        body: format!(
            "Guten Tag,\n\nwir möchten für das Postfach {email} die automatische Mailverbuchung aktivieren, haben aber \
kein freies Kontingent mehr. Bitte senden Sie uns ein Angebot für ein weiteres Postfach im Kontingent.\n\nVielen Dank\n"
        ),
    }
}

fn booking_click_path(email: &str) -> Text {
    text!(
        "Extras > Einstellungen > Grundeinstellungen > Reiter „E-Mail“ > Postfach {email} > kleiner blauer Haken",
        "Extras > Settings > Basic settings > tab \"E-Mail\" > mailbox {email} > small blue tick"
    )
}

/// Evaluates every check. `pending_transfers` are the listings a fix touched that the person has not ticked off.
pub fn evaluate(
    snapshot: &Snapshot,
    settings: &dyn Settings,
    pending_transfers: &BTreeSet<u64>,
) -> Evaluation {
    let mut out = Evaluation::default();
    let makler = snapshot.makler.clone().unwrap_or(MaklerKey::Missing {
        candidates: Vec::new(),
    });
    let makler_key = makler.key().map(str::to_owned);
    let makler_label = makler.label().unwrap_or("Makler").to_string();

    if let MaklerKey::Missing { candidates } = &makler {
        let names: Vec<String> = candidates
            .iter()
            .map(|c| format!("„{}“", c.label))
            .collect();
        let (seen, steps) = if candidates.is_empty() {
            (
                Text::new(
                    "In der Kontaktart gibt es keinen Wert „Makler“ und keinen, der danach klingt.",
                    "The contact type has no value \"Makler\" and none that sounds like it.",
                ),
                vec![Text::new(
                    "Bitte den onOffice-Support bitten, die Kontaktart „Makler“ wiederherzustellen.",
                    "Please ask onOffice support to restore the contact type \"Makler\".",
                )],
            )
        } else {
            (
                text!(
                    "Kein Wert mit dem Schlüssel „Makler“. Möglicherweise umbenannt: {}.",
                    "No value with the key \"Makler\". Possibly renamed: {}.", names.join(", ")),
                vec![Text::new(
                    "In der App den Wert wählen, der bei Ihnen für Makler steht; im Zweifel den Support fragen.",
                    "Pick the value that stands for brokers in your account in the app; if in doubt, ask support.",
                )],
            )
        };
        out.findings.push(finding(
            FindingKind::MaklerKeyMissing,
            "account".into(),
            "onOffice",
            seen,
            Text::new("Die Kontaktart „Makler“ ist vorhanden.", "The contact type \"Makler\" exists."),
            manual(
                Text::new(
                    "Extras > Einstellungen > Administration > Mehrfachauswahl-Felder > Kontaktart",
                    "Extras > Settings > Administration > multiselect fields > Kontaktart",
                ),
                steps,
                Some(SupportMail {
                    to: ONOFFICE_SUPPORT.into(),
                    subject: "Kontaktart „Makler“ fehlt".into(),
                    body: "Guten Tag,\n\nin unserer Kontaktart (Feld ArtDaten) finden wir den Wert „Makler“ nicht. \
Bitte prüfen Sie, ob er umbenannt oder entfernt wurde, und stellen Sie ihn wieder her.\n\nVielen Dank\n"
                        .into(),
                }),
            ),
        ));
    }

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
    let link_path = Text::new(
        "Extras > Einstellungen > Benutzer > (Benutzer öffnen) > Grunddaten > Adressdatensatz über das Pfeil-Symbol verknüpfen",
        "Extras > Settings > Users > (open the user) > Basic data > link the address record with the arrow symbol",
    );

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
                format!("user:{}", u.nr),
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
                    name: "linked".into(),
                    state: CheckState::Problem,
                    detail: seen_short(&u.username),
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
                    format!("address:{}", a.id),
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
                        name: "linked".into(),
                        state: CheckState::Problem,
                        detail: Text::new("Kein Benutzer verknüpft", "No user linked"),
                    }],
                    findings: vec![FindingKind::AddressUserMissing],
                });
            }
            continue;
        };
        let user = &snapshot.users[&nr];
        let subject = format!("address:{}", a.id);
        let mut kinds = Vec::new();
        let mut checks = vec![Check {
            name: "linked".into(),
            state: CheckState::Ok,
            detail: text!(
                "Verknüpft mit Benutzer „{}“",
                "Linked to user \"{}\"",
                user.username
            ),
        }];
        match &makler_key {
            Some(key) if !a.contact_types.iter().any(|k| k == key) => {
                kinds.push(FindingKind::NotMakler);
                let have: Vec<&str> = a.contact_types.iter().map(String::as_str).collect();
                out.findings.push(finding(
                    FindingKind::NotMakler,
                    subject.clone(),
                    &a.name,
                    text!(
                        "Kontaktart: {}. „{makler_label}“ fehlt, daher wird die Adresse nicht an die Portale übertragen.",
                        "Contact type: {}. \"{makler_label}\" is missing, so the address is not sent to the portals.", have.join(", ")),
                    text!(
                        "Kontaktart enthält „{makler_label}“ (alle anderen Werte bleiben).",
                        "Contact type includes \"{makler_label}\" (all other values stay)."
                    ),
                    Resolution::Fix { fix: FixKind::AddMaklerKey },
                ));
                checks.push(Check {
                    name: "makler".into(),
                    state: CheckState::Problem,
                    detail: text!("„{makler_label}“ fehlt", "\"{makler_label}\" missing"),
                });
            }
            Some(_) => checks.push(Check {
                name: "makler".into(),
                state: CheckState::Ok,
                detail: text!("„{makler_label}“ gesetzt", "\"{makler_label}\" set"),
            }),
            None => checks.push(Check {
                name: "makler".into(),
                state: CheckState::Unknown,
                detail: Text::new(
                    "Makler-Wert noch nicht bekannt",
                    "Broker value not known yet",
                ),
            }),
        }
        let mut mailbox = None;
        match &a.default_email {
            None => {
                kinds.push(FindingKind::NoEmail);
                let suggestion = if user.email.contains('@') {
                    text!(
                        " Vorschlag: {} (E-Mail des Benutzers).",
                        " Suggestion: {} (the user's e-mail).",
                        user.email
                    )
                } else {
                    Text::default()
                };
                out.findings.push(finding(
                    FindingKind::NoEmail,
                    subject.clone(),
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
                ));
                checks.push(Check {
                    name: "email".into(),
                    state: CheckState::Problem,
                    detail: Text::new("Keine Standard-E-Mail", "No default e-mail"),
                });
                checks.push(Check {
                    name: "mailbox".into(),
                    state: CheckState::Unknown,
                    detail: Text::new("Keine E-Mail", "No e-mail"),
                });
                checks.push(Check {
                    name: "booking".into(),
                    state: CheckState::Unknown,
                    detail: Text::new("Keine E-Mail", "No e-mail"),
                });
            }
            Some(email) => {
                checks.push(Check {
                    name: "email".into(),
                    state: CheckState::Ok,
                    detail: text!("{email}", "{email}"),
                });
                let kind = snapshot.mailbox_of(email).cloned();
                let mailbox_check = match &kind {
                    Some(MailboxKind::External { provider }) => {
                        kinds.push(FindingKind::MailboxExternal);
                        out.findings.push(finding(
                            FindingKind::MailboxExternal,
                            subject.clone(),
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
                                Some(external_mailbox_mail(email, provider)),
                            ),
                        ));
                        Check {
                            name: "mailbox".into(),
                            state: CheckState::Problem,
                            detail: text!("Extern: {provider}", "External: {provider}"),
                        }
                    }
                    Some(MailboxKind::Microsoft365) => Check {
                        name: "mailbox".into(),
                        state: CheckState::Ok,
                        detail: Text::new("Microsoft 365", "Microsoft 365"),
                    },
                    Some(MailboxKind::OnOffice) => Check {
                        name: "mailbox".into(),
                        state: CheckState::Ok,
                        detail: Text::new("onOffice-Postfach", "onOffice mailbox"),
                    },
                    Some(MailboxKind::Unknown { .. }) => Check {
                        name: "mailbox".into(),
                        state: CheckState::Unknown,
                        detail: Text::new("Unbekannter Mailserver", "Unknown mail server"),
                    },
                    Some(MailboxKind::CouldNotCheck { .. }) | None => Check {
                        name: "mailbox".into(),
                        state: CheckState::Unknown,
                        detail: Text::new("Konnte nicht geprüft werden", "Could not be checked"),
                    },
                };
                checks.push(mailbox_check);
                let external = matches!(kind, Some(MailboxKind::External { .. }));
                mailbox = kind;
                match settings.mail_booking_confirmed(email) {
                    // An external mailbox never gets mail booking: nothing to confirm; its own finding says what
                    // to do instead (an onOffice mailbox through support).
                    _ if external => checks.push(Check {
                        name: "booking".into(),
                        state: CheckState::Problem,
                        detail: Text::new(
                            "Bei externem Postfach nicht möglich",
                            "Not possible with an external mailbox",
                        ),
                    }),
                    Some(date) => checks.push(Check {
                        name: "booking".into(),
                        state: CheckState::Ok,
                        detail: text!(
                            "Blauer Haken bestätigt am {date}",
                            "Blue tick confirmed on {date}"
                        ),
                    }),
                    None => {
                        kinds.push(FindingKind::MailBookingUnconfirmed);
                        out.findings.push(finding(
                            FindingKind::MailBookingUnconfirmed,
                            subject.clone(),
                            &a.name,
                            text!(
                                "Ob für {email} die automatische Mailverbuchung aktiv ist, lässt sich über die Schnittstelle nicht lesen.",
                                "Whether automatic mail booking is on for {email} cannot be read through the API."
                            ),
                            Text::new("Blauer Haken beim Postfach gesetzt und hier bestätigt.", "Blue tick set for the mailbox and confirmed here."),
                            manual(
                                booking_click_path(email),
                                vec![
                                    Text::new("Ist der Haken gesetzt, hier „Haken ist gesetzt“ wählen.", "If the tick is set, choose \"Tick is set\" here."),
                                    Text::new("Lässt er sich nicht setzen, fehlt meist freies Kontingent: dann den vertrieblichen Ansprechpartner bei onOffice fragen.", "If it cannot be set, the quota is usually used up: ask your onOffice sales contact."),
                                ],
                                Some(quota_mail(email)),
                            ),
                        ));
                        checks.push(Check {
                            name: "booking".into(),
                            state: CheckState::Manual,
                            detail: Text::new("Bitte bestätigen", "Please confirm"),
                        });
                    }
                }
            }
        }
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

    let user_name = |nr: u64| snapshot.users.get(&nr).map(|u| u.name.clone());
    for r in snapshot.rentals.values() {
        let subject = format!("estate:{}", r.id);
        let label = if r.external_no.is_empty() {
            r.title.clone()
        } else {
            format!("{} ({})", r.title, r.external_no)
        };
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
                    subject.clone(),
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
            Some(first) if !linked.contains_key(&first) => {
                kinds.push(FindingKind::ContactNotSystemUser);
                let name = first_name.clone().unwrap_or_default();
                out.findings.push(finding(
                    FindingKind::ContactNotSystemUser,
                    subject.clone(),
                    &label,
                    Text::new(
                        format!("Erster Makler-Ansprechpartner ist „{name}“, keine Systembenutzer-Adresse. Portale erhalten nur den ersten.{}", skipped_note.de),
                        format!("The first broker contact person is \"{name}\", not a system user address. Portals only get the first.{}", skipped_note.en),
                    ),
                    assign_expected.clone(),
                    Resolution::Fix { fix: FixKind::AssignContactPerson },
                ));
            }
            Some(first) if open.contains(&first) => {
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
                            .filter_map(|k| match k {
                                FindingKind::NotMakler => Some((
                                    "Kontaktart „Makler“ fehlt",
                                    "contact type \"Makler\" missing",
                                )),
                                FindingKind::NoEmail => {
                                    Some(("keine E-Mail-Adresse", "no e-mail address"))
                                }
                                FindingKind::MailboxExternal => {
                                    Some(("externes Postfach", "external mailbox"))
                                }
                                _ => None,
                            })
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
                    subject.clone(),
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
    for estate in pending_transfers {
        let label = snapshot
            .rentals
            .get(estate)
            .map(|r| {
                if r.external_no.is_empty() {
                    r.title.clone()
                } else {
                    format!("{} ({})", r.title, r.external_no)
                }
            })
            .unwrap_or_else(|| format!("Objekt {estate}"));
        out.findings.push(finding(
            FindingKind::PortalTransferPending,
            format!("estate:{estate}"),
            &label,
            Text::new("Der Ansprechpartner oder seine E-Mail wurde geändert; die Portale kennen noch den alten Stand.", "The contact person or its e-mail changed; the portals still have the old state."),
            Text::new("Das Objekt wurde neu an die Portale übertragen.", "The listing was re-transferred to the portals."),
            manual(
                Text::new("Objekt öffnen > Reiter „Vermarktung“ > „Objekte aktualisieren“", "Open the listing > tab \"Vermarktung\" > \"Objekte aktualisieren\""),
                vec![Text::new("Danach hier abhaken.", "Then tick it off here.")],
                None,
            ),
        ));
    }
    let _ = SYSTEM_USER_KEY;
    out.findings
        .sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
    out
}

fn seen_short(username: &str) -> Text {
    text!(
        "Benutzer „{username}“ ohne Adresse",
        "User \"{username}\" without address"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::MemorySettings;
    use crate::snapshot::{AddressInfo, UserInfo};

    fn snapshot(kind: MailboxKind) -> Snapshot {
        let mut s = Snapshot {
            makler: Some(MaklerKey::Found {
                key: "Makler".into(),
                label: "Makler".into(),
            }),
            ..Snapshot::default()
        };
        s.users.insert(
            7,
            UserInfo {
                nr: 7,
                username: "aweber".into(),
                name: "Anna Weber".into(),
                email: "anna@firma.de".into(),
                address_id: Some(100),
                status: "active".into(),
                active: true,
            },
        );
        s.system_addresses.insert(
            100,
            AddressInfo {
                id: 100,
                name: "Anna Weber".into(),
                contact_types: vec!["Systembenutzer".into(), "Makler".into()],
                default_email: Some("anna@firma.de".into()),
                emails: vec!["anna@firma.de".into()],
            },
        );
        s.mailboxes.insert("firma.de".into(), kind);
        s
    }

    #[test]
    fn dns_failure_is_shown_not_alarmed() {
        let settings = MemorySettings::default();
        let e = evaluate(
            &snapshot(MailboxKind::CouldNotCheck {
                reason: "timeout".into(),
            }),
            &settings,
            &BTreeSet::new(),
        );
        assert!(!e
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::MailboxExternal));
        let row = &e.users[0];
        let mailbox = row.checks.iter().find(|c| c.name == "mailbox").unwrap();
        assert_eq!(mailbox.state, CheckState::Unknown);
        assert_eq!(mailbox.detail.de, "Konnte nicht geprüft werden");
        // The same address on an external provider is a finding.
        let e = evaluate(
            &snapshot(MailboxKind::External {
                provider: "IONOS".into(),
            }),
            &settings,
            &BTreeSet::new(),
        );
        assert!(e
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::MailboxExternal && f.subject == "address:100"));
        assert_eq!(e.users[0].light, Light::Red);
    }

    #[test]
    fn a_listing_whose_first_broker_is_not_ready_names_the_open_point_and_the_user() {
        use crate::snapshot::RentalInfo;
        let settings = MemorySettings::default();
        let mut s = snapshot(MailboxKind::External {
            provider: "GMX".into(),
        });
        s.rentals.insert(
            1,
            RentalInfo {
                id: 1,
                title: "Objekt 1".into(),
                external_no: String::new(),
                city: "Köln".into(),
                officer: Some(7),
            },
        );
        s.contacts.insert(1, vec![100]);
        s.brokers.insert(1, vec![100]);
        let e = evaluate(&s, &settings, &BTreeSet::new());
        let f = e
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::ContactNotReady)
            .unwrap();
        assert!(
            f.seen.de.contains("ist nicht bereit: externes Postfach."),
            "{}",
            f.seen.de
        );
        assert!(
            f.seen.en.contains("is not ready: external mailbox."),
            "{}",
            f.seen.en
        );
        assert_eq!(e.listings[0].first_contact_id, Some(100));
    }

    #[test]
    fn the_first_broker_counts_and_skipped_contacts_are_named() {
        use crate::snapshot::RentalInfo;
        let settings = MemorySettings::default();
        settings.set_mail_booking_confirmed("anna@firma.de", Some("2026-11-27".into()));
        let mut s = snapshot(MailboxKind::Microsoft365);
        s.other_contacts.insert(
            200,
            AddressInfo {
                id: 200,
                name: "Erika Privat".into(),
                contact_types: vec!["Privatkontakt".into()],
                default_email: None,
                emails: vec![],
            },
        );
        for id in [1, 2, 3] {
            s.rentals.insert(
                id,
                RentalInfo {
                    id,
                    title: format!("Objekt {id}"),
                    external_no: String::new(),
                    city: "Köln".into(),
                    officer: Some(7),
                },
            );
        }
        // 1: a non-broker in front of a ready broker: the portals get the broker, no finding.
        s.contacts.insert(1, vec![200, 100]);
        s.brokers.insert(1, vec![100]);
        // 2: only a non-broker: nobody is sent, and the finding names who stands there.
        s.contacts.insert(2, vec![200]);
        s.brokers.insert(2, vec![]);
        // 3: nothing at all.
        let e = evaluate(&s, &settings, &BTreeSet::new());
        let subjects: Vec<(&str, FindingKind)> = e
            .findings
            .iter()
            .map(|f| (f.subject.as_str(), f.kind))
            .collect();
        assert_eq!(
            subjects,
            [
                ("estate:2", FindingKind::NoContact),
                ("estate:3", FindingKind::NoContact)
            ]
        );
        let two = &e.findings[0];
        assert!(two.seen.de.contains("„Erika Privat“"), "{}", two.seen.de);
        assert!(
            two.seen.de.contains("niemand an die Portale"),
            "{}",
            two.seen.de
        );
        assert!(!e.findings[1].seen.de.contains("Eingetragen"));
        let row = e.listings.iter().find(|l| l.estate_id == 2).unwrap();
        assert_eq!(row.skipped_contacts, ["Erika Privat"]);
        assert_eq!(row.first_contact, None);
        assert!(!e.listings.iter().any(|l| l.estate_id == 1));
    }

    #[test]
    fn an_external_mailbox_is_not_asked_for_a_blue_tick() {
        let settings = MemorySettings::default();
        let e = evaluate(
            &snapshot(MailboxKind::External {
                provider: "GMX".into(),
            }),
            &settings,
            &BTreeSet::new(),
        );
        let kinds: Vec<FindingKind> = e.findings.iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&FindingKind::MailboxExternal), "{kinds:?}");
        assert!(
            !kinds.contains(&FindingKind::MailBookingUnconfirmed),
            "{kinds:?}"
        );
        let booking = e.users[0]
            .checks
            .iter()
            .find(|c| c.name == "booking")
            .unwrap();
        assert_eq!(booking.state, CheckState::Problem);
        assert!(
            booking.detail.de.contains("extern"),
            "{}",
            booking.detail.de
        );
    }

    #[test]
    fn confirmed_blue_tick_turns_the_row_green() {
        let settings = MemorySettings::default();
        let s = snapshot(MailboxKind::Microsoft365);
        assert_eq!(
            evaluate(&s, &settings, &BTreeSet::new()).users[0].light,
            Light::Yellow
        );
        settings.set_mail_booking_confirmed("Anna@Firma.de", Some("2026-11-27".into()));
        let e = evaluate(&s, &settings, &BTreeSet::new());
        assert_eq!(e.users[0].light, Light::Green);
        assert!(e.findings.is_empty());
    }
}
