//! Findings: the stable kind ids of docs/product.md, their subjects, severities, evidence and how to resolve them
//! (a one-click fix, or the exact click path in onOffice and a prefilled support e-mail).

use serde::{Deserialize, Serialize};

use crate::subject::Subject;
use crate::text::Text;

/// Every finding kind, with the stable id used by the audit output and the sandbox's planted list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FindingKind {
    /// An assumption the audit makes about the account does not hold (compatibility check).
    #[serde(rename = "account.api_assumption")]
    ApiAssumption,
    #[serde(rename = "account.makler_key_missing")]
    MaklerKeyMissing,
    #[serde(rename = "user.address_missing")]
    UserAddressMissing,
    #[serde(rename = "address.user_missing")]
    AddressUserMissing,
    #[serde(rename = "user.not_makler")]
    NotMakler,
    #[serde(rename = "user.no_email")]
    NoEmail,
    #[serde(rename = "user.mailbox_external")]
    MailboxExternal,
    #[serde(rename = "user.mail_booking_unconfirmed")]
    MailBookingUnconfirmed,
    /// The mailbox's listings have been on the market for weeks and get no booked enquiry, while the agency's other
    /// mailboxes do (the Maklerbuch's evidence): the blue tick is most likely missing.
    #[serde(rename = "user.mail_booking_silent")]
    MailBookingSilent,
    #[serde(rename = "estate.no_contact")]
    NoContact,
    #[serde(rename = "estate.contact_not_system_user")]
    ContactNotSystemUser,
    #[serde(rename = "estate.contact_not_ready")]
    ContactNotReady,
    #[serde(rename = "estate.portal_transfer_pending")]
    PortalTransferPending,
    /// The listing's booked enquiries older than a day have had no reply in the Maklerbuch, while the agency's other
    /// listings are answered (a sign; judged only where the account shows replies).
    #[serde(rename = "estate.enquiries_unanswered")]
    EnquiriesUnanswered,
    /// Every listing of this mailbox goes unanswered while the agency's others are answered: one sign on the
    /// mailbox (on each system user address that has it), not one per listing.
    #[serde(rename = "user.enquiries_unanswered")]
    MailboxUnanswered,
}

impl FindingKind {
    pub const ALL: [FindingKind; 15] = [
        FindingKind::ApiAssumption,
        FindingKind::MaklerKeyMissing,
        FindingKind::UserAddressMissing,
        FindingKind::AddressUserMissing,
        FindingKind::NotMakler,
        FindingKind::NoEmail,
        FindingKind::MailboxExternal,
        FindingKind::MailBookingUnconfirmed,
        FindingKind::MailBookingSilent,
        FindingKind::NoContact,
        FindingKind::ContactNotSystemUser,
        FindingKind::ContactNotReady,
        FindingKind::PortalTransferPending,
        FindingKind::EnquiriesUnanswered,
        FindingKind::MailboxUnanswered,
    ];

    /// The stable id, e.g. `user.not_makler`.
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::ApiAssumption => "account.api_assumption",
            FindingKind::MaklerKeyMissing => "account.makler_key_missing",
            FindingKind::UserAddressMissing => "user.address_missing",
            FindingKind::AddressUserMissing => "address.user_missing",
            FindingKind::NotMakler => "user.not_makler",
            FindingKind::NoEmail => "user.no_email",
            FindingKind::MailboxExternal => "user.mailbox_external",
            FindingKind::MailBookingUnconfirmed => "user.mail_booking_unconfirmed",
            FindingKind::MailBookingSilent => "user.mail_booking_silent",
            FindingKind::NoContact => "estate.no_contact",
            FindingKind::ContactNotSystemUser => "estate.contact_not_system_user",
            FindingKind::ContactNotReady => "estate.contact_not_ready",
            FindingKind::PortalTransferPending => "estate.portal_transfer_pending",
            FindingKind::EnquiriesUnanswered => "estate.enquiries_unanswered",
            FindingKind::MailboxUnanswered => "user.enquiries_unanswered",
        }
    }

    pub fn from_id(id: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Kinds that only a person can resolve by nature (not detectable from API data alone).
    pub fn is_manual_by_nature(self) -> bool {
        matches!(
            self,
            FindingKind::MailBookingUnconfirmed | FindingKind::PortalTransferPending
        )
    }

    /// Kinds with a one-click fix.
    pub fn is_fixable(self) -> bool {
        matches!(
            self,
            FindingKind::NotMakler
                | FindingKind::NoEmail
                | FindingKind::NoContact
                | FindingKind::ContactNotSystemUser
        )
    }

    pub fn severity(self) -> Severity {
        match self {
            FindingKind::AddressUserMissing
            | FindingKind::MailBookingUnconfirmed
            | FindingKind::PortalTransferPending => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A short title a broker understands.
    pub fn title(self) -> Text {
        let (de, en) = match self {
            FindingKind::ApiAssumption => (
                "onOffice ist anders eingerichtet als erwartet",
                "onOffice is set up differently than expected",
            ),
            FindingKind::MaklerKeyMissing => (
                "Kontaktart „Makler“ nicht gefunden",
                "Contact type \"Makler\" not found",
            ),
            FindingKind::UserAddressMissing => (
                "Benutzer ohne Systembenutzer-Adresse",
                "User without a system user address",
            ),
            FindingKind::AddressUserMissing => (
                "Systembenutzer-Adresse ohne Benutzer",
                "System user address without a user",
            ),
            FindingKind::NotMakler => (
                "Kontaktart „Makler“ fehlt",
                "Contact type \"Makler\" missing",
            ),
            FindingKind::NoEmail => ("Keine Standard-E-Mail-Adresse", "No default e-mail address"),
            FindingKind::MailboxExternal => (
                "Externes Postfach: keine automatische Mailverbuchung möglich",
                "External mailbox: automatic mail booking impossible",
            ),
            FindingKind::MailBookingUnconfirmed => (
                "Automatische Mailverbuchung noch nicht bestätigt",
                "Automatic mail booking not yet confirmed",
            ),
            FindingKind::MailBookingSilent => (
                "Anfragen werden offenbar nicht verbucht",
                "Enquiries are apparently not booked",
            ),
            FindingKind::NoContact => {
                ("Kein Ansprechpartner verknüpft", "No contact person linked")
            }
            FindingKind::ContactNotSystemUser => (
                "Erster Ansprechpartner ist kein Systembenutzer",
                "First contact person is not a system user",
            ),
            FindingKind::ContactNotReady => (
                "Ansprechpartner ist noch nicht bereit",
                "Contact person is not ready yet",
            ),
            FindingKind::PortalTransferPending => (
                "Objekt neu an die Portale übertragen",
                "Re-transfer listing to the portals",
            ),
            FindingKind::EnquiriesUnanswered => (
                "Anfragen offenbar ohne Antwort",
                "Enquiries apparently unanswered",
            ),
            FindingKind::MailboxUnanswered => (
                "Anfragen an dieses Postfach offenbar ohne Antwort",
                "Enquiries to this mailbox apparently unanswered",
            ),
        };
        Text::new(de, en)
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// A prefilled e-mail to onOffice (support, or the customer's sales contact when `to` is empty).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl SupportMail {
    /// A `mailto:` link with subject and body encoded.
    pub fn mailto(&self) -> String {
        fn enc(s: &str) -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        }
        format!(
            "mailto:{}?subject={}&body={}",
            self.to,
            enc(&self.subject),
            enc(&self.body)
        )
    }
}

/// The link to the help article the app follows.
pub const HELP_ARTICLE: &str = "https://wissensdatenbank.kyl.immo/migrated/onoffice-systembenutzer-f%C3%BCr-den-vermietungsagenten-konfigurieren-und-als-ansprechpartner-in-vermietungsobjekten-verkn%C3%BCpfen";
pub const ONOFFICE_SUPPORT: &str = "support@onoffice.de";

/// What resolves a finding.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Resolution {
    /// The app can fix it in one click (after a preview).
    Fix { fix: FixKind },
    /// Steps in onOffice, with the click path and optionally a prefilled e-mail.
    Manual {
        click_path: Text,
        steps: Vec<Text>,
        support: Option<SupportMail>,
        help_url: Option<String>,
    },
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixKind {
    AddMaklerKey,
    AddDefaultEmail,
    AssignContactPerson,
}

/// One finding of the audit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// `account`, `user:<Nr>`, `address:<id>` or `estate:<id>` on the wire.
    pub subject: Subject,
    /// Whom or what it is about, in words (a name, a listing title).
    pub subject_label: String,
    pub severity: Severity,
    pub title: Text,
    /// What was seen.
    pub seen: Text,
    /// What is expected.
    pub expected: Text,
    pub resolution: Resolution,
}
