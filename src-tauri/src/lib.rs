//! The desktop shell: thin glue between the Tauri runtime and the Tauri-free crates (client, sandbox, audit).
//! Commands, state, the OS keychain, the settings store and events live here. It never hands the API secret to
//! the webview.
//!
//! Layers: each module uses only modules of the layers below it, never one above, so nothing goes round in a cycle.
//! 1. `error`, `secrets`, `settings`, `platform` (what the watch asks of the platform): the base.
//! 2. `state`: what the app holds (session, settings, keychain); it knows nothing of accounts, watch or commands.
//! 3. `accounts`, `files`; then `watch` (uses `accounts`); then `background` and `session` (use `watch`).
//! 4. `commands`: one file per domain; a command file never calls another, shared logic lives in a layer below.
//! 5. This file: the builder, the plugins and the setup.

pub mod accounts;
pub mod background;
pub mod commands;
pub mod error;
pub mod files;
pub mod platform;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod state;
pub mod watch;

use std::sync::Arc;

use onoffice_protocol::lock::Unpoisoned;
use tauri::{Manager, Runtime};
use watch_handover::handover;

use crate::secrets::{KeyringStore, SecretStore};
use crate::settings::{AppSettings, SettingsData};
use crate::state::{AppConfig, AppState};

/// The app on any runtime: its commands and its configuration. The installed app (with its plugins, `run`) and the
/// command tests (mock runtime, `create_app`) are built by this one function.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Result<tauri::App<R>> {
    builder
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
}

/// The app with the given state, for command tests on the mock runtime. A test whose app cannot be built has
/// nothing to test, so that ends it.
pub fn create_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::App<R> {
    build(builder.manage(state)).expect("the app can be built")
}

/// The flag start at login passes: start in the tray, without a window.
pub const HIDDEN_FLAG: &str = "--hidden";

/// How long a process that is about to end waits for a notification it just sent (tauri-plugin-notification sends
/// from a background task).
const NOTIFICATION_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

pub fn run() {
    let start = Start {
        demo: std::env::args().any(|a| a == "--demo"),
        hidden: std::env::args().any(|a| a == HIDDEN_FLAG),
        check: std::env::args().any(|a| a == handover::CHECK_FLAG),
    };
    let app = match build(with_plugins(start)) {
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
        Err(e) => {
            log::error!("the app cannot start: {e}");
            eprintln!("the app cannot start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| match event {
        // The last window closed while watching: the tray helper watches on and this process ends; the demo (which
        // lives in this process) stays in the tray here (the webview went with the window). Notifications leave from
        // a background task, so the hint just said gets a moment first; a window opened again meanwhile stays.
        tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } if background::watching(app) => {
            api.prevent_exit();
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(NOTIFICATION_GRACE).await;
                if app.webview_windows().is_empty() && background::hand_over_to_tray(&app) {
                    app.exit(0);
                }
            });
        }
        tauri::RunEvent::WindowEvent {
            event: tauri::WindowEvent::CloseRequested { .. },
            ..
        } if background::watching(app) => background::closed_to_tray(app),
        _ => {}
    });
}

/// How the app was started: `--demo` opens on the demo account, `hidden` at login, `check` by the tray helper for
/// one scheduled check.
#[derive(Clone, Copy)]
struct Start {
    demo: bool,
    hidden: bool,
    check: bool,
}

/// The installed app's builder: its plugins and the setup that creates the state (keychain, settings store, data
/// folder).
fn with_plugins(start: Start) -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        // A second start opens the window (again, if it was closed into the tray).
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            background::open_window(app);
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_FLAG]),
        ))
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
        .setup(move |app| setup(app, start))
}

/// The setup: the saved settings, the state with the accounts, then what this start is for.
fn setup(app: &mut tauri::App, start: Start) -> Result<(), Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&data_dir)?;
    let (data, start_notes, persist) = saved_settings(app, &data_dir)?;
    let watching = data.watch.schedule.enabled;
    // Started at login while watching: the tray helper watches (no webview), this process ends at once.
    if start.hidden && watching && !start.check && background::start_tray_helper(&data_dir) {
        std::process::exit(0);
    }
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::app());
    let state = AppState::new(
        secrets,
        Arc::new(AppSettings::new(data, persist)),
        AppConfig::from_env(data_dir),
    );
    *state.start_notes.write_guard() = accounts_at_start(&state, start_notes);
    if start.demo {
        // `--demo`: open straight on the demo account.
        match tauri::async_runtime::block_on(state.demo_session()) {
            Ok(session) => *tauri::async_runtime::block_on(state.session.lock()) = session,
            Err(e) => log::warn!("demo did not start: {e}"),
        }
    }
    let bg = Arc::new(background::Platform::new(app.handle().clone()));
    let _ = state.background.set(bg.clone());
    app.manage(state);
    if start.check {
        check_then_end(app.handle().clone());
    } else if !(start.hidden && watching) {
        // The window is made here, not from the configuration at start, so that a start without it (at login, when
        // the helper cannot run) has no webview at all until it is opened.
        background::open_window(app.handle());
    } else {
        bg.show_tray();
    }
    watch::spawn_timer(app.handle().clone());
    Ok(())
}

/// The saved settings, what the start found wrong with them, and how they are saved after each change. A settings
/// file that is no JSON at all is kept aside (the store would refuse to start on it); of a damaged one a copy is kept.
fn saved_settings(
    app: &tauri::App,
    data_dir: &std::path::Path,
) -> Result<(SettingsData, Vec<audit::Text>, settings::Persist), tauri_plugin_store::Error> {
    let mut start_notes = settings::keep_aside_if_unreadable(data_dir);
    let store = tauri_plugin_store::StoreExt::store(app, "settings.json")?;
    let (data, damaged) = store
        .get("settings")
        .map(|v| SettingsData::from_saved(&v))
        .unwrap_or_default();
    if !damaged.is_empty() {
        settings::keep_copy(data_dir);
    }
    start_notes.extend(damaged);
    let persist = Box::new(move |d: &SettingsData| {
        store.set("settings", serde_json::to_value(d).unwrap_or_default());
        if let Err(e) = store.save() {
            log::warn!("settings not saved: {e}");
        }
    });
    Ok((data, start_notes, persist))
}

/// The one connection of earlier versions becomes the first account; after damage (any `start_notes`), accounts
/// with a journal and a keychain entry come back. Returns what to say at start.
fn accounts_at_start(state: &AppState, mut start_notes: Vec<audit::Text>) -> Vec<audit::Text> {
    start_notes.extend(accounts::migrate(state));
    if start_notes.is_empty() {
        return start_notes;
    }
    let back = accounts::recover(state);
    if back > 0 {
        start_notes.push(audit::Text::new(
            format!("{back} Konto/Konten mit Änderungsprotokoll und Zugangsdaten im Schlüsselbund wurden wiederhergestellt; andere bitte neu hinzufügen (die Zugangsdaten sind noch im Schlüsselbund)."),
            format!("{back} account(s) with a change journal and credentials in the keychain were restored; please add others again (their credentials are still in the keychain)."),
        ));
    }
    start_notes
}

/// One scheduled check for the tray helper, without window or tray; then the process ends, unless the window was
/// opened meanwhile (a second start), which makes it the app that watches.
fn check_then_end(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        watch::scheduled_check(&state, watch::local_now()).await;
        // What the check notified leaves from a background task: give it a moment before ending.
        tokio::time::sleep(NOTIFICATION_GRACE).await;
        if app.get_webview_window("main").is_none() {
            app.exit(0);
        }
    });
}

#[cfg(test)]
mod tests;
