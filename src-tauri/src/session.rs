//! What the window is shown of its session, shared by the commands: the connection's status, and the checklist
//! view (a fresh report stored in the session and compared with the checklist shown before it).

use std::sync::Arc;

use audit::history;
use audit::AuditReport;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::state::{Account, AppState, Checklist, Mode, Session};
use crate::watch;

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ConnectionStatus {
    pub mode: Mode,
    /// "verbunden als …": never the secret, only a hint of the token, the company or the demo's name.
    pub label: String,
    pub api_url: String,
    /// The account in the accounts list (none for the demo).
    pub account_id: Option<String>,
    /// Said once about this connection ("Dieses Konto ist schon da").
    pub said: Option<audit::Text>,
}

/// The connection as the window shows it.
pub fn status(s: &Session) -> ConnectionStatus {
    match s {
        Session::Disconnected => ConnectionStatus {
            mode: Mode::None,
            label: String::new(),
            api_url: onoffice::DEFAULT_BASE_URL.to_string(),
            account_id: None,
            said: None,
        },
        Session::Connected(c) => ConnectionStatus {
            mode: s.mode(),
            label: c.label.clone(),
            api_url: match &c.account {
                Account::Demo(sandbox) => sandbox.connection.url.clone(),
                Account::Real { api_url, .. } => api_url.clone(),
            },
            account_id: match &c.account {
                Account::Demo(_) => None,
                Account::Real { id, .. } => Some(id.clone()),
            },
            said: None,
        },
    }
}

/// The window's event with the audit's progress.
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

/// "Alle Konten" shows the account as the window shows it now: every checklist the window gets (a check, a fix, a
/// confirmed mailbox) is also the account's overview row.
fn overview_row(state: &AppState, auditor: &audit::Auditor, report: &AuditReport) {
    let key = watch::watch_key(auditor);
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

/// Stores a fresh report in the session and compares it with the checklist the person last asked for. `recheck`:
/// the person pressed "Erneut prüfen" (or connected), so the comparison starts from the checklist shown until now;
/// the checks the app runs itself after a fix, an undo or a confirmation keep comparing with that same one, so
/// "N erledigt" adds up over several confirmations instead of saying "1 erledigt" after each.
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
        if let (Some(company), Account::Real { id, .. }) =
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
    watch::tooltip_now(state, &report.left.said);
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
