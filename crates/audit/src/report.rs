//! The written report: the checklist as CSV (German Excel: `;`, BOM, formulas defused) and as a printable HTML page,
//! dated and with the account's name, never with a secret. The app and `oo-check report` write the same files.

use serde::{Deserialize, Serialize};

use crate::{AuditReport, Finding, Light, Resolution};

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Csv,
    Html,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }

    /// The report in this format. `checked_at`: when it was checked, as the reader's clock shows it
    /// (e.g. "27.11.2026, 14:05 (Europe/Berlin)").
    pub fn render(self, report: &AuditReport, account: &str, checked_at: &str) -> String {
        match self {
            ReportFormat::Csv => csv(report, account, checked_at),
            ReportFormat::Html => html(report, account, checked_at),
        }
    }
}

pub(crate) fn csv_field(s: &str) -> String {
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

/// What the person does about a finding, in one line.
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

/// Whether enquiries are answered, as the app says it: the one sentence where the account does not show it, else one
/// line per mailbox (its e-mail and what its card says).
fn answers_lines(report: &AuditReport) -> Vec<(String, String)> {
    if let Some(note) = &report.answers_note {
        return vec![(String::new(), note.de.clone())];
    }
    report
        .mailboxes
        .iter()
        .filter_map(|m| {
            m.answers
                .as_ref()
                .map(|a| (m.email.clone(), a.said.de.clone()))
        })
        .collect()
}

/// A row's open points: its findings, or else the cells that are not fine (a yellow row is never "in Ordnung").
fn row_points(u: &crate::SystemUserRow) -> Vec<String> {
    let findings: Vec<String> = u.findings.iter().map(|k| k.title().de).collect();
    if !findings.is_empty() {
        return findings;
    }
    u.checks
        .iter()
        .filter(|c| c.state != crate::CheckState::Ok)
        .map(|c| c.detail.de.clone())
        .collect()
}

pub fn csv(report: &AuditReport, account: &str, checked_at: &str) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&format!(
        "\"Agent-Check für onOffice\";{};{}\r\n",
        csv_field(account),
        csv_field(checked_at)
    ));
    out.push_str(&format!(
        "\"Was noch offen ist\";{}\r\n",
        csv_field(&report.left.summary().de)
    ));
    for (mailbox, said) in answers_lines(report) {
        out.push_str(&format!(
            "\"Antworten auf Anfragen\";{};{}\r\n",
            csv_field(&mailbox),
            csv_field(&said)
        ));
    }
    out.push_str("\"Prüfung\";\"Betrifft\";\"Kennung\";\"Gesehen\";\"Erwartet\";\"Was tun\"\r\n");
    for f in &report.findings {
        let row = [
            f.title.de.clone(),
            f.subject_label.clone(),
            f.subject.to_string(),
            f.seen.de.clone(),
            f.expected.de.clone(),
            what_to_do(f),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A system user's light in words, for paper (a printout has no colours to rely on).
fn light_words(light: Light) -> (&'static str, &'static str) {
    match light {
        Light::Green => ("🟢", "bereit"),
        Light::Yellow => ("🟡", "Anzeichen, zu bestätigen oder nicht prüfbar"),
        Light::Red => ("🔴", "Problem"),
    }
}

pub fn html(report: &AuditReport, account: &str, checked_at: &str) -> String {
    let mut rows = String::new();
    for u in &report.users {
        let (light, status) = light_words(u.light);
        let problems: Vec<String> = row_points(u).iter().map(|p| esc(p)).collect();
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
    let answers: Vec<String> = answers_lines(report)
        .iter()
        .map(|(m, said)| {
            if m.is_empty() {
                esc(said)
            } else {
                format!("{}: {}", esc(m), esc(said))
            }
        })
        .collect();
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
<p><strong>Was noch offen ist:</strong> {left}</p>\
<p><strong>Antworten auf Anfragen</strong> (Mietagent, aus dem Maklerbuch):<br>{answers}</p>\
<h2>Systembenutzer</h2><table><thead><tr><th>Status</th><th>Name</th><th>E-Mail</th><th>Offene Punkte</th></tr></thead><tbody>{rows}</tbody></table>\
<h2>Alle Befunde ({n})</h2><table><thead><tr><th>Prüfung</th><th>Betrifft</th><th>Gesehen</th><th>Was tun</th></tr></thead><tbody>{findings}</tbody></table>\
</body></html>",
        account = esc(account),
        checked_at = esc(checked_at),
        left = esc(&report.left.summary().de),
        answers = answers.join("<br>"),
        n = report.findings.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("sagt \"hallo\""), "\"sagt \"\"hallo\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "\"'+1\"");
        assert_eq!(csv_field("-1"), "\"'-1\"");
        assert_eq!(csv_field("@x"), "\"'@x\"");
        assert_eq!(
            esc("<b>&</b> \"x\""),
            "&lt;b&gt;&amp;&lt;/b&gt; &quot;x&quot;"
        );
    }
}
