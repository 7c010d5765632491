//! The background watch's glue: the scheduled check (connect from the keychain if needed, audit read-only, apply the
//! standing rule if the person switched it on, tell what is new), the once-a-minute look at the wall clock, and the
//! platform side (notifications, the tray, start at login) behind `Background`, which the installed app implements
//! with Tauri's plugins and the command tests with a recorder. When a check is due, what is new and what to say are
//! the audit engine's decisions (`audit::schedule`, `audit::watch`).

use std::sync::Arc;

use audit::watch::Notice;
use audit::{Auditor, Text};

use crate::state::{Account, AppState, Session};
use account::{check_account, watched_auditor, AccountRun};

mod account;
mod words;

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

pub use watch_handover::clock::{local_now, local_text};

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

/// The last check's outcome: kept in the settings as it was (Einstellungen and the tray helper say it with its time),
/// and in the tray's tooltip with what is left now.
fn outcome(state: &AppState, text: Text, left: Option<&Text>) {
    state
        .settings
        .update(|d| d.watch.state.last_outcome = Some(text.clone()));
    if let Some(bg) = state.background.get() {
        bg.tooltip(&words::with_left(text, left));
    }
}

/// The tray's tooltip after the window showed a new checklist: the last scheduled check's outcome, then what is left
/// now, so the tray never says less or more than the window.
pub fn tooltip_now(state: &AppState, left: &Text) {
    let Some(bg) = state.background.get() else {
        return;
    };
    let last = state.settings.get().watch.state.last_outcome;
    let base = last.unwrap_or_else(|| Text::new("Agent-Check", "Agent-Check"));
    bg.tooltip(&words::with_left(base, Some(left)));
}

/// Runs one scheduled check now (the timer when due, the tray's "Jetzt prüfen", the demo's day passing).
pub async fn scheduled_check(state: &AppState, now: jiff::civil::DateTime) -> Ran {
    if !state.watch_guard.claim() {
        return Ran::Busy;
    }
    let ran = check(state, now).await;
    state.watch_guard.release();
    ran
}

async fn check(state: &AppState, now: jiff::civil::DateTime) -> Ran {
    // The run counts from its start: a check that fails or is cut off is not repeated at once.
    state
        .settings
        .update(|d| d.watch.state.last_run = Some(local_text(now)));
    let (demo, current) = shown_account(state).await;
    if let Some(auditor) = demo {
        let run = check_account(state, "demo", String::new(), &auditor).await;
        return finish(state, vec![run]);
    }
    let watched: Vec<audit::accounts::AccountEntry> = state
        .settings
        .get()
        .accounts()
        .list
        .into_iter()
        .filter(|a| a.watched)
        .collect();
    let mut runs = Vec::new();
    let mut missing = 0;
    // One account after the other; a failing one never stops the others.
    for (n, account) in watched.iter().enumerate() {
        if let Some(bg) = state.background.get() {
            bg.checking(n + 1, watched.len(), &account.name);
        }
        match watched_auditor(state, account, current.as_ref()) {
            Ok(auditor) => {
                runs.push(check_account(state, &account.id, account.name.clone(), &auditor).await)
            }
            Err(unchecked) => {
                missing += usize::from(unchecked.credentials_missing);
                runs.push(unchecked.run);
            }
        }
    }
    // Nothing left that can be checked (no account, or every one without credentials): watching stops, said once.
    if missing == watched.len() {
        return stopped(state);
    }
    finish(state, runs)
}

/// What the window shows: the demo's auditor (the demo is then what is watched; it lives in this process), or the
/// account's id and the auditor of its session.
async fn shown_account(state: &AppState) -> (Option<Arc<Auditor>>, Option<(String, Arc<Auditor>)>) {
    let session = state.session.lock().await;
    match &*session {
        Session::Connected(c) => match &c.account {
            Account::Demo(_) => (Some(c.auditor.clone()), None),
            Account::Real { id, .. } => (None, Some((id.clone(), c.auditor.clone()))),
        },
        Session::Disconnected => (None, None),
    }
}

/// The run's one notification, then the tray's words (with what is left when one account was checked).
fn finish(state: &AppState, runs: Vec<AccountRun>) -> Ran {
    let notice = words::run_notice(&runs);
    if let Some(n) = &notice {
        tell(state, n);
    }
    let time = local_now().strftime("%H:%M").to_string();
    let all_failed = !runs.is_empty() && runs.iter().all(|r| r.failed);
    let text = words::run_outcome(&runs, all_failed, &time);
    let left = match runs.as_slice() {
        [one] => one.left.as_ref(),
        _ => None,
    };
    outcome(state, text, left);
    if all_failed {
        Ran::Failed { notice }
    } else {
        Ran::Checked {
            notice,
            assigned: runs.iter().map(|r| r.assigned).sum(),
        }
    }
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
