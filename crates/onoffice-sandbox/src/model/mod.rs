//! The records of one simulated onOffice account: users, addresses, estates, relations and field configuration.
//! It renders records the way onOffice sends them (strings, pipe-joined multiselects, e-mail pseudo-fields).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

pub use onoffice_protocol::{
    RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL, RELATION_ESTATE_OFFICER,
    RELATION_USER_ADDRESS,
};

mod account;
mod cache;
mod fields;

pub use cache::{ContactIndex, ListCache};

/// An onOffice user (a login).
#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub nr: u64,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub kuerzel: String,
    pub email: String,
    /// The linked address (`adrId:adressen.ID`).
    pub address_id: Option<u64>,
    /// "active", "locked" or "deactivated" (field `online`).
    pub status: String,
}

/// Which e-mail list an entry is in; it names the entry when read (`email__`, `emailbusiness__`, `emailprivate__`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    #[default]
    Plain,
    Business,
    Private,
}

impl EmailKind {
    /// The identifier part of the key a read returns.
    pub fn read_prefix(self) -> &'static str {
        match self {
            EmailKind::Plain => "email",
            EmailKind::Business => "emailbusiness",
            EmailKind::Private => "emailprivate",
        }
    }

    /// The key a modify takes (`email`, `email_business`, `email_private`).
    pub fn from_write_key(key: &str) -> Option<Self> {
        Some(match key {
            "email" => EmailKind::Plain,
            "email_business" => EmailKind::Business,
            "email_private" => EmailKind::Private,
            _ => return None,
        })
    }
}

/// One e-mail entry of an address.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EmailEntry {
    pub id: u64,
    pub address: String,
    pub default: bool,
    pub kind: EmailKind,
    /// The person's own remark ("Mailbemerkung"); free text, sometimes with something that looks like an address.
    pub comment: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Address {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub city: String,
    pub zip: String,
    pub street: String,
    /// Keys of the multiselect `ArtDaten` ("Kontaktart"), in stored order.
    pub contact_types: Vec<String>,
    pub emails: Vec<EmailEntry>,
    pub phone: String,
}

impl Address {
    pub fn default_email(&self) -> Option<&EmailEntry> {
        self.emails.iter().find(|e| e.default)
    }

    /// The record's elements as `read address` returns them, all fields.
    pub fn elements(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("Id".into(), self.id.to_string().into());
        // Numbers come as numbers here and as strings elsewhere, as in recorded answers.
        m.insert("KdNr".into(), (self.id + 10000).into());
        m.insert("Vorname".into(), self.first_name.clone().into());
        m.insert("Name".into(), self.last_name.clone().into());
        m.insert("Firma".into(), self.company.clone().into());
        m.insert("Ort".into(), self.city.clone().into());
        m.insert("Plz".into(), self.zip.clone().into());
        m.insert("Strasse".into(), self.street.clone().into());
        m.insert("Telefon1".into(), self.phone.clone().into());
        m.insert("Status".into(), "1".into());
        m.insert("ArtDaten".into(), pipe_join(&self.contact_types).into());
        let default = self
            .default_email()
            .map(|e| e.address.clone())
            .unwrap_or_default();
        m.insert("Email".into(), default.clone().into());
        m
    }

    /// The pseudo-fields `email` and `defaultemail`, added only when asked for in `data`.
    pub fn pseudo_elements(&self, field: &str) -> Option<Map<String, Value>> {
        let mut m = Map::new();
        match field {
            "defaultemail" => {
                let default = self
                    .default_email()
                    .map(|e| e.address.clone())
                    .unwrap_or_default();
                m.insert("defaultemail".into(), default.into());
            }
            "email" => {
                for e in &self.emails {
                    let prefix = e.kind.read_prefix();
                    m.insert(format!("{prefix}__{}", e.id), e.address.clone().into());
                    m.insert(
                        format!("{prefix}__{}__Comment", e.id),
                        e.comment.clone().into(),
                    );
                }
            }
            _ => return None,
        }
        Some(m)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Estate {
    pub id: u64,
    pub title: String,
    pub external_no: String,
    /// `kauf`, `miete`, `pacht` or `erbpacht`.
    pub marketing_type: String,
    /// 1 active, 2 pending, 0 archived.
    pub status: u8,
    /// 1 = sold or rented.
    pub sold: u8,
    pub reserved: u8,
    /// The Betreuer (field `benutzer`): a user number.
    pub officer: u64,
    pub city: String,
    pub zip: String,
    pub cold_rent: u32,
    pub living_area: u32,
    pub kind: String,
    /// When the listing was created (`erstellt_am`, "Y-m-d H:i:s"); empty until the generator sets it.
    pub created: String,
}

/// One entry of the Maklerbuch (agents log): what happened, on which listings and addresses, when.
#[derive(Clone, Debug, Serialize)]
pub struct AgentsLogEntry {
    pub id: u64,
    /// Listing ids (`Objekt_nr`, sent as an array of strings).
    pub estates: Vec<u64>,
    /// Address ids (`Adress_nr`, an array of strings).
    pub addresses: Vec<u64>,
    /// `Aktionsart` (the kind's API key, e.g. `Email`).
    pub kind: String,
    /// `Aktionstyp` (e.g. `Eingang`).
    pub kind_type: String,
    /// `Datum`, "Y-m-d H:i:s".
    pub date: String,
    /// The user who did it (`Benutzer`), empty for automatic entries.
    pub user: String,
    pub note: String,
}

impl AgentsLogEntry {
    /// Every field of the entry, as `read agentslog` without `data` returns it.
    pub fn elements(&self) -> Map<String, Value> {
        self.elements_of(|_| true)
    }

    /// Only the fields `wanted` names (a read's `data` and the fields its filter compares): a read over thousands of
    /// entries builds no more than it sends or compares.
    pub fn elements_of(&self, wanted: impl Fn(&str) -> bool) -> Map<String, Value> {
        let ids = |v: &[u64]| Value::from(v.iter().map(|i| i.to_string()).collect::<Vec<_>>());
        let text = |t: &str| Value::from(t);
        let fields: [(&str, &dyn Fn() -> Value); 10] = [
            ("Nr", &|| self.id.to_string().into()),
            ("Objekt_nr", &|| ids(&self.estates)),
            ("Adress_nr", &|| ids(&self.addresses)),
            ("Aktionsart", &|| text(&self.kind)),
            ("Aktionstyp", &|| text(&self.kind_type)),
            ("Datum", &|| text(&self.date)),
            ("created", &|| text(&self.date)),
            ("Benutzer", &|| text(&self.user)),
            ("Bemerkung", &|| text(&self.note)),
            ("dauer", &|| text("0")),
        ];
        fields
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(name, value)| (name.to_string(), value()))
            .collect()
    }
}

/// A mailbox's automatic mail booking (the blue tick), as only onOffice's web interface shows it. Never readable
/// through the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailBooking {
    On,
    /// The tick is not set.
    Off,
    /// The tick cannot be set: the account's mail booking quota is used up.
    OffNoQuota,
}

/// An action kind (`Aktionsart`) with its types (`Aktionstyp`), as `get actionkindtypes` lists them.
#[derive(Clone, Debug, Serialize)]
pub struct ActionKind {
    pub key: String,
    pub label: String,
    pub types: Vec<KindType>,
    /// Types only onOffice itself writes (mail booking, portal transfers): listed only when asked for
    /// (`allowAutomaticTypesForActionKind`).
    pub automatic_types: Vec<KindType>,
}

/// An action type (`Aktionstyp`): the key entries carry, the label the web interface shows.
#[derive(Clone, Debug, Serialize)]
pub struct KindType {
    pub key: String,
    pub label: String,
}

/// Where an account logs its portal transfers in the Maklerbuch: the kind and type keys its entries carry. onOffice
/// does not publish these names, so each generated account names them in its own way.
#[derive(Clone, Debug, Serialize)]
pub struct TransferLogging {
    pub kind: String,
    pub kind_type: String,
}

impl Estate {
    pub fn elements(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("Id".into(), self.id.to_string().into());
        m.insert("objekttitel".into(), self.title.clone().into());
        m.insert("objektnr_extern".into(), self.external_no.clone().into());
        m.insert("vermarktungsart".into(), self.marketing_type.clone().into());
        m.insert("status".into(), self.status.to_string().into());
        m.insert("verkauft".into(), self.sold.into());
        m.insert("reserviert".into(), self.reserved.to_string().into());
        m.insert("benutzer".into(), self.officer.to_string().into());
        m.insert("ort".into(), self.city.clone().into());
        m.insert("plz".into(), self.zip.clone().into());
        m.insert("kaltmiete".into(), format!("{}.00", self.cold_rent).into());
        m.insert("wohnflaeche".into(), self.living_area.to_string().into());
        m.insert("objektart".into(), self.kind.clone().into());
        m.insert("erstellt_am".into(), self.created.clone().into());
        m
    }
}

impl User {
    pub fn elements(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("Nr".into(), self.nr.into());
        m.insert("Name".into(), self.username.clone().into());
        m.insert("Vorname".into(), self.first_name.clone().into());
        m.insert("Nachname".into(), self.last_name.clone().into());
        m.insert("Kuerzel".into(), self.kuerzel.clone().into());
        m.insert("email".into(), self.email.clone().into());
        m.insert(
            "adrId:adressen.ID".into(),
            self.address_id
                .map(|i| i.to_string())
                .unwrap_or_default()
                .into(),
        );
        m.insert("online".into(), self.status.clone().into());
        m
    }
}

/// An estate's contact person link. Which of them count as "brokers" is decided at read time.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ContactLink {
    pub estate: u64,
    pub address: u64,
}

/// How this account configured the Makler value of `ArtDaten`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaklerVariant {
    /// Key `Makler`, label "Makler".
    Standard,
    /// Key `Makler`, label renamed to "Mitarbeiter".
    Renamed,
    /// No `Makler` key; a customer key labelled "Mitarbeiter" is used for brokers.
    CustomKey,
    /// No broker value at all.
    Missing,
}

pub const CUSTOM_BROKER_KEY: &str = "indMulti1966Select5844";

/// The whole account.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    pub agency: String,
    pub makler_variant: MaklerVariant,
    pub users: BTreeMap<u64, User>,
    pub addresses: BTreeMap<u64, Address>,
    pub estates: BTreeMap<u64, Estate>,
    /// Contact persons in stored order; the first per estate is what portals get. Changed only through
    /// [`Account::link_contact`] and [`Account::unlink_contacts`], which keep the contact index true.
    pub contacts: Vec<ContactLink>,
    /// Multiselect `ArtDaten`: key → label, in configured order.
    pub contact_type_values: Vec<(String, String)>,
    /// Whether the API user has the right "Benutzerdaten über API auslesen".
    pub can_read_users: bool,
    /// Single-select `vermarktungsart`: key → label.
    pub marketing_type_values: Vec<(String, String)>,
    /// Fields the API user may not read: onOffice drops them from `data` without a word.
    pub unreadable_fields: std::collections::BTreeSet<String>,
    pub next_email_id: u64,
    /// The Maklerbuch, newest first (as onOffice returns it).
    pub agents_log: Vec<AgentsLogEntry>,
    /// Mail booking per mailbox (e-mail address, lower case); a mailbox not listed has none.
    pub mail_booking: BTreeMap<String, MailBooking>,
    /// Whether the API user may read the Maklerbuch (the right is not documented; a test can take it away).
    pub can_read_agents_log: bool,
    /// The account's action kinds and types (`get actionkindtypes`).
    pub action_kinds: Vec<ActionKind>,
    /// How portal transfers appear in the Maklerbuch; `None`: this account's Maklerbuch does not show them.
    pub transfer_logging: Option<TransferLogging>,
    /// The next portal transfer job's number.
    pub next_transfer_job: u64,
    /// System user addresses whose mailbox can have mail booking (their ground truth follows the Maklerbuch).
    pub bookable: std::collections::BTreeSet<u64>,
    /// The agency's own mail domain (new staff get their address there).
    pub mail_domain: String,
    /// Days `/_sandbox/advance` has let pass.
    pub days_advanced: u64,
    /// The rental agent answering booked enquiries; `None`: this agency has none (no replies anywhere).
    pub rental_agent: Option<crate::agent::RentalAgent>,
    /// While the generator fills the Maklerbuch, entries are appended and sorted once at the end.
    #[serde(skip)]
    pub log_unsorted: bool,
    /// Matching ids of recent list filters; cleared by every write.
    #[serde(skip)]
    pub list_cache: ListCache,
}

/// The four marketing types of a standard account.
pub fn standard_marketing_types() -> Vec<(String, String)> {
    [
        ("kauf", "Kauf"),
        ("miete", "Miete"),
        ("pacht", "Pacht"),
        ("erbpacht", "Erbpacht"),
    ]
    .iter()
    .map(|(k, l)| (k.to_string(), l.to_string()))
    .collect()
}

/// `["a","b"]` → `"|a||b|"`, as onOffice sends multiselect values.
pub fn pipe_join(keys: &[String]) -> String {
    keys.iter().map(|k| format!("|{k}|")).collect()
}
