//! The written report against a real (sandbox) audit: every finding is a row, every system user is in the HTML with
//! its status in words, and nothing in it can run as a formula or as markup.

mod common;

use audit::history::{history, refs, HistoryEvent};
use audit::journal::Event;
use audit::{Journal, ProgressSink, ReportFormat};
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
    let all: Vec<&str> = csv.trim_end().split("\r\n").collect();
    // Whether enquiries are answered, as the app says it: one line per mailbox (or the one sentence).
    let answers: Vec<&str> = all
        .iter()
        .copied()
        .filter(|l| l.starts_with("\"Antworten auf Anfragen\""))
        .collect();
    let said: Vec<String> = match &report.answers_note {
        Some(note) => vec![note.de.clone()],
        None => report
            .mailboxes
            .iter()
            .filter_map(|m| m.answers.as_ref().map(|a| a.said.de.clone()))
            .collect(),
    };
    assert!(!said.is_empty());
    assert_eq!(answers.len(), said.len());
    for (line, s) in answers.iter().zip(&said) {
        assert!(line.ends_with(&format!("\"{s}\"")), "{line}");
        assert!(html_escape_free(s), "{s}");
    }
    let lines: Vec<&str> = all
        .iter()
        .copied()
        .filter(|l| !l.starts_with("\"Antworten auf Anfragen\""))
        .collect();
    assert_eq!(
        lines.len(),
        report.findings.len() + 3,
        "title, what is left, header, one per finding"
    );
    assert_eq!(
        lines[1],
        format!("\"Was noch offen ist\";\"{}\"", report.left.summary().de)
    );
    assert!(lines[0].contains("\"Isar <Wohnwerte>\";\"27.11.2026, 14:05 (Europe/Berlin)\""));
    for (line, f) in lines[3..].iter().zip(&report.findings) {
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
    assert_eq!(html.matches("🔴 Problem</td>").count(), red);
    // A yellow row says what is not fine, never "in Ordnung".
    for u in report
        .users
        .iter()
        .filter(|u| u.light != audit::Light::Green)
    {
        let row_start = html.find(&u.name.replace('&', "&amp;")).unwrap();
        let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
        assert!(!row.ends_with("<td>in Ordnung</td>"), "{row}");
    }
    assert!(html.contains("<strong>Antworten auf Anfragen</strong>"));
    // What to do, in one line: one click for what the app fixes, the click path for the rest.
    for (line, f) in lines[3..].iter().zip(&report.findings) {
        let cell = line.rsplit("\";\"").next().unwrap().trim_end_matches('"');
        match &f.resolution {
            audit::Resolution::Fix { .. } => assert_eq!(cell, "In der App beheben (ein Klick)"),
            audit::Resolution::Manual { click_path, .. } => {
                assert!(
                    cell.starts_with(&click_path.de.replace('"', "\"\"")),
                    "{cell}"
                )
            }
        }
    }
    assert_eq!(ReportFormat::Csv.extension(), "csv");
    assert_eq!(ReportFormat::Html.extension(), "html");
}

fn html_escape_free(s: &str) -> bool {
    !s.contains('<') && !s.contains('&')
}

/// The history and "since the last check" work on what a real audit and a real journal hold.
#[tokio::test]
async fn history_and_references_of_a_real_check() {
    let sb = sandbox(2, 12, 40, None).await;
    let report = auditor(&sb).audit(&ProgressSink::default()).await.unwrap();
    let all = refs(&report);
    assert_eq!(all.len(), report.findings.len());
    assert!(report.findings.iter().all(|f| all
        .iter()
        .any(|r| r.kind == f.kind && r.subject == f.subject)));

    let journal = Journal::in_memory();
    assert!(history(&journal).is_empty());
    journal
        .append(
            "Helle Wohnung (M-10001)",
            vec![],
            Event::TransferDone { estate: 2001 },
        )
        .unwrap();
    let items = history(&journal);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].event, HistoryEvent::TransferDone);
    assert_eq!(items[0].label, "Helle Wohnung (M-10001)");
    assert!(!items[0].undoable);
}
