//! The onOffice accounts one app holds. Each has a stable id (the journal's account id: API address and API user,
//! hashed, never a name the person can change), a name (the company the check finds, until the person gives one),
//! its API address, its own settings (Makler value, confirmed mailboxes) and its watch memory. Pure data and rules:
//! the app keeps the list in its settings file and the keychain entries and journals by id. Reading a saved list
//! tolerates damage entry by entry, so one damaged entry never costs the others.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::watch::WatchState;
use crate::Text;

fn yes() -> bool {
    true
}

/// One account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    /// Stable: `journal::account_id(api_url, token)`. Names its keychain entry and its journal.
    pub id: String,
    pub name: String,
    /// The person gave the name (the company found by a check no longer replaces it).
    #[serde(default)]
    pub named: bool,
    pub api_url: String,
    #[serde(default)]
    pub makler_key: Option<String>,
    /// E-mail (lower case) → date the blue tick was confirmed.
    #[serde(default)]
    pub mail_booking: BTreeMap<String, String>,
    /// Included in the scheduled checks.
    #[serde(default = "yes")]
    pub watched: bool,
    #[serde(default)]
    pub watch: WatchState,
}

impl AccountEntry {
    /// A new account, named by a hint until a check finds its company.
    pub fn new(id: &str, api_url: &str, name_hint: &str) -> Self {
        AccountEntry {
            id: id.to_string(),
            name: name_hint.to_string(),
            named: false,
            api_url: api_url.to_string(),
            makler_key: None,
            mail_booking: BTreeMap::new(),
            watched: true,
            watch: WatchState::default(),
        }
    }
}

/// An account removed with its history kept: the history stays readable (not undoable without the account).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedAccount {
    pub id: String,
    pub name: String,
    /// UTC, RFC 3339.
    pub removed_at: String,
}

/// The list, the account the window shows, and the removed ones whose history was kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounts {
    #[serde(default)]
    pub list: Vec<AccountEntry>,
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub removed: Vec<RemovedAccount>,
}

/// What adding an account did.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    New,
    /// The same API address and token are already an account: one account (the person is told).
    Known,
}

/// Folds a name for search: lower case, umlauts and ß as their ASCII spelling, so "muenchen" finds "München".
fn fold(s: &str) -> String {
    s.to_lowercase()
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss")
}

impl Accounts {
    pub fn get(&self, id: &str) -> Option<&AccountEntry> {
        self.list.iter().find(|a| a.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut AccountEntry> {
        self.list.iter_mut().find(|a| a.id == id)
    }

    pub fn current(&self) -> Option<&AccountEntry> {
        self.current.as_deref().and_then(|id| self.get(id))
    }

    /// Adds the account (or finds it: same id), and makes it the current one.
    pub fn add(&mut self, entry: AccountEntry) -> Added {
        let id = entry.id.clone();
        let added = if self.get(&id).is_some() {
            Added::Known
        } else {
            // Added again after it was removed: its kept history is its own again.
            self.removed.retain(|r| r.id != id);
            self.list.push(entry);
            Added::New
        };
        self.current = Some(id);
        added
    }

    /// The person names the account; an empty name is refused (false).
    pub fn rename(&mut self, id: &str, name: &str) -> bool {
        let name = name.trim();
        match self.get_mut(id) {
            Some(a) if !name.is_empty() => {
                a.name = name.to_string();
                a.named = true;
                true
            }
            _ => false,
        }
    }

    /// A check found the account's company: it names the account unless the person gave a name.
    pub fn found_company(&mut self, id: &str, company: &str) {
        let company = company.trim();
        if let Some(a) = self.get_mut(id) {
            if !a.named && !company.is_empty() {
                a.name = company.to_string();
            }
        }
    }

    /// Removes the account; with `keep_history` it is listed as removed (its journal stays readable). The current
    /// account falls to none.
    pub fn remove(&mut self, id: &str, keep_history: bool, at: &str) -> Option<AccountEntry> {
        let pos = self.list.iter().position(|a| a.id == id)?;
        let gone = self.list.remove(pos);
        if keep_history {
            // Never listed twice: adding it again took it off the removed ones.
            self.removed.push(RemovedAccount {
                id: gone.id.clone(),
                name: gone.name.clone(),
                removed_at: at.to_string(),
            });
        }
        if self.current.as_deref() == Some(id) {
            self.current = None;
        }
        Some(gone)
    }

    /// The accounts whose name contains `query` (case and umlaut spelling ignored), in list order; all for "".
    pub fn search(&self, query: &str) -> Vec<&AccountEntry> {
        let q = fold(query.trim());
        self.list
            .iter()
            .filter(|a| q.is_empty() || fold(&a.name).contains(&q))
            .collect()
    }

    /// Reads a saved list, entry by entry: a damaged entry is left out and named in the returned notes (the app
    /// keeps the damaged text aside, and the keychain entry and journal of that id are untouched).
    pub fn from_saved(value: &serde_json::Value) -> (Accounts, Vec<Text>) {
        let mut notes = Vec::new();
        let mut accounts = Accounts::default();
        let Some(obj) = value.as_object() else {
            notes.push(Text::new(
                "Die Kontenliste ist beschädigt und wurde nicht gelesen.",
                "The list of accounts is damaged and was not read.",
            ));
            return (accounts, notes);
        };
        if let Some(list) = obj.get("list") {
            match list.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match serde_json::from_value::<AccountEntry>(item.clone()) {
                            Ok(a) if accounts.get(&a.id).is_none() => accounts.list.push(a),
                            Ok(_) => {}
                            Err(_) => notes.push(Text::new(
                                format!("Eintrag {} der Kontenliste ist beschädigt und wurde übergangen.", i + 1),
                                format!("Entry {} of the list of accounts is damaged and was skipped.", i + 1),
                            )),
                        }
                    }
                }
                None => notes.push(Text::new(
                    "Die Kontenliste ist beschädigt und wurde nicht gelesen.",
                    "The list of accounts is damaged and was not read.",
                )),
            }
        }
        accounts.current = obj
            .get("current")
            .and_then(|c| c.as_str())
            .filter(|id| accounts.get(id).is_some())
            .map(str::to_string);
        if let Some(removed) = obj.get("removed").and_then(|r| r.as_array()) {
            accounts.removed = removed
                .iter()
                .filter_map(|r| serde_json::from_value(r.clone()).ok())
                .collect();
        }
        (accounts, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, name: &str) -> AccountEntry {
        AccountEntry::new(id, "https://api.onoffice.de/api/stable/api.php", name)
    }

    #[test]
    fn the_same_account_twice_is_one_account_and_becomes_current() {
        let mut a = Accounts::default();
        assert_eq!(a.add(entry("1", "API-Benutzer abcd…")), Added::New);
        assert_eq!(a.add(entry("2", "API-Benutzer efgh…")), Added::New);
        assert_eq!(a.current.as_deref(), Some("2"));
        assert_eq!(a.current().unwrap().name, "API-Benutzer efgh…");
        assert_eq!(a.add(entry("1", "again")), Added::Known);
        assert_eq!(a.list.len(), 2);
        assert_eq!(a.current.as_deref(), Some("1"));
        assert_eq!(
            a.get("1").unwrap().name,
            "API-Benutzer abcd…",
            "the known entry is kept"
        );
    }

    #[test]
    fn the_company_names_an_account_until_the_person_does() {
        let mut a = Accounts::default();
        a.add(entry("1", "API-Benutzer abcd…"));
        a.found_company("1", "Isar Wohnwerte GmbH");
        assert_eq!(a.get("1").unwrap().name, "Isar Wohnwerte GmbH");
        assert!(!a.rename("1", "   "), "an empty name is refused");
        assert!(a.rename("1", " Isar Wohnwerte München "));
        a.found_company("1", "Isar Wohnwerte GmbH");
        assert_eq!(a.get("1").unwrap().name, "Isar Wohnwerte München");
        a.found_company("1", "");
        assert!(!a.rename("9", "x"), "no such account");
    }

    #[test]
    fn removing_keeps_the_history_listed_only_when_asked_and_clears_current() {
        let mut a = Accounts::default();
        a.add(entry("1", "Isar"));
        a.add(entry("2", "Nordlicht"));
        a.current = Some("1".into());
        let gone = a.remove("1", true, "2026-12-02T08:00:00Z").unwrap();
        assert_eq!(gone.name, "Isar");
        assert_eq!(a.current, None);
        assert!(a.current().is_none());
        assert_eq!(a.removed.len(), 1);
        assert_eq!(a.removed[0].id, "1");
        a.remove("2", false, "2026-12-02T08:00:00Z").unwrap();
        assert_eq!(a.removed.len(), 1, "not kept");
        assert!(a.remove("2", true, "x").is_none());
        // Added again, the account is no longer among the removed.
        a.add(entry("1", "Isar"));
        assert!(a.removed.is_empty());
    }

    #[test]
    fn removing_another_account_keeps_the_current_one() {
        let mut a = Accounts::default();
        a.add(entry("1", "Isar"));
        a.add(entry("2", "Nordlicht"));
        a.remove("1", false, "x");
        assert_eq!(a.current.as_deref(), Some("2"));
    }

    #[test]
    fn search_ignores_case_and_umlaut_spelling() {
        let mut a = Accounts::default();
        for (i, n) in [
            "Isar Wohnwerte München",
            "Nordlicht Immobilien",
            "Müller & Söhne",
        ]
        .iter()
        .enumerate()
        {
            a.add(entry(&i.to_string(), n));
        }
        let names = |q: &str| {
            a.search(q)
                .iter()
                .map(|e| e.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("muenchen"), ["Isar Wohnwerte München"]);
        assert_eq!(names("MÜLLER"), ["Müller & Söhne"]);
        assert_eq!(names("soehne"), ["Müller & Söhne"]);
        assert_eq!(names(" "), names(""));
        assert_eq!(names("").len(), 3);
        assert!(names("xyz").is_empty());
    }

    #[test]
    fn a_damaged_entry_costs_only_itself() {
        let good = serde_json::to_value(entry("1", "Isar")).unwrap();
        let saved = serde_json::json!({
            "list": [good, {"id": 7}, good.clone()],
            "current": "1",
            "removed": [{"id": "3", "name": "Alt", "removed_at": "x"}, 5],
        });
        let (a, notes) = Accounts::from_saved(&saved);
        assert_eq!(a.list.len(), 1, "the duplicate is one account");
        assert_eq!(a.current.as_deref(), Some("1"));
        assert_eq!(a.removed.len(), 1);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].de.contains("Eintrag 2"));
        let (a, notes) = Accounts::from_saved(&serde_json::json!({"list": "x", "current": "1"}));
        assert!(a.list.is_empty() && a.current.is_none());
        assert_eq!(notes.len(), 1);
        let (_, notes) = Accounts::from_saved(&serde_json::json!(3));
        assert_eq!(notes.len(), 1);
        let (a, notes) = Accounts::from_saved(&serde_json::json!({}));
        assert!(a.list.is_empty() && notes.is_empty());
    }

    #[test]
    fn an_entry_of_an_older_shape_reads_with_defaults() {
        let old = serde_json::json!({"id": "1", "name": "Isar", "api_url": "u"});
        let e: AccountEntry = serde_json::from_value(old).unwrap();
        assert!(e.watched && !e.named && e.mail_booking.is_empty());
    }
}
