//! Token and secret in the OS keychain (Keychain on macOS, Credential Manager on Windows, Secret Service on Linux),
//! behind a small trait so tests use memory. The secret is held in the client's `Secret` type, which never prints
//! it; nothing here ever hands it to the webview.

use std::sync::Mutex;

use onoffice::Secret;
use onoffice_protocol::lock::Unpoisoned;
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

/// Keychain entries by slot (the entry's account name in the keychain): one per onOffice account, see [`slot`].
pub trait SecretStore: Send + Sync {
    fn save(&self, slot: &str, credentials: &StoredCredentials) -> Result<(), KeychainError>;
    fn load(&self, slot: &str) -> Result<Option<StoredCredentials>, KeychainError>;
    fn delete(&self, slot: &str) -> Result<(), KeychainError>;
}

const SERVICE: &str = "de.agentcheck.desktop";
/// The one entry of the versions before several accounts; moved to its account's slot at the first start.
pub const LEGACY_SLOT: &str = "onoffice-api";

/// The keychain slot of an account: keyed by its stable id (never by the name the person can change).
pub fn slot(account_id: &str) -> String {
    format!("{LEGACY_SLOT}-{account_id}")
}

/// The OS keychain via `keyring`: entries named by service and slot. On Windows the Credential Manager shows them
/// as `<slot>.<service>` (`onoffice-api-<id>.de.agentcheck.desktop`), on macOS and Linux under the service.
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// The app's entries (service `de.agentcheck.desktop`, as the README tells the person).
    pub fn app() -> Self {
        KeyringStore::named(SERVICE)
    }

    /// Another service: tests use their own, so they never touch the app's credentials on a developer's machine.
    pub fn named(service: &str) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }

    fn entry(&self, slot: &str) -> Result<keyring::Entry, KeychainError> {
        Ok(keyring::Entry::new(&self.service, slot)?)
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
    fn save(&self, slot: &str, credentials: &StoredCredentials) -> Result<(), KeychainError> {
        Ok(self.entry(slot)?.set_password(&encode(credentials))?)
    }

    fn load(&self, slot: &str) -> Result<Option<StoredCredentials>, KeychainError> {
        match self.entry(slot)?.get_password() {
            Ok(text) => decode(&text).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn delete(&self, slot: &str) -> Result<(), KeychainError> {
        match self.entry(slot)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Memory only: tests, and the fallback the app never uses silently. Keeps each entry's text, as the keychain does.
#[derive(Default)]
pub struct MemoryStore(Mutex<std::collections::BTreeMap<String, String>>);

impl MemoryStore {
    /// The slots that hold an entry (tests look at what was kept or deleted).
    pub fn slots(&self) -> Vec<String> {
        self.0.write_guard().keys().cloned().collect()
    }

    /// Puts raw text into a slot, as a damaged or foreign entry would be (tests).
    pub fn put_raw(&self, slot: &str, text: &str) {
        self.0.write_guard().insert(slot.into(), text.into());
    }
}

impl SecretStore for MemoryStore {
    fn save(&self, slot: &str, credentials: &StoredCredentials) -> Result<(), KeychainError> {
        self.0
            .write_guard()
            .insert(slot.into(), encode(credentials));
        Ok(())
    }
    fn load(&self, slot: &str) -> Result<Option<StoredCredentials>, KeychainError> {
        self.0
            .write_guard()
            .get(slot)
            .map(|t| decode(t))
            .transpose()
    }
    fn delete(&self, slot: &str) -> Result<(), KeychainError> {
        self.0.write_guard().remove(slot);
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
        assert!(store.load("a").unwrap().is_none());
        store.save("a", &credentials()).unwrap();
        let back = store.load("a").unwrap().unwrap();
        assert_eq!(back, credentials());
        assert!(store.load("b").unwrap().is_none(), "slots are separate");
        assert!(!format!("{back:?}").contains("bbbb"));
        store.delete("a").unwrap();
        assert!(store.load("a").unwrap().is_none());
    }

    /// The operating system's own keychain (Windows: the Credential Manager, also as Wine provides it; macOS: the
    /// Keychain; Linux: the Secret Service, which the test command starts unlocked): save, load, overwrite, delete,
    /// under a test entry of its own.
    #[test]
    fn the_os_keychain_keeps_replaces_and_forgets_the_credentials() {
        let service = format!("de.agentcheck.desktop.test-{}", std::process::id());
        let store = KeyringStore::named(&service);
        let one = slot("0123456789abcdef");
        let two = slot("fedcba9876543210");
        store.delete(&one).expect(
            "the OS keychain is not usable here; on Linux run the tests through scripts/with-keyring.sh",
        );
        assert!(
            store.load(&one).unwrap().is_none(),
            "a fresh entry is empty"
        );
        store.save(&one, &credentials()).unwrap();
        assert_eq!(store.load(&one).unwrap(), Some(credentials()));
        assert!(
            store.load(&two).unwrap().is_none(),
            "another account's slot is its own"
        );
        let other = StoredCredentials {
            token: "c".repeat(32),
            ..credentials()
        };
        store.save(&one, &other).unwrap();
        assert_eq!(
            store.load(&one).unwrap(),
            Some(other),
            "a second save replaces the entry"
        );
        if cfg!(windows) {
            // The name the person finds in the Credential Manager (README, "Wo die Daten liegen").
            let target = format!("{one}.{service}");
            let seen = keyring::Entry::new_with_target(&target, &service, &one)
                .unwrap()
                .get_password()
                .unwrap();
            assert!(seen.contains(&"c".repeat(32)));
        }
        store.delete(&one).unwrap();
        assert!(store.load(&one).unwrap().is_none(), "deleted");
        store
            .delete(&one)
            .expect("deleting what is gone is no error");
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
