//! The installed app's side of the background watch: desktop notifications (tauri-plugin-notification), the tray
//! icon with "Öffnen", "Jetzt prüfen", "Beenden" and the watch's state as tooltip, start at login with the hidden
//! flag (tauri-plugin-autostart), and opening the window again after it was closed into the tray.

use audit::watch::Notice;
use audit::Text;
use onoffice_protocol::lock::Unpoisoned;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_notification::NotificationExt as _;
use watch_handover::handover;

use crate::platform::Background;
use crate::state::{AppState, Mode};
use crate::watch;

const TRAY_ID: &str = "watch";

/// The window's lock (`handover::WINDOW_LOCK`), held from the first window on: the tray helper ends when it sees it.
static WINDOW: std::sync::Mutex<Option<handover::Held>> = std::sync::Mutex::new(None);

/// Whether watching is on (the app's state is there and its schedule enabled).
pub fn watching<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<AppState>()
        .is_some_and(|s| s.settings.get().watch.schedule.enabled)
}

/// This process has a window and so watches itself: the window's lock, and the tray while watching.
fn hold_window<R: Runtime>(app: &AppHandle<R>) {
    let mut held = WINDOW.write_guard();
    if held.is_none() {
        if let Ok(dir) = app.path().app_data_dir() {
            *held = handover::hold(&dir, handover::WINDOW_LOCK).ok();
        }
    }
    drop(held);
    if watching(app) {
        Platform::new(app.clone()).show_tray();
    }
}

/// Starts the tray helper (`agent-check-tray`) for the data folder `dir`; false if it could not be started (not
/// installed beside the app, as in a development run).
pub fn start_tray_helper(dir: &std::path::Path) -> bool {
    let Some(program) = handover::sibling(handover::TRAY_PROGRAM).filter(|p| p.exists()) else {
        return false;
    };
    match std::process::Command::new(program)
        .arg(handover::DATA_DIR_FLAG)
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(_) => true,
        Err(e) => {
            log::warn!("tray helper not started: {e}");
            false
        }
    }
}

/// The last window closed while watching: the tray helper takes over and this process, with its webview's
/// libraries, may end. False (stay in the tray here) for the demo, which lives in this process, and when the helper
/// cannot be started.
pub fn hand_over_to_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    let demo = app.try_state::<AppState>().is_some_and(|s| {
        s.session
            .try_lock()
            .map_or(true, |session| session.mode() == Mode::Demo)
    });
    if demo {
        return false;
    }
    let Ok(dir) = app.path().app_data_dir() else {
        return false;
    };
    // Given back first: the helper must not see it held and end at once.
    let held = WINDOW.write_guard().take();
    if start_tray_helper(&dir) {
        return true;
    }
    *WINDOW.write_guard() = held;
    false
}

/// Shows the main window, creating it again (with a fresh webview) if it was closed into the tray.
pub fn open_window<R: Runtime>(app: &AppHandle<R>) {
    hold_window(app);
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return;
    }
    if let Some(config) = app.config().app.windows.first() {
        match WebviewWindowBuilder::from_config(app, config).and_then(|b| b.build()) {
            Ok(w) => {
                let _ = w.set_focus();
            }
            Err(e) => log::warn!("window not opened: {e}"),
        }
    }
}

/// The window was closed while watching: said once, with how to quit.
pub fn closed_to_tray<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    if state.settings.get().watch.close_hint_shown {
        return;
    }
    state.settings.update(|d| d.watch.close_hint_shown = true);
    notify(
        app,
        &Notice {
            title: Text::new("Agent-Check prüft weiter", "Agent-Check keeps checking"),
            body: Text::new(
                "Das Fenster ist zu, Agent-Check läuft im Infobereich weiter und prüft zur eingestellten Zeit. Beenden: Symbol anklicken › „Beenden“.",
                "The window is closed; Agent-Check keeps running in the notification area and checks at the set time. To quit: click the icon › \"Beenden\".",
            ),
        },
    );
}

fn language<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<AppState>()
        .is_none_or(|s| s.settings.get().language != "en")
}

fn notify<R: Runtime>(app: &AppHandle<R>, notice: &Notice) -> bool {
    let de = language(app);
    let pick = |t: &Text| if de { t.de.clone() } else { t.en.clone() };
    if matches!(
        app.notification().permission_state(),
        Ok(tauri::plugin::PermissionState::Denied)
    ) {
        return false;
    }
    match app
        .notification()
        .builder()
        .title(pick(&notice.title))
        .body(pick(&notice.body))
        .show()
    {
        Ok(()) => true,
        Err(e) => {
            log::warn!("notification not shown: {e}");
            false
        }
    }
}

/// The installed app's `Background`.
pub struct Platform<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> Platform<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Platform { app }
    }

    /// The tray icon, once.
    pub fn show_tray(&self) {
        if self.app.tray_by_id(TRAY_ID).is_some() {
            return;
        }
        let app = &self.app;
        let built = (|| -> tauri::Result<()> {
            let open = MenuItem::with_id(app, "open", "Öffnen", true, None::<&str>)?;
            let check = MenuItem::with_id(app, "check", "Jetzt prüfen", true, None::<&str>)?;
            let quit = MenuItem::with_id(app, "quit", "Beenden", true, None::<&str>)?;
            let menu = Menu::with_items(app, &[&open, &check, &quit])?;
            let mut tray = TrayIconBuilder::with_id(TRAY_ID)
                .menu(&menu)
                .tooltip("Agent-Check: prüft automatisch")
                .on_menu_event(|app, event| match event.id().as_ref() {
                    "open" => open_window(app),
                    "check" => {
                        let app = app.clone();
                        tauri::async_runtime::spawn(async move {
                            let state = app.state::<AppState>();
                            watch::scheduled_check(&state, watch::local_now()).await;
                        });
                    }
                    "quit" => app.exit(0),
                    _ => {}
                });
            if let Some(icon) = app.default_window_icon() {
                tray = tray.icon(icon.clone());
            }
            tray.build(app)?;
            Ok(())
        })();
        if let Err(e) = built {
            log::warn!("tray icon not shown: {e}");
        }
    }
}

/// The window's event while "Jetzt alle prüfen" goes from account to account: `{"at", "of", "name"}` (1-based).
pub const FLEET_PROGRESS_EVENT: &str = "fleet-progress";

impl<R: Runtime> Background for Platform<R> {
    fn notify(&self, notice: &Notice) -> bool {
        notify(&self.app, notice)
    }

    fn tooltip(&self, text: &Text) {
        if let Some(tray) = self.app.tray_by_id(TRAY_ID) {
            let t = if language(&self.app) {
                &text.de
            } else {
                &text.en
            };
            let _ = tray.set_tooltip(Some(t.as_str()));
        }
    }

    fn checking(&self, at: usize, of: usize, name: &str) {
        use tauri::Emitter;
        let _ = self.app.emit(
            FLEET_PROGRESS_EVENT,
            serde_json::json!({"at": at, "of": of, "name": name}),
        );
    }

    fn watching(&self, on: bool) {
        let autostart = self.app.autolaunch();
        if on {
            self.show_tray();
            if let Err(e) = autostart.enable() {
                log::warn!("start at login not set: {e}");
            }
        } else {
            self.app.remove_tray_by_id(TRAY_ID);
            let _ = autostart.disable();
        }
    }
}
