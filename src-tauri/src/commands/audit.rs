//! Running the audit (with progress events and cancel), the Makler key choice, and the person's confirmations
//! (blue tick per mailbox, listing re-transferred), which re-evaluate the checklist without asking onOffice again.

use std::sync::Arc;

use audit::history;
use audit::{AuditReport, ProgressSink};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::state::{AppState, Checklist, Mode};

pub const PROGRESS_EVENT: &str = "audit-progress";

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct AuditView {
    pub report: AuditReport,
    pub account: String,
    pub demo: bool,
    /// UTC, RFC 3339.
    pub checked_at: String,
    /// Findings that were not there at the previous check (empty on the first), named.
    pub new_since_last: Vec<history::Named>,
    /// Findings of the previous check that are gone, named as that check named them.
    pub fixed_since_last: Vec<history::Named>,
    /// What the person should know about the change journal: a damaged line, or changes an interrupted run
    /// announced and this start checked in onOffice.
    pub journal_notes: Vec<audit::Text>,
}

/// Stores a fresh report in the session and compares it with the checklist the person last asked for. `recheck`:
/// the person pressed "Erneut prüfen" (or connected), so the comparison starts from the checklist shown until now;
/// the checks the app runs itself after a fix, an undo or a confirmation keep comparing with that same one, so
/// "N erledigt" adds up over several confirmations instead of saying "1 erledigt" after each.
/// "Alle Konten" shows the account as the window shows it now: every checklist the window gets (a check, a fix, a
/// confirmed mailbox) is also the account's overview row.
fn overview_row(state: &AppState, auditor: &audit::Auditor, report: &AuditReport) {
    let key = crate::watch::watch_key(auditor);
    let at = audit::journal::rfc3339_now();
    state.settings.update(|d| {
        let w = d.watch_state_mut(&key);
        w.for_account(&key);
        let news = (w.news.len() + w.regressed.len()) as u32;
        w.last_check = Some(audit::fleet::AccountRow::checked(
            "",
            report,
            &at,
            Some(news),
        ));
    });
}

pub async fn remember(
    state: &AppState,
    auditor: &Arc<audit::Auditor>,
    report: AuditReport,
    recheck: bool,
) -> Result<AuditView> {
    let mut session = state.session.lock().await;
    let demo = session.mode() == Mode::Demo;
    let connected = session.connected_mut()?;
    // A check of the account the window no longer shows (switched meanwhile) is never shown as this one's.
    if !Arc::ptr_eq(&connected.auditor, auditor) {
        return Err(AppError::account_switched());
    }
    overview_row(state, auditor, &report);
    let now = history::refs(&report);
    let shown = connected
        .checklist
        .as_ref()
        .map(|c| history::refs(&c.report));
    let old = connected.checklist.take();
    // Names of what the baseline holds: a re-check starts from the checklist shown, others keep adding up.
    let mut labels = match &old {
        Some(o) if recheck => history::labels(&o.report),
        Some(o) => o.labels.clone(),
        None => Default::default(),
    };
    labels.extend(history::labels(&report));
    let baseline = match old {
        Some(old) if !recheck && old.baseline.is_some() => old.baseline,
        _ => shown,
    };
    // A real account is named by its company (from the system users' addresses) rather than part of the token.
    if !demo {
        if let (Some(company), crate::state::Account::Real { id, .. }) =
            (&report.snapshot.company, &connected.account)
        {
            state.settings.update(|d| {
                if let Some(a) = d.accounts.as_mut() {
                    a.found_company(id, company);
                }
            });
            if let Some(a) = state.settings.get().accounts().get(id) {
                connected.label = a.name.clone();
            }
        }
    }
    crate::watch::tooltip_now(state, &report.left.said);
    let since = history::since_last(baseline.as_ref(), &now);
    let checked_at = audit::journal::rfc3339_now();
    connected.checklist = Some(Checklist {
        report: Arc::new(report.clone()),
        checked_at: checked_at.clone(),
        baseline,
        labels: labels.clone(),
        plan: None,
    });
    Ok(AuditView {
        report,
        account: connected.label.clone(),
        demo,
        checked_at,
        new_since_last: history::named(&since.new, &labels),
        fixed_since_last: history::named(&since.fixed, &labels),
        journal_notes: Vec::new(),
    })
}

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
    if let Some(old) = state.running.lock().unwrap().replace(task) {
        old.abort();
    }
    let (result, notes) = rx.await.map_err(|_| AppError::cancelled())?;
    state.running.lock().unwrap().take();
    let report = result?;
    // The person sees this checklist: the watch compares its next check with it (unless news waits to be seen).
    {
        let key = crate::watch::watch_key(&auditor_of_run);
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
    if let Some(task) = state.running.lock().unwrap().take() {
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

commands! {
    run_audit,
    cancel_audit,
    choose_makler_key,
    confirm_mail_booking,
    confirm_transfer,
    search_listings,
    explain_listing,
}
