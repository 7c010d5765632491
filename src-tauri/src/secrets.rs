//! Token and secret in the OS keychain (Keychain on macOS, Credential Manager on Windows, Secret Service on Linux),
//! behind a small trait so tests use memory. Nothing here ever hands the secret to the webview.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What is kept in the keychain: the credentials and the API address they belong to.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredCredentials {
    pub token: String,
    pub secret: String,
    pub api_url: String,
}

impl std::fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

pub trait SecretStore: Send + Sync {
    fn save(&self, credentials: &StoredCredentials) -> Result<(), String>;
    fn load(&self) -> Result<Option<StoredCredentials>, String>;
    fn delete(&self) -> Result<(), String>;
}

const SERVICE: &str = "de.agentcheck.desktop";
const ACCOUNT: &str = "onoffice-api";

/// The OS keychain via `keyring`.
pub struct KeyringStore;

impl KeyringStore {
    fn entry() -> Result<keyring::Entry, String> {
        keyring::Entry::new(SERVICE, ACCOUNT).map_err(|e| e.to_string())
    }
}

impl SecretStore for KeyringStore {
    fn save(&self, credentials: &StoredCredentials) -> Result<(), String> {
        let json = serde_json::to_string(credentials).map_err(|e| e.to_string())?;
        Self::entry()?
            .set_password(&json)
            .map_err(|e| e.to_string())
    }

    fn load(&self) -> Result<Option<StoredCredentials>, String> {
        match Self::entry()?.get_password() {
            Ok(json) => Ok(serde_json::from_str(&json).ok()),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn delete(&self) -> Result<(), String> {
        match Self::entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Memory only: tests, and the fallback the app never uses silently.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<StoredCredentials>>);

impl SecretStore for MemoryStore {
    fn save(&self, credentials: &StoredCredentials) -> Result<(), String> {
        *self.0.lock().unwrap() = Some(credentials.clone());
        Ok(())
    }
    fn load(&self) -> Result<Option<StoredCredentials>, String> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn delete(&self) -> Result<(), String> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}
