//! Reads everything one audit needs in as few sequential round trips as the data allows:
//! (1) field metadata and the first page of users, system user addresses and active rentals together,
//! (2) every remaining page together (lists without a total, such as users, until a short page), (3) both contact
//! person relations of all rentals (`contactPerson`, brokers only, whose first entry the portals get, and
//! `contactPersonAll`, who else sits on the listing), the user-address links if the user read lacked them, and the
//! mailbox DNS look-ups together, (4) the addresses of contacts that are not system users.
//! Nothing is read once per record, and nothing is written: an audit sends only `read` and `get` actions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use onoffice::api::{
    actions, parse_multiselect, parse_related_ids, MAX_RELATION_IDS, RELATION_CONTACT_PERSON,
    RELATION_CONTACT_PERSON_ALL, RELATION_USER_ADDRESS,
};
use onoffice::client::paged;
use onoffice::{Action, Client, Filter, Record, RelationSide};
use serde::{Deserialize, Serialize};

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
}

impl Snapshot {
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
            .elements
            .get(CONTACT_TYPE_FIELD)
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

/// Reads one audit's data. Errors are the client's typed errors (credentials, clock, permission, ...).
pub async fn read(
    client: &Client,
    classifier: &MailboxClassifier,
    settings: &dyn Settings,
    progress: &ProgressSink,
) -> onoffice::Result<Snapshot> {
    let page = client.page_size();
    progress.report(Progress::step(
        1,
        Text::new(
            "Lese Feldkonfiguration, Benutzer, Systembenutzer-Adressen und Vermietungsobjekte …",
            "Reading field settings, users, system user addresses and rental listings …",
        ),
    ));
    let lists: Vec<Action> = vec![
        actions::read_users(USER_FIELDS),
        actions::read_addresses(&system_address_filter(), ADDRESS_FIELDS),
        actions::read_estates(&rental_filter(), ESTATE_FIELDS),
    ];
    let mut first_round = vec![actions::get_fields(
        &["address"],
        true,
        &[CONTACT_TYPE_FIELD],
    )];
    first_round.extend(lists.iter().map(|a| paged(a, page, 0)));
    let mut results = client.execute(first_round).await.into_iter();
    let fields =
        onoffice::FieldCatalog::from_records(&results.next().expect("fields result")?.records)?;
    let firsts: Vec<onoffice::Result<onoffice::ActionResult>> = results.collect();
    let more = firsts.iter().any(|r| {
        r.as_ref().is_ok_and(|r| {
            r.cnt_absolute
                .map_or(r.records.len() as u64 >= page, |t| t > page)
        })
    });
    if more {
        progress.report(Progress::step(
            2,
            Text::new("Lese weitere Seiten …", "Reading more pages …"),
        ));
    }
    let mut records: Vec<Vec<Record>> = Vec::new();
    for list in client.read_remaining(&lists, firsts).await {
        records.push(list?);
    }
    let mut snapshot = Snapshot::default();
    let permitted = fields
        .field("address", CONTACT_TYPE_FIELD)
        .map(|f| f.permitted.clone())
        .unwrap_or_default();
    snapshot.makler = Some(resolve_makler_key(&permitted, settings.makler_key()));
    let mut lists = records.into_iter();
    let user_records = lists.next().unwrap_or_default();
    let has_link_field = user_records
        .iter()
        .any(|r| r.elements.contains_key("adrId:adressen.ID"));
    for u in user_records.iter().filter_map(parse_user) {
        snapshot.users.insert(u.nr, u);
    }
    let mut companies: BTreeMap<String, usize> = BTreeMap::new();
    for (a, company) in lists
        .next()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| parse_address(r).map(|a| (a, r.text("Firma"))))
    {
        // The filter asked for it, but check anyway: odd data must not turn into false alarms.
        if a.contact_types.iter().any(|k| k == SYSTEM_USER_KEY) {
            if let Some(c) = company
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
            {
                *companies.entry(c).or_default() += 1;
            }
            snapshot.system_addresses.insert(a.id, a);
        }
    }
    snapshot.company = companies
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(c, _)| c);
    for e in lists
        .next()
        .unwrap_or_default()
        .iter()
        .filter_map(parse_rental)
    {
        snapshot.rentals.insert(e.id, e);
    }

    progress.report(Progress::step(
        3,
        Text::new(
            format!(
                "Lese Ansprechpartner von {} Vermietungsobjekten und prüfe E-Mail-Postfächer …",
                snapshot.rentals.len()
            ),
            format!(
                "Reading contact persons of {} rental listings and checking mailboxes …",
                snapshot.rentals.len()
            ),
        ),
    ));
    let rental_ids: Vec<u64> = snapshot.rentals.keys().copied().collect();
    let user_nrs: Vec<u64> = snapshot.users.keys().copied().collect();
    let emails: Vec<String> = snapshot
        .system_addresses
        .values()
        .filter_map(|a| a.default_email.clone())
        .collect();
    let contacts = read_contact_relations(client, &rental_ids);
    let links = async {
        if has_link_field || user_nrs.is_empty() {
            Ok(None)
        } else {
            client
                .ids_from_relation(RELATION_USER_ADDRESS, RelationSide::Parents, &user_nrs)
                .await
                .map(Some)
        }
    };
    let (contacts, links, mailboxes) =
        tokio::join!(contacts, links, classifier.classify_all(emails));
    (snapshot.brokers, snapshot.contacts) = contacts?;
    if let Some(links) = links? {
        for (nr, addresses) in links {
            if let Some(u) = snapshot.users.get_mut(&nr) {
                u.address_id = addresses.first().copied();
            }
        }
    }
    snapshot.mailboxes = mailboxes;

    let others: BTreeSet<u64> = snapshot
        .rentals
        .keys()
        .flat_map(|&e| {
            snapshot
                .portal_contact(e)
                .into_iter()
                .chain(snapshot.skipped_contacts(e))
        })
        .filter(|id| !snapshot.system_addresses.contains_key(id))
        .collect();
    if !others.is_empty() {
        progress.report(Progress::step(
            4,
            Text::new(
                format!("Lese {} weitere Ansprechpartner-Adressen …", others.len()),
                format!("Reading {} other contact person addresses …", others.len()),
            ),
        ));
        let ids: Vec<u64> = others.into_iter().collect();
        for a in client
            .read_addresses_by_id(&ids, ADDRESS_FIELDS)
            .await?
            .iter()
            .filter_map(parse_address)
        {
            snapshot.other_contacts.insert(a.id, a);
        }
    }
    Ok(snapshot)
}

/// Both contact person relations of the given listings, read together: `(contactPerson, contactPersonAll)`.
pub async fn read_contact_relations(
    client: &Client,
    estates: &[u64],
) -> onoffice::Result<(BTreeMap<u64, Vec<u64>>, BTreeMap<u64, Vec<u64>>)> {
    let mut calls = Vec::new();
    for relation in [RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL] {
        for chunk in estates.chunks(MAX_RELATION_IDS) {
            calls.push((
                relation,
                actions::ids_from_relation(relation, RelationSide::Parents, chunk),
            ));
        }
    }
    let (kinds, calls): (Vec<&str>, Vec<Action>) = calls.into_iter().unzip();
    let mut brokers = BTreeMap::new();
    let mut all = BTreeMap::new();
    for (relation, result) in kinds.into_iter().zip(client.execute(calls).await) {
        let map = parse_related_ids(&result?.records)?;
        if relation == RELATION_CONTACT_PERSON {
            brokers.extend(map);
        } else {
            all.extend(map);
        }
    }
    Ok((brokers, all))
}

/// Shared, cheap-to-clone handle on a classifier.
pub type SharedClassifier = Arc<MailboxClassifier>;
