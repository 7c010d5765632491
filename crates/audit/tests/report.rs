//! The written report against a real (sandbox) audit: every finding is a row, every system user is in the HTML with
//! its status in words, and nothing in it can run as a formula or as markup.

mod common;

use audit::{ProgressSink, ReportFormat};
use common::*;

#[tokio::test]
async fn csv_and_html_hold_every_finding_and_every_system_user() {
    let sb = sandbox(1, 12, 40, None).await;
    let report = auditor(&sb).audit(&ProgressSink::default()).await.unwrap();
    assert!(report.findings.len() > 5);

    let csv = ReportFormat::Csv.render(
        &report,
        "Isar <Wohnwerte>",
        "27.11.2026, 14:05 (Europe/Berlin)",
    );
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(
        lines.len(),
        report.findings.len() + 2,
        "title, header, one per finding"
    );
    assert!(lines[0].contains("\"Isar <Wohnwerte>\";\"27.11.2026, 14:05 (Europe/Berlin)\""));
    for (line, f) in lines[2..].iter().zip(&report.findings) {
        assert!(line.contains(&format!("\"{}\"", f.subject)), "{line}");
        assert!(line.starts_with(&format!("\"{}\"", f.title.de)), "{line}");
        assert_eq!(line.matches("\";\"").count(), 5, "six cells: {line}");
    }

    let html = ReportFormat::Html.render(&report, "Isar <Wohnwerte>", "heute");
    assert!(html.contains("Konto: Isar &lt;Wohnwerte&gt;"));
    assert!(!html.contains("<Wohnwerte>"));
    assert!(html.contains(&format!("Alle Befunde ({})", report.findings.len())));
    assert_eq!(
        html.matches("<tr><td>").count(),
        report.users.len() + report.findings.len()
    );
    for u in &report.users {
        assert!(html.contains(&u.name.replace('&', "&amp;")), "{}", u.name);
    }
    let red = report
        .users
        .iter()
        .filter(|u| u.light == audit::Light::Red)
        .count();
    assert_eq!(html.matches("muss behoben werden").count(), red);
    assert_eq!(ReportFormat::Csv.extension(), "csv");
    assert_eq!(ReportFormat::Html.extension(), "html");
}
