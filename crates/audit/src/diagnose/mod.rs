//! The compatibility check: before the first audit of an account (and on demand, "Verbindung prüfen" in the app,
//! `oo-check diagnose`), it checks every assumption the audit makes about the account, read-only, in two round
//! trips. Each assumption that fails becomes one account-level finding, and the checklist is marked incomplete.
//! The diagnosis can be saved for support: field names, value keys, counts, error codes, timings and the app
//! version; it must never contain a secret, a name or an e-mail address.

mod contact_type;
mod probe;

use std::collections::BTreeMap;

pub use probe::run;

use onoffice::ActionResult;
use serde::{Deserialize, Serialize};

use crate::finding::{
    Finding, FindingKind, Resolution, SupportMail, HELP_ARTICLE, ONOFFICE_SUPPORT,
};
use crate::subject::Subject;
use crate::text::Text;

/// The assumptions the audit makes, in the order they are shown.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssumptionId {
    /// Users can be listed (right "Benutzerdaten über API auslesen").
    UsersReadable,
    /// `ArtDaten` exists with a `Systembenutzer` value.
    SystemUserValue,
    /// A Makler key exists (or the person chose one).
    MaklerKey,
    /// `vermarktungsart` has the value `miete`.
    RentalValue,
    /// The estate fields the audit reads come back.
    EstateFields,
    /// The user ↔ address link resolves for at least one user.
    UserAddressLink,
    /// Both contact person relations can be read.
    ContactRelations,
    /// The Maklerbuch can be read (for the evidence of mail booking). Without it the app falls back to the ticks the
    /// person confirms, so the checklist stays complete.
    AgentsLogReadable,
}

impl AssumptionId {
    pub const ALL: [AssumptionId; 8] = [
        AssumptionId::UsersReadable,
        AssumptionId::SystemUserValue,
        AssumptionId::MaklerKey,
        AssumptionId::RentalValue,
        AssumptionId::EstateFields,
        AssumptionId::UserAddressLink,
        AssumptionId::ContactRelations,
        AssumptionId::AgentsLogReadable,
    ];

    pub fn from_id(id: &str) -> Option<AssumptionId> {
        AssumptionId::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn id(self) -> &'static str {
        match self {
            AssumptionId::UsersReadable => "users_readable",
            AssumptionId::SystemUserValue => "system_user_value",
            AssumptionId::MaklerKey => "makler_key",
            AssumptionId::RentalValue => "rental_value",
            AssumptionId::EstateFields => "estate_fields",
            AssumptionId::UserAddressLink => "user_address_link",
            AssumptionId::ContactRelations => "contact_relations",
            AssumptionId::AgentsLogReadable => "agents_log_readable",
        }
    }

    fn title(self) -> Text {
        let (de, en) = match self {
            AssumptionId::UsersReadable => ("Benutzer lesbar", "Users readable"),
            AssumptionId::SystemUserValue => (
                "Kontaktart „Systembenutzer“ vorhanden",
                "Contact type \"Systembenutzer\" exists",
            ),
            AssumptionId::MaklerKey => (
                "Kontaktart „Makler“ vorhanden",
                "Contact type \"Makler\" exists",
            ),
            AssumptionId::RentalValue => (
                "Vermarktungsart „Miete“ vorhanden",
                "Marketing type \"Miete\" exists",
            ),
            AssumptionId::EstateFields => ("Objektfelder lesbar", "Listing fields readable"),
            AssumptionId::UserAddressLink => (
                "Benutzer mit Adressen verknüpft",
                "Users linked to addresses",
            ),
            AssumptionId::ContactRelations => (
                "Ansprechpartner der Objekte lesbar",
                "Contact persons of listings readable",
            ),
            AssumptionId::AgentsLogReadable => ("Maklerbuch lesbar", "Agents log readable"),
        };
        Text::new(de, en)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssumptionState {
    Holds,
    Fails,
    /// Could not be checked (e.g. no active rental listing to look at).
    Unknown,
}

/// One assumption and what the check saw.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    pub id: AssumptionId,
    pub state: AssumptionState,
    pub title: Text,
    /// What was seen, in plain words: counts and onOffice's own labels ("Kontaktart „Makler“"), never a name or an
    /// address. Title, seen, meaning and todo are what the app shows, so none of them names the API (field names,
    /// value keys, relations): those go into the diagnosis file only (`reads`, `fields`, `value_keys`).
    pub seen: Text,
    /// What it means for the checklist and what to do (empty when it holds).
    pub meaning: Text,
    pub todo: Text,
}

/// One read of the check: what, how it went, how long it took.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadFigure {
    pub what: String,
    pub error_code: Option<i64>,
    pub error_class: Option<onoffice::ErrorClass>,
    pub records: u64,
    pub total: Option<u64>,
}

/// The result of a compatibility check; serialised as the diagnosis file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub app_version: String,
    /// UTC, RFC 3339.
    pub created: String,
    /// Host of the API address (e.g. `api.onoffice.de`, or `127.0.0.1` for the demo).
    pub api_host: String,
    pub assumptions: Vec<Assumption>,
    pub reads: Vec<ReadFigure>,
    /// Field names per module, as `get fields` lists them.
    pub fields: BTreeMap<String, Vec<String>>,
    /// Value keys of the select fields the audit relies on (`address.ArtDaten`, `estate.vermarktungsart`).
    pub value_keys: BTreeMap<String, Vec<String>>,
    pub requests: u64,
    pub elapsed_ms: u64,
    /// The account's action kinds (`Aktionsart`) with their types, automatic ones included: names only.
    #[serde(default)]
    pub action_kinds: BTreeMap<String, Vec<String>>,
    /// How many Maklerbuch entries of each "kind / type" the sampled rental listings got in 30 days: counts only,
    /// no text, no address, no person.
    #[serde(default)]
    pub agents_log_counts: BTreeMap<String, u64>,
    /// The e-mails on those rentals in 30 days, paired into enquiries and replies: counts only.
    #[serde(default)]
    pub answer_counts: crate::answers::AnswerCounts,
    /// The kinds (and types) whose labels name a portal transfer, as labels: where this account's Maklerbuch shows
    /// transfers (empty: it shows none, or the kinds could not be read).
    #[serde(default)]
    pub transfer_kinds: Vec<String>,
}

impl Diagnosis {
    /// True when nothing failed: the checklist may be shown as complete.
    pub fn all_hold(&self) -> bool {
        self.assumptions
            .iter()
            .filter(|a| a.id != AssumptionId::AgentsLogReadable)
            .all(|a| a.state != AssumptionState::Fails)
    }

    /// One account-level finding per failed assumption (the missing Makler key has its own finding kind).
    pub fn findings(&self) -> Vec<Finding> {
        self.assumptions
            .iter()
            .filter(|a| a.state == AssumptionState::Fails && a.id != AssumptionId::MaklerKey)
            .map(|a| Finding {
                kind: FindingKind::ApiAssumption,
                subject: Subject::Assumption(a.id),
                subject_label: "onOffice".into(),
                severity: FindingKind::ApiAssumption.severity(),
                title: a.title.clone(),
                seen: a.seen.clone(),
                expected: a.meaning.clone(),
                resolution: Resolution::Manual {
                    click_path: a.todo.clone(),
                    steps: vec![Text::new(
                        "Unter „Verbindung prüfen“ die Diagnose speichern und der Nachricht an den Support anhängen.",
                        "Save the diagnosis under \"Check connection\" and attach it to the message to support.",
                    )],
                    support: Some(SupportMail {
                        to: ONOFFICE_SUPPORT.into(),
                        subject: format!("API-Benutzer: {}", a.title.de),
                        body: format!(
                            "Guten Tag,\n\nbei der Prüfung unseres onOffice-Kontos über die API fiel auf: {}\n\n{}\n\nDie Diagnosedatei hängt an. Vielen Dank\n",
                            a.seen.de, a.meaning.de
                        ),
                    }),
                    help_url: Some(HELP_ARTICLE.into()),
                },
            })
            .collect()
    }
}

fn figure(what: &str, r: &onoffice::Result<ActionResult>) -> ReadFigure {
    match r {
        Ok(r) => ReadFigure {
            what: what.into(),
            error_code: None,
            error_class: None,
            records: r.records.len() as u64,
            total: r.cnt_absolute,
        },
        Err(e) => ReadFigure {
            what: what.into(),
            error_code: e.code(),
            error_class: Some(e.class()),
            records: 0,
            total: None,
        },
    }
}

fn holds(id: AssumptionId, seen: Text) -> Assumption {
    Assumption {
        id,
        state: AssumptionState::Holds,
        title: id.title(),
        seen,
        meaning: Text::default(),
        todo: Text::default(),
    }
}

/// A read that failed: a refusal (rights, validation) says the assumption fails; network trouble says nothing.
fn refused(id: AssumptionId, e: &onoffice::Error, meaning: Text, todo: Text) -> Assumption {
    use onoffice::ErrorClass::*;
    match e.class() {
        Transient | UnknownOutcome | Clock | Credentials | Configuration => {
            unknown(id, error_text(e))
        }
        _ => fails(id, error_text(e), meaning, todo),
    }
}

fn fails(id: AssumptionId, seen: Text, meaning: Text, todo: Text) -> Assumption {
    Assumption {
        id,
        state: AssumptionState::Fails,
        title: id.title(),
        seen,
        meaning,
        todo,
    }
}

fn unknown(id: AssumptionId, seen: Text) -> Assumption {
    Assumption {
        id,
        state: AssumptionState::Unknown,
        title: id.title(),
        seen,
        meaning: Text::default(),
        todo: Text::default(),
    }
}

fn error_text(e: &onoffice::Error) -> Text {
    Text::new(e.message_de(), e.message_en())
}
