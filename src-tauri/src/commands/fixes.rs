//! Fixes: plan (a preview, nothing written), apply the ticked items, the history of changes, and undo.

use std::collections::BTreeSet;

use audit::history::{FindingRef, HistoryItem};
use audit::{FixPlan, ItemResult, PlanChoices, ProgressSink};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime, State};
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::session::{remember, AuditView, PROGRESS_EVENT};
use crate::state::AppState;

#[derive(Clone, Debug, Deserialize, TS)]
#[ts(export)]
pub struct PlanRequest {
    pub findings: Vec<FindingRef>,
    pub choices: PlanChoices,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ApplyView {
    pub results: Vec<ItemResult>,
    /// The checklist after the changes (None if the re-check failed; the results still hold).
    pub audit: Option<AuditView>,
}

/// The preview: every change with its value before and after. Nothing is written.
#[tauri::command]
pub async fn plan_fixes(state: State<'_, AppState>, request: PlanRequest) -> Result<FixPlan> {
    let mut session = state.session.lock().await;
    let auditor = session.auditor()?;
    let wanted: BTreeSet<FindingRef> = request.findings.iter().copied().collect();
    let checklist = session
        .connected_mut()?
        .checklist
        .as_mut()
        .ok_or_else(AppError::no_checklist)?;
    let plan = auditor.plan(
        &checklist.report,
        |f| {
            wanted.contains(&FindingRef {
                kind: f.kind,
                subject: f.subject,
            })
        },
        &request.choices,
    );
    checklist.plan = Some(plan.clone());
    Ok(plan)
}

/// Applies the ticked items of the current plan, then checks again.
#[tauri::command]
pub async fn apply_fixes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    items: Vec<u32>,
) -> Result<ApplyView> {
    let _writing = state.writing.start();
    let (auditor, report, plan) = {
        let session = state.session.lock().await;
        let checklist = session.checklist()?;
        let plan = checklist.plan.clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::Conflict,
                "Die Vorschau ist nicht mehr aktuell. Bitte erneut auswählen.",
                "The preview is out of date. Please select again.",
            )
        })?;
        (session.auditor()?, checklist.report.clone(), plan)
    };
    let selected: BTreeSet<usize> = items.into_iter().map(|i| i as usize).collect();
    let sink = ProgressSink::new(move |p| {
        let _ = app.emit(PROGRESS_EVENT, p);
    });
    let (results, fresh) = auditor
        .apply_and_recheck(&report, &plan, &selected, &sink)
        .await;
    let audit = match fresh {
        Ok(r) => Some(remember(&state, &auditor, r, false).await?),
        Err(e) => {
            log::warn!("re-check after fixes failed: {e}");
            None
        }
    };
    Ok(ApplyView { results, audit })
}

/// Every change this app made to the account, newest first.
#[tauri::command]
pub async fn fix_history(state: State<'_, AppState>) -> Result<Vec<HistoryItem>> {
    let auditor = state.session.lock().await.auditor()?;
    Ok(audit::history::history(&auditor.journal))
}

/// Reverts one applied change (re-read, change back only what the fix changed, read back), then checks again.
#[tauri::command]
pub async fn undo_change(
    state: State<'_, AppState>,
    seq: u32,
    force: Option<bool>,
) -> Result<ApplyView> {
    let _writing = state.writing.start();
    let auditor = state.session.lock().await.auditor()?;
    let entry = auditor
        .journal
        .undoable()
        .into_iter()
        .find(|e| e.seq == seq as u64)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::Conflict,
                "Diese Änderung ist schon rückgängig gemacht.",
                "This change is already undone.",
            )
        })?;
    let result = auditor.undo_with(&entry, force.unwrap_or(false)).await;
    let audit = match auditor.audit(&ProgressSink::default()).await {
        Ok(r) => Some(remember(&state, &auditor, r, false).await?),
        Err(_) => None,
    };
    Ok(ApplyView {
        results: vec![result],
        audit,
    })
}

// This domain's commands: its group in src-tauri/commands.txt (build.rs writes the `commands!` call).
include!(concat!(env!("OUT_DIR"), "/commands/fixes.rs"));
