//! The records of one simulated onOffice account: users, addresses, estates, relations and field configuration.
//! It renders records the way onOffice sends them (strings, pipe-joined multiselects, e-mail pseudo-fields).

use std::collections::BTreeMap;

use onoffice_protocol::lock::Unpoisoned;
use serde::Serialize;
use serde_json::{json, Map, Value};

pub use onoffice_protocol::{
    RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL, RELATION_ESTATE_OFFICER,
    RELATION_USER_ADDRESS,
};

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
    pub fn elements(&self) -> Map<String, Value> {
        let ids = |v: &[u64]| Value::from(v.iter().map(|i| i.to_string()).collect::<Vec<_>>());
        let mut m = Map::new();
        m.insert("Nr".into(), self.id.to_string().into());
        m.insert("Objekt_nr".into(), ids(&self.estates));
        m.insert("Adress_nr".into(), ids(&self.addresses));
        m.insert("Aktionsart".into(), self.kind.clone().into());
        m.insert("Aktionstyp".into(), self.kind_type.clone().into());
        m.insert("Datum".into(), self.date.clone().into());
        m.insert("created".into(), self.date.clone().into());
        m.insert("Benutzer".into(), self.user.clone().into());
        m.insert("Bemerkung".into(), self.note.clone().into());
        m.insert("dauer".into(), "0".into());
        m
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

type Shared<T> = std::sync::Arc<std::sync::Mutex<T>>;
/// Contact persons (address ids, in order) per estate id.
pub type ContactIndex = std::sync::Arc<std::collections::HashMap<u64, Vec<u64>>>;

/// What list reads can reuse until the next write: filter results by request key (shared by the pages of one
/// list read) and the contact persons by estate. A copy of the account starts with an empty cache of its own (the
/// copy and the original change apart).
#[derive(Debug, Default)]
pub struct ListCache {
    pub filters: Shared<std::collections::HashMap<String, std::sync::Arc<Vec<u64>>>>,
    pub contacts: Shared<Option<ContactIndex>>,
}

impl Clone for ListCache {
    fn clone(&self) -> Self {
        ListCache::default()
    }
}

impl ListCache {
    pub fn clear(&self) {
        self.filters.write_guard().clear();
        self.forget_contacts();
    }

    /// Drops the contact index (the contact persons changed).
    pub fn forget_contacts(&self) {
        *self.contacts.write_guard() = None;
    }

    /// Contact persons per estate, in stored order.
    pub fn contacts_by_estate(
        &self,
        links: &[ContactLink],
    ) -> std::sync::Arc<std::collections::HashMap<u64, Vec<u64>>> {
        let mut slot = self.contacts.write_guard();
        if let Some(index) = slot.as_ref() {
            return index.clone();
        }
        let mut index: std::collections::HashMap<u64, Vec<u64>> = std::collections::HashMap::new();
        for c in links {
            index.entry(c.estate).or_default().push(c.address);
        }
        let index = std::sync::Arc::new(index);
        *slot = Some(index.clone());
        index
    }
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

impl Account {
    /// A record's elements without the fields the API user may not read.
    pub fn readable(&self, mut elements: Map<String, Value>) -> Map<String, Value> {
        if !self.unreadable_fields.is_empty() {
            elements.retain(|k, _| !self.unreadable_fields.contains(k));
        }
        elements
    }

    /// The key that marks brokers in this account, if any.
    pub fn broker_key(&self) -> Option<&'static str> {
        match self.makler_variant {
            MaklerVariant::Standard | MaklerVariant::Renamed => Some("Makler"),
            MaklerVariant::CustomKey => Some(CUSTOM_BROKER_KEY),
            MaklerVariant::Missing => None,
        }
    }

    pub fn is_broker(&self, address_id: u64) -> bool {
        match (self.broker_key(), self.addresses.get(&address_id)) {
            (Some(key), Some(a)) => a.contact_types.iter().any(|k| k == key),
            _ => false,
        }
    }

    /// An address's default mailbox, lower case: where mail booking is switched on or off.
    pub fn mailbox_of(&self, address: u64) -> Option<String> {
        self.addresses
            .get(&address)?
            .default_email()
            .map(|e| e.address.to_lowercase())
    }

    /// The mail booking of a listing's first broker's default mailbox, as onOffice applies it to an enquiry that
    /// arrives now: `None` when the listing has no broker or the broker no default e-mail.
    pub fn booking_for(&self, estate: u64) -> Option<MailBooking> {
        let first = *self.contacts_of(estate, true).first()?;
        let mailbox = self.mailbox_of(first)?;
        Some(
            self.mail_booking
                .get(&mailbox)
                .copied()
                .unwrap_or(MailBooking::Off),
        )
    }

    /// A portal enquiry about `estate` from `from` arrives at `at` ("Y-m-d H:i:s"): onOffice books it (an
    /// `Email`/`Eingang` entry on the listing, newest first) only when the first broker's mailbox has booking on.
    /// Returns whether it was booked.
    pub fn receive_enquiry(&mut self, estate: u64, from: Option<u64>, at: &str) -> bool {
        if self.booking_for(estate) != Some(MailBooking::On) {
            return false;
        }
        self.log(AgentsLogEntry {
            id: 0,
            estates: vec![estate],
            addresses: from.into_iter().collect(),
            kind: "Email".into(),
            kind_type: "Eingang".into(),
            date: at.to_string(),
            user: String::new(),
            note: "Anfrage über Immobilienportal".into(),
        });
        if let Some(from) = from {
            self.agent_reply(estate, &[from], at);
        }
        true
    }

    /// onOffice's job server transferred these listings to the portals at `at` (UTC): one Maklerbuch entry per
    /// listing with the job's number, dated in German time as onOffice writes it. Nothing is logged when the account
    /// does not show transfers. Returns the job number.
    pub fn transfer_to_portals(&mut self, estates: &[u64], at: jiff::Timestamp) -> Option<u64> {
        let logging = self.transfer_logging.clone()?;
        self.next_transfer_job = self.next_transfer_job.max(4_711_000) + 1;
        let job = self.next_transfer_job;
        let date = onoffice_protocol::local_time::german_time(at)
            .strftime(onoffice_protocol::local_time::ONOFFICE_DATE_FORMAT)
            .to_string();
        let known: Vec<u64> = estates
            .iter()
            .copied()
            .filter(|e| self.estates.contains_key(e))
            .collect();
        for estate in known {
            self.log(AgentsLogEntry {
                id: 0,
                estates: vec![estate],
                addresses: vec![],
                kind: logging.kind.clone(),
                kind_type: logging.kind_type.clone(),
                date: date.clone(),
                user: String::new(),
                note: format!("Job-ID {job}"),
            });
        }
        Some(job)
    }

    /// Adds an entry to the Maklerbuch in date order (newest first), with the next id.
    pub fn log(&mut self, mut entry: AgentsLogEntry) {
        entry.id = self.next_log_id();
        if self.log_unsorted {
            self.agents_log.push(entry);
            return;
        }
        let at = self.agents_log.partition_point(|e| e.date > entry.date);
        self.agents_log.insert(at, entry);
    }

    /// The next entry's id: one above the highest.
    fn next_log_id(&self) -> u64 {
        let highest = if self.log_unsorted {
            self.agents_log.last().map(|e| e.id)
        } else {
            self.agents_log.iter().map(|e| e.id).max()
        };
        highest.unwrap_or(90_000) + 1
    }

    /// Puts the Maklerbuch in date order (newest first) after the generator appended to it.
    pub fn sort_log(&mut self) {
        self.agents_log
            .sort_by(|a, b| (&b.date, b.id).cmp(&(&a.date, a.id)));
        self.log_unsorted = false;
    }

    /// Contact persons of an estate in order; `brokers_only` is the `contactPerson` view. Read through the contact
    /// index, which every change of `contacts` ([`Account::link_contact`], [`Account::unlink_contacts`]) drops.
    pub fn contacts_of(&self, estate: u64, brokers_only: bool) -> Vec<u64> {
        let index = self.list_cache.contacts_by_estate(&self.contacts);
        index
            .get(&estate)
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|a| !brokers_only || self.is_broker(*a))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds `address` as the last contact person of `estate` (duplicates kept, as onOffice stores them).
    pub fn link_contact(&mut self, estate: u64, address: u64) {
        self.contacts.push(ContactLink { estate, address });
        self.list_cache.forget_contacts();
    }

    /// Removes the contact persons of `estate` that `which` picks.
    pub fn unlink_contacts(&mut self, estate: u64, which: impl Fn(u64) -> bool) {
        self.contacts
            .retain(|c| !(c.estate == estate && which(c.address)));
        self.list_cache.forget_contacts();
    }

    /// Estates whose contact persons include this address.
    pub fn estates_of_contact(&self, address: u64, brokers_only: bool) -> Vec<u64> {
        if brokers_only && !self.is_broker(address) {
            return Vec::new();
        }
        let mut out: Vec<u64> = self
            .contacts
            .iter()
            .filter(|c| c.address == address)
            .map(|c| c.estate)
            .collect();
        out.dedup();
        out
    }

    /// `get fields` for one module, shaped like recorded dumps: permitted values map key → label with labels on and
    /// are a key list without; plain fields carry `permittedvalues: null`; some readable fields (`estate.status`,
    /// `estate.verkauft`, `user.online`) are not listed at all; `benutzer` is `text` unless `realDataTypes` is set.
    pub fn field_metadata(
        &self,
        module: &str,
        labels: bool,
        real_types: bool,
    ) -> Option<Map<String, Value>> {
        let permitted = |values: &[(String, String)]| -> Value {
            if labels {
                Value::Object(
                    values
                        .iter()
                        .map(|(k, l)| (k.clone(), Value::from(l.clone())))
                        .collect(),
                )
            } else {
                Value::Array(values.iter().map(|(k, _)| Value::from(k.clone())).collect())
            }
        };
        let field = |ty: &str, label: &str, values: Option<&[(String, String)]>| -> Value {
            let mut f = json!({"type": ty, "length": null, "default": null, "filters": [], "dependencies": [], "compoundFields": [], "fieldMeasureFormat": null});
            f["permittedvalues"] = values.map(permitted).unwrap_or(Value::Null);
            if labels {
                f["label"] = label.into();
            }
            f
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect()
        };
        let mut m = Map::new();
        match module {
            "address" => {
                if labels {
                    m.insert("label".into(), "Adressen".into());
                }
                for (name, ty, label) in [
                    ("Vorname", "varchar", "Vorname"),
                    ("Name", "varchar", "Name"),
                    ("Firma", "varchar", "Firma"),
                    ("Ort", "varchar", "Ort"),
                    ("Plz", "varchar", "PLZ"),
                    ("Strasse", "varchar", "Straße"),
                    ("Telefon1", "varchar", "Telefon"),
                    ("Email", "varchar", "E-Mail"),
                    ("KdNr", "integer", "KdNr"),
                ] {
                    m.insert(name.into(), field(ty, label, None));
                }
                m.insert(
                    "Status".into(),
                    field(
                        "singleselect",
                        "Status",
                        Some(&pairs(&[("1", "Aktiv"), ("0", "Archiviert")])),
                    ),
                );
                m.insert(
                    "ArtDaten".into(),
                    field("multiselect", "Kontaktart", Some(&self.contact_type_values)),
                );
            }
            "estate" => {
                if labels {
                    m.insert("label".into(), "Immobilien".into());
                }
                for (name, ty, label) in [
                    ("objekttitel", "varchar", "Objekttitel"),
                    ("objektnr_extern", "varchar", "ImmoNr"),
                    ("reserviert", "boolean", "Reserviert"),
                    ("ort", "varchar", "Ort"),
                    ("plz", "varchar", "PLZ"),
                    ("kaltmiete", "float", "Kaltmiete"),
                    ("wohnflaeche", "float", "Wohnfläche"),
                    (
                        "benutzer",
                        if real_types { "user" } else { "text" },
                        "Betreuer",
                    ),
                ] {
                    m.insert(name.into(), field(ty, label, None));
                }
                m.insert(
                    "vermarktungsart".into(),
                    field(
                        "singleselect",
                        "Vermarktungsart",
                        Some(&self.marketing_type_values),
                    ),
                );
                m.insert(
                    "objektart".into(),
                    field(
                        "singleselect",
                        "Objektart",
                        Some(&pairs(&[
                            ("wohnung", "Wohnung"),
                            ("haus", "Haus"),
                            ("buero_praxen", "Büro/Praxen"),
                        ])),
                    ),
                );
            }
            "user" => {
                if labels {
                    m.insert("label".into(), "Benutzer".into());
                }
                for (name, ty, label) in [
                    ("Nr", "integer", "Nr"),
                    ("Name", "varchar", "Benutzername"),
                    ("Vorname", "varchar", "Vorname"),
                    ("Nachname", "varchar", "Nachname"),
                    ("Kuerzel", "varchar", "Kürzel"),
                    ("email", "varchar", "E-Mail"),
                    ("adrId:adressen.ID", "integer", "Adresse"),
                    ("Aktiv_bis", "date", "Aktiv bis"),
                    ("userDeactivatedDate", "date", "Deaktiviert am"),
                    ("online_seit", "datetime", "Online seit"),
                    ("mailMode", "varchar", "Mail-Modus"),
                ] {
                    m.insert(name.into(), field(ty, label, None));
                }
            }
            _ => return None,
        }
        Some(m)
    }
}

/// `["a","b"]` → `"|a||b|"`, as onOffice sends multiselect values.
pub fn pipe_join(keys: &[String]) -> String {
    keys.iter().map(|k| format!("|{k}|")).collect()
}
