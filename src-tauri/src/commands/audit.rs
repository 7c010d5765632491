//! Running the audit (with progress events and cancel), the Makler key choice, and the person's confirmations
//! (blue tick per mailbox, listing re-transferred), which re-evaluate the checklist without asking onOffice again.

use audit::history;
use audit::ProgressSink;
use onoffice_protocol::lock::Unpoisoned;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::{AppError, Result};
use crate::session::{remember, AuditView, PROGRESS_EVENT};
use crate::state::AppState;
use crate::watch;

/// The checklist again from the data of the last check, after a change only this PC knows of (a confirmation):
/// no request to onOffice.
async fn reevaluate(state: &AppState) -> Result<AuditView> {
    let (auditor, last) = {
        let session = state.session.lock().await;
        (session.auditor()?, session.checklist()?.report.clone())
    };
    let mut report = auditor.evaluate(last.snapshot.clone());
    report.stats.elapsed_ms = last.stats.elapsed_ms;
    report.stats.requests = last.stats.requests;
    report.stats.actions = last.stats.actions;
    remember(state, &auditor, report, false).await
}

/// Runs the audit; progress goes out as `audit-progress` events. `cancel_audit` stops it.
#[tauri::command]
pub async fn run_audit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    recheck: Option<bool>,
) -> Result<AuditView> {
    let auditor = state.session.lock().await.auditor()?;
    let auditor_of_run = auditor.clone();
    let emitter = app.clone();
    let sink = ProgressSink::new(move |p| {
        let _ = emitter.emit(PROGRESS_EVENT, p);
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task = tauri::async_runtime::spawn(async move {
        // Changes an interrupted run announced but never confirmed are checked first (reads only).
        let mut notes: Vec<audit::Text> = auditor.journal.warnings().to_vec();
        notes.extend(auditor.reconcile().await);
        let _ = tx.send((auditor.audit(&sink).await, notes));
    });
    if let Some(old) = state.running.write_guard().replace(task) {
        old.abort();
    }
    let (result, notes) = rx.await.map_err(|_| AppError::cancelled())?;
    state.running.write_guard().take();
    let report = result?;
    // The person sees this checklist: the watch compares its next check with it (unless news waits to be seen).
    {
        let key = watch::watch_key(&auditor_of_run);
        let refs = history::refs(&report);
        let at = audit::journal::rfc3339_now();
        state.settings.update(|d| {
            let w = d.watch_state_mut(&key);
            w.for_account(&key);
            w.shown(&refs, report.complete, &at);
        });
    }
    let mut view = remember(&state, &auditor_of_run, report, recheck.unwrap_or(false)).await?;
    // Damaged-journal warnings are said once per session.
    let mut session = state.session.lock().await;
    let said = &mut session.connected_mut()?.said_notes;
    view.journal_notes = notes
        .into_iter()
        .filter(|n| said.insert(n.de.clone()))
        .collect();
    Ok(view)
}

/// Stops a running audit; nothing was written by it, so nothing is lost.
#[tauri::command]
pub fn cancel_audit(state: State<'_, AppState>) {
    if let Some(task) = state.running.write_guard().take() {
        task.abort();
    }
}

/// Remembers which `ArtDaten` value stands for "Makler" when the account has no key `Makler`. The UI checks again
/// afterwards: the choice changes what the audit reads and checks.
#[tauri::command]
pub async fn choose_makler_key(state: State<'_, AppState>, key: Option<String>) -> Result<()> {
    // The account the window shows keeps the choice.
    state
        .session
        .lock()
        .await
        .auditor()?
        .settings
        .set_makler_key(key);
    Ok(())
}

/// "Haken ist gesetzt" (with today's date) or taking it back, for one or more mailboxes; returns the checklist.
#[tauri::command]
pub async fn confirm_mail_booking(
    state: State<'_, AppState>,
    emails: Vec<String>,
    confirmed: bool,
) -> Result<AuditView> {
    let date = confirmed.then(audit::journal::today);
    let auditor = state.session.lock().await.auditor()?;
    for email in &emails {
        auditor
            .settings
            .set_mail_booking_confirmed(email, date.clone());
    }
    reevaluate(&state).await
}

/// Ticks a listing off as re-transferred to the portals (named in the history as the checklist names it); returns
/// the checklist.
#[tauri::command]
pub async fn confirm_transfer(state: State<'_, AppState>, estate: u32) -> Result<AuditView> {
    let (auditor, label) = {
        let session = state.session.lock().await;
        let report = &session.checklist()?.report;
        let label = report
            .snapshot
            .rentals
            .get(&(estate as u64))
            .map(|r| audit::checks::wording::listing_label(&r.title, &r.external_no))
            .unwrap_or_else(|| format!("Objekt {estate}"));
        (session.auditor()?, label)
    };
    auditor.confirm_transfer(estate as u64, &label)?;
    reevaluate(&state).await
}

/// Active rentals of the last check whose title or listing number contains `query`: no request to onOffice.
#[tauri::command]
pub async fn search_listings(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<audit::explain::ListingHit>> {
    let session = state.session.lock().await;
    let report = session.checklist()?.report.clone();
    Ok(audit::explain::search(&report, &query, 20))
}

/// One listing's whole chain from the last check, with its last portal transfer read now.
#[tauri::command]
pub async fn explain_listing(
    state: State<'_, AppState>,
    estate: u64,
) -> Result<audit::explain::Chain> {
    let (auditor, report) = {
        let session = state.session.lock().await;
        (session.auditor()?, session.checklist()?.report.clone())
    };
    auditor
        .explain(&report, estate)
        .await
        .ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::NotFound,
                "Dieses Objekt ist kein aktives Vermietungsobjekt der letzten Prüfung. Bitte erneut prüfen.",
                "This listing is no active rental of the last check. Please check again.",
            )
        })
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/audit.rs"));
