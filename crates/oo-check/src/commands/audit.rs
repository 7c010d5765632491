//! `oo-check audit`: the checklist of one account; with `--new-since` only what is new or back again since an
//! earlier check (exit code 10 when there is some), with `--save` the check kept as the next one's baseline.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::baseline::read_baseline;
use crate::cli::Account;
use crate::connect::connect;
use crate::output::{self, fail, print_report, progress};
use crate::saved::CheckOutput;

pub async fn run(
    account: &Account,
    json: bool,
    new_since: Option<&PathBuf>,
    save: Option<&PathBuf>,
) {
    let baseline = new_since.map(read_baseline);
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(json))
        .await
        .unwrap_or_else(|e| fail(&e));
    let now = audit::history::refs(&report);
    let resolved: Vec<audit::history::FindingRef> = baseline
        .as_ref()
        .map(|(b, _)| b.after(&now).resolved.into_iter().collect())
        .unwrap_or_default();
    if let Some(path) = save.filter(|_| report.complete) {
        CheckOutput::of(&report, report.findings.iter().collect(), &resolved).save(path);
    }
    let Some((base, since)) = baseline else {
        if json {
            CheckOutput::of(&report, report.findings.iter().collect(), &resolved).print();
        } else {
            print_report(&report);
        }
        return;
    };
    let Some(changes) = audit::watch::compare(&base, &now, report.complete) else {
        eprintln!(
            "Die Prüfung ist unvollständig (eine Annahme über das Konto trifft nicht zu): nichts verglichen, siehe \
             „oo-check diagnose“. / The check is incomplete (an assumption about the account fails): nothing \
             compared, see \"oo-check diagnose\"."
        );
        std::process::exit(3);
    };
    let news: BTreeSet<audit::history::FindingRef> = changes
        .new
        .iter()
        .chain(&changes.regressed)
        .copied()
        .collect();
    let shown: Vec<&audit::Finding> = report
        .findings
        .iter()
        .filter(|f| {
            news.contains(&audit::history::FindingRef {
                kind: f.kind,
                subject: f.subject,
            })
        })
        .collect();
    if json {
        CheckOutput::of(&report, shown, &resolved)
            .with_regressed(&changes.regressed)
            .print();
    } else {
        output::print_news(&report, &changes, since.as_deref());
    }
    if changes.has_news() {
        std::process::exit(10);
    }
}
