//! Several onOffice accounts in one app: the list (with search), switching, naming, watching or not, removing (with
//! the history kept or not), and the kept history of removed accounts (readable, not undoable). Adding is `connect`.
//! Switching and removing wait while changes are written.

use audit::accounts::RemovedAccount;
use audit::history::HistoryItem;
use onoffice_protocol::lock::Unpoisoned;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::secrets::slot;
use crate::session::{status, ConnectionStatus};
use crate::state::{Account, AppState, Session};

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct AccountItem {
    pub id: String,
    pub name: String,
    pub api_url: String,
    /// The account the window shows.
    pub current: bool,
    /// In the scheduled checks.
    pub watched: bool,
    /// Its keychain entry is gone (deleted outside the app): "Zugangsdaten fehlen".
    pub credentials_missing: bool,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct AccountsView {
    /// The accounts matching the search (all without one), in the order they were added.
    pub accounts: Vec<AccountItem>,
    /// How many there are in all.
    pub total: u32,
    /// Removed accounts whose history was kept.
    pub removed: Vec<RemovedAccount>,
    /// What the start found wrong with the saved list (said until the app closes).
    pub notes: Vec<audit::Text>,
}

pub(crate) async fn view(state: &AppState, query: &str) -> AccountsView {
    let accounts = state.settings.get().accounts();
    let current = {
        let session = state.session.lock().await;
        match &*session {
            Session::Connected(c) => match &c.account {
                Account::Real { id, .. } => Some(id.clone()),
                Account::Demo(_) => None,
            },
            Session::Disconnected => None,
        }
    };
    AccountsView {
        accounts: accounts
            .search(query)
            .into_iter()
            .map(|a| AccountItem {
                id: a.id.clone(),
                name: a.name.clone(),
                api_url: a.api_url.clone(),
                current: current.as_deref() == Some(a.id.as_str()),
                watched: a.watched,
                credentials_missing: matches!(state.secrets.load(&slot(&a.id)), Ok(None)),
            })
            .collect(),
        total: accounts.list.len() as u32,
        removed: accounts.removed.clone(),
        notes: state.start_notes.read_guard().clone(),
    }
}

/// The accounts, optionally only those whose name contains `query`.
#[tauri::command]
pub async fn list_accounts(
    state: State<'_, AppState>,
    query: Option<String>,
) -> Result<AccountsView> {
    Ok(view(&state, query.as_deref().unwrap_or("")).await)
}

/// Opens another account: refused while changes are written; an account whose credentials are gone stays listed
/// and says "Zugangsdaten fehlen". A running check of the account before is stopped.
#[tauri::command]
pub async fn switch_account(state: State<'_, AppState>, id: String) -> Result<ConnectionStatus> {
    state.writing.refuse_if_busy()?;
    switch_to(&state, &id).await
}

pub(crate) async fn switch_to(state: &AppState, id: &str) -> Result<ConnectionStatus> {
    let accounts = state.settings.get().accounts();
    let entry = accounts.get(id).ok_or_else(AppError::no_such_account)?;
    let credentials = crate::accounts::credentials(state, id)?
        .ok_or_else(|| AppError::credentials_missing(&entry.name))?;
    let session = state.account_session(&credentials)?;
    if let Some(task) = state.running.write_guard().take() {
        task.abort();
    }
    let mut current = state.session.lock().await;
    // Checked again under the lock: a fix may have started while the keychain was read.
    state.writing.refuse_if_busy()?;
    *current = session;
    state.settings.update(|d| {
        if let Some(a) = d.accounts.as_mut() {
            a.current = Some(id.to_string());
        }
    });
    Ok(status(&current))
}

/// The person names an account (the company the check finds no longer replaces it).
#[tauri::command]
pub async fn rename_account(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<AccountsView> {
    let mut renamed = false;
    state.settings.update(|d| {
        renamed = d.accounts.as_mut().is_some_and(|a| a.rename(&id, &name));
    });
    if !renamed {
        return Err(AppError::new(
            crate::error::ErrorCode::Validation,
            "Bitte einen Namen eingeben.",
            "Please enter a name.",
        ));
    }
    let mut session = state.session.lock().await;
    if let Session::Connected(c) = &mut *session {
        if matches!(&c.account, Account::Real { id: cur, .. } if *cur == id) {
            c.label = name.trim().to_string();
        }
    }
    drop(session);
    Ok(view(&state, "").await)
}

/// In the scheduled checks or not.
#[tauri::command]
pub async fn set_account_watched(
    state: State<'_, AppState>,
    id: String,
    on: bool,
) -> Result<AccountsView> {
    state.settings.update(|d| {
        if let Some(a) = d.accounts.as_mut().and_then(|a| a.get_mut(&id)) {
            a.watched = on;
        }
    });
    Ok(view(&state, "").await)
}

/// Removes an account: its keychain entry is deleted; with `keep_history` (the default the window offers) its
/// journal stays and its history readable under "Entfernte Konten", otherwise the journal is deleted too. Refused
/// while changes are written.
#[tauri::command]
pub async fn remove_account(
    state: State<'_, AppState>,
    id: String,
    keep_history: bool,
) -> Result<AccountsView> {
    state.writing.refuse_if_busy()?;
    remove(&state, &id, keep_history).await?;
    Ok(view(&state, "").await)
}

pub(crate) async fn remove(state: &AppState, id: &str, keep_history: bool) -> Result<()> {
    if state.settings.get().accounts().get(id).is_none() {
        return Err(AppError::no_such_account());
    }
    state.secrets.delete(&slot(id))?;
    if !keep_history {
        let journal = crate::state::journal_path(&state.config.data_dir, id);
        if let Err(e) = std::fs::remove_file(&journal) {
            if e.kind() != std::io::ErrorKind::NotFound {
                log::warn!("journal not deleted: {e}");
            }
        }
    }
    let at = audit::journal::rfc3339_now();
    state.settings.update(|d| {
        if let Some(a) = d.accounts.as_mut() {
            a.remove(id, keep_history, &at);
        }
    });
    let mut session = state.session.lock().await;
    if matches!(&*session, Session::Connected(c) if matches!(&c.account, Account::Real { id: cur, .. } if cur == id))
    {
        *session = Session::Disconnected;
    }
    Ok(())
}

/// The kept history of a removed account: readable, never undoable (the account and its credentials are gone).
#[tauri::command]
pub async fn removed_history(state: State<'_, AppState>, id: String) -> Result<Vec<HistoryItem>> {
    if !state
        .settings
        .get()
        .accounts()
        .removed
        .iter()
        .any(|r| r.id == id)
    {
        return Err(AppError::no_such_account());
    }
    let journal = audit::Journal::open(
        &crate::state::journal_path(&state.config.data_dir, &id),
        &id,
    )?;
    let mut items = audit::history::history(&journal);
    for item in &mut items {
        item.undoable = false;
    }
    Ok(items)
}

/// One account in "Alle Konten": its overview row and what opens it.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct FleetItem {
    pub id: String,
    /// The account the window shows.
    pub current: bool,
    pub watched: bool,
    pub row: audit::fleet::AccountRow,
}

/// "Alle Konten": every account as its last check left it, the ones that need someone first.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct FleetView {
    pub items: Vec<FleetItem>,
    /// "5 Konten: 1 Prüfung fehlgeschlagen, 4 offen".
    pub headline: audit::Text,
}

/// The overview of all accounts from each one's last check; it sends no request.
#[tauri::command]
pub async fn fleet_overview(state: State<'_, AppState>) -> Result<FleetView> {
    let current = view(&state, "")
        .await
        .accounts
        .into_iter()
        .find(|a| a.current);
    let d = state.settings.get();
    let mut items: Vec<FleetItem> = d
        .accounts()
        .list
        .iter()
        .map(|a| {
            let mut row = d
                .watch_state(&a.id)
                .last_check
                .unwrap_or_else(|| audit::fleet::AccountRow::not_checked(&a.name));
            row.name = a.name.clone();
            FleetItem {
                current: current.as_ref().is_some_and(|c| c.id == a.id),
                id: a.id.clone(),
                watched: a.watched,
                row,
            }
        })
        .collect();
    items.sort_by(|a, b| audit::fleet::order(&a.row, &b.row));
    let rows: Vec<audit::fleet::AccountRow> = items.iter().map(|i| i.row.clone()).collect();
    Ok(FleetView {
        headline: audit::fleet::headline(&rows),
        items,
    })
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/accounts.rs"));
