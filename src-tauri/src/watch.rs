//! The background watch's glue: the scheduled check (connect from the keychain if needed, audit read-only, apply the
//! standing rule if the person switched it on, tell what is new), the once-a-minute look at the wall clock, and the
//! platform side (notifications, the tray, start at login) behind `Background`, which the installed app implements
//! with Tauri's plugins and the command tests with a recorder. When a check is due, what is new and what to say are
//! the audit engine's decisions (`audit::schedule`, `audit::watch`).

use std::collections::BTreeSet;

use audit::fleet::{AccountRow, FailureKind};
use audit::history::{self, FindingRef};
use audit::journal::rfc3339_now;
use audit::watch::Notice;
use audit::{FindingKind, Outcome, ProgressSink, Text};

use std::sync::Arc;

use crate::state::{Account, AppState, Session};

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
        bg.tooltip(&with_left(text, left));
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
    bg.tooltip(&with_left(base, Some(left)));
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

/// What one account's part of a scheduled check came to.
struct AccountRun {
    name: String,
    /// New and regressed findings since the person last looked.
    news: usize,
    /// What this account alone would notify.
    notice: Option<Notice>,
    assigned: usize,
    /// The check of this account failed (its notice, if this kind of failure is new).
    failed: bool,
    /// Why it failed.
    why: Option<Text>,
    incomplete: bool,
    /// What is left after the check, by who acts next (the finish line's sentence).
    left: Option<Text>,
}

async fn check(state: &AppState, now: jiff::civil::DateTime) -> Ran {
    // The run counts from its start: a check that fails or is cut off is not repeated at once.
    state
        .settings
        .update(|d| d.watch.state.last_run = Some(local_text(now)));
    // The window shows the demo: the demo is what is watched (it lives in this process).
    let (demo, current) = {
        let session = state.session.lock().await;
        match &*session {
            Session::Connected(c) => match &c.account {
                Account::Demo(_) => (Some(c.auditor.clone()), None),
                Account::Real { id, .. } => (None, Some((id.clone(), c.auditor.clone()))),
            },
            Session::Disconnected => (None, None),
        }
    };
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
        let shown = current.as_ref().filter(|(id, _)| *id == account.id);
        let auditor = match (crate::accounts::credentials(state, &account.id), shown) {
            // The account the window shows: its session's auditor.
            (Ok(Some(_)), Some((_, auditor))) => auditor.clone(),
            (Ok(Some(c)), None) => match state.account_auditor(&c) {
                Ok(a) => Arc::new(a),
                Err(e) => {
                    runs.push(failed_account(state, account, "connect", &app_text(&e)));
                    continue;
                }
            },
            (Ok(None), _) => {
                missing += 1;
                let text = Text::new(
                    format!("Zugangsdaten fehlen: Für „{}“ sind Token und Secret nicht mehr im Schlüsselbund; bitte das Konto neu verbinden.", account.name),
                    format!("Credentials missing: token and secret of \"{}\" are no longer in the keychain; please connect the account again.", account.name),
                );
                runs.push(failed_account(state, account, "credentials_missing", &text));
                continue;
            }
            (Err(e), _) => {
                runs.push(failed_account(state, account, "keychain", &app_text(&e)));
                continue;
            }
        };
        runs.push(check_account(state, &account.id, account.name.clone(), &auditor).await);
    }
    // Nothing left that can be checked (no account, or every one without credentials): watching stops, said once.
    if missing == watched.len() {
        return stopped(state);
    }
    finish(state, runs)
}

/// One account's check: audit (read-only), the standing rule if on, the comparison with what the person last saw.
async fn check_account(
    state: &AppState,
    key: &str,
    name: String,
    auditor: &Arc<audit::Auditor>,
) -> AccountRun {
    state
        .settings
        .update(|d| d.watch_state_mut(key).for_account(key));
    let report = match auditor.audit(&ProgressSink::default()).await {
        Ok(r) => r,
        Err(e) => {
            let kind = format!("{:?}", e.class()).to_lowercase();
            let text = Text::new(e.message_de(), e.message_en());
            let mut w = state.settings.get().watch_state(key);
            let notice = w.after_failure(&kind, &text);
            let failure = FailureKind::of_class(e.class());
            w.last_check = Some(AccountRow::failed(&name, failure, &rfc3339_now()));
            state
                .settings
                .update(|d| *d.watch_state_mut(key) = w.clone());
            return AccountRun {
                name,
                news: 0,
                notice,
                assigned: 0,
                failed: true,
                why: Some(text),
                incomplete: false,
                left: None,
            };
        }
    };
    // A real account is named by the company the check finds (unless the person named it).
    let mut name = name;
    if let (Some(company), false) = (&report.snapshot.company, key == "demo") {
        state.settings.update(|d| {
            if let Some(a) = d.accounts.as_mut() {
                a.found_company(key, company);
            }
        });
        if let Some(a) = state.settings.get().accounts().get(key) {
            name = a.name.clone();
        }
    }
    let at = audit::journal::rfc3339_now();
    let mut report = report;
    let mut assigned: Vec<String> = Vec::new();
    let settings = state.settings.get();
    if settings.watch.auto_assign && report.complete {
        if let Some(seen) = &settings.watch_state(key).seen {
            let now_refs = history::refs(&report);
            if let Some(changes) = audit::watch::compare(seen, &now_refs, true) {
                let new: BTreeSet<FindingRef> = changes
                    .new
                    .iter()
                    .filter(|f| f.kind == FindingKind::NoContact)
                    .copied()
                    .collect();
                if !new.is_empty() {
                    let results = {
                        let _writing = state.writing.start();
                        auditor.assign_new_listings(&report, &new).await
                    };
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
    let mut w = state.settings.get().watch_state(key);
    let mut notice =
        w.after_check_named(&now_refs, report.complete, &at, &history::labels(&report));
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
                "Agent-Check: automatisch zugeordnet",
                "Agent-Check: assigned automatically",
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
    w.last_check = Some(AccountRow::checked(&name, &report, &at, Some(news as u32)));
    state
        .settings
        .update(|d| *d.watch_state_mut(key) = w.clone());
    AccountRun {
        name,
        news,
        notice,
        assigned: assigned.len(),
        failed: false,
        why: None,
        incomplete: !report.complete,
        left: Some(report.left.summary()),
    }
}

/// An account that could not be checked at all (no credentials, the keychain, an unusable address).
fn failed_account(
    state: &AppState,
    account: &audit::accounts::AccountEntry,
    kind: &str,
    text: &Text,
) -> AccountRun {
    let mut w = state.settings.get().watch_state(&account.id);
    let notice = w.after_failure(kind, text);
    let failure = match kind {
        "credentials_missing" => FailureKind::CredentialsMissing,
        _ => FailureKind::Other,
    };
    w.last_check = Some(AccountRow::failed(&account.name, failure, &rfc3339_now()));
    state
        .settings
        .update(|d| *d.watch_state_mut(&account.id) = w.clone());
    AccountRun {
        name: account.name.clone(),
        news: 0,
        notice,
        assigned: 0,
        failed: true,
        why: Some(text.clone()),
        incomplete: false,
        left: None,
    }
}

/// One notification for the whole run: one account's own words when only one has something to say, otherwise
/// one line naming the accounts ("Isar Wohnwerte: 2 neu · Nordlicht Immobilien: 1 neu"); then the tray's words.
fn finish(state: &AppState, runs: Vec<AccountRun>) -> Ran {
    let speaking: Vec<&AccountRun> = runs.iter().filter(|r| r.notice.is_some()).collect();
    let notice = match speaking.as_slice() {
        [] => None,
        [one] if runs.len() == 1 => one.notice.clone(),
        many => {
            let part = |r: &AccountRun, de: bool| {
                let name = if r.name.is_empty() {
                    "Demo".to_string()
                } else {
                    r.name.clone()
                };
                match (r.failed, de) {
                    (true, true) => format!("{name}: Prüfung fehlgeschlagen"),
                    (true, false) => format!("{name}: check failed"),
                    (false, true) if r.assigned > 0 && r.news == 0 => {
                        format!("{name}: {} automatisch zugeordnet", r.assigned)
                    }
                    (false, false) if r.assigned > 0 && r.news == 0 => {
                        format!("{name}: {} assigned automatically", r.assigned)
                    }
                    (false, true) => format!("{name}: {} neu", r.news),
                    (false, false) => format!("{name}: {} new", r.news),
                }
            };
            Some(Notice {
                title: Text::new(
                    "Agent-Check: Neues in Ihren Konten",
                    "Agent-Check: news in your accounts",
                ),
                body: Text::new(
                    many.iter()
                        .map(|r| part(r, true))
                        .collect::<Vec<_>>()
                        .join(" · "),
                    many.iter()
                        .map(|r| part(r, false))
                        .collect::<Vec<_>>()
                        .join(" · "),
                ),
            })
        }
    };
    if let Some(n) = &notice {
        tell(state, n);
    }
    let time = local_now().strftime("%H:%M").to_string();
    let news: usize = runs.iter().map(|r| r.news).sum();
    let failed: Vec<&AccountRun> = runs.iter().filter(|r| r.failed).collect();
    let all_failed = !runs.is_empty() && failed.len() == runs.len();
    let text = if all_failed {
        let why = runs.iter().find_map(|r| r.why.clone()).unwrap_or_default();
        Text::new(
            format!("Agent-Check: Prüfung fehlgeschlagen – {}", why.de),
            format!("Agent-Check: check failed – {}", why.en),
        )
    } else if runs.iter().any(|r| r.incomplete) {
        Text::new(
            format!("Agent-Check: zuletzt geprüft um {time}, unvollständig (Einstellungen › Verbindung prüfen)"),
            format!("Agent-Check: last checked at {time}, incomplete (Settings › check connection)"),
        )
    } else if !failed.is_empty() {
        Text::new(
            format!("Agent-Check: zuletzt geprüft um {time}, {news} neu, {} Konto/Konten fehlgeschlagen", failed.len()),
            format!("Agent-Check: last checked at {time}, {news} new, {} account(s) failed", failed.len()),
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
    };
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

/// The tray's words with what is left, when one account was checked ("…, nichts Neues – 2 warten auf Ihre Wahl").
fn with_left(text: Text, left: Option<&Text>) -> Text {
    match left {
        Some(left) => Text::new(
            format!("{} – {}", text.de, left.de),
            format!("{} – {}", text.en, left.en),
        ),
        None => text,
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
