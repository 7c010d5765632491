//! Connecting: test credentials, store them in the keychain, start the demo, disconnect. The secret goes in, never out.

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::secrets::StoredCredentials;
use crate::state::{AppState, Mode, Session};

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ConnectionStatus {
    pub mode: Mode,
    /// "verbunden als …": never the secret, only a hint of the token or the demo's name.
    pub label: String,
    pub api_url: String,
}

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

fn status(s: &Session) -> ConnectionStatus {
    ConnectionStatus {
        mode: s.mode,
        label: s.label.clone(),
        api_url: s.api_url.clone(),
    }
}

fn stored(input: &CredentialsInput) -> StoredCredentials {
    StoredCredentials {
        token: input.token.trim().to_string(),
        secret: input.secret.trim().to_string(),
        api_url: input
            .api_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(onoffice::DEFAULT_BASE_URL)
            .to_string(),
    }
}

/// The current connection; on first call, reconnects with credentials from the keychain (no network).
#[tauri::command]
pub async fn connection_status(state: State<'_, AppState>) -> Result<ConnectionStatus> {
    let mut session = state.session.lock().await;
    if session.mode == Mode::None {
        if let Ok(Some(credentials)) = state.secrets.load() {
            if let Ok(s) = state.account_session(&credentials) {
                *session = s;
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
    let client = state.client(&stored(&input))?;
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
    let credentials = stored(&input);
    state.client(&credentials)?.read_users(&["Nr"]).await?;
    state
        .secrets
        .save(&credentials)
        .map_err(AppError::keychain)?;
    let s = state.account_session(&credentials)?;
    let mut session = state.session.lock().await;
    *session = s;
    Ok(status(&session))
}

/// Starts the demo account (a sandbox inside the app, on this PC only).
#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> Result<ConnectionStatus> {
    let s = state.demo_session().await?;
    let mut session = state.session.lock().await;
    *session = s;
    Ok(status(&session))
}

/// Leaves the demo, or deletes the stored credentials and disconnects.
#[tauri::command]
pub async fn disconnect(state: State<'_, AppState>) -> Result<ConnectionStatus> {
    let mut session = state.session.lock().await;
    if session.mode == Mode::Account {
        state.secrets.delete().map_err(AppError::keychain)?;
    }
    *session = Session::empty();
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
/// version; never a secret, a name or an e-mail address) to the path the save dialog returned.
#[tauri::command]
pub async fn save_diagnosis(state: State<'_, AppState>, path: String) -> Result<String> {
    let auditor = state.session.lock().await.auditor()?;
    let diagnosis = match auditor.last_diagnosis() {
        Some(d) => d,
        None => auditor.diagnose().await,
    };
    let text = serde_json::to_string_pretty(&diagnosis).unwrap_or_default();
    let path = std::path::PathBuf::from(path);
    std::fs::write(&path, text).map_err(|e| {
        AppError::new(
            crate::error::ErrorCode::Unknown,
            format!("Die Diagnose konnte nicht gespeichert werden: {e}"),
            format!("The diagnosis could not be saved: {e}"),
        )
    })?;
    Ok(path.to_string_lossy().into_owned())
}
