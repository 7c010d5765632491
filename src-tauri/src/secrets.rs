//! Token and secret in the OS keychain (Keychain on macOS, Credential Manager on Windows, Secret Service on Linux),
//! behind a small trait so tests use memory. The secret is held in the client's `Secret` type, which never prints
//! it; nothing here ever hands it to the webview.

use std::sync::Mutex;

use onoffice::Secret;
use serde::{Deserialize, Serialize};

/// What is kept in the keychain: the credentials and the API address they belong to.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    pub token: String,
    pub secret: Secret,
    pub api_url: String,
}

impl std::fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// The keychain entry's JSON; exists only between the keychain and `StoredCredentials`.
#[derive(Serialize, Deserialize)]
struct Entry {
    token: String,
    secret: String,
    api_url: String,
}

/// Why the keychain could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No keychain service (Linux without a Secret Service, a locked keychain, a sandboxed session).
    #[error("keychain not available: {0}")]
    Unavailable(String),
    /// The keychain refused access (the person denied it, missing entitlement).
    #[error("keychain refused access: {0}")]
    Denied(String),
    /// The stored entry is not ours or is damaged.
    #[error("keychain entry unreadable: {0}")]
    Damaged(String),
}

impl From<keyring::Error> for KeychainError {
    fn from(e: keyring::Error) -> Self {
        match e {
            keyring::Error::NoStorageAccess(inner) => KeychainError::Denied(inner.to_string()),
            keyring::Error::BadEncoding(_) | keyring::Error::Invalid(..) => {
                KeychainError::Damaged(e.to_string())
            }
            other => KeychainError::Unavailable(other.to_string()),
        }
    }
}

pub trait SecretStore: Send + Sync {
    fn save(&self, credentials: &StoredCredentials) -> Result<(), KeychainError>;
    fn load(&self) -> Result<Option<StoredCredentials>, KeychainError>;
    fn delete(&self) -> Result<(), KeychainError>;
}

const SERVICE: &str = "de.agentcheck.desktop";
const ACCOUNT: &str = "onoffice-api";

/// The OS keychain via `keyring`: one entry, named by service and account. On Windows the Credential Manager shows
/// it as `<account>.<service>` (`onoffice-api.de.agentcheck.desktop`), on macOS and Linux under the service.
pub struct KeyringStore {
    service: String,
    account: String,
}

impl KeyringStore {
    /// The app's entry (`de.agentcheck.desktop` / `onoffice-api`, as the README tells the person).
    pub fn app() -> Self {
        KeyringStore::named(SERVICE, ACCOUNT)
    }

    /// Another entry: tests use their own, so they never touch the app's credentials on a developer's machine.
    pub fn named(service: &str, account: &str) -> Self {
        KeyringStore {
            service: service.into(),
            account: account.into(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, KeychainError> {
        Ok(keyring::Entry::new(&self.service, &self.account)?)
    }
}

/// The keychain entry's text for these credentials.
fn encode(credentials: &StoredCredentials) -> String {
    serde_json::to_string(&Entry {
        token: credentials.token.clone(),
        secret: credentials.secret.expose().to_string(),
        api_url: credentials.api_url.clone(),
    })
    .expect("strings serialise")
}

/// Credentials from a keychain entry's text.
fn decode(text: &str) -> Result<StoredCredentials, KeychainError> {
    let entry: Entry =
        serde_json::from_str(text).map_err(|e| KeychainError::Damaged(e.to_string()))?;
    let secret = Secret::new(&entry.secret)
        .map_err(|_| KeychainError::Damaged("the stored secret has the wrong shape".into()))?;
    Ok(StoredCredentials {
        token: entry.token,
        secret,
        api_url: entry.api_url,
    })
}

impl SecretStore for KeyringStore {
    fn save(&self, credentials: &StoredCredentials) -> Result<(), KeychainError> {
        Ok(self.entry()?.set_password(&encode(credentials))?)
    }

    fn load(&self) -> Result<Option<StoredCredentials>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(text) => decode(&text).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn delete(&self) -> Result<(), KeychainError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Memory only: tests, and the fallback the app never uses silently. Keeps the entry's text, as the keychain does.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<String>>);

impl SecretStore for MemoryStore {
    fn save(&self, credentials: &StoredCredentials) -> Result<(), KeychainError> {
        *self.0.lock().unwrap() = Some(encode(credentials));
        Ok(())
    }
    fn load(&self) -> Result<Option<StoredCredentials>, KeychainError> {
        self.0.lock().unwrap().as_deref().map(decode).transpose()
    }
    fn delete(&self) -> Result<(), KeychainError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> StoredCredentials {
        StoredCredentials {
            token: "a".repeat(32),
            secret: Secret::new(&"b".repeat(64)).unwrap(),
            api_url: onoffice::DEFAULT_BASE_URL.into(),
        }
    }

    #[test]
    fn round_trips_and_never_prints_the_secret() {
        let store = MemoryStore::default();
        assert!(store.load().unwrap().is_none());
        store.save(&credentials()).unwrap();
        let back = store.load().unwrap().unwrap();
        assert_eq!(back, credentials());
        assert!(!format!("{back:?}").contains("bbbb"));
        store.delete().unwrap();
        assert!(store.load().unwrap().is_none());
    }

    /// The operating system's own keychain (Windows: the Credential Manager, also as Wine provides it; macOS: the
    /// Keychain; Linux: the Secret Service, which the test command starts unlocked): save, load, overwrite, delete,
    /// under a test entry of its own.
    #[test]
    fn the_os_keychain_keeps_replaces_and_forgets_the_credentials() {
        let service = format!("de.agentcheck.desktop.test-{}", std::process::id());
        let store = KeyringStore::named(&service, ACCOUNT);
        store.delete().expect(
            "the OS keychain is not usable here; on Linux run the tests through scripts/with-keyring.sh",
        );
        assert!(store.load().unwrap().is_none(), "a fresh entry is empty");
        store.save(&credentials()).unwrap();
        assert_eq!(store.load().unwrap(), Some(credentials()));
        let other = StoredCredentials {
            token: "c".repeat(32),
            ..credentials()
        };
        store.save(&other).unwrap();
        assert_eq!(
            store.load().unwrap(),
            Some(other),
            "a second save replaces the entry"
        );
        if cfg!(windows) {
            // The name the person finds in the Credential Manager (README, "Wo die Daten liegen").
            let target = format!("{ACCOUNT}.{service}");
            let seen = keyring::Entry::new_with_target(&target, &service, ACCOUNT)
                .unwrap()
                .get_password()
                .unwrap();
            assert!(seen.contains(&"c".repeat(32)));
        }
        store.delete().unwrap();
        assert!(store.load().unwrap().is_none(), "deleted");
        store.delete().expect("deleting what is gone is no error");
    }

    #[test]
    fn a_damaged_entry_is_a_typed_error() {
        assert!(matches!(decode("not json"), Err(KeychainError::Damaged(_))));
        let short = r#"{"token":"t","secret":"short","api_url":"x"}"#;
        assert!(matches!(decode(short), Err(KeychainError::Damaged(_))));
        let e: KeychainError = keyring::Error::NoStorageAccess("locked".into()).into();
        assert!(matches!(e, KeychainError::Denied(_)));
        let e: KeychainError = keyring::Error::PlatformFailure("no dbus".into()).into();
        assert!(matches!(e, KeychainError::Unavailable(_)));
    }
}
