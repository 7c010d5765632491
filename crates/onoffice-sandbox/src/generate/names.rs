//! Names, places and e-mail habits the generated account is made of.

use super::Rng;
use crate::model::*;

pub(super) const FIRST_NAMES: &[&str] = &[
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
pub(super) const LAST_NAMES: &[&str] = &[
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
pub(super) const CITIES: &[(&str, &str)] = &[
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
pub(super) const STREETS: &[&str] = &[
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
pub(super) const AGENCIES: &[(&str, &str)] = &[
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
pub(super) const OTHER_TYPES: &[&str] = &[
    "Kunde",
    "Newsletter-Empfänger",
    "Tippgeber",
    "Kooperationspartner",
];
pub(super) const FREE_MAIL: &[&str] = &["gmx.de", "web.de", "gmail.com", "t-online.de"];
/// Remarks people type next to an e-mail address (`…__Comment`); some look like addresses themselves.
pub(super) const EMAIL_COMMENTS: &[&str] = &[
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

pub(super) fn initial(s: &str) -> String {
    s.chars().next().map(String::from).unwrap_or_default()
}

/// A first and a last name.
pub(super) fn person(rng: &mut Rng) -> (String, String) {
    (
        rng.pick(FIRST_NAMES).to_string(),
        rng.pick(LAST_NAMES).to_string(),
    )
}

/// An address with a place, a street and a phone number.
pub(super) fn new_address(
    rng: &mut Rng,
    id: u64,
    first: &str,
    last: &str,
    company: &str,
) -> Address {
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
}
