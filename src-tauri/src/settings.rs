//! Non-secret settings (language, the accounts with their Makler key choice and confirmed mailboxes, the watch), kept
//! by tauri-plugin-store in the app and in memory in tests. Implements the audit engine's `Settings` per account
//! (`AccountSettings`); the top-level Makler key and mailboxes are the demo's (and, before several accounts, the one
//! account's, moved to it at the first start).

use std::collections::BTreeMap;
use std::sync::Mutex;

use onoffice_protocol::lock::Unpoisoned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SettingsData {
    /// "de" or "en".
    pub language: String,
    pub makler_key: Option<String>,
    /// E-mail (lower case) → date the blue tick was confirmed.
    pub mail_booking: BTreeMap<String, String>,
    /// Einstellungen › "Automatisch prüfen", and what the watch remembers between checks.
    #[serde(default)]
    pub watch: WatchSettings,
    /// The onOffice accounts; None in settings written before several accounts (the first start moves the one
    /// connection into the list).
    #[serde(default)]
    #[ts(skip)]
    pub accounts: Option<audit::accounts::Accounts>,
}

impl SettingsData {
    /// Reads saved settings part by part: a damaged part falls back to its default and is named in the notes, and a
    /// damaged account entry costs only itself (`Accounts::from_saved`).
    pub fn from_saved(value: &serde_json::Value) -> (SettingsData, Vec<audit::Text>) {
        if let Ok(d) = serde_json::from_value::<SettingsData>(value.clone()) {
            return (d, Vec::new());
        }
        let mut notes = Vec::new();
        let part = |key: &str| value.get(key).cloned();
        fn read<T: serde::de::DeserializeOwned + Default>(
            v: Option<serde_json::Value>,
            name: &str,
            notes: &mut Vec<audit::Text>,
        ) -> T {
            match v {
                None => T::default(),
                Some(v) => serde_json::from_value(v).unwrap_or_else(|_| {
                    notes.push(audit::Text::new(
                        format!("Die Einstellung „{name}“ war beschädigt und wurde zurückgesetzt."),
                        format!("The setting \"{name}\" was damaged and was reset."),
                    ));
                    T::default()
                }),
            }
        }
        let mut d = SettingsData {
            language: read(part("language"), "Sprache", &mut notes),
            makler_key: read(part("makler_key"), "Makler", &mut notes),
            mail_booking: read(part("mail_booking"), "Postfächer", &mut notes),
            watch: read(part("watch"), "Automatisch prüfen", &mut notes),
            accounts: None,
        };
        if let Some(v) = part("accounts").filter(|v| !v.is_null()) {
            let (accounts, more) = audit::accounts::Accounts::from_saved(&v);
            notes.extend(more);
            d.accounts = Some(accounts);
        }
        (d, notes)
    }

    /// The accounts (none before the first start of this version finished moving the old connection).
    pub fn accounts(&self) -> audit::accounts::Accounts {
        self.accounts.clone().unwrap_or_default()
    }

    /// The watch memory of `key` (an account id; the demo, "demo", and anything else use the top-level one).
    pub fn watch_state(&self, key: &str) -> audit::watch::WatchState {
        self.accounts
            .as_ref()
            .and_then(|a| a.get(key))
            .map(|a| a.watch.clone())
            .unwrap_or_else(|| self.watch.state.clone())
    }

    pub fn watch_state_mut(&mut self, key: &str) -> &mut audit::watch::WatchState {
        match self.accounts.as_mut().and_then(|a| a.get_mut(key)) {
            Some(account) => &mut account.watch,
            None => &mut self.watch.state,
        }
    }
}

/// The background watch's settings and memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WatchSettings {
    #[serde(default)]
    pub schedule: audit::schedule::Schedule,
    /// The offer to watch was made once (answered either way), when the account first reached "erledigt".
    #[serde(default)]
    pub offered: bool,
    /// The standing rule: new rental listings without contact person go to their Betreuer (if ready).
    #[serde(default)]
    pub auto_assign: bool,
    /// "Agent-Check läuft im Hintergrund weiter" was said once.
    #[serde(default)]
    pub close_hint_shown: bool,
    #[serde(default)]
    pub state: audit::watch::WatchState,
}

/// The settings file, if it is no JSON at all, is renamed to `settings.damaged-<time>.json` (so the app starts, and
/// the text is kept for support); said in the notes.
pub fn keep_aside_if_unreadable(data_dir: &std::path::Path) -> Vec<audit::Text> {
    let path = data_dir.join("settings.json");
    let Ok(bytes) = std::fs::read(&path) else {
        return Vec::new();
    };
    if serde_json::from_slice::<serde_json::Value>(&bytes).is_ok() {
        return Vec::new();
    }
    let aside = damaged_name(data_dir);
    match std::fs::rename(&path, &aside) {
        Ok(()) => vec![audit::Text::new(
            format!("Die Einstellungen (mit der Kontenliste) waren beschädigt und wurden beiseitegelegt: {}. Zugangsdaten im Schlüsselbund und Änderungsprotokolle sind unverändert.", aside.display()),
            format!("The settings (with the list of accounts) were damaged and were put aside: {}. Credentials in the keychain and change journals are unchanged.", aside.display()),
        )],
        Err(e) => {
            log::warn!("damaged settings not put aside: {e}");
            Vec::new()
        }
    }
}

/// A copy of the settings file as it was, before a partly damaged one is written back repaired.
pub fn keep_copy(data_dir: &std::path::Path) {
    let _ = std::fs::copy(data_dir.join("settings.json"), damaged_name(data_dir));
}

fn damaged_name(data_dir: &std::path::Path) -> std::path::PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    data_dir.join(format!("settings.damaged-{secs}.json"))
}

/// How the settings are saved after each change.
pub type Persist = Box<dyn Fn(&SettingsData) + Send + Sync>;

pub struct AppSettings {
    data: Mutex<SettingsData>,
    persist: Persist,
}

impl AppSettings {
    pub fn new(mut data: SettingsData, persist: Persist) -> Self {
        if data.language.is_empty() {
            data.language = "de".into();
        }
        AppSettings {
            data: Mutex::new(data),
            persist,
        }
    }

    pub fn in_memory() -> Self {
        AppSettings::new(SettingsData::default(), Box::new(|_| {}))
    }

    pub fn get(&self) -> SettingsData {
        self.data.read_guard().clone()
    }

    pub fn update(&self, f: impl FnOnce(&mut SettingsData)) {
        let mut data = self.data.write_guard();
        f(&mut data);
        (self.persist)(&data);
    }
}

/// When the blue tick of `email` was confirmed, in a map of confirmed mailboxes (keyed by the address in lower case).
fn confirmed(map: &BTreeMap<String, String>, email: &str) -> Option<String> {
    map.get(&email.trim().to_lowercase()).cloned()
}

/// Confirms the tick of `email` on `date`, or takes it back (None).
fn set_confirmed(map: &mut BTreeMap<String, String>, email: &str, date: Option<String>) {
    let key = email.trim().to_lowercase();
    match date {
        Some(date) => {
            map.insert(key, date);
        }
        None => {
            map.remove(&key);
        }
    }
}

/// The audit engine's settings of one account (its Makler value and confirmed mailboxes), kept in its entry.
pub struct AccountSettings {
    settings: std::sync::Arc<AppSettings>,
    id: String,
}

impl AccountSettings {
    pub fn new(settings: std::sync::Arc<AppSettings>, id: &str) -> Self {
        AccountSettings {
            settings,
            id: id.to_string(),
        }
    }

    fn entry<T>(&self, f: impl FnOnce(&audit::accounts::AccountEntry) -> T) -> Option<T> {
        self.settings
            .get()
            .accounts
            .as_ref()
            .and_then(|a| a.get(&self.id))
            .map(f)
    }

    fn update(&self, f: impl FnOnce(&mut audit::accounts::AccountEntry)) {
        self.settings.update(|d| {
            if let Some(a) = d.accounts.as_mut().and_then(|a| a.get_mut(&self.id)) {
                f(a);
            }
        });
    }
}

impl audit::Settings for AccountSettings {
    fn makler_key(&self) -> Option<String> {
        self.entry(|a| a.makler_key.clone()).flatten()
    }
    fn set_makler_key(&self, key: Option<String>) {
        self.update(|a| a.makler_key = key);
    }
    fn mail_booking_confirmed(&self, email: &str) -> Option<String> {
        self.entry(|a| confirmed(&a.mail_booking, email)).flatten()
    }
    fn set_mail_booking_confirmed(&self, email: &str, date: Option<String>) {
        self.update(|a| set_confirmed(&mut a.mail_booking, email, date));
    }
}

impl audit::Settings for AppSettings {
    fn makler_key(&self) -> Option<String> {
        self.get().makler_key
    }
    fn set_makler_key(&self, key: Option<String>) {
        self.update(|d| d.makler_key = key);
    }
    fn mail_booking_confirmed(&self, email: &str) -> Option<String> {
        confirmed(&self.get().mail_booking, email)
    }
    fn set_mail_booking_confirmed(&self, email: &str, date: Option<String>) {
        self.update(|d| set_confirmed(&mut d.mail_booking, email, date));
    }
}
