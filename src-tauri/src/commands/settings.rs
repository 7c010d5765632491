//! Settings the person changes: language. (The Makler key choice and confirmations have their own commands.)

use tauri::State;

use crate::settings::SettingsData;
use crate::state::AppState;

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> SettingsData {
    for_window(state.settings.get())
}

/// What the window gets of the settings: the accounts come through `list_accounts` (without their watch memory).
fn for_window(mut d: SettingsData) -> SettingsData {
    d.accounts = None;
    d
}

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, language: String) -> SettingsData {
    let language = if language == "en" { "en" } else { "de" };
    state.settings.update(|d| d.language = language.to_string());
    for_window(state.settings.get())
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/settings.rs"));
