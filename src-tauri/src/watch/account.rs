//! One account's part of a scheduled check: its audit (read-only), the standing rule if the person switched it on,
//! the comparison with what the person last saw and the account's overview row; or why it could not be checked.

use std::collections::BTreeSet;
use std::sync::Arc;

use audit::accounts::AccountEntry;
use audit::fleet::{AccountRow, FailureKind};
use audit::history::{self, FindingRef};
use audit::journal::rfc3339_now;
use audit::watch::Notice;
use audit::{AuditReport, Auditor, FindingKind, Outcome, ProgressSink, Text};

use super::{app_text, words};
use crate::state::AppState;

/// What one account's part of a scheduled check came to.
pub(super) struct AccountRun {
    pub(super) name: String,
    /// New and regressed findings since the person last looked.
    pub(super) news: usize,
    /// What this account alone would notify.
    pub(super) notice: Option<Notice>,
    pub(super) assigned: usize,
    /// The check of this account failed (its notice, if this kind of failure is new).
    pub(super) failed: bool,
    /// Why it failed.
    pub(super) why: Option<Text>,
    pub(super) incomplete: bool,
    /// What is left after the check, by who acts next (the finish line's sentence).
    pub(super) left: Option<Text>,
}

/// A watched account that cannot be checked now, as its run says it.
pub(super) struct Unchecked {
    pub(super) run: AccountRun,
    /// Its credentials are gone from the keychain.
    pub(super) credentials_missing: bool,
}

/// The auditor of a watched account: the session's for the account the window shows, otherwise one from the
/// account's keychain entry.
pub(super) fn watched_auditor(
    state: &AppState,
    account: &AccountEntry,
    current: Option<&(String, Arc<Auditor>)>,
) -> Result<Arc<Auditor>, Box<Unchecked>> {
    let shown = current.filter(|(id, _)| *id == account.id);
    let unchecked = |kind: &str, text: &Text| {
        Box::new(Unchecked {
            run: failed_account(state, account, kind, text),
            credentials_missing: kind == "credentials_missing",
        })
    };
    match (crate::accounts::credentials(state, &account.id), shown) {
        // The account the window shows: its session's auditor.
        (Ok(Some(_)), Some((_, auditor))) => Ok(auditor.clone()),
        (Ok(Some(c)), None) => state
            .account_auditor(&c)
            .map(Arc::new)
            .map_err(|e| unchecked("connect", &app_text(&e))),
        (Ok(None), _) => {
            let text = Text::new(
                format!("Zugangsdaten fehlen: Für „{}“ sind Token und Secret nicht mehr im Schlüsselbund; bitte das Konto neu verbinden.", account.name),
                format!("Credentials missing: token and secret of \"{}\" are no longer in the keychain; please connect the account again.", account.name),
            );
            Err(unchecked("credentials_missing", &text))
        }
        (Err(e), _) => Err(unchecked("keychain", &app_text(&e))),
    }
}

/// One account's check: audit (read-only), the standing rule if on, the comparison with what the person last saw.
pub(super) async fn check_account(
    state: &AppState,
    key: &str,
    name: String,
    auditor: &Arc<Auditor>,
) -> AccountRun {
    state
        .settings
        .update(|d| d.watch_state_mut(key).for_account(key));
    let mut report = match auditor.audit(&ProgressSink::default()).await {
        Ok(r) => r,
        Err(e) => {
            let kind = format!("{:?}", e.class()).to_lowercase();
            let text = Text::new(e.message_de(), e.message_en());
            let failure = FailureKind::of_class(e.class());
            return record_failure(state, key, &name, &kind, failure, &text);
        }
    };
    let name = named_by_company(state, key, name, &report);
    let at = rfc3339_now();
    let assigned = standing_rule(state, key, auditor, &mut report).await;
    let now_refs = history::refs(&report);
    let mut w = state.settings.get().watch_state(key);
    let notice = w.after_check_named(&now_refs, report.complete, &at, &history::labels(&report));
    let notice = words::with_assigned(&assigned, notice);
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

/// A real account is named by the company the check finds (unless the person named it).
fn named_by_company(state: &AppState, key: &str, name: String, report: &AuditReport) -> String {
    let (Some(company), false) = (&report.snapshot.company, key == "demo") else {
        return name;
    };
    state.settings.update(|d| {
        if let Some(a) = d.accounts.as_mut() {
            a.found_company(key, company);
        }
    });
    match state.settings.get().accounts().get(key) {
        Some(a) => a.name.clone(),
        None => name,
    }
}

/// The standing rule, if on and the check is complete: rental listings new since the person last looked that have
/// no contact person get their Betreuer (written while `writing` counts it); then the account is checked again.
/// Returns the listings assigned.
async fn standing_rule(
    state: &AppState,
    key: &str,
    auditor: &Arc<Auditor>,
    report: &mut AuditReport,
) -> Vec<String> {
    let settings = state.settings.get();
    if !(settings.watch.auto_assign && report.complete) {
        return Vec::new();
    }
    let memory = settings.watch_state(key);
    let Some(seen) = &memory.seen else {
        return Vec::new();
    };
    let Some(changes) = audit::watch::compare(seen, &history::refs(report), true) else {
        return Vec::new();
    };
    let new: BTreeSet<FindingRef> = changes
        .new
        .iter()
        .filter(|f| f.kind == FindingKind::NoContact)
        .copied()
        .collect();
    if new.is_empty() {
        return Vec::new();
    }
    let results = {
        let _writing = state.writing.start();
        auditor.assign_new_listings(report, &new).await
    };
    let assigned: Vec<String> = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Applied))
        .map(|r| r.label.clone())
        .collect();
    if !assigned.is_empty() {
        if let Ok(fresh) = auditor.audit(&ProgressSink::default()).await {
            *report = fresh;
        }
    }
    assigned
}

/// An account that could not be checked at all (no credentials, the keychain, an unusable address).
fn failed_account(state: &AppState, account: &AccountEntry, kind: &str, text: &Text) -> AccountRun {
    let failure = match kind {
        "credentials_missing" => FailureKind::CredentialsMissing,
        _ => FailureKind::Other,
    };
    record_failure(state, &account.id, &account.name, kind, failure, text)
}

/// A failed check in the account's watch memory (its notice only the first time this kind of failure occurs) and
/// overview row.
fn record_failure(
    state: &AppState,
    key: &str,
    name: &str,
    kind: &str,
    failure: FailureKind,
    text: &Text,
) -> AccountRun {
    let mut w = state.settings.get().watch_state(key);
    let notice = w.after_failure(kind, text);
    w.last_check = Some(AccountRow::failed(name, failure, &rfc3339_now()));
    state
        .settings
        .update(|d| *d.watch_state_mut(key) = w.clone());
    AccountRun {
        name: name.to_string(),
        news: 0,
        notice,
        assigned: 0,
        failed: true,
        why: Some(text.clone()),
        incomplete: false,
        left: None,
    }
}
