//! The background watch as the window sees it: its settings (Einstellungen › "Automatisch prüfen", the standing
//! rule, the one-time offer), "Jetzt prüfen", the "Neu seit …" list and "Gesehen", and in the demo a day passing.

use audit::history::FindingRef;
use audit::schedule::Schedule;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::state::{Account, AppState, Mode};
use crate::watch::{self, Ran};

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct WatchView {
    pub schedule: Schedule,
    /// The one-time offer was answered.
    pub offered: bool,
    pub auto_assign: bool,
    /// Local time of the last scheduled check, "YYYY-MM-DDTHH:MM:SS".
    pub last_run: Option<String>,
    /// Local time of the next one, when watching is on.
    pub next_run: Option<String>,
    /// What is new and what is back again since the person last looked (findings still there).
    pub news: Vec<FindingRef>,
    pub regressed: Vec<FindingRef>,
    /// Since when (UTC, RFC 3339).
    pub seen_at: Option<String>,
    /// How the last scheduled check ended, in words.
    pub last_outcome: Option<audit::Text>,
    /// What the last check run from the window said (the notification's words), if anything.
    pub said: Option<audit::Text>,
}

/// Whose watch memory the window shows: the account (or demo) it is connected to.
async fn shown_key(state: &AppState) -> String {
    match state.session.lock().await.auditor() {
        Ok(a) => watch::watch_key(&a),
        Err(_) => String::new(),
    }
}

async fn view(state: &AppState, said: Option<audit::Text>) -> WatchView {
    let key = shown_key(state).await;
    let d = state.settings.get();
    let mine = d.watch_state(&key);
    let w = d.watch;
    let now = watch::local_now();
    WatchView {
        next_run: w
            .schedule
            .enabled
            .then(|| w.schedule.next_slot(now))
            .flatten()
            .map(watch::local_text),
        schedule: w.schedule,
        offered: w.offered,
        auto_assign: w.auto_assign,
        last_run: w.state.last_run,
        news: mine.news,
        regressed: mine.regressed,
        seen_at: mine.seen_at,
        last_outcome: w.state.last_outcome,
        said,
    }
}

fn said(ran: &Ran) -> Option<audit::Text> {
    match ran {
        Ran::Checked { notice, .. } | Ran::Failed { notice } | Ran::Stopped { notice } => {
            notice.as_ref().map(|n| n.body.clone())
        }
        Ran::Busy => None,
    }
}

#[tauri::command]
pub async fn watch_status(state: State<'_, AppState>) -> Result<WatchView> {
    Ok(view(&state, None).await)
}

/// Switches watching on or off, with days and time. A time that does not read as "HH:MM" is refused.
#[tauri::command]
pub async fn set_watch(state: State<'_, AppState>, schedule: Schedule) -> Result<WatchView> {
    if schedule.enabled && (schedule.time_of_day().is_none() || schedule.days.is_empty()) {
        return Err(AppError::new(
            crate::error::ErrorCode::Validation,
            "Bitte mindestens einen Tag und eine Uhrzeit wie 8:00 wählen.",
            "Please choose at least one day and a time such as 8:00.",
        ));
    }
    watch::set_schedule(&state, schedule);
    Ok(view(&state, None).await)
}

/// "Nein danke" to the one-time offer.
#[tauri::command]
pub async fn decline_watch(state: State<'_, AppState>) -> Result<WatchView> {
    state.settings.update(|d| d.watch.offered = true);
    Ok(view(&state, None).await)
}

/// The standing rule on or off.
#[tauri::command]
pub async fn set_auto_assign(state: State<'_, AppState>, on: bool) -> Result<WatchView> {
    state.settings.update(|d| d.watch.auto_assign = on);
    Ok(view(&state, None).await)
}

/// A scheduled check now, as the tray's "Jetzt prüfen" runs it.
#[tauri::command]
pub async fn watch_check_now(state: State<'_, AppState>) -> Result<WatchView> {
    let ran = watch::scheduled_check(&state, watch::local_now()).await;
    Ok(view(&state, said(&ran)).await)
}

/// The person has seen the checklist as it is now: the "Neu seit …" list empties.
#[tauri::command]
pub async fn watch_seen(state: State<'_, AppState>) -> Result<WatchView> {
    let (refs, key) = {
        let session = state.session.lock().await;
        (
            audit::history::refs(&session.checklist()?.report),
            watch::watch_key(&*session.auditor()?),
        )
    };
    let at = audit::journal::rfc3339_now();
    state
        .settings
        .update(|d| d.watch_state_mut(&key).seen_now(&refs, &at));
    Ok(view(&state, None).await)
}

/// The demo only: a day passes in the demo account, then the scheduled check runs as it would the next morning.
#[tauri::command]
pub async fn demo_advance(state: State<'_, AppState>) -> Result<WatchView> {
    {
        let session = state.session.lock().await;
        if session.mode() != Mode::Demo {
            return Err(AppError::new(
                crate::error::ErrorCode::Validation,
                "Nur im Demo-Konto.",
                "Only in the demo account.",
            ));
        }
        if let Account::Demo(sandbox) = &session.connected()?.account {
            sandbox.advance(1);
        }
    }
    let ran = watch::scheduled_check(&state, watch::local_now()).await;
    Ok(view(&state, said(&ran)).await)
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/watch.rs"));
