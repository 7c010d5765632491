//! `oo-check fix`: plans the changes the API can make (optionally only some kinds of finding, with the contact
//! persons chosen by `--contact`), shows the plan, asks, applies it and checks the account again.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};

use audit::{FindingKind, ProgressSink};

use super::contact::contact_choices;
use crate::cli::Account;
use crate::connect::connect;
use crate::output::{fail, outcome_word, progress, usage_error};

fn confirmed() -> bool {
    print!("Jetzt in onOffice ändern? [j/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(
        answer.trim().to_lowercase().as_str(),
        "j" | "ja" | "y" | "yes"
    )
}

/// Audits, plans the changes for the chosen kinds (all without `--kind`) and, once confirmed, applies them and says
/// what is left.
pub async fn run(account: &Account, kinds: &[FindingKind], contacts: &[String], yes: bool) {
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(false))
        .await
        .unwrap_or_else(|e| fail(&e));
    let kinds: BTreeSet<FindingKind> = kinds.iter().copied().collect();
    let choices = contact_choices(&report, contacts).unwrap_or_else(|e| usage_error(&e));
    let plan = auditor.plan(
        &report,
        |f| kinds.is_empty() || kinds.contains(&f.kind),
        &choices,
    );
    print_plan(&plan);
    if plan.items.is_empty() {
        return;
    }
    if !yes && !confirmed() {
        println!("Abgebrochen, nichts geändert. / Cancelled, nothing changed.");
        return;
    }
    let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
    let results = auditor
        .apply_with(&report, &plan, &all, &progress(false), None)
        .await;
    for r in &results {
        println!(
            "  {:>3}. {} – {}: {}",
            r.id + 1,
            r.label,
            outcome_word(&r.outcome),
            r.message.de
        );
    }
    let after = auditor
        .audit(&ProgressSink::default())
        .await
        .unwrap_or_else(|e| fail(&e));
    let fixable =
        |r: &audit::AuditReport| r.findings.iter().filter(|f| f.kind.is_fixable()).count();
    println!(
        "\nNach den Änderungen: {} Punkte für die App (vorher {}), {} Schritte in onOffice (z. B. Objekte neu übertragen).",
        fixable(&after),
        fixable(&report),
        after.findings.len() - fixable(&after)
    );
}

/// The planned changes, numbered, and what waits for a choice (with how to give it).
fn print_plan(plan: &audit::FixPlan) {
    if plan.items.is_empty() {
        println!("Nichts zu beheben. / Nothing to fix.");
    }
    println!("Geplante Änderungen ({}):", plan.items.len());
    for item in &plan.items {
        println!(
            "  {:>3}. {} – {}",
            item.id + 1,
            item.label,
            item.description.de
        );
    }
    for n in &plan.needs_input {
        println!("  offen: {} – {}", n.label, n.reason.de);
    }
    if plan
        .needs_input
        .iter()
        .any(|n| matches!(n.subject, audit::Subject::Estate(_)))
    {
        println!(
            "  Wahl eines Ansprechpartners: --contact OBJEKTNR=BENUTZER (siehe oo-check fix --help) / choose a contact \
             person with --contact LISTING=USER"
        );
    }
}
