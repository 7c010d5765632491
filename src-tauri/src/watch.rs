//! The background watch's glue: the scheduled check (connect from the keychain if needed, audit read-only, apply the
//! standing rule if the person switched it on, tell what is new), the once-a-minute look at the wall clock, and the
//! platform side (notifications, the tray, start at login) behind `Background`, which the installed app implements
//! with Tauri's plugins and the command tests with a recorder. When a check is due, what is new and what to say are
//! the audit engine's decisions (`audit::schedule`, `audit::watch`).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use audit::history::{self, FindingRef};
use audit::watch::Notice;
use audit::{FindingKind, Outcome, ProgressSink, Text};

use crate::state::{AppState, Session};

/// The platform side of the watch.
pub trait Background: Send + Sync {
    /// Shows a desktop notification; false when it could not be shown (permission refused, no notification
    /// service).
    fn notify(&self, notice: &Notice) -> bool;
    /// The tray icon's tooltip: the watch's state in a few words.
    fn tooltip(&self, text: &Text);
    /// Watching was switched on or off: the tray icon and start at login follow.
    fn watching(&self, on: bool);
}

/// How a scheduled check ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ran {
    /// Another check was still running: nothing was done.
    Busy,
    /// The check ran; `notice` is what was notified (if anything).
    Checked {
        notice: Option<Notice>,
        assigned: usize,
    },
    /// The check failed; `notice` only the first time this kind of failure occurs.
    Failed { notice: Option<Notice> },
    /// The credentials are gone from the keychain: watching was switched off.
    Stopped { notice: Option<Notice> },
}

/// One scheduled check at a time, also when the timer and "Jetzt prüfen" meet.
pub struct WatchGuard(AtomicBool);

impl Default for WatchGuard {
    fn default() -> Self {
        WatchGuard(AtomicBool::new(false))
    }
}

pub use crate::clock::{local_now, local_text};

/// Whether a scheduled check is due now.
pub fn due(state: &AppState, now: jiff::civil::DateTime) -> bool {
    let w = state.settings.get().watch;
    let last = w.state.last_run.as_deref().and_then(|l| l.parse().ok());
    w.schedule.is_due(last, now)
}

/// Says `notice` through the platform; where notifications are refused, the tray says it instead.
fn tell(state: &AppState, notice: &Notice) {
    if let Some(bg) = state.background.get() {
        if !bg.notify(notice) {
            bg.tooltip(&Text::new(
                format!("{} (Benachrichtigungen sind ausgeschaltet)", notice.body.de),
                format!("{} (notifications are turned off)", notice.body.en),
            ));
        }
    }
}

fn outcome(state: &AppState, text: Text) {
    state
        .settings
        .update(|d| d.watch.state.last_outcome = Some(text.clone()));
    if let Some(bg) = state.background.get() {
        bg.tooltip(&text);
    }
}

/// Runs one scheduled check now (the timer when due, the tray's "Jetzt prüfen", the demo's day passing).
pub async fn scheduled_check(state: &AppState, now: jiff::civil::DateTime) -> Ran {
    if state.watch_guard.0.swap(true, Ordering::SeqCst) {
        return Ran::Busy;
    }
    let ran = check(state, now).await;
    state.watch_guard.0.store(false, Ordering::SeqCst);
    ran
}

async fn check(state: &AppState, now: jiff::civil::DateTime) -> Ran {
    // The run counts from its start: a check that fails or is cut off is not repeated at once.
    state
        .settings
        .update(|d| d.watch.state.last_run = Some(local_text(now)));
    let auditor = {
        let mut session = state.session.lock().await;
        match &*session {
            // The keychain entry deleted outside the app while it runs: the account is no longer given to the app.
            Session::Connected(c)
                if matches!(c.account, crate::state::Account::Real { .. })
                    && matches!(state.secrets.load(), Ok(None)) =>
            {
                drop(session);
                return stopped(state);
            }
            Session::Connected(c) => c.auditor.clone(),
            Session::Disconnected => match state.secrets.load() {
                Ok(Some(credentials)) => match state.account_session(&credentials) {
                    Ok(s) => {
                        *session = s;
                        session.auditor().expect("just connected")
                    }
                    Err(e) => return failed(state, "connect", &app_text(&e)),
                },
                Ok(None) => return stopped(state),
                Err(e) => return failed(state, "keychain", &app_text(&e.into())),
            },
        }
    };
    let account = watch_key(&auditor);
    state
        .settings
        .update(|d| d.watch.state.for_account(&account));
    let report = match auditor.audit(&ProgressSink::default()).await {
        Ok(r) => r,
        Err(e) => {
            let kind = format!("{:?}", e.class()).to_lowercase();
            let text = Text::new(e.message_de(), e.message_en());
            return failed(state, &kind, &text);
        }
    };
    let at = audit::journal::rfc3339_now();
    let mut report = report;
    let mut assigned: Vec<String> = Vec::new();
    let settings = state.settings.get().watch;
    if settings.auto_assign && report.complete {
        if let Some(seen) = &settings.state.seen {
            let now_refs = history::refs(&report);
            if let Some(changes) = audit::watch::compare(seen, &now_refs, true) {
                let new: BTreeSet<FindingRef> = changes
                    .new
                    .iter()
                    .filter(|f| f.kind == FindingKind::NoContact)
                    .copied()
                    .collect();
                if !new.is_empty() {
                    let results = auditor.assign_new_listings(&report, &new).await;
                    assigned = results
                        .iter()
                        .filter(|r| matches!(r.outcome, Outcome::Applied))
                        .map(|r| r.label.clone())
                        .collect();
                    if !assigned.is_empty() {
                        if let Ok(fresh) = auditor.audit(&ProgressSink::default()).await {
                            report = fresh;
                        }
                    }
                }
            }
        }
    }
    let now_refs = history::refs(&report);
    let mut w = state.settings.get().watch.state;
    let mut notice = w.after_check(&now_refs, report.complete, &at);
    if !assigned.is_empty() {
        let n = assigned.len();
        let did = if n == 1 {
            Text::new(
                format!("1 neues Vermietungsobjekt automatisch seinem Betreuer zugeordnet ({}); bitte neu an die Portale übertragen.", assigned[0]),
                format!("1 new rental listing assigned to its Betreuer automatically ({}); please re-transfer it to the portals.", assigned[0]),
            )
        } else {
            Text::new(
                format!("{n} neue Vermietungsobjekte automatisch ihrem Betreuer zugeordnet; bitte neu an die Portale übertragen."),
                format!("{n} new rental listings assigned to their Betreuer automatically; please re-transfer them to the portals."),
            )
        };
        let mut n = notice.unwrap_or(Notice {
            title: Text::new(
                "Agent-Check: automatisch erledigt",
                "Agent-Check: done automatically",
            ),
            body: Text::default(),
        });
        n.body = if n.body.de.is_empty() {
            did
        } else {
            Text::new(
                format!("{} {}", did.de, n.body.de),
                format!("{} {}", did.en, n.body.en),
            )
        };
        notice = Some(n);
    }
    let news = w.news.len() + w.regressed.len();
    state.settings.update(|d| d.watch.state = w.clone());
    if let Some(n) = &notice {
        tell(state, n);
    }
    let time = local_now().strftime("%H:%M").to_string();
    outcome(
        state,
        if !report.complete {
            Text::new(
                format!("Agent-Check: zuletzt geprüft um {time}, unvollständig (Einstellungen › Verbindung prüfen)"),
                format!("Agent-Check: last checked at {time}, incomplete (Settings › check connection)"),
            )
        } else if news == 0 {
            Text::new(
                format!("Agent-Check: zuletzt geprüft um {time}, nichts Neues"),
                format!("Agent-Check: last checked at {time}, nothing new"),
            )
        } else {
            Text::new(
                format!("Agent-Check: zuletzt geprüft um {time}, {news} neu"),
                format!("Agent-Check: last checked at {time}, {news} new"),
            )
        },
    );
    Ran::Checked {
        notice,
        assigned: assigned.len(),
    }
}

fn failed(state: &AppState, kind: &str, text: &Text) -> Ran {
    let mut w = state.settings.get().watch.state;
    let notice = w.after_failure(kind, text);
    state.settings.update(|d| d.watch.state = w.clone());
    if let Some(n) = &notice {
        tell(state, n);
    }
    outcome(
        state,
        Text::new(
            format!("Agent-Check: Prüfung fehlgeschlagen – {}", text.de),
            format!("Agent-Check: check failed – {}", text.en),
        ),
    );
    Ran::Failed { notice }
}

/// The credentials were deleted from the keychain: nothing can be checked, so watching stops, said once.
fn stopped(state: &AppState) -> Ran {
    let text = Text::new(
        "Die Zugangsdaten sind nicht mehr im Schlüsselbund. Automatisches Prüfen ist deshalb ausgeschaltet; bitte Agent-Check öffnen und neu verbinden.",
        "The credentials are no longer in the keychain. Scheduled checks are therefore off; please open Agent-Check and connect again.",
    );
    let mut w = state.settings.get().watch.state;
    let notice = w.after_failure("credentials_missing", &text);
    state.settings.update(|d| {
        d.watch.schedule.enabled = false;
        d.watch.state = w.clone();
    });
    if let Some(n) = &notice {
        tell(state, n);
    }
    if let Some(bg) = state.background.get() {
        bg.watching(false);
    }
    Ran::Stopped { notice }
}

/// Switches watching on or off. On: the moment counts as the last run, so a slot earlier today does not fire at once.
pub fn set_schedule(state: &AppState, schedule: audit::schedule::Schedule) {
    let on = schedule.enabled;
    let was = state.settings.get().watch.schedule.enabled;
    state.settings.update(|d| {
        d.watch.offered = true;
        if on && !was {
            d.watch.state.last_run = Some(local_text(local_now()));
            d.watch.state.failure = None;
        }
        d.watch.schedule = schedule;
    });
    if let Some(bg) = state.background.get() {
        bg.watching(on);
    }
}

/// Whose memory the watch keeps: the journal's account id (the demo's journal has none).
pub fn watch_key(auditor: &audit::Auditor) -> String {
    match auditor.journal.account() {
        "" => "demo".to_string(),
        a => a.to_string(),
    }
}

/// An app error in both languages.
fn app_text(e: &crate::error::AppError) -> Text {
    Text::new(e.message.clone(), e.message_en.clone())
}

/// The timer: once a minute (the first a minute after start, so a missed morning check runs soon after waking or
/// starting) it compares the wall clock with the last run; a timer stopped by sleep only delays that look.
pub fn spawn_timer<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Manager;
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            let state = app.state::<AppState>();
            if due(&state, local_now()) {
                scheduled_check(&state, local_now()).await;
            }
        }
    });
}
