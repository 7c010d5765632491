//! The report: the checklist as CSV and as a printable HTML page, dated and with the account's name, never with
//! a secret. The UI asks for the path with the save dialog.

use std::path::PathBuf;

use audit::{AuditReport, Finding, Resolution};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::state::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportFormat {
    Csv,
    Html,
}

fn csv_field(s: &str) -> String {
    // Excel in German locales reads ';' as the separator; quote everything, double inner quotes.
    let s = s.replace('"', "\"\"");
    // A leading = + - @ would be a formula in a spreadsheet.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    };
    format!("\"{s}\"")
}

fn what_to_do(f: &Finding) -> String {
    match &f.resolution {
        Resolution::Fix { .. } => "In der App beheben (ein Klick)".into(),
        Resolution::Manual {
            click_path, steps, ..
        } => {
            let mut parts = vec![click_path.de.clone()];
            parts.extend(steps.iter().map(|s| s.de.clone()));
            parts.join(" – ")
        }
    }
}

pub fn csv(report: &AuditReport, account: &str, checked_at: &str) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&format!(
        "\"Agent-Check für onOffice\";{};{}\r\n",
        csv_field(account),
        csv_field(checked_at)
    ));
    out.push_str("\"Prüfung\";\"Betrifft\";\"Kennung\";\"Gesehen\";\"Erwartet\";\"Was tun\"\r\n");
    for f in &report.findings {
        let row = [
            f.title.de.as_str(),
            f.subject_label.as_str(),
            f.subject.as_str(),
            f.seen.de.as_str(),
            f.expected.de.as_str(),
            &what_to_do(f),
        ];
        out.push_str(
            &row.iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn html(report: &AuditReport, account: &str, checked_at: &str) -> String {
    let mut rows = String::new();
    for u in &report.users {
        let (light, status) = match u.light {
            audit::Light::Green => ("🟢", "bereit"),
            audit::Light::Yellow => ("🟡", "noch zu bestätigen"),
            audit::Light::Red => ("🔴", "muss behoben werden"),
        };
        let problems: Vec<String> = u.findings.iter().map(|k| esc(&k.title().de)).collect();
        rows.push_str(&format!(
            "<tr><td>{light} {status}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&u.name),
            esc(u.email.as_deref().unwrap_or("–")),
            if problems.is_empty() {
                "in Ordnung".into()
            } else {
                problems.join("<br>")
            }
        ));
    }
    let mut findings = String::new();
    for f in &report.findings {
        findings.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.title.de),
            esc(&f.subject_label),
            esc(&f.seen.de),
            esc(&what_to_do(f))
        ));
    }
    format!(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Agent-Check – {account}</title>\
<style>body{{font-family:sans-serif;margin:2rem}}table{{border-collapse:collapse;width:100%;margin-bottom:2rem}}\
td,th{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}}thead{{display:table-header-group}}\
tr{{break-inside:avoid}}@page{{size:A4;margin:15mm}}@media print{{body{{margin:0;font-size:10pt}}a{{color:black}}}}</style></head>\
<body><h1>Agent-Check für onOffice</h1><p>Konto: {account}<br>Geprüft am: {checked_at}</p>\
<h2>Systembenutzer</h2><table><thead><tr><th>Status</th><th>Name</th><th>E-Mail</th><th>Offene Punkte</th></tr></thead><tbody>{rows}</tbody></table>\
<h2>Alle Befunde ({n})</h2><table><thead><tr><th>Prüfung</th><th>Betrifft</th><th>Gesehen</th><th>Was tun</th></tr></thead><tbody>{findings}</tbody></table>\
</body></html>",
        account = esc(account),
        checked_at = esc(checked_at),
        n = report.findings.len()
    )
}

/// Where the UI should save without asking (end-to-end tests set `AGENT_CHECK_EXPORT_DIR`); normally none.
#[tauri::command]
pub fn export_target(state: State<'_, AppState>, format: ReportFormat) -> Option<String> {
    let ext = match format {
        ReportFormat::Csv => "csv",
        ReportFormat::Html => "html",
    };
    state.config.export_dir.as_ref().map(|d| {
        d.join(format!("agent-check-bericht.{ext}"))
            .to_string_lossy()
            .into_owned()
    })
}

/// Writes the last checklist to `path`. `checked_at`: when it was checked, as the UI writes it in the person's
/// language and time zone (e.g. "27.11.2026, 14:05 (Europe/Berlin)"); without it the time is given in UTC.
#[tauri::command]
pub async fn export_report(
    state: State<'_, AppState>,
    format: ReportFormat,
    path: String,
    checked_at: Option<String>,
) -> Result<String> {
    let session = state.session.lock().await;
    let report = session.report()?;
    let checked_at = checked_at.unwrap_or_else(|| {
        let at = session.checked_at.clone().unwrap_or_default();
        format!("{} (UTC)", at.replace('T', " ").trim_end_matches('Z'))
    });
    let content = match format {
        ReportFormat::Csv => csv(&report, &session.label, &checked_at),
        ReportFormat::Html => html(&report, &session.label, &checked_at),
    };
    let path = PathBuf::from(path);
    std::fs::write(&path, content).map_err(|e| {
        AppError::new(
            ErrorCode::Unknown,
            format!("Der Bericht konnte nicht gespeichert werden: {e}"),
            format!("The report could not be saved: {e}"),
        )
    })?;
    Ok(path.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("sagt \"hallo\""), "\"sagt \"\"hallo\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(esc("<b>&</b>"), "&lt;b&gt;&amp;&lt;/b&gt;");
    }
}
