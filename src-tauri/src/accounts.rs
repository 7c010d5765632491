//! The accounts' glue: where each account's keychain entry and journal live, moving the one connection of earlier
//! versions into the accounts list at the first start (keychain entry, journal, also under its oldest file name,
//! settings and watch memory), and finding accounts again after the list was damaged. The list's rules are the
//! engine's (`audit::accounts`).

use std::path::{Path, PathBuf};

use audit::accounts::{AccountEntry, Accounts};
use audit::Text;

use crate::secrets::{slot, StoredCredentials, LEGACY_SLOT};
use crate::state::{journal_path, name_hint, AppState};

/// The journal name of the first versions: the token's first eight characters.
fn oldest_journal_path(data_dir: &Path, token: &str) -> PathBuf {
    let tag: String = token.chars().take(8).collect();
    data_dir.join(format!("journal-{tag}.jsonl"))
}

/// A journal under the oldest name becomes the account's journal; if both exist, the older one stays where it is
/// (nothing is merged or lost) and the person is told.
fn move_oldest_journal(data_dir: &Path, token: &str, id: &str) -> Option<Text> {
    let old = oldest_journal_path(data_dir, token);
    let new = journal_path(data_dir, id);
    if !old.exists() || old == new {
        return None;
    }
    if new.exists() {
        return Some(Text::new(
            format!("Ein älteres Änderungsprotokoll liegt noch neben dem des Kontos: {} (nicht zusammengeführt, nichts gelöscht).", old.display()),
            format!("An older change journal is still beside the account's: {} (not merged, nothing deleted).", old.display()),
        ));
    }
    match std::fs::rename(&old, &new) {
        Ok(()) => None,
        Err(e) => {
            log::warn!("old journal not moved: {e}");
            Some(Text::new(
                format!(
                    "Das alte Änderungsprotokoll {} konnte nicht übernommen werden: {e}",
                    old.display()
                ),
                format!(
                    "The old change journal {} could not be taken over: {e}",
                    old.display()
                ),
            ))
        }
    }
}

/// The first start of this version: the one stored connection becomes the first account, with its keychain entry
/// (moved to the account's slot, read back, only then the old entry deleted), its journal, its settings and its
/// watch memory. Nothing to move: an empty list. The keychain not usable now: nothing changes, the next start tries
/// again.
pub fn migrate(state: &AppState) -> Vec<Text> {
    if state.settings.get().accounts.is_some() {
        return Vec::new();
    }
    let legacy = match state.secrets.load(LEGACY_SLOT) {
        Ok(c) => c,
        Err(e) => {
            log::warn!("keychain not usable, accounts not moved yet: {e}");
            return Vec::new();
        }
    };
    let Some(credentials) = legacy else {
        state
            .settings
            .update(|d| d.accounts = Some(Accounts::default()));
        return Vec::new();
    };
    let Ok(id) = state.account_id(&credentials) else {
        log::warn!("the stored connection has an unusable address; not moved");
        return Vec::new();
    };
    let to = slot(&id);
    let moved = state.secrets.save(&to, &credentials).is_ok()
        && matches!(state.secrets.load(&to), Ok(Some(ref back)) if *back == credentials);
    if !moved {
        log::warn!("keychain entry not moved; the next start tries again");
        return Vec::new();
    }
    let mut notes: Vec<Text> = move_oldest_journal(&state.config.data_dir, &credentials.token, &id)
        .into_iter()
        .collect();
    state.settings.update(|d| {
        let mut entry =
            AccountEntry::new(&id, &credentials.api_url, &name_hint(&credentials.token));
        entry.makler_key = d.makler_key.take();
        entry.mail_booking = std::mem::take(&mut d.mail_booking);
        // The watch memory of that account goes with it; the schedule's last run stays the app's.
        if d.watch.state.account == id {
            entry.watch = d.watch.state.clone();
            entry.watch.last_run = None;
            entry.watch.last_outcome = None;
        }
        let mut accounts = Accounts::default();
        accounts.add(entry);
        d.accounts = Some(accounts);
    });
    if let Err(e) = state.secrets.delete(LEGACY_SLOT) {
        log::warn!("old keychain entry not deleted: {e}");
        notes.push(Text::new(
            "Der alte Schlüsselbund-Eintrag „onoffice-api“ konnte nicht gelöscht werden; er wird nicht mehr gebraucht.",
            "The old keychain entry \"onoffice-api\" could not be deleted; it is no longer needed.",
        ));
    }
    notes
}

/// After a damaged list: every journal in the data folder whose account still has its keychain entry comes back as
/// an account (named by its token's start until the next check). Returns how many came back.
pub fn recover(state: &AppState) -> usize {
    let Ok(dir) = std::fs::read_dir(&state.config.data_dir) else {
        return 0;
    };
    let ids: Vec<String> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name
                .strip_prefix("journal-")?
                .strip_suffix(".jsonl")?
                .to_string();
            (id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit())).then_some(id)
        })
        .collect();
    let mut back = 0;
    for id in ids {
        if state.settings.get().accounts().get(&id).is_some() {
            continue;
        }
        if let Ok(Some(c)) = state.secrets.load(&slot(&id)) {
            if state.account_id(&c).ok().as_deref() != Some(id.as_str()) {
                continue;
            }
            state.settings.update(|d| {
                let accounts = d.accounts.get_or_insert_with(Accounts::default);
                let current = accounts.current.clone();
                accounts.add(AccountEntry::new(&id, &c.api_url, &name_hint(&c.token)));
                accounts.current = current.or(Some(id.clone()));
            });
            back += 1;
        }
    }
    back
}

/// The credentials of an account from its keychain entry; None when they were deleted outside the app.
pub fn credentials(state: &AppState, id: &str) -> crate::error::Result<Option<StoredCredentials>> {
    Ok(state.secrets.load(&slot(id))?)
}
