//! One error type for everything the client can run into, each with a class the UI can act on and a German and
//! an English message that tells a non-technical person what to do. Messages never contain the secret.

use serde::{Deserialize, Serialize};

/// What the person (or the UI) can do about an error.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// Token or secret wrong, or the API user is locked: re-enter the credentials.
    Credentials,
    /// This PC's clock is off by more than two minutes.
    Clock,
    /// The API user lacks a right in onOffice.
    Permission,
    /// The record does not exist (or is hidden by rights).
    NotFound,
    /// onOffice refused the content of a request.
    Validation,
    /// Network or server trouble; trying again later helps.
    Transient,
    /// A write was sent but its answer was lost: read the record before deciding anything.
    UnknownOutcome,
    /// The answer did not have the expected shape.
    Unexpected,
    /// The app was set up with something it must not use (e.g. a non-https API address).
    Configuration,
}

/// Which credential looks wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialField {
    Token,
    Secret,
}

/// Why an API address was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseUrlProblem {
    /// Not an address at all.
    Invalid,
    /// `user:password@` inside the address (never echoed).
    CredentialsInUrl,
    /// Neither https nor http on this PC.
    NotHttps,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialProblem {
    Empty,
    Length { expected: usize, actual: usize },
    Characters,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// A credential failed the local shape check; nothing was sent.
    #[error("{field:?} looks wrong: {problem:?}")]
    Credentials {
        field: CredentialField,
        problem: CredentialProblem,
    },
    /// The API address was refused before any request. `url` is only kept when it is safe to show.
    #[error("API address refused: {problem:?}")]
    BaseUrl {
        url: Option<String>,
        problem: BaseUrlProblem,
    },
    /// The API address answered with a redirect, which the client never follows.
    #[error("the API address redirected (HTTP {status})")]
    Redirect { status: u16 },
    /// onOffice answered with an error code, at the root or for one action.
    #[error("onOffice error {code}: {message}")]
    Api { code: i64, message: String },
    /// The request did not get through (after the retries reads get).
    #[error("network or server problem: {detail}")]
    Transport { detail: String },
    /// A write went out but no usable answer came back.
    #[error("outcome of a write is unknown: {detail}")]
    UnknownOutcome { detail: String },
    /// The answer was JSON but not of the documented shape.
    #[error("unexpected answer from onOffice: {detail}")]
    Unexpected { detail: String },
    /// A proxy or a certificate stopped the connection before onOffice saw the request.
    #[error("connection blocked ({by:?}): {detail}")]
    Blocked { by: Blocker, detail: String },
}

/// What stopped a connection in an office network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// The server's certificate is not trusted by this PC (often a TLS-inspecting proxy whose root is missing).
    Certificate,
    /// A proxy refused to pass the connection (e.g. it wants a login).
    Proxy,
}

/// Error codes onOffice uses for bad credentials (WP plugin `APIError.php`, plus 153 and 243).
const CREDENTIAL_CODES: &[i64] = &[
    13, 22, 28, 30, 40, 41, 42, 43, 45, 47, 48, 49, 137, 153, 243,
];
const PERMISSION_CODES: &[i64] = &[149, 156, 158, 170, 174, 183, 261, 262];
const NOT_FOUND_CODES: &[i64] = &[80, 292, 293];
const VALIDATION_CODES: &[i64] = &[
    4, 9, 14, 15, 16, 19, 20, 23, 25, 75, 76, 77, 78, 83, 86, 87, 88, 132, 142, 168, 173, 212, 219,
    232, 252, 254, 255, 257, 263, 302,
];

/// German and English words for the codes that say more than "refused" (docs/protocol.md).
fn specific_message(code: i64) -> Option<(&'static str, &'static str)> {
    Some(match code {
        15 => (
            "onOffice hat zu viele Aktionen in einer Anfrage abgelehnt (Fehler 15). Die App schickt ihre Anfragen ab jetzt in kleineren Teilen; bitte erneut versuchen.",
            "onOffice refused too many actions in one request (error 15). The app now sends smaller requests; please try again.",
        ),
        83 => (
            "onOffice kennt den Kontakteintrag der Adresse nicht mehr (Fehler 83), z. B. eine E-Mail-Adresse, die gerade jemand geändert oder gelöscht hat. Es wurde nichts geändert; bitte erneut prüfen.",
            "onOffice no longer knows the address's contact entry (error 83), e.g. an e-mail address someone just changed or deleted. Nothing was changed; please check again.",
        ),
        86 => (
            "onOffice vermisst die Angabe, welcher Kontakteintrag der Adresse gemeint ist (Fehler 86). Es wurde nichts geändert; bitte erneut prüfen und, bleibt es so, die Diagnose an den Support senden.",
            "onOffice misses which contact entry of the address is meant (error 86). Nothing was changed; please check again and, if it persists, send the diagnosis to support.",
        ),
        87 => (
            "Der Kontakteintrag ist in der Adresse nicht eindeutig (Fehler 87), z. B. steht dieselbe E-Mail-Adresse zweimal darin. Bitte in onOffice den doppelten Eintrag entfernen und erneut prüfen.",
            "The contact entry is not unique in the address (error 87), e.g. the same e-mail address appears twice. Please remove the duplicate in onOffice and check again.",
        ),
        168 => (
            "onOffice hat die Anfrage mit Fehler 168 abgelehnt. Es wurde nichts geändert. Bitte erneut prüfen; bleibt der Fehler, unter „Verbindung prüfen“ die Diagnose speichern und an den Support senden.",
            "onOffice refused the request with error 168. Nothing was changed. Please check again; if it persists, save the diagnosis under \"Check connection\" and send it to support.",
        ),
        219 => (
            "onOffice erlaubt keine Verknüpfung vieler Objekte mit vielen Adressen auf einmal (Fehler 219). Es wurde nichts geändert; bitte die Diagnose an den Support senden.",
            "onOffice does not allow linking many listings to many addresses at once (error 219). Nothing was changed; please send the diagnosis to support.",
        ),
        _ => return None,
    })
}

/// The class of an onOffice error code.
pub fn class_of_code(code: i64) -> ErrorClass {
    if code == 136 {
        ErrorClass::Clock
    } else if CREDENTIAL_CODES.contains(&code) {
        ErrorClass::Credentials
    } else if PERMISSION_CODES.contains(&code) {
        ErrorClass::Permission
    } else if NOT_FOUND_CODES.contains(&code) {
        ErrorClass::NotFound
    } else if VALIDATION_CODES.contains(&code) {
        ErrorClass::Validation
    } else if code == 500 {
        ErrorClass::Transient
    } else {
        ErrorClass::Unexpected
    }
}

impl Error {
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Credentials { .. } => ErrorClass::Credentials,
            Error::BaseUrl { .. } | Error::Redirect { .. } | Error::Blocked { .. } => {
                ErrorClass::Configuration
            }
            Error::Api { code, .. } => class_of_code(*code),
            Error::Transport { .. } => ErrorClass::Transient,
            Error::UnknownOutcome { .. } => ErrorClass::UnknownOutcome,
            Error::Unexpected { .. } => ErrorClass::Unexpected,
        }
    }

    /// The onOffice error code, when onOffice gave one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// What happened and what to do, in German.
    pub fn message_de(&self) -> String {
        match self {
            Error::Credentials { field, problem } => {
                let name = match field {
                    CredentialField::Token => "Der Token",
                    CredentialField::Secret => "Das Secret",
                };
                match problem {
                    CredentialProblem::Empty => format!("{name} fehlt. Bitte aus dem API-Benutzer in onOffice kopieren und einfügen."),
                    CredentialProblem::Length { expected, actual } => format!(
                        "{name} hat {actual} statt {expected} Zeichen. Bitte in onOffice unter Extras > Einstellungen > API-Benutzer vollständig kopieren (Token und Secret nicht vertauschen)."
                    ),
                    CredentialProblem::Characters => format!(
                        "{name} enthält Leerzeichen oder ungültige Zeichen. Bitte erneut aus onOffice kopieren."
                    ),
                }
            }
            Error::BaseUrl { url, problem } => match problem {
                BaseUrlProblem::Invalid => "Ungültige Adresse: Das ist keine gültige API-Adresse. Bitte die Adresse aus der onOffice-Hilfe kopieren (Standard: https://api.onoffice.de/api/stable/api.php).".into(),
                BaseUrlProblem::CredentialsInUrl => "Die API-Adresse enthält Benutzername oder Passwort und wird deshalb nicht verwendet. Bitte die Adresse ohne Zugangsdaten eingeben; Token und Secret gehören in die eigenen Felder.".into(),
                BaseUrlProblem::NotHttps => format!(
                    "Die API-Adresse „{}“ wird nicht verwendet: nur https-Adressen (oder die Demo auf diesem PC) sind erlaubt.",
                    url.as_deref().unwrap_or("")
                ),
            },
            Error::Redirect { .. } => "Die API-Adresse leitet auf eine andere Adresse um. Aus Sicherheitsgründen folgt die App keiner Umleitung. Bitte die API-Adresse prüfen (Standard: https://api.onoffice.de/api/stable/api.php); in Firmennetzen kann auch ein Proxy die Ursache sein – dann bitte die IT fragen.".into(),
            Error::Api { code, .. } if specific_message(*code).is_some() => {
                specific_message(*code).map(|(de, _)| de.to_string()).unwrap_or_default()
            }
            Error::Api { code, .. } => match class_of_code(*code) {
                ErrorClass::Credentials => "onOffice hat Token oder Secret nicht angenommen. Bitte beide im API-Benutzer in onOffice prüfen und neu einfügen; der API-Benutzer muss aktiv sein.".into(),
                ErrorClass::Clock => "Die Uhrzeit dieses PCs weicht um mehr als zwei Minuten ab. Bitte Uhrzeit und Zeitzone in den Systemeinstellungen auf „automatisch“ stellen und erneut versuchen.".into(),
                ErrorClass::Permission => "Dem API-Benutzer fehlt ein Recht in onOffice (z. B. „Benutzerdaten über API auslesen“ oder Schreibrechte). Bitte in onOffice unter Extras > Einstellungen > API-Benutzer im Reiter „Rechte“ ergänzen.".into(),
                ErrorClass::NotFound => "Der Datensatz wurde in onOffice nicht gefunden. Vielleicht wurde er gelöscht, oder der API-Benutzer darf ihn nicht sehen. Bitte erneut prüfen.".into(),
                ErrorClass::Validation if *code == 263 => "onOffice nimmt diese Adresse nicht als Ansprechpartner: Sie hat die Kontaktart „Makler“ nicht. Bitte zuerst die Kontaktart ergänzen.".into(),
                ErrorClass::Validation => format!("onOffice hat die Anfrage abgelehnt (Fehler {code}). Es wurde nichts geändert. Bitte erneut prüfen; bleibt der Fehler, den Bericht an den Support senden."),
                ErrorClass::Transient => "Der onOffice-Server hat einen Fehler gemeldet. Bitte in ein paar Minuten erneut versuchen.".into(),
                _ => format!("onOffice hat mit Fehler {code} geantwortet. Bitte erneut versuchen; bleibt der Fehler, den Bericht an den Support senden."),
            },
            Error::Transport { .. } => "onOffice ist gerade nicht erreichbar. Bitte Internetverbindung prüfen und erneut versuchen.".into(),
            Error::UnknownOutcome { .. } => "Die Antwort von onOffice ist unterwegs verloren gegangen. Ob die Änderung gespeichert wurde, ist unklar; die App liest den Datensatz neu, bevor sie weitermacht.".into(),
            Error::Unexpected { .. } => "onOffice hat unerwartet geantwortet. Es wurde nichts geändert. Bitte erneut versuchen; bleibt es so, den Bericht an den Support senden.".into(),
            Error::Blocked { by: Blocker::Certificate, .. } => "Die Verbindung zu onOffice wurde nicht aufgebaut, weil dieser PC dem Sicherheitszertifikat nicht vertraut. In Firmennetzen prüft oft ein Proxy oder Virenscanner die Verbindungen mit einem eigenen Zertifikat: Bitte die IT bitten, dieses Zertifikat im System (Windows bzw. macOS) als vertrauenswürdig zu hinterlegen. Es wurde nichts gesendet.".into(),
            Error::Blocked { by: Blocker::Proxy, .. } => "Ein Proxy-Server im Firmennetz lässt die Verbindung zu onOffice nicht durch (z. B. weil er eine Anmeldung verlangt). Die App nutzt die Proxy-Einstellungen des Systems; bitte die IT bitten, api.onoffice.de für diesen PC freizugeben. Es wurde nichts gesendet.".into(),
        }
    }

    /// What happened and what to do, in English.
    pub fn message_en(&self) -> String {
        match self {
            Error::Credentials { field, problem } => {
                let name = match field {
                    CredentialField::Token => "The token",
                    CredentialField::Secret => "The secret",
                };
                match problem {
                    CredentialProblem::Empty => format!("{name} is missing. Please copy it from the API user in onOffice."),
                    CredentialProblem::Length { expected, actual } => format!(
                        "{name} has {actual} characters instead of {expected}. Please copy it completely from Extras > Settings > API users in onOffice (do not swap token and secret)."
                    ),
                    CredentialProblem::Characters => format!("{name} contains spaces or invalid characters. Please copy it again from onOffice."),
                }
            }
            Error::BaseUrl { url, problem } => match problem {
                BaseUrlProblem::Invalid => "The API address is invalid. Please copy it from the onOffice help (default: https://api.onoffice.de/api/stable/api.php).".into(),
                BaseUrlProblem::CredentialsInUrl => "The API address contains a user name or password and is therefore not used. Please enter the address without credentials; token and secret have their own fields.".into(),
                BaseUrlProblem::NotHttps => format!(
                    "The API address \"{}\" is not used: only https addresses (or the demo on this PC) are allowed.",
                    url.as_deref().unwrap_or("")
                ),
            },
            Error::Redirect { .. } => "The API address redirects to another address. For safety the app follows no redirect. Please check the API address (default: https://api.onoffice.de/api/stable/api.php); in office networks a proxy may be the cause – then please ask your IT.".into(),
            Error::Api { code, .. } if specific_message(*code).is_some() => {
                specific_message(*code).map(|(_, en)| en.to_string()).unwrap_or_default()
            }
            Error::Api { code, .. } => match class_of_code(*code) {
                ErrorClass::Credentials => "onOffice did not accept the token or secret. Please check both in the API user in onOffice and paste them again; the API user must be active.".into(),
                ErrorClass::Clock => "This PC's clock is off by more than two minutes. Please set date, time and time zone to automatic in the system settings and try again.".into(),
                ErrorClass::Permission => "The API user lacks a right in onOffice (e.g. \"Read out user data via API\" or write rights). Please add it under Extras > Settings > API users, tab \"Rights\".".into(),
                ErrorClass::NotFound => "The record was not found in onOffice. It may have been deleted, or the API user may not see it. Please check again.".into(),
                ErrorClass::Validation if *code == 263 => "onOffice does not accept this address as contact person: it lacks the contact type \"Makler\". Please add the contact type first.".into(),
                ErrorClass::Validation => format!("onOffice refused the request (error {code}). Nothing was changed. Please check again; if it persists, send the report to support."),
                ErrorClass::Transient => "The onOffice server reported an error. Please try again in a few minutes.".into(),
                _ => format!("onOffice answered with error {code}. Please try again; if it persists, send the report to support."),
            },
            Error::Transport { .. } => "onOffice cannot be reached right now. Please check the internet connection and try again.".into(),
            Error::UnknownOutcome { .. } => "The answer from onOffice was lost on the way. Whether the change was saved is unclear; the app reads the record again before going on.".into(),
            Error::Unexpected { .. } => "onOffice answered unexpectedly. Nothing was changed. Please try again; if it persists, send the report to support.".into(),
            Error::Blocked { by: Blocker::Certificate, .. } => "The connection to onOffice was not made because this PC does not trust the security certificate. In office networks a proxy or virus scanner often inspects connections with its own certificate: please ask your IT to add that certificate as trusted to the system (Windows or macOS). Nothing was sent.".into(),
            Error::Blocked { by: Blocker::Proxy, .. } => "A proxy server in the office network does not let the connection to onOffice through (e.g. it asks for a login). The app uses the system's proxy settings; please ask your IT to allow api.onoffice.de for this PC. Nothing was sent.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_classes() {
        assert_eq!(class_of_code(136), ErrorClass::Clock);
        for c in [22, 137, 49, 13] {
            assert_eq!(class_of_code(c), ErrorClass::Credentials, "{c}");
        }
        assert_eq!(class_of_code(183), ErrorClass::Permission);
        assert_eq!(class_of_code(170), ErrorClass::Permission);
        assert_eq!(class_of_code(293), ErrorClass::NotFound);
        assert_eq!(class_of_code(263), ErrorClass::Validation);
        assert_eq!(class_of_code(302), ErrorClass::Validation);
        assert_eq!(class_of_code(99999), ErrorClass::Unexpected);
    }

    #[test]
    fn every_class_has_both_languages() {
        let samples = [
            Error::Api {
                code: 136,
                message: String::new(),
            },
            Error::Api {
                code: 137,
                message: String::new(),
            },
            Error::Api {
                code: 183,
                message: String::new(),
            },
            Error::Api {
                code: 80,
                message: String::new(),
            },
            Error::Api {
                code: 263,
                message: String::new(),
            },
            Error::Api {
                code: 75,
                message: String::new(),
            },
            Error::Transport {
                detail: String::new(),
            },
            Error::UnknownOutcome {
                detail: String::new(),
            },
            Error::Unexpected {
                detail: String::new(),
            },
            Error::BaseUrl {
                url: Some("http://x".into()),
                problem: BaseUrlProblem::NotHttps,
            },
            Error::BaseUrl {
                url: None,
                problem: BaseUrlProblem::Invalid,
            },
            Error::BaseUrl {
                url: None,
                problem: BaseUrlProblem::CredentialsInUrl,
            },
            Error::Redirect { status: 302 },
            Error::Api {
                code: 15,
                message: String::new(),
            },
        ];
        for e in samples {
            assert!(e.message_de().len() > 30, "{e:?}");
            assert!(e.message_en().len() > 30, "{e:?}");
            assert_ne!(e.message_de(), e.message_en());
        }
        for code in [83, 86, 87, 168, 219] {
            let e = Error::Api {
                code,
                message: String::new(),
            };
            assert!(e.message_de().contains(&format!("Fehler {code}")), "{code}");
            assert!(e.message_en().contains(&format!("error {code}")), "{code}");
            assert_eq!(e.class(), ErrorClass::Validation, "{code}");
        }
        // A refused read is never called a refused change.
        let generic = Error::Api {
            code: 75,
            message: String::new(),
        };
        assert!(!generic.message_de().contains("Änderung abgelehnt"));
        assert!(Error::Api {
            code: 136,
            message: String::new()
        }
        .message_de()
        .starts_with("Die Uhrzeit dieses PCs weicht"));
    }
}
