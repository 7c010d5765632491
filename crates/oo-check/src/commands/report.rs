//! `oo-check report`: the audit report as CSV or HTML (as the app writes it), with what is new since an earlier
//! check; in a run of `--all-accounts` it also prints the account's overview row.

use std::path::Path;

use crate::baseline::read_baseline;
use crate::cli::{Account, Format};
use crate::connect::connect;
use crate::output::{self, fail, progress};
use crate::saved::CheckOutput;

/// Where `report` writes, and the earlier check it compares with.
pub struct ReportFiles<'a> {
    pub out: &'a Path,
    pub new_since: Option<&'a Path>,
    pub save: Option<&'a Path>,
}

pub async fn run(account: &Account, format: Format, files: ReportFiles<'_>) {
    // A baseline that is not there yet (an account new in the file) is nothing to compare with.
    let baseline = files
        .new_since
        .filter(|p| p.exists())
        .map(|p| read_baseline(&p.to_path_buf()));
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(account.fleet_row))
        .await
        .unwrap_or_else(|e| fail(&e));
    let text = output::report_text(&report, format.into());
    if let Err(e) = std::fs::write(files.out, text) {
        eprintln!("Bericht kann nicht gespeichert werden / cannot save the report: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "Bericht gespeichert / report saved: {}",
        files.out.display()
    );
    let now = audit::history::refs(&report);
    let news = baseline.as_ref().and_then(|(b, _)| {
        audit::watch::compare(b, &now, report.complete)
            .map(|c| (c.new.len() + c.regressed.len()) as u32)
    });
    if let Some(path) = files.save.filter(|_| report.complete) {
        let resolved: Vec<audit::history::FindingRef> = baseline
            .as_ref()
            .map(|(b, _)| b.after(&now).resolved.into_iter().collect())
            .unwrap_or_default();
        CheckOutput::of(&report, report.findings.iter().collect(), &resolved).save(path);
    }
    let name = account.account.as_deref().unwrap_or("onOffice");
    let at = audit::journal::rfc3339_now();
    output::print_row(&audit::fleet::AccountRow::checked(name, &report, &at, news));
}
