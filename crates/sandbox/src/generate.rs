//! Builds a realistic, deterministic account from a seed and sizes, and plants every detectable finding kind of the
//! product spec at known subjects. The planted list is the ground truth the audit is tested against.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::dns::{MailHost, MailHostKind};
use crate::model::*;

/// A finding the generator planted: `kind` and `subject` as in product.md.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Planted {
    pub kind: String,
    pub subject: String,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenConfig {
    pub seed: u64,
    pub users: usize,
    pub estates: usize,
    /// Derived from the seed when not given: seed % 5 == 3 renamed, == 4 missing, == 2 customer key.
    pub makler_variant: Option<MaklerVariant>,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 1,
            users: 20,
            estates: 200,
            makler_variant: None,
        }
    }
}

/// A generated account with its mail domains and the planted findings.
pub struct Generated {
    pub account: Account,
    pub mail_hosts: BTreeMap<String, MailHost>,
    pub planted: Vec<Planted>,
    /// The findings once the person has picked the broker value (differs from `planted` only for
    /// [`MaklerVariant::CustomKey`]).
    pub planted_after_choice: Vec<Planted>,
}

/// splitmix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Lukas",
    "Sophie",
    "Jonas",
    "Marie",
    "Felix",
    "Laura",
    "Maximilian",
    "Lea",
    "Paul",
    "Hannah",
    "Leon",
    "Julia",
    "Tobias",
    "Katharina",
    "Florian",
    "Sabine",
    "Thomas",
    "Claudia",
    "Stefan",
    "Birgit",
    "Andreas",
    "Jörg",
    "Ute",
    "Björn",
    "Jürgen",
    "Sören",
    "Käthe",
    "Özlem",
    "Mehmet",
    "Elif",
    "Dominik",
    "Franziska",
    "Christian",
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Köhler",
    "Yılmaz",
    "Weiß",
];
const CITIES: &[(&str, &str)] = &[
    ("Berlin", "10115"),
    ("Hamburg", "20095"),
    ("München", "80331"),
    ("Köln", "50667"),
    ("Frankfurt am Main", "60311"),
    ("Düsseldorf", "40213"),
    ("Leipzig", "04109"),
    ("Dortmund", "44135"),
    ("Paderborn", "33098"),
    ("Münster", "48143"),
    ("Aachen", "52062"),
    ("Würzburg", "97070"),
];
const STREETS: &[&str] = &[
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Lindenallee",
    "Schillerstraße",
    "Goethestraße",
    "Am Markt",
    "Kirchplatz",
    "Mühlenweg",
    "Rosenstraße",
];
const AGENCIES: &[(&str, &str)] = &[
    (
        "Müller & Partner Immobilien GmbH",
        "mueller-partner-immobilien.de",
    ),
    ("Rhein-Ruhr Wohnen GmbH", "rhein-ruhr-wohnen.de"),
    ("Hanse Immobilienkontor", "hanse-immokontor.de"),
    ("Isar Wohnwerte GmbH", "isar-wohnwerte.de"),
    ("Sommer Immobilien e.K.", "sommer-immobilien.de"),
    ("Westfalen Hausverwaltung & Makler", "westfalen-hv.de"),
];
const OTHER_TYPES: &[&str] = &[
    "Kunde",
    "Newsletter-Empfänger",
    "Tippgeber",
    "Kooperationspartner",
];
const FREE_MAIL: &[&str] = &["gmx.de", "web.de", "gmail.com", "t-online.de"];
/// Remarks people type next to an e-mail address (`…__Comment`); some look like addresses themselves.
const EMAIL_COMMENTS: &[&str] = &[
    "",
    "",
    "",
    "Zentrale",
    "nur werktags",
    "bitte nicht für Newsletter",
    "früher: kontakt@alte-firma.de",
    "Mailbemerkung",
    "privat, nur im Notfall",
];

/// onOffice's German umlauts turned into e-mail-safe letters.
pub fn mail_local(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'ı' => out.push('i'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

fn initial(s: &str) -> String {
    s.chars().next().map(String::from).unwrap_or_default()
}

/// What a system user's address is planted with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum UserCase {
    Deactivated,
    NoAddress,
    NotMakler,
    NoEmail,
    OnlyNonDefaultEmail,
    FreeMail,
    ExternalDomain,
    UnknownDomain,
    Fine,
}

pub fn generate(cfg: &GenConfig) -> Generated {
    let mut rng = Rng::new(cfg.seed);
    let variant = cfg.makler_variant.unwrap_or(match cfg.seed % 5 {
        2 => MaklerVariant::CustomKey,
        3 => MaklerVariant::Renamed,
        4 => MaklerVariant::Missing,
        _ => MaklerVariant::Standard,
    });
    let (agency, domain) = *rng.pick(AGENCIES);
    let primary_kind = if rng.chance(0.25) {
        MailHostKind::OnOffice
    } else {
        MailHostKind::Microsoft365
    };
    let external_domain = format!("{}-verwaltung.de", domain.trim_end_matches(".de"));
    let external_kind = *rng.pick(&[
        MailHostKind::Ionos,
        MailHostKind::Strato,
        MailHostKind::Google,
    ]);
    let unknown_domain = format!("mail-{}", domain);
    let mut mail_hosts = BTreeMap::new();
    mail_hosts.insert(
        domain.to_string(),
        MailHost::for_domain(domain, primary_kind),
    );
    mail_hosts.insert(
        external_domain.clone(),
        MailHost::for_domain(&external_domain, external_kind),
    );
    mail_hosts.insert(
        unknown_domain.clone(),
        MailHost::for_domain(&unknown_domain, MailHostKind::SelfHosted),
    );
    for free in FREE_MAIL {
        let kind = match *free {
            "gmail.com" => MailHostKind::Google,
            "t-online.de" => MailHostKind::TOnline,
            _ => MailHostKind::UnitedInternet,
        };
        mail_hosts.insert(free.to_string(), MailHost::for_domain(free, kind));
    }

    let mut contact_type_values: Vec<(String, String)> = vec![
        ("Eigentümer".into(), "Eigentümer".into()),
        ("Interessent Kauf".into(), "Interessent Kauf".into()),
        ("Interessent Miete".into(), "Interessent Miete".into()),
        ("Kooperationspartner".into(), "Kooperationspartner".into()),
        ("Kunde".into(), "Kunde".into()),
        ("Newsletter-Empfänger".into(), "Newsletter-Empfänger".into()),
        (
            "Systembenutzer".into(),
            "Systembenutzer (Adresse ist mit Benutzer verknüpft)".into(),
        ),
        ("Tippgeber".into(), "Tippgeber".into()),
    ];
    match variant {
        MaklerVariant::Standard => contact_type_values.push(("Makler".into(), "Makler".into())),
        MaklerVariant::Renamed => contact_type_values.push(("Makler".into(), "Mitarbeiter".into())),
        MaklerVariant::CustomKey => {
            contact_type_values.push((CUSTOM_BROKER_KEY.into(), "Mitarbeiter".into()))
        }
        MaklerVariant::Missing => {}
    }
    contact_type_values.push(("indMulti673Select249".into(), "Interessent Gewerbe".into()));

    let mut account = Account {
        agency: agency.to_string(),
        makler_variant: variant,
        users: BTreeMap::new(),
        addresses: BTreeMap::new(),
        estates: BTreeMap::new(),
        contacts: Vec::new(),
        contact_type_values,
        can_read_users: true,
        marketing_type_values: standard_marketing_types(),
        unreadable_fields: BTreeSet::new(),
        next_email_id: 5000,
        list_cache: ListCache::default(),
    };
    let broker_key = account.broker_key().map(str::to_owned);
    let mut planted: BTreeSet<Planted> = BTreeSet::new();
    let mut plant = |kind: &str, subject: String| {
        planted.insert(Planted {
            kind: kind.to_string(),
            subject,
        });
    };
    if broker_key.is_none() || variant == MaklerVariant::CustomKey {
        // No value with the key `Makler`: the audit cannot know the broker value until the person picks one.
        plant("account.makler_key_missing", "account".into());
    }
    // With no `Makler` key, a missing broker value is not a per-user finding (the account finding covers it).
    let makler_findings = matches!(variant, MaklerVariant::Standard | MaklerVariant::Renamed);

    let mut next_address = 1000u64;
    let mut used_usernames = BTreeSet::new();
    let person = |rng: &mut Rng| -> (String, String) {
        (
            rng.pick(FIRST_NAMES).to_string(),
            rng.pick(LAST_NAMES).to_string(),
        )
    };
    let new_address = |rng: &mut Rng, id: u64, first: &str, last: &str, company: &str| -> Address {
        let (city, zip) = *rng.pick(CITIES);
        Address {
            id,
            first_name: first.to_string(),
            last_name: last.to_string(),
            company: company.to_string(),
            city: city.to_string(),
            zip: zip.to_string(),
            street: format!("{} {}", rng.pick(STREETS), 1 + rng.below(120)),
            contact_types: Vec::new(),
            emails: Vec::new(),
            phone: format!("0{} {}", 200 + rng.below(700), 100000 + rng.below(899999)),
        }
    };

    // Every user case appears once before the random mix, so small accounts hold every finding kind.
    let forced = [
        UserCase::Fine,
        UserCase::NoAddress,
        UserCase::NotMakler,
        UserCase::NoEmail,
        UserCase::FreeMail,
        UserCase::ExternalDomain,
        UserCase::Fine,
        UserCase::OnlyNonDefaultEmail,
        UserCase::UnknownDomain,
        UserCase::Deactivated,
    ];
    // Which users' addresses have open makler/e-mail/mailbox findings.
    let mut not_ready: BTreeSet<u64> = BTreeSet::new();
    // System user addresses of a variant with a broker key that lack it.
    let mut without_broker_key: Vec<u64> = Vec::new();
    let mut ready: Vec<u64> = Vec::new();
    for i in 0..cfg.users {
        let case = if i < forced.len() {
            forced[i]
        } else {
            let roll = rng.below(100);
            match roll {
                0..=3 => UserCase::Deactivated,
                4..=7 => UserCase::NoAddress,
                8..=17 => UserCase::NotMakler,
                18..=22 => UserCase::NoEmail,
                23..=25 => UserCase::OnlyNonDefaultEmail,
                26..=31 => UserCase::FreeMail,
                32..=37 => UserCase::ExternalDomain,
                38..=42 => UserCase::UnknownDomain,
                _ => UserCase::Fine,
            }
        };
        let nr = 17 + i as u64 * 2;
        let (first, last) = person(&mut rng);
        let mut username = mail_local(&format!("{}{}", initial(&first), last));
        while !used_usernames.insert(username.clone()) {
            username.push_str(&(rng.below(9) + 1).to_string());
        }
        let work_mail = format!("{}.{}@{}", mail_local(&first), mail_local(&last), domain);
        let mut user = User {
            nr,
            username: username.clone(),
            first_name: first.clone(),
            last_name: last.clone(),
            kuerzel: format!("{}{}", initial(&first), initial(&last)).to_uppercase(),
            email: work_mail.clone(),
            address_id: None,
            status: "active".into(),
        };
        match case {
            UserCase::Deactivated => {
                user.status = if rng.chance(0.5) {
                    "deactivated"
                } else {
                    "locked"
                }
                .into();
            }
            UserCase::NoAddress => plant("user.address_missing", format!("user:{nr}")),
            _ => {
                let id = next_address;
                next_address += 1;
                let mut a = new_address(&mut rng, id, &first, &last, agency);
                a.contact_types.push("Systembenutzer".into());
                if rng.chance(0.3) {
                    a.contact_types.push(rng.pick(OTHER_TYPES).to_string());
                }
                let mut open = false;
                if let Some(key) = &broker_key {
                    if case == UserCase::NotMakler {
                        without_broker_key.push(id);
                        if makler_findings {
                            plant("user.not_makler", format!("address:{id}"));
                            open = true;
                        }
                    } else {
                        // The broker key sits anywhere in the list, as people tick it in any order.
                        let pos = rng.below(a.contact_types.len() + 1);
                        a.contact_types.insert(pos, key.clone());
                    }
                }
                let email = match case {
                    UserCase::NoEmail => None,
                    UserCase::OnlyNonDefaultEmail => {
                        a.emails.push(EmailEntry {
                            id: account.next_email_id,
                            address: format!("{}@{}", mail_local(&first), rng.pick(FREE_MAIL)),
                            default: false,
                            ..EmailEntry::default()
                        });
                        account.next_email_id += 1;
                        None
                    }
                    UserCase::FreeMail => Some(format!(
                        "{}.{}{}@{}",
                        mail_local(&first),
                        mail_local(&last),
                        rng.below(90) + 10,
                        rng.pick(FREE_MAIL)
                    )),
                    UserCase::ExternalDomain => Some(format!(
                        "{}.{}@{}",
                        mail_local(&first),
                        mail_local(&last),
                        external_domain
                    )),
                    UserCase::UnknownDomain => {
                        Some(format!("{}@{}", mail_local(&first), unknown_domain))
                    }
                    _ => Some(work_mail.clone()),
                };
                match email {
                    None => {
                        plant("user.no_email", format!("address:{id}"));
                        open = true;
                    }
                    Some(addr) => {
                        if matches!(case, UserCase::FreeMail | UserCase::ExternalDomain) {
                            plant("user.mailbox_external", format!("address:{id}"));
                            open = true;
                        } else {
                            // An external mailbox never gets mail booking: nothing to confirm there.
                            plant("user.mail_booking_unconfirmed", format!("address:{id}"));
                        }
                        if rng.chance(0.2) {
                            a.emails.push(EmailEntry {
                                id: account.next_email_id,
                                address: format!(
                                    "{}.privat@{}",
                                    mail_local(&first),
                                    rng.pick(FREE_MAIL)
                                ),
                                default: false,
                                ..EmailEntry::default()
                            });
                            account.next_email_id += 1;
                        }
                        let pos = rng.below(a.emails.len() + 1);
                        a.emails.insert(
                            pos,
                            EmailEntry {
                                id: account.next_email_id,
                                address: addr,
                                default: true,
                                ..EmailEntry::default()
                            },
                        );
                        account.next_email_id += 1;
                    }
                }
                if open {
                    not_ready.insert(id);
                } else {
                    ready.push(id);
                }
                user.address_id = Some(id);
                account.addresses.insert(id, a);
            }
        }
        account.users.insert(nr, user);
    }

    // Systembenutzer addresses no user points to (left over from former staff).
    let orphans = (cfg.users / 15).max(1);
    for _ in 0..orphans {
        let id = next_address;
        next_address += 1;
        let (first, last) = person(&mut rng);
        let mut a = new_address(&mut rng, id, &first, &last, agency);
        a.contact_types = vec!["Systembenutzer".into()];
        if let Some(key) = &broker_key {
            a.contact_types.push(key.clone());
        }
        account.addresses.insert(id, a);
        plant("address.user_missing", format!("address:{id}"));
    }

    // Separate broker records (not linked to a user) and private addresses of staff, used as wrong contacts.
    let mut wrong_contacts = Vec::new();
    for n in 0..(3 + cfg.users / 10) {
        let id = next_address;
        next_address += 1;
        let (first, last) = person(&mut rng);
        let mut a = new_address(
            &mut rng,
            id,
            &first,
            &last,
            if n % 2 == 0 { agency } else { "" },
        );
        if n % 2 == 0 {
            if let Some(key) = &broker_key {
                a.contact_types.push(key.clone());
            }
            a.emails.push(EmailEntry {
                id: account.next_email_id,
                address: format!("{}@{}", mail_local(&last), domain),
                default: true,
                ..EmailEntry::default()
            });
        } else {
            a.contact_types.push("Privatkontakt".into());
            a.emails.push(EmailEntry {
                id: account.next_email_id,
                address: format!(
                    "{}.{}@{}",
                    mail_local(&first),
                    mail_local(&last),
                    rng.pick(FREE_MAIL)
                ),
                default: true,
                ..EmailEntry::default()
            });
        }
        account.next_email_id += 1;
        account.addresses.insert(id, a);
        wrong_contacts.push(id);
    }
    let non_broker_contacts: Vec<u64> = wrong_contacts
        .iter()
        .copied()
        .filter(|id| !account.is_broker(*id))
        .collect();
    // Customers, owners and prospects: the bulk of a real address book.
    for _ in 0..(20 + cfg.estates / 2) {
        let id = next_address;
        next_address += 1;
        let (first, last) = person(&mut rng);
        let mut a = new_address(&mut rng, id, &first, &last, "");
        a.contact_types.push(
            rng.pick(&[
                "Eigentümer",
                "Interessent Miete",
                "Interessent Kauf",
                "Kunde",
            ])
            .to_string(),
        );
        if rng.chance(0.3) {
            a.contact_types.push("Newsletter-Empfänger".into());
        }
        if rng.chance(0.8) {
            a.emails.push(EmailEntry {
                id: account.next_email_id,
                address: format!(
                    "{}.{}@{}",
                    mail_local(&first),
                    mail_local(&last),
                    rng.pick(FREE_MAIL)
                ),
                default: true,
                ..EmailEntry::default()
            });
            account.next_email_id += 1;
        }
        account.addresses.insert(id, a);
    }

    let active_users: Vec<u64> = account
        .users
        .values()
        .filter(|u| u.status == "active")
        .map(|u| u.nr)
        .collect();
    let linked_users: Vec<u64> = account
        .users
        .values()
        .filter(|u| u.status == "active" && u.address_id.is_some())
        .map(|u| u.nr)
        .collect();
    let all_system: Vec<u64> = ready.iter().chain(not_ready.iter()).copied().collect();
    let titles = [
        "Helle 3-Zimmer-Wohnung",
        "Moderne 2-Zimmer-Wohnung mit Balkon",
        "Familienfreundliches Reihenhaus",
        "Altbauwohnung mit Stuck",
        "Büroetage in zentraler Lage",
        "Penthouse mit Dachterrasse",
        "Gemütliches Apartment",
    ];
    let mut open_rentals: Vec<u64> = Vec::new();
    for i in 0..cfg.estates {
        let id = 2000 + i as u64;
        let (city, zip) = *rng.pick(CITIES);
        let forced_rental = i < 6;
        // 0: none, 1: wrong first contact, 2: system user first, 3: a non-broker in front of a system user,
        // 4: only a system user without the broker key (not a broker, so portals get nobody).
        let case = if i < 6 {
            [0, 1, 2, 2, 3, 4][i]
        } else {
            match rng.below(100) {
                0..=7 => 0,
                8..=15 => 1,
                16..=21 => 3,
                22..=24 => 4,
                _ => 2,
            }
        };
        // A listing without a proper contact gets a Betreuer who has an address, so "Zuordnen" has a default.
        let officer = if case < 2 || case == 4 {
            *rng.pick(&linked_users)
        } else {
            *rng.pick(&active_users)
        };
        let estate = Estate {
            id,
            title: format!("{} in {}", rng.pick(&titles), city),
            external_no: format!("M-{:05}", 10000 + i),
            marketing_type: if forced_rental || rng.chance(0.7) {
                "miete"
            } else {
                "kauf"
            }
            .into(),
            status: if forced_rental || rng.chance(0.85) {
                1
            } else if rng.chance(0.5) {
                2
            } else {
                0
            },
            sold: if forced_rental || rng.chance(0.9) {
                0
            } else {
                1
            },
            reserved: if rng.chance(0.1) { 1 } else { 0 },
            officer,
            city: city.into(),
            zip: zip.into(),
            cold_rent: 400 + rng.below(2400) as u32,
            living_area: 30 + rng.below(150) as u32,
            kind: rng
                .pick(&["wohnung", "wohnung", "haus", "buero_praxen"])
                .to_string(),
        };
        let open_rental =
            estate.marketing_type == "miete" && estate.status == 1 && estate.sold == 0;
        match case {
            0 => {}
            1 => {
                let wrong = *rng.pick(&wrong_contacts);
                account.contacts.push(ContactLink {
                    estate: id,
                    address: wrong,
                });
                if rng.chance(0.4) && !ready.is_empty() {
                    account.contacts.push(ContactLink {
                        estate: id,
                        address: *rng.pick(&ready),
                    });
                }
            }
            3 => {
                // A private address (no broker) stands in front; portals skip it and take the broker behind.
                let private = *rng.pick(&non_broker_contacts);
                account.contacts.push(ContactLink {
                    estate: id,
                    address: private,
                });
                let behind = if ready.is_empty() {
                    *rng.pick(&all_system)
                } else {
                    *rng.pick(&ready)
                };
                account.contacts.push(ContactLink {
                    estate: id,
                    address: behind,
                });
            }
            4 => {
                let pick = if without_broker_key.is_empty() {
                    *rng.pick(&non_broker_contacts)
                } else {
                    *rng.pick(&without_broker_key)
                };
                account.contacts.push(ContactLink {
                    estate: id,
                    address: pick,
                });
            }
            _ => {
                // Mostly the Betreuer's own address, sometimes a colleague's.
                let officer_address = account.users[&estate.officer].address_id;
                let first = match officer_address {
                    Some(a) if rng.chance(0.7) => a,
                    _ if i == 3 && !not_ready.is_empty() => *not_ready.iter().next().unwrap(),
                    _ => *rng.pick(&all_system),
                };
                account.contacts.push(ContactLink {
                    estate: id,
                    address: first,
                });
                if rng.chance(0.15) {
                    account.contacts.push(ContactLink {
                        estate: id,
                        address: *rng.pick(&wrong_contacts),
                    });
                }
            }
        }
        if open_rental {
            open_rentals.push(id);
        }
        account.estates.insert(id, estate);
    }

    // The portals get the first *broker* of a listing (`contactPerson`); judge every open rental by that rule.
    let linked: BTreeSet<u64> = ready.iter().chain(not_ready.iter()).copied().collect();
    for id in open_rentals {
        let subject = format!("estate:{id}");
        match account.contacts_of(id, true).first() {
            None => plant("estate.no_contact", subject),
            Some(first) if !linked.contains(first) => {
                plant("estate.contact_not_system_user", subject)
            }
            Some(first) if not_ready.contains(first) => plant("estate.contact_not_ready", subject),
            Some(_) => {}
        }
    }

    // What the audit must find once the person picks the customer key that stands for brokers.
    let mut planted_after_choice: BTreeSet<Planted> = planted.clone();
    if variant == MaklerVariant::CustomKey {
        planted_after_choice.retain(|p| p.kind != "account.makler_key_missing");
        for id in &without_broker_key {
            planted_after_choice.insert(Planted {
                kind: "user.not_makler".into(),
                subject: format!("address:{id}"),
            });
        }
    }

    // E-mail entries in all three lists, with the remarks people write into them.
    for a in account.addresses.values_mut() {
        for e in &mut a.emails {
            e.kind = *rng.pick(&[EmailKind::Plain, EmailKind::Business, EmailKind::Private]);
            e.comment = rng.pick(EMAIL_COMMENTS).to_string();
        }
    }

    Generated {
        account,
        mail_hosts,
        planted: planted.into_iter().collect(),
        planted_after_choice: planted_after_choice.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_covers_every_kind() {
        let a = generate(&GenConfig {
            seed: 7,
            users: 20,
            estates: 60,
            makler_variant: Some(MaklerVariant::Standard),
        });
        let b = generate(&GenConfig {
            seed: 7,
            users: 20,
            estates: 60,
            makler_variant: Some(MaklerVariant::Standard),
        });
        assert_eq!(a.planted, b.planted);
        assert_eq!(
            serde_json::to_string(&a.account).unwrap(),
            serde_json::to_string(&b.account).unwrap()
        );
        let kinds: BTreeSet<&str> = a.planted.iter().map(|p| p.kind.as_str()).collect();
        for k in [
            "user.address_missing",
            "address.user_missing",
            "user.not_makler",
            "user.no_email",
            "user.mailbox_external",
            "user.mail_booking_unconfirmed",
            "estate.no_contact",
            "estate.contact_not_system_user",
            "estate.contact_not_ready",
        ] {
            assert!(kinds.contains(k), "{k} not planted");
        }
        let c = generate(&GenConfig {
            seed: 8,
            users: 20,
            estates: 60,
            makler_variant: None,
        });
        assert_ne!(a.planted, c.planted);
    }

    #[test]
    fn variants() {
        let missing = generate(&GenConfig {
            seed: 1,
            users: 12,
            estates: 10,
            makler_variant: Some(MaklerVariant::Missing),
        });
        assert!(missing
            .planted
            .iter()
            .any(|p| p.kind == "account.makler_key_missing"));
        assert!(!missing.planted.iter().any(|p| p.kind == "user.not_makler"));
        assert!(!missing
            .account
            .contact_type_values
            .iter()
            .any(|(k, l)| k == "Makler" || l == "Mitarbeiter"));
        let renamed = generate(&GenConfig {
            seed: 3,
            users: 12,
            estates: 10,
            makler_variant: None,
        });
        assert_eq!(renamed.account.makler_variant, MaklerVariant::Renamed);
        assert!(renamed
            .account
            .contact_type_values
            .contains(&("Makler".into(), "Mitarbeiter".into())));
        assert!(!renamed
            .planted
            .iter()
            .any(|p| p.kind == "account.makler_key_missing"));
    }
}
