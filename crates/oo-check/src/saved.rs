//! The JSON form of a check: what `audit --json` prints and `--save` keeps as the next baseline. Written straight
//! to its file or stdout as it is serialised, never built as one value or string in memory (a large account's
//! output is many megabytes).

use std::io::Write;
use std::path::Path;

use audit::history::FindingRef;
use audit::{AuditReport, Finding};
use serde::Serialize;

/// A check as `audit --json` gives it.
#[derive(Serialize)]
pub struct CheckOutput<'a> {
    checked_at: String,
    findings: Vec<&'a Finding>,
    stats: &'a audit::AuditStats,
    makler: &'a audit::MaklerKey,
    complete: bool,
    assumptions: &'a [audit::Assumption],
    mailboxes: &'a [audit::MailboxRow],
    resolved: &'a [FindingRef],
    left: &'a audit::left::Left,
    answers: &'a audit::answers::AnswersSeen,
    answers_note: &'a Option<audit::Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regressed: Option<&'a [FindingRef]>,
}

impl<'a> CheckOutput<'a> {
    /// The check with these of its findings (all, or only what is new), and what the baseline knew as resolved.
    pub fn of(
        report: &'a AuditReport,
        findings: Vec<&'a Finding>,
        resolved: &'a [FindingRef],
    ) -> CheckOutput<'a> {
        CheckOutput {
            checked_at: audit::journal::rfc3339_now(),
            findings,
            stats: &report.stats,
            makler: &report.makler,
            complete: report.complete,
            assumptions: &report.assumptions,
            mailboxes: &report.mailboxes,
            resolved,
            left: &report.left,
            answers: &report.answers,
            answers_note: &report.answers_note,
            regressed: None,
        }
    }

    pub fn with_regressed(mut self, regressed: &'a [FindingRef]) -> Self {
        self.regressed = Some(regressed);
        self
    }

    /// Pretty JSON to stdout, streamed.
    pub fn print(&self) {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let written = serde_json::to_writer_pretty(&mut out, self)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out))
            .and_then(|_| out.flush());
        if let Err(e) = written {
            eprintln!("Ausgabe fehlgeschlagen / output failed: {e}");
            std::process::exit(1);
        }
    }

    /// Pretty JSON into `path`, streamed; exits with 1 when the file cannot be written.
    pub fn save(&self, path: &Path) {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut out = std::io::BufWriter::new(f);
            serde_json::to_writer_pretty(&mut out, self).map_err(std::io::Error::from)?;
            out.flush()
        });
        if let Err(e) = written {
            eprintln!(
                "{} kann nicht geschrieben werden / cannot be written: {e}",
                path.display()
            );
            std::process::exit(1);
        }
    }
}
