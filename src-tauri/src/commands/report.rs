//! Saving the report (CSV or printable HTML, written by the audit crate) to the path the save dialog returned.

use std::path::PathBuf;

use audit::ReportFormat;
use tauri::State;

use crate::error::{AppError, ErrorCode, Result};
use crate::state::AppState;

/// Where the UI should save without asking (end-to-end tests set `AGENT_CHECK_EXPORT_DIR`); normally none.
#[tauri::command]
pub fn export_target(state: State<'_, AppState>, format: ReportFormat) -> Option<String> {
    let ext = format.extension();
    state.config.export_dir.as_ref().map(|d| {
        d.join(format!("agent-check-bericht.{ext}"))
            .to_string_lossy()
            .into_owned()
    })
}

/// Writes the last checklist to `path`. `checked_at`: when it was checked, as the UI writes it in the person's
/// language and time zone (e.g. "27.11.2026, 14:05 (Europe/Berlin)"); without it the time is given in UTC.
#[tauri::command]
pub async fn export_report(
    state: State<'_, AppState>,
    format: ReportFormat,
    path: String,
    checked_at: Option<String>,
) -> Result<String> {
    let session = state.session.lock().await;
    let report = session.report()?;
    let checked_at = checked_at.unwrap_or_else(|| {
        audit::journal::utc_label(session.checked_at.as_deref().unwrap_or_default())
    });
    let content = format.render(&report, &session.label, &checked_at);
    let path = PathBuf::from(path);
    std::fs::write(&path, content).map_err(|e| {
        AppError::new(
            ErrorCode::Unknown,
            format!("Der Bericht konnte nicht gespeichert werden: {e}"),
            format!("The report could not be saved: {e}"),
        )
    })?;
    Ok(path.to_string_lossy().into_owned())
}
