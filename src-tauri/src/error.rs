//! The one error type of the app's commands. It reaches the UI as `{code, message, message_en}`; `code` has only the
//! cases the UI branches on. Messages tell a non-technical person what to do and never contain a secret.

use audit::journal::JournalError;
use onoffice::ErrorClass;

use crate::secrets::KeychainError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Credentials,
    Clock,
    Permission,
    Network,
    NotFound,
    Conflict,
    Validation,
    NotConnected,
    Cancelled,
    Keychain,
    /// A file could not be written or read (a report, the diagnosis, the change journal).
    File,
    Configuration,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    /// German.
    pub message: String,
    pub message_en: String,
}

pub type Result<T> = std::result::Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, de: impl Into<String>, en: impl Into<String>) -> Self {
        AppError {
            code,
            message: de.into(),
            message_en: en.into(),
        }
    }

    /// The window switched to another account while this ran: its result belongs to the one before.
    pub fn account_switched() -> Self {
        AppError::new(
            ErrorCode::Conflict,
            "Das Konto wurde inzwischen gewechselt; dieses Ergebnis gehört zum vorigen Konto und wird nicht angezeigt.",
            "The account was switched meanwhile; this result belongs to the previous account and is not shown.",
        )
    }

    /// The account's credentials are no longer in the keychain (deleted outside the app).
    pub fn credentials_missing(name: &str) -> Self {
        AppError::new(
            ErrorCode::Keychain,
            format!("Zugangsdaten fehlen: Für „{name}“ sind Token und Secret nicht mehr im Schlüsselbund. Bitte das Konto neu verbinden (Konto hinzufügen, dieselben Zugangsdaten)."),
            format!("Credentials missing: token and secret of \"{name}\" are no longer in the keychain. Please connect the account again (add account, the same credentials)."),
        )
    }

    pub fn no_such_account() -> Self {
        AppError::new(
            ErrorCode::NotFound,
            "Dieses Konto gibt es in der App nicht mehr.",
            "This account is no longer in the app.",
        )
    }

    pub fn not_connected() -> Self {
        AppError::new(
            ErrorCode::NotConnected,
            "Noch keine Verbindung: bitte mit onOffice verbinden oder die Demo starten.",
            "Not connected yet: please connect to onOffice or start the demo.",
        )
    }

    pub fn cancelled() -> Self {
        AppError::new(
            ErrorCode::Cancelled,
            "Die Prüfung wurde abgebrochen.",
            "The check was cancelled.",
        )
    }

    /// A file the person chose could not be written (disk full, no rights, a folder that went away).
    pub fn file_not_saved(what_de: &str, what_en: &str, e: std::io::Error) -> Self {
        AppError::new(
            ErrorCode::File,
            format!(
                "{what_de} konnte nicht gespeichert werden: {e}. Bitte einen anderen Ort wählen."
            ),
            format!("{what_en} could not be saved: {e}. Please choose another place."),
        )
    }

    /// The built-in demo account did not start (no free port on loopback).
    pub fn demo_failed(e: std::io::Error) -> Self {
        AppError::new(
            ErrorCode::Unknown,
            format!("Die Demo konnte nicht starten: {e}"),
            format!("The demo could not start: {e}"),
        )
    }

    /// The checklist the person looks at is needed (a fix plan, a report).
    pub fn no_checklist() -> Self {
        AppError::new(
            ErrorCode::Conflict,
            "Bitte zuerst prüfen.",
            "Please run the check first.",
        )
    }
}

impl From<KeychainError> for AppError {
    fn from(e: KeychainError) -> Self {
        log::warn!("keychain: {e}");
        let (de, en) = match e {
            KeychainError::Denied(_) => (
                "Der Zugriff auf den Schlüsselbund dieses PCs wurde verweigert; Token und Secret konnten nicht sicher gespeichert werden. Bitte den Zugriff erlauben und erneut versuchen.",
                "Access to this PC's keychain was denied; token and secret could not be stored safely. Please allow access and retry.",
            ),
            KeychainError::Damaged(_) => (
                "Die gespeicherten Zugangsdaten im Schlüsselbund sind beschädigt. Bitte Token und Secret neu eingeben.",
                "The credentials stored in the keychain are damaged. Please enter token and secret again.",
            ),
            KeychainError::Unavailable(_) => (
                "Der Schlüsselbund dieses PCs ist nicht erreichbar; Token und Secret konnten nicht sicher gespeichert werden. Bitte den PC neu anmelden und erneut versuchen.",
                "This PC's keychain is not available; token and secret could not be stored safely. Please sign in again and retry.",
            ),
        };
        AppError::new(ErrorCode::Keychain, de, en)
    }
}

impl From<JournalError> for AppError {
    fn from(e: JournalError) -> Self {
        let text = e.text();
        AppError::new(ErrorCode::File, text.de, text.en)
    }
}

impl From<onoffice::Error> for AppError {
    fn from(e: onoffice::Error) -> Self {
        let code = match e.class() {
            ErrorClass::Credentials => ErrorCode::Credentials,
            ErrorClass::Clock => ErrorCode::Clock,
            ErrorClass::Permission => ErrorCode::Permission,
            ErrorClass::NotFound => ErrorCode::NotFound,
            ErrorClass::Validation => ErrorCode::Validation,
            ErrorClass::Transient => ErrorCode::Network,
            ErrorClass::UnknownOutcome => ErrorCode::Conflict,
            ErrorClass::Configuration => ErrorCode::Configuration,
            ErrorClass::Unexpected => ErrorCode::Unknown,
        };
        AppError {
            code,
            message: e.message_de(),
            message_en: e.message_en(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_the_ui_as_code_and_message() {
        let e: AppError = onoffice::Error::Api {
            code: 136,
            message: "x".into(),
        }
        .into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "clock");
        assert!(v["message"]
            .as_str()
            .unwrap()
            .starts_with("Die Uhrzeit dieses PCs"));
        let e: AppError = onoffice::Error::Transport {
            detail: "refused".into(),
        }
        .into();
        assert_eq!(serde_json::to_value(&e).unwrap()["code"], "network");
        assert_eq!(
            serde_json::to_value(AppError::not_connected()).unwrap()["code"],
            "not_connected"
        );
    }
}
