//! An earlier check to compare with: the findings of an earlier `audit --json` output (or `--save`), what it knew as
//! resolved, and when it ran.

use std::path::PathBuf;

use crate::output::usage_error;

/// An earlier `audit --json` output as a baseline: its findings and what it knew as resolved.
pub fn read_baseline(path: &PathBuf) -> (audit::watch::Baseline, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Previous {
        findings: Vec<audit::history::FindingRef>,
        #[serde(default)]
        resolved: Vec<audit::history::FindingRef>,
        #[serde(default)]
        checked_at: Option<String>,
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        usage_error(&format!(
            "{} kann nicht gelesen werden / cannot be read: {e}",
            path.display()
        ))
    });
    let previous: Previous = serde_json::from_str(&text).unwrap_or_else(|e| {
        usage_error(&format!(
            "{} ist keine Ausgabe von „oo-check audit --json“ / is no output of \"oo-check audit --json\": {e}",
            path.display()
        ))
    });
    (
        audit::watch::Baseline {
            present: previous.findings.into_iter().collect(),
            resolved: previous.resolved.into_iter().collect(),
        },
        previous.checked_at,
    )
}
