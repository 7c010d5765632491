//! Saving the report (CSV or printable HTML, written by the audit crate) where the person chose in the save dialog;
//! the printable report then opens in the browser.

use audit::ReportFormat;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{AppError, Result};
use crate::state::AppState;

/// Writes the checklist the person looks at. `file_name`: the name to suggest in the save dialog; `checked_at`: when
/// it was checked, as the UI writes it in the person's language and time zone (e.g. "27.11.2026, 14:05
/// (Europe/Berlin)"); without it the time is given in UTC. Returns the path written, or nothing when the person
/// cancelled. The HTML report opens in the browser, where the person prints it.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: ReportFormat,
    file_name: String,
    checked_at: Option<String>,
) -> Result<Option<String>> {
    let content = {
        let session = state.session.lock().await;
        let checklist = session.checklist()?;
        let checked_at =
            checked_at.unwrap_or_else(|| audit::journal::utc_label(&checklist.checked_at));
        format.render(&checklist.report, &session.connected()?.label, &checked_at)
    };
    let extension = format.extension();
    let filter = extension.to_uppercase();
    let Some(path) =
        crate::files::ask_save_path(&app, &state.config, &file_name, &filter, extension).await
    else {
        return Ok(None);
    };
    std::fs::write(&path, content)
        .map_err(|e| AppError::file_not_saved("Der Bericht", "The report", e))?;
    let written = path.to_string_lossy().into_owned();
    if format == ReportFormat::Html && !crate::files::unattended(&state.config) {
        if let Err(e) = app.opener().open_path(written.clone(), None::<&str>) {
            log::warn!("report not opened: {e}");
        }
    }
    Ok(Some(written))
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/report.rs"));
