//! Settings the person changes: language. (The Makler key choice and confirmations have their own commands.)

use tauri::State;

use crate::settings::SettingsData;
use crate::state::AppState;

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> SettingsData {
    state.settings.get()
}

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, language: String) -> SettingsData {
    let language = if language == "en" { "en" } else { "de" };
    state.settings.update(|d| d.language = language.to_string());
    state.settings.get()
}

commands! {
    get_settings,
    set_language,
}
