//! Connecting: test credentials, store them in the keychain, start the demo, disconnect, and the compatibility check
//! with its file for support. The secret goes in, never out.

use onoffice_protocol::lock::Unpoisoned;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::secrets::StoredCredentials;
use crate::session::{status, ConnectionStatus};
use crate::state::{AppState, Session};

#[derive(Clone, Deserialize, TS)]
#[ts(export)]
pub struct CredentialsInput {
    pub token: String,
    pub secret: String,
    /// Empty for onOffice's own address.
    pub api_url: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ConnectionTest {
    pub users: u32,
}

/// The credentials as typed (whitespace trimmed); a secret of the wrong shape is refused here, before any request.
fn stored(input: &CredentialsInput) -> Result<StoredCredentials> {
    // The token's shape is checked first, so a wrong token is named even when the secret is wrong too.
    onoffice::Token::new(&input.token)?;
    Ok(StoredCredentials {
        token: input.token.trim().to_string(),
        secret: onoffice::Secret::new(&input.secret)?,
        api_url: input
            .api_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(onoffice::DEFAULT_BASE_URL)
            .to_string(),
    })
}

/// The current connection; on first call, opens the account the window showed last with its credentials from the
/// keychain (no network). Its credentials gone: not connected, and the accounts list says "Zugangsdaten fehlen".
#[tauri::command]
pub async fn connection_status(state: State<'_, AppState>) -> Result<ConnectionStatus> {
    let mut session = state.session.lock().await;
    if let Session::Disconnected = *session {
        if let Some(id) = state.settings.get().accounts().current {
            if let Ok(Some(credentials)) = crate::accounts::credentials(&state, &id) {
                if let Ok(s) = state.account_session(&credentials) {
                    *session = s;
                }
            }
        }
    }
    Ok(status(&session))
}

/// Checks the credentials against onOffice without storing anything: reads the users (which also proves the
/// right "Benutzerdaten über API auslesen").
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    input: CredentialsInput,
) -> Result<ConnectionTest> {
    let client = state.client(&stored(&input)?)?;
    let users = client.read_users(&["Nr"]).await?;
    Ok(ConnectionTest {
        users: users.len() as u32,
    })
}

/// Tests, then keeps the credentials in the keychain and connects.
#[tauri::command]
pub async fn connect(
    state: State<'_, AppState>,
    input: CredentialsInput,
) -> Result<ConnectionStatus> {
    state.writing.refuse_if_busy()?;
    let credentials = stored(&input)?;
    state.client(&credentials)?.read_users(&["Nr"]).await?;
    // The account's id as the client sees its address (the same rule the journal uses).
    let id = state.account_id(&credentials)?;
    state
        .secrets
        .save(&crate::secrets::slot(&id), &credentials)?;
    let mut added = audit::accounts::Added::New;
    state.settings.update(|d| {
        let accounts = d.accounts.get_or_insert_with(Default::default);
        added = accounts.add(audit::accounts::AccountEntry::new(
            &id,
            &credentials.api_url,
            &crate::state::name_hint(&credentials.token),
        ));
    });
    let s = state.account_session(&credentials)?;
    if let Some(task) = state.running.write_guard().take() {
        task.abort();
    }
    let mut session = state.session.lock().await;
    *session = s;
    let mut out = status(&session);
    if added == audit::accounts::Added::Known {
        out.said = Some(audit::Text::new(
            format!(
                "Dieses Konto ist schon in der App („{}“); es ist jetzt geöffnet.",
                out.label
            ),
            format!(
                "This account is already in the app (\"{}\"); it is open now.",
                out.label
            ),
        ));
    }
    Ok(out)
}

/// Starts the demo account (a sandbox inside the app, on this PC only).
#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> Result<ConnectionStatus> {
    state.writing.refuse_if_busy()?;
    let s = state.demo_session().await?;
    let mut session = state.session.lock().await;
    *session = s;
    Ok(status(&session))
}

/// Leaves the demo or the account the window shows (its credentials and the account stay; "Konto entfernen"
/// deletes them).
#[tauri::command]
pub async fn disconnect(state: State<'_, AppState>) -> Result<ConnectionStatus> {
    state.writing.refuse_if_busy()?;
    let mut session = state.session.lock().await;
    *session = Session::Disconnected;
    state.settings.update(|d| {
        if let Some(a) = d.accounts.as_mut() {
            a.current = None;
        }
    });
    Ok(status(&session))
}

/// "Verbindung prüfen": checks every assumption the audit makes about the account (read-only) and keeps the result
/// for "Diagnose speichern".
#[tauri::command]
pub async fn check_connection(state: State<'_, AppState>) -> Result<audit::Diagnosis> {
    let auditor = state.session.lock().await.auditor()?;
    Ok(auditor.diagnose().await)
}

/// Writes the latest check as a file for support (field names, value keys, counts, error codes, timings, the app
/// version; never a secret, a name or an e-mail address) where the person chose in the save dialog. `file_name`:
/// the name to suggest. Returns the path written, or nothing when the person cancelled.
#[tauri::command]
pub async fn save_diagnosis<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    file_name: String,
) -> Result<Option<String>> {
    let auditor = state.session.lock().await.auditor()?;
    let diagnosis = match auditor.last_diagnosis() {
        Some(d) => d,
        None => auditor.diagnose().await,
    };
    let Some(path) =
        crate::files::ask_save_path(&app, &state.config, &file_name, "JSON", "json").await
    else {
        return Ok(None);
    };
    let not_saved = |e| AppError::file_not_saved("Die Diagnose", "The diagnosis", e);
    let text = serde_json::to_string_pretty(&diagnosis).map_err(|e| not_saved(e.into()))?;
    std::fs::write(&path, text).map_err(not_saved)?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/connection.rs"));
