//! The desktop shell: thin glue between the Tauri runtime and the Tauri-free crates (client, sandbox, audit).
//! Commands, state, the OS keychain, the settings store and events live here. It never hands the API secret to
//! the webview.

pub mod commands;
pub mod error;
pub mod files;
pub mod secrets;
pub mod settings;
pub mod state;

use std::sync::Arc;

use tauri::{Manager, Runtime};

use crate::secrets::{KeyringStore, SecretStore};
use crate::settings::{AppSettings, SettingsData};
use crate::state::{AppConfig, AppState};

#[cfg(test)]
mod tests;

/// The app on any runtime: its commands and its configuration. The installed app (with its plugins, `run`) and the
/// command tests (mock runtime, `create_app`) are built by this one function.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Result<tauri::App<R>> {
    builder
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
}

/// The app with the given state, for command tests on the mock runtime.
pub fn create_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::App<R> {
    build(builder.manage(state)).expect("the app can be built")
}

pub fn run() {
    let demo_on_start = std::env::args().any(|a| a == "--demo");
    let app = match build(with_plugins(demo_on_start)) {
        Ok(app) => app,
        // Started again in the moment the previous window closes, the hand-over to it cannot succeed (it no longer
        // answers). A second build in this process cannot work either (the window toolkit is already set up), so say
        // so plainly instead of crashing.
        Err(tauri::Error::PluginInitialization(plugin, reason)) if plugin == "single-instance" => {
            log::warn!("single instance: {reason}");
            eprintln!(
                "Agent-Check wird gerade noch beendet. Bitte in ein paar Sekunden erneut starten. / \
                 Agent-Check is still closing. Please start it again in a few seconds."
            );
            std::process::exit(1);
        }
        Err(e) => panic!("the app cannot start: {e}"),
    };
    app.run(|_, _| {});
}

/// The installed app's builder: its plugins and the setup that creates the state (keychain, settings store, data
/// folder).
fn with_plugins(demo_on_start: bool) -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(
            tauri_plugin_log::Builder::new()
                .level(log::LevelFilter::Info)
                .level_for("onoffice", log::LevelFilter::Warn)
                .build(),
        )
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::new().build())
        // Updates: signed artifacts and latest.json from the GitHub release (tauri.conf.json `plugins.updater`);
        // the process plugin restarts the app after installing.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_process::init())
        .setup(move |app| {
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            let store = tauri_plugin_store::StoreExt::store(app, "settings.json")?;
            let data: SettingsData = store
                .get("settings")
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            let persist = {
                let store = store.clone();
                Box::new(move |d: &SettingsData| {
                    store.set("settings", serde_json::to_value(d).unwrap_or_default());
                    if let Err(e) = store.save() {
                        log::warn!("settings not saved: {e}");
                    }
                })
            };
            let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::app());
            let state = AppState::new(
                secrets,
                Arc::new(AppSettings::new(data, persist)),
                AppConfig::from_env(data_dir),
            );
            if demo_on_start {
                // `--demo`: open straight on the demo account.
                match tauri::async_runtime::block_on(state.demo_session()) {
                    Ok(session) => *tauri::async_runtime::block_on(state.session.lock()) = session,
                    Err(e) => log::warn!("demo did not start: {e}"),
                }
            }
            app.manage(state);
            Ok(())
        })
}
