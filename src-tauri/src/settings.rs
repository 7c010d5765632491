//! Non-secret settings (language, the Makler key choice, confirmed mailboxes), kept by tauri-plugin-store in the app
//! and in memory in tests. Implements the audit engine's `Settings`.

use std::collections::BTreeMap;
use std::sync::Mutex;

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

type Persist = Box<dyn Fn(&SettingsData) + Send + Sync>;

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
        self.data.lock().unwrap().clone()
    }

    pub fn update(&self, f: impl FnOnce(&mut SettingsData)) {
        let mut data = self.data.lock().unwrap();
        f(&mut data);
        (self.persist)(&data);
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
        self.get()
            .mail_booking
            .get(&email.trim().to_lowercase())
            .cloned()
    }
    fn set_mail_booking_confirmed(&self, email: &str, date: Option<String>) {
        let key = email.trim().to_lowercase();
        self.update(|d| match date {
            Some(date) => {
                d.mail_booking.insert(key, date);
            }
            None => {
                d.mail_booking.remove(&key);
            }
        });
    }
}
