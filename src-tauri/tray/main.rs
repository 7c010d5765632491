//! `agent-check-tray`: the background watch while the app is closed. A tray icon ("Öffnen", "Jetzt prüfen",
//! "Beenden", the last check's outcome as tooltip) and a look at the wall clock every minute; for each due check it
//! starts the app without a window (`agent-check --watch-check`), which checks, notifies and ends. It has no webview
//! and reads no secret, so it costs little while it waits. It ends when the app opens a window (the app watches
//! then), when watching is switched off, and on "Beenden". Started by the app (`handover.rs` says how the two agree).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use audit::schedule::Schedule;
use audit::watch::WatchState;
use jiff::civil::DateTime;
use serde::Deserialize;
use watch_handover::{clock, handover};

/// How often the helper looks whether the app opened a window (then it ends at once).
const LOOK: Duration = Duration::from_secs(2);
/// How often it reads the settings and the clock.
const MINUTE: Duration = Duration::from_secs(60);

/// What the helper reads of the app's settings file (written by tauri-plugin-store: `{"settings": {...}}`).
#[derive(Clone, Debug, Default, Deserialize)]
struct SettingsFile {
    #[serde(default)]
    settings: Saved,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct Saved {
    #[serde(default)]
    language: String,
    #[serde(default)]
    watch: Watch,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct Watch {
    #[serde(default)]
    schedule: Schedule,
    #[serde(default)]
    state: WatchState,
}

/// The settings as saved, or None when the file cannot be read right now (a half-written file is read again at the
/// next look; it never ends the watch).
fn read_settings(dir: &Path) -> Option<Saved> {
    let text = std::fs::read_to_string(dir.join("settings.json")).ok()?;
    serde_json::from_str::<SettingsFile>(&text)
        .ok()
        .map(|f| f.settings)
}

/// What to do after a look.
#[derive(Debug, Default, PartialEq, Eq)]
struct Step {
    /// End the helper.
    exit: bool,
    /// Start a check now.
    check: bool,
    /// The tray's tooltip, if it changed.
    tooltip: Option<String>,
}

/// The helper's decisions, with the clock and what it saw passed in.
#[derive(Debug, Default)]
struct Watcher {
    saved: Saved,
    /// When the helper last started a check: with the persisted last run, no slot runs twice, also when a check
    /// ends before it could write its start (a crash, the app missing).
    started: Option<DateTime>,
    tooltip: String,
}

impl Watcher {
    /// One look: `read` the settings if they could be read, whether the app holds a window, whether a check runs.
    fn look(
        &mut self,
        read: Option<Saved>,
        window_open: bool,
        checking: bool,
        now: DateTime,
    ) -> Step {
        if window_open {
            return Step {
                exit: true,
                ..Step::default()
            };
        }
        if let Some(saved) = read {
            self.saved = saved;
            if !self.saved.watch.schedule.enabled {
                return Step {
                    exit: true,
                    ..Step::default()
                };
            }
        }
        let mut step = Step::default();
        let last_run = self
            .saved
            .watch
            .state
            .last_run
            .as_deref()
            .and_then(|l| l.parse::<DateTime>().ok());
        let last = last_run.max(self.started);
        if !checking && self.saved.watch.schedule.is_due(last, now) {
            self.started = Some(now);
            step.check = true;
        }
        let tooltip = self.tooltip_text(checking || step.check);
        if tooltip != self.tooltip {
            self.tooltip = tooltip.clone();
            step.tooltip = Some(tooltip);
        }
        step
    }

    /// Started from the menu ("Jetzt prüfen").
    fn check_now(&mut self, checking: bool, now: DateTime) -> bool {
        if checking {
            return false;
        }
        self.started = Some(now);
        true
    }

    fn tooltip_text(&self, checking: bool) -> String {
        let de = self.saved.language != "en";
        if checking {
            return if de {
                "Agent-Check: prüft gerade …".into()
            } else {
                "Agent-Check: checking …".into()
            };
        }
        match &self.saved.watch.state.last_outcome {
            Some(t) if de => t.de.clone(),
            Some(t) => t.en.clone(),
            None if de => "Agent-Check: prüft automatisch".into(),
            None => "Agent-Check: checks automatically".into(),
        }
    }
}

struct Args {
    data_dir: PathBuf,
}

fn args(given: impl IntoIterator<Item = String>) -> Option<Args> {
    let mut it = given.into_iter();
    let mut data_dir = None;
    while let Some(a) = it.next() {
        if a == handover::DATA_DIR_FLAG {
            data_dir = it.next().map(PathBuf::from);
        }
    }
    Some(Args {
        data_dir: data_dir?,
    })
}

/// Starts the app with these arguments, detached from the helper's console.
fn start_app(args: &[&str]) -> Option<Child> {
    let program = handover::sibling(handover::APP_PROGRAM)?;
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| eprintln!("agent-check not started: {e}"))
        .ok()
}

enum UserEvent {
    Menu(tray_icon::menu::MenuEvent),
}

fn icon() -> Option<tray_icon::Icon> {
    let decoder = png::Decoder::new(std::io::Cursor::new(include_bytes!(
        "../../icons/32x32.png"
    )));
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        _ => return None,
    };
    tray_icon::Icon::from_rgba(rgba, info.width, info.height).ok()
}

fn main() {
    let Some(Args { data_dir }) = args(std::env::args().skip(1)) else {
        eprintln!("usage: agent-check-tray --data-dir FOLDER (started by Agent-Check)");
        std::process::exit(2);
    };
    // The helper draws nothing with OpenGL; without this GTK sets up GL at start to pick its visuals, which on a
    // machine without a graphics driver loads Mesa's software renderer (about 50 MiB resident for nothing).
    std::env::set_var("GDK_GL", "disable");
    // One helper at a time; the lock goes with the process.
    let _tray = match handover::hold(&data_dir, handover::TRAY_LOCK) {
        Ok(held) => held,
        Err(_) => return,
    };
    run(data_dir);
}

/// The tray's menu: "Öffnen", "Jetzt prüfen", "Beenden".
fn tray_menu() -> tray_icon::menu::Menu {
    use tray_icon::menu::{Menu, MenuItem};
    let open = MenuItem::with_id("open", "Öffnen", true, None);
    let check = MenuItem::with_id("check", "Jetzt prüfen", true, None);
    let quit = MenuItem::with_id("quit", "Beenden", true, None);
    let menu = Menu::new();
    let _ = menu.append_items(&[&open, &check, &quit]);
    menu
}

/// The helper while it runs: its tray icon, the check it started, and when it reads the settings next.
struct Helper {
    data_dir: PathBuf,
    watcher: Watcher,
    /// The menu until the tray icon takes it.
    menu: Option<tray_icon::menu::Menu>,
    tray: Option<tray_icon::TrayIcon>,
    /// The app it started for a check.
    child: Option<Child>,
    next_minute: Instant,
}

impl Helper {
    fn new(data_dir: PathBuf) -> Self {
        Helper {
            data_dir,
            watcher: Watcher::default(),
            menu: Some(tray_menu()),
            tray: None,
            child: None,
            next_minute: Instant::now(),
        }
    }

    /// Whether the check it started still runs (one that ended is forgotten).
    fn checking(&mut self) -> bool {
        match &mut self.child {
            Some(c) => match c.try_wait() {
                Ok(None) => true,
                _ => {
                    self.child = None;
                    false
                }
            },
            None => false,
        }
    }

    /// The tray icon; on Linux the tray needs the toolkit the event loop has just started.
    fn show_tray(&mut self) {
        let mut b =
            tray_icon::TrayIconBuilder::new().with_tooltip("Agent-Check: prüft automatisch");
        if let Some(m) = self.menu.take() {
            b = b.with_menu(Box::new(m));
        }
        if let Some(i) = icon() {
            b = b.with_icon(i);
        }
        self.tray = b
            .build()
            .map_err(|e| eprintln!("tray icon not shown: {e}"))
            .ok();
    }

    /// What to do after this look: the window's lock every time; the settings and the clock once a minute, and at
    /// once when a check ended (its outcome).
    fn next_step(&mut self) -> Step {
        let was_checking = self.child.is_some();
        let running = self.checking();
        let window = handover::held_elsewhere(&self.data_dir, handover::WINDOW_LOCK);
        if Instant::now() >= self.next_minute || (was_checking && !running) {
            self.next_minute = Instant::now() + MINUTE;
            let read = read_settings(&self.data_dir);
            return self.watcher.look(read, window, running, clock::local_now());
        }
        Step {
            exit: window,
            ..Step::default()
        }
    }

    /// One look; false when the helper ends.
    fn look(&mut self) -> bool {
        let step = self.next_step();
        if step.exit {
            return false;
        }
        if step.check {
            self.child = start_app(&[handover::CHECK_FLAG]);
        }
        if let (Some(t), Some(tray)) = (step.tooltip, &self.tray) {
            let _ = tray.set_tooltip(Some(t));
        }
        true
    }

    /// A menu item was chosen; false on "Beenden".
    fn menu_item(&mut self, id: &str) -> bool {
        match id {
            // The app opens its window and takes over; the helper ends when it sees the window's lock.
            "open" => {
                let _ = start_app(&[]);
            }
            "check" => {
                let running = self.checking();
                if self.watcher.check_now(running, clock::local_now()) {
                    self.child = start_app(&[handover::CHECK_FLAG]);
                }
            }
            "quit" => return false,
            _ => {}
        }
        true
    }
}

fn run(data_dir: PathBuf) {
    use tao::event::{Event, StartCause};
    use tao::event_loop::{ControlFlow, EventLoopBuilder};
    use tray_icon::menu::MenuEvent;

    #[allow(unused_mut)]
    let mut event_loop = EventLoopBuilder::<UserEvent>::with_user_event().build();
    #[cfg(target_os = "macos")]
    {
        // A menu bar item, not an app in the Dock.
        use tao::platform::macos::{ActivationPolicy, EventLoopExtMacOS};
        event_loop.set_activation_policy(ActivationPolicy::Accessory);
    }
    let proxy = event_loop.create_proxy();
    MenuEvent::set_event_handler(Some(move |e| {
        let _ = proxy.send_event(UserEvent::Menu(e));
    }));
    let mut helper = Helper::new(data_dir);
    event_loop.run(move |event, _, control_flow| match event {
        Event::NewEvents(StartCause::Init) => {
            helper.show_tray();
            *control_flow = ControlFlow::WaitUntil(Instant::now());
        }
        Event::NewEvents(StartCause::ResumeTimeReached { .. }) => {
            *control_flow = if helper.look() {
                ControlFlow::WaitUntil(Instant::now() + LOOK)
            } else {
                ControlFlow::Exit
            };
        }
        Event::UserEvent(UserEvent::Menu(e)) => {
            let goes_on = helper.menu_item(e.id().as_ref());
            if !goes_on {
                *control_flow = ControlFlow::Exit;
            }
        }
        _ => {}
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime {
        s.parse().unwrap()
    }

    fn watching(last_run: &str) -> Saved {
        Saved {
            language: "de".into(),
            watch: Watch {
                schedule: Schedule {
                    enabled: true,
                    ..Schedule::default()
                },
                state: WatchState {
                    last_run: Some(last_run.into()),
                    ..WatchState::default()
                },
            },
        }
    }

    #[test]
    fn a_due_slot_starts_one_check_and_not_again_before_the_check_writes_its_start() {
        let mut w = Watcher::default();
        // Tuesday 2026-12-01 08:00 is a slot; the last run was Monday.
        let s = watching("2026-11-30T08:00:00");
        let step = w.look(Some(s.clone()), false, false, at("2026-12-01T08:00:30"));
        assert!(step.check && !step.exit);
        assert_eq!(step.tooltip.as_deref(), Some("Agent-Check: prüft gerade …"));
        // The check ended without writing its start (it crashed): the same slot does not run again.
        let step = w.look(Some(s.clone()), false, false, at("2026-12-01T08:01:30"));
        assert!(!step.check);
        // The next slot does.
        let step = w.look(Some(s), false, false, at("2026-12-02T08:00:10"));
        assert!(step.check);
    }

    #[test]
    fn nothing_starts_while_a_check_runs_or_before_a_slot() {
        let mut w = Watcher::default();
        let s = watching("2026-11-30T08:00:00");
        assert!(
            !w.look(Some(s.clone()), false, true, at("2026-12-01T08:00:30"))
                .check
        );
        assert!(
            !w.look(Some(s.clone()), false, false, at("2026-11-30T17:00:00"))
                .check
        );
        assert!(
            w.look(Some(s), false, false, at("2026-12-01T09:00:00"))
                .check
        );
    }

    #[test]
    fn the_window_or_watching_switched_off_ends_the_helper() {
        let mut w = Watcher::default();
        let s = watching("2026-11-30T08:00:00");
        assert!(
            w.look(Some(s.clone()), true, false, at("2026-12-01T08:00:30"))
                .exit
        );
        let mut off = s.clone();
        off.watch.schedule.enabled = false;
        assert!(
            w.look(Some(off), false, false, at("2026-12-01T08:00:30"))
                .exit
        );
        // An unreadable file (half written) keeps what was read before and does not end the watch.
        let mut w = Watcher::default();
        assert!(
            !w.look(Some(s), false, false, at("2026-11-30T09:00:00"))
                .exit
        );
        let step = w.look(None, false, false, at("2026-12-01T08:00:30"));
        assert!(!step.exit && step.check);
    }

    #[test]
    fn the_tooltip_tells_the_last_outcome_in_the_persons_language_and_only_when_it_changed() {
        let mut w = Watcher::default();
        let mut s = watching("2026-12-01T08:00:00");
        let step = w.look(Some(s.clone()), false, false, at("2026-12-01T09:00:00"));
        assert_eq!(
            step.tooltip.as_deref(),
            Some("Agent-Check: prüft automatisch")
        );
        assert_eq!(
            w.look(Some(s.clone()), false, false, at("2026-12-01T09:01:00"))
                .tooltip,
            None
        );
        s.watch.state.last_outcome = Some(audit::Text::new(
            "zuletzt: nichts Neues",
            "last: nothing new",
        ));
        s.language = "en".into();
        let step = w.look(Some(s), false, false, at("2026-12-01T09:02:00"));
        assert_eq!(step.tooltip.as_deref(), Some("last: nothing new"));
    }

    #[test]
    fn the_tooltip_before_any_check_says_it_watches_in_either_language() {
        let mut w = Watcher::default();
        let mut s = watching("2026-12-01T08:00:00");
        s.language = "en".into();
        let step = w.look(Some(s.clone()), false, false, at("2026-12-01T09:00:00"));
        assert_eq!(
            step.tooltip.as_deref(),
            Some("Agent-Check: checks automatically")
        );
        s.language = "de".into();
        s.watch.state.last_outcome = Some(audit::Text::new("zuletzt: 2 neu", "last: 2 new"));
        let step = w.look(Some(s), false, false, at("2026-12-01T09:01:00"));
        assert_eq!(step.tooltip.as_deref(), Some("zuletzt: 2 neu"));
        let mut en = Watcher::default();
        let mut s = watching("2026-11-30T08:00:00");
        s.language = "en".into();
        let step = en.look(Some(s), false, false, at("2026-12-01T08:00:30"));
        assert_eq!(step.tooltip.as_deref(), Some("Agent-Check: checking …"));
    }

    #[test]
    fn the_data_folder_comes_from_the_arguments_and_the_icon_is_built_in() {
        let a = args(["--data-dir".to_string(), "/tmp/x y".to_string()]).unwrap();
        assert_eq!(a.data_dir, PathBuf::from("/tmp/x y"));
        assert!(args(["--other".to_string()]).is_none());
        assert!(args(["--data-dir".to_string()]).is_none());
        assert!(icon().is_some(), "the embedded PNG decodes to an icon");
    }

    #[test]
    fn check_now_waits_for_a_running_check() {
        let mut w = Watcher::default();
        assert!(!w.check_now(true, at("2026-12-01T10:00:00")));
        assert!(w.check_now(false, at("2026-12-01T10:00:00")));
        // The check it started counts as this morning's run.
        let s = watching("2026-11-30T08:00:00");
        assert!(
            !w.look(Some(s), false, false, at("2026-12-01T10:00:30"))
                .check
        );
    }

    #[test]
    fn the_settings_file_of_the_app_is_read_with_what_the_helper_needs() {
        let d = std::env::temp_dir().join(format!("tray-settings-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        assert!(read_settings(&d).is_none(), "no file yet");
        std::fs::write(d.join("settings.json"), "{\"settings\": {\"language\": \"de\", \"makler_key\": null, \"mail_booking\": {}, \"watch\": {\"schedule\": {\"enabled\": true, \"days\": [1,2,3,4,5], \"time\": \"07:30\"}, \"state\": {\"last_run\": \"2026-12-01T07:30:00\"}}}}").unwrap();
        let s = read_settings(&d).unwrap();
        assert!(s.watch.schedule.enabled);
        assert_eq!(s.watch.schedule.time, "07:30");
        assert_eq!(
            s.watch.state.last_run.as_deref(),
            Some("2026-12-01T07:30:00")
        );
        std::fs::write(d.join("settings.json"), "{\"settings\": {\"lang").unwrap();
        assert!(read_settings(&d).is_none(), "half written");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
