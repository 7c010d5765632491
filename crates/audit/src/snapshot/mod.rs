//! What one audit knows of the account: users, system user addresses, active rentals with their contact persons,
//! the Makler key and the mailboxes, and how records are parsed into it. `read` fetches it.
mod read;

pub use read::{read, read_contact_relations};

use std::collections::{BTreeMap, BTreeSet};

use onoffice::api::{
    actions, parse_multiselect, parse_related_ids, MAX_RELATION_IDS, RELATION_CONTACT_PERSON,
    RELATION_CONTACT_PERSON_ALL, RELATION_USER_ADDRESS,
};
use onoffice::client::paged;
use onoffice::{Action, Client, Filter, Record, RelationSide};
use serde::{Deserialize, Serialize};

use crate::answers::{self, Answers};
use crate::evidence::{self, AgentsLog, BookingEvidence, MailboxListings};
use crate::mailbox::{domain_of, MailboxClassifier, MailboxKind};
use crate::progress::{Progress, ProgressSink};
use crate::settings::Settings;
use crate::text::Text;

pub const SYSTEM_USER_KEY: &str = "Systembenutzer";
pub const MAKLER_KEY: &str = "Makler";
pub const CONTACT_TYPE_FIELD: &str = "ArtDaten";

pub const USER_FIELDS: &[&str] = &[
    "Nr",
    "Name",
    "Vorname",
    "Nachname",
    "email",
    "adrId:adressen.ID",
    "online",
];
pub const ADDRESS_FIELDS: &[&str] = &[
    "Vorname",
    "Name",
    "Firma",
    "ArtDaten",
    "defaultemail",
    "Email",
    "email",
];
/// When a listing was created: how long it has been on the market (for the Maklerbuch's evidence). Read besides
/// `ESTATE_FIELDS`; a listing without it counts as new, so its silence proves nothing.
pub const LISTED_SINCE_FIELD: &str = "erstellt_am";

pub const ESTATE_FIELDS: &[&str] = &[
    "objekttitel",
    "objektnr_extern",
    "benutzer",
    "ort",
    "vermarktungsart",
    "status",
    "verkauft",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub nr: u64,
    pub username: String,
    pub name: String,
    pub email: String,
    pub address_id: Option<u64>,
    pub status: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressInfo {
    pub id: u64,
    pub name: String,
    pub contact_types: Vec<String>,
    pub default_email: Option<String>,
    /// Every e-mail entry (plain, business and private lists; remarks left out).
    #[serde(default)]
    pub emails: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentalInfo {
    pub id: u64,
    pub title: String,
    pub external_no: String,
    pub city: String,
    /// The Betreuer's user number (field `benutzer`).
    pub officer: Option<u64>,
    /// `erstellt_am` as onOffice sent it ("Y-m-d H:i:s"), if it did.
    #[serde(default)]
    pub listed_since: Option<String>,
}

/// One permitted value of `ArtDaten` that may stand for "Makler".
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyChoice {
    pub key: String,
    pub label: String,
}

/// How the audit knows which `ArtDaten` key marks brokers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MaklerKey {
    /// The key `Makler` exists (whatever its label).
    Found { key: String, label: String },
    /// No key `Makler`; the person chose this one earlier.
    Chosen { key: String, label: String },
    /// No key `Makler` and no choice: these values look like one.
    Missing { candidates: Vec<KeyChoice> },
}

impl MaklerKey {
    pub fn key(&self) -> Option<&str> {
        match self {
            MaklerKey::Found { key, .. } | MaklerKey::Chosen { key, .. } => Some(key),
            MaklerKey::Missing { .. } => None,
        }
    }

    pub fn label(&self) -> Option<&str> {
        match self {
            MaklerKey::Found { label, .. } | MaklerKey::Chosen { label, .. } => Some(label),
            MaklerKey::Missing { .. } => None,
        }
    }
}

/// Everything one audit read.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub makler: Option<MaklerKey>,
    pub users: BTreeMap<u64, UserInfo>,
    pub system_addresses: BTreeMap<u64, AddressInfo>,
    pub rentals: BTreeMap<u64, RentalInfo>,
    /// Broker contact persons per rental (`contactPerson`), in onOffice's order: the portals get the first.
    pub brokers: BTreeMap<u64, Vec<u64>>,
    /// Every contact person per rental (`contactPersonAll`), in onOffice's order, brokers or not.
    pub contacts: BTreeMap<u64, Vec<u64>>,
    /// Addresses of contact persons that are not system user addresses (the first broker, and whoever stands
    /// in front of it).
    pub other_contacts: BTreeMap<u64, AddressInfo>,
    /// Mailbox kind per e-mail domain.
    pub mailboxes: BTreeMap<String, MailboxKind>,
    /// The agency's name: the company (`Firma`) most system user addresses carry, if any.
    #[serde(default)]
    pub company: Option<String>,
    /// Booked enquiries on the rentals, from the Maklerbuch; `None` when it was not read.
    #[serde(default)]
    pub agents_log: Option<AgentsLog>,
    /// When the read started (UTC, RFC 3339): the "now" the evidence is judged at.
    #[serde(default)]
    pub read_at: String,
    /// The portal transfers of the listings waiting for a re-transfer, from the Maklerbuch; `None` when none was
    /// waiting (then nothing is read).
    #[serde(default)]
    pub transfers: Option<crate::transfers::PortalTransfers>,
    /// When this PC last changed a rental's contact person or its e-mail (UTC, RFC 3339; from the journal, not read
    /// from onOffice): enquiries reach the new mailbox only from then on, so its silence counts from then.
    #[serde(default)]
    pub contact_changed: BTreeMap<u64, String>,
}

impl Snapshot {
    /// The moment of the read as UTC wall time, if known.
    pub fn read_at(&self) -> Option<jiff::civil::DateTime> {
        let at: jiff::Timestamp = self.read_at.parse().ok()?;
        Some(jiff::tz::Offset::UTC.to_datetime(at))
    }

    /// The moment of the read in German wall time, as onOffice writes `Datum`.
    pub fn read_at_german(&self) -> Option<jiff::civil::DateTime> {
        let at: jiff::Timestamp = self.read_at.parse().ok()?;
        Some(onoffice_protocol::local_time::german_time(at))
    }

    /// Each active rental's mailbox: its first broker's default e-mail (lower case), where that broker is a system
    /// user with one.
    pub fn listing_mailboxes(&self) -> BTreeMap<u64, String> {
        self.rentals
            .keys()
            .filter_map(|&estate| {
                let first = self.portal_contact(estate)?;
                let email = self.system_addresses.get(&first)?.default_email.as_ref()?;
                Some((estate, email.trim().to_lowercase()))
            })
            .collect()
    }

    /// Whether enquiries are answered, judged at the moment of the read (`audit::answers`).
    pub fn answers(&self) -> Answers {
        // Refused, or every read failed: nothing was read (never "0 enquiries").
        let log = self
            .agents_log
            .as_ref()
            .filter(|l| l.refused.is_none())
            .filter(|l| !(l.failed_reads > 0 && l.mails.is_empty()));
        match (log, self.read_at_german()) {
            (Some(log), Some(now)) => {
                let skip: BTreeSet<u64> = log
                    .undecidable
                    .union(&log.replies_undecidable)
                    .copied()
                    .collect();
                answers::judge(Some(&log.mails), &self.listing_mailboxes(), &skip, now)
            }
            _ => Answers::default(),
        }
    }

    /// What the Maklerbuch says of each system user mailbox (default e-mail, lower case): the active rentals whose
    /// first broker has it, judged at the moment of the read.
    pub fn booking_evidence(&self) -> BTreeMap<String, BookingEvidence> {
        let mut listings: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for a in self.system_addresses.values() {
            if let Some(e) = &a.default_email {
                listings.entry(e.trim().to_lowercase()).or_default();
            }
        }
        for (estate, mailbox) in self.listing_mailboxes() {
            listings.entry(mailbox).or_default().push(estate);
        }
        // A listing counts from when it came on the market, or from when its contact changed, whichever is later.
        let changed = |id: &u64| -> Option<jiff::civil::DateTime> {
            let at: jiff::Timestamp = self.contact_changed.get(id)?.parse().ok()?;
            Some(jiff::tz::Offset::UTC.to_datetime(at))
        };
        let since: BTreeMap<u64, jiff::civil::DateTime> = self
            .rentals
            .values()
            .filter_map(|r| {
                let listed = r.listed_since.as_deref().and_then(evidence::parse_date);
                let at = listed.into_iter().chain(changed(&r.id)).max()?;
                Some((r.id, at))
            })
            .collect();
        let mailboxes: BTreeMap<String, MailboxListings> = listings
            .iter()
            .map(|(m, l)| {
                (
                    m.clone(),
                    MailboxListings {
                        listings: l,
                        since: &since,
                    },
                )
            })
            .collect();
        match self.read_at() {
            Some(now) => evidence::judge(&mailboxes, self.agents_log.as_ref(), now),
            None => evidence::judge(&mailboxes, None, jiff::civil::DateTime::default()),
        }
    }

    pub fn mailbox_of(&self, email: &str) -> Option<&MailboxKind> {
        domain_of(email).and_then(|d| self.mailboxes.get(&d))
    }

    pub fn address(&self, id: u64) -> Option<&AddressInfo> {
        self.system_addresses
            .get(&id)
            .or_else(|| self.other_contacts.get(&id))
    }

    /// The contact person the portals get: the first broker of the listing.
    pub fn portal_contact(&self, estate: u64) -> Option<u64> {
        self.brokers.get(&estate).and_then(|b| b.first().copied())
    }

    /// Contact persons that stand in front of the first broker but are no brokers (the portals skip them); all
    /// contact persons when the listing has no broker.
    pub fn skipped_contacts(&self, estate: u64) -> Vec<u64> {
        let brokers = self.brokers.get(&estate).map(Vec::as_slice).unwrap_or(&[]);
        let all = self.contacts.get(&estate).map(Vec::as_slice).unwrap_or(&[]);
        all.iter()
            .take_while(|c| brokers.first() != Some(*c))
            .filter(|c| !brokers.contains(c))
            .copied()
            .collect()
    }
}

const BROKER_WORDS: &[&str] = &[
    "makler",
    "mitarbeiter",
    "broker",
    "agent",
    "berater",
    "vermittler",
];

/// Finds the Makler key in the `ArtDaten` metadata (labels on).
pub fn resolve_makler_key(
    permitted: &[onoffice::PermittedValue],
    chosen: Option<String>,
) -> MaklerKey {
    let label_of = |p: &onoffice::PermittedValue| p.label.clone().unwrap_or_else(|| p.key.clone());
    if let Some(p) = permitted.iter().find(|p| p.key == MAKLER_KEY) {
        return MaklerKey::Found {
            key: p.key.clone(),
            label: label_of(p),
        };
    }
    if let Some(choice) = chosen {
        if let Some(p) = permitted.iter().find(|p| p.key == choice) {
            return MaklerKey::Chosen {
                key: p.key.clone(),
                label: label_of(p),
            };
        }
    }
    let candidates = permitted
        .iter()
        .filter(|p| p.key != SYSTEM_USER_KEY)
        .filter(|p| {
            let hay = format!("{} {}", p.key, label_of(p)).to_lowercase();
            BROKER_WORDS.iter().any(|w| hay.contains(w))
        })
        .map(|p| KeyChoice {
            key: p.key.clone(),
            label: label_of(p),
        })
        .collect();
    MaklerKey::Missing { candidates }
}

fn is_active(status: &str) -> bool {
    let s = status.trim().to_lowercase();
    !(s == "0"
        || [
            "deaktiv", "deactiv", "gesperrt", "locked", "inaktiv", "inactive", "disabled",
        ]
        .iter()
        .any(|w| s.contains(w)))
}

fn person_name(r: &Record, first: &str, last: &str) -> String {
    let name = format!(
        "{} {}",
        r.text(first).unwrap_or_default(),
        r.text(last).unwrap_or_default()
    );
    let name = name.trim().to_string();
    if name.is_empty() {
        r.text("Firma")
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| format!("#{}", r.id))
    } else {
        name
    }
}

pub fn parse_user(r: &Record) -> Option<UserInfo> {
    let nr = r
        .numeric_id()
        .or_else(|| r.text("Nr").and_then(|n| n.parse().ok()))?;
    let status = r.text("online").unwrap_or_default();
    Some(UserInfo {
        nr,
        username: r.text("Name").unwrap_or_default(),
        name: person_name(r, "Vorname", "Nachname"),
        email: r.text("email").unwrap_or_default().trim().to_string(),
        address_id: r
            .text("adrId:adressen.ID")
            .and_then(|s| s.trim().parse().ok())
            .filter(|&id: &u64| id > 0),
        active: is_active(&status),
        status,
    })
}

pub fn parse_address(r: &Record) -> Option<AddressInfo> {
    let default_email = r
        .text("defaultemail")
        .filter(|e| !e.trim().is_empty())
        .or_else(|| r.text("Email").filter(|e| !e.trim().is_empty()))
        .map(|e| e.trim().to_string());
    Some(AddressInfo {
        id: r.numeric_id()?,
        name: person_name(r, "Vorname", "Name"),
        contact_types: r
            .value(CONTACT_TYPE_FIELD)
            .as_ref()
            .map(parse_multiselect)
            .unwrap_or_default(),
        default_email,
        emails: onoffice::email_entries(r)
            .into_iter()
            .map(|e| e.address)
            .collect(),
    })
}

fn parse_rental(r: &Record) -> Option<RentalInfo> {
    Some(RentalInfo {
        id: r.numeric_id()?,
        title: r.text("objekttitel").unwrap_or_default(),
        external_no: r.text("objektnr_extern").unwrap_or_default(),
        city: r.text("ort").unwrap_or_default(),
        officer: r
            .text("benutzer")
            .and_then(|b| b.trim().parse().ok())
            .filter(|&n: &u64| n > 0),
        listed_since: r.text(LISTED_SINCE_FIELD).filter(|d| !d.trim().is_empty()),
    })
}

/// Active rentals: `vermarktungsart = miete`, `status = 1`, not yet rented.
pub fn rental_filter() -> Filter {
    Filter::new()
        .with("vermarktungsart", "=", "miete")
        .with("status", "=", 1)
        .with("verkauft", "=", 0)
}

/// Addresses holding the key `Systembenutzer` among their contact types (`in`, never `=`, on a multiselect).
pub fn system_address_filter() -> Filter {
    Filter::new().any_of(CONTACT_TYPE_FIELD, &[SYSTEM_USER_KEY])
}
