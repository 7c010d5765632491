//! What `oo-check` prints: the checklist in German, outcomes in words, the compatibility check, and errors.

use audit::{FindingKind, Outcome, ProgressSink};

/// An error from the client, in German and English; exit code 1.
pub fn fail(e: &onoffice::Error) -> ! {
    failed_row(audit::fleet::FailureKind::of_class(e.class()));
    eprintln!("Fehler: {}\nError: {}", e.message_de(), e.message_en());
    std::process::exit(1);
}

/// An error of the command line's own (a file, the keychain, the runtime), as it is said; exit code 1.
pub fn error(msg: impl std::fmt::Display) -> ! {
    eprintln!("Fehler / error: {msg}");
    std::process::exit(1);
}

/// A wrong call: what is wrong and where to read more; exit code 2.
pub fn usage_error(msg: &str) -> ! {
    eprintln!("Fehler / error: {msg}\n\nMehr / more: oo-check --help");
    std::process::exit(2);
}

/// The progress of a check on stderr, one line a step; none when `quiet` (JSON output, a fleet row).
pub fn progress(quiet: bool) -> ProgressSink {
    if quiet {
        ProgressSink::default()
    } else {
        ProgressSink::new(|p| eprintln!("[{}/{}] {}", p.step, p.of, p.label.de))
    }
}

/// The checklist in German: the check's size, each system user's light, the findings by kind (with what to do by
/// hand), the mailboxes not checked, the answers to enquiries and what is still left.
pub fn print_report(report: &audit::AuditReport) {
    print_headline(report);
    print_system_users(report);
    for kind in FindingKind::ALL {
        print_findings(report, kind);
    }
    print_unchecked_mailboxes(report);
    print_answers(report);
    println!("Was noch offen ist: {}", report.left.summary().de);
    let changes = report.left.count(audit::left::Part::App);
    if changes > 0 {
        println!("„oo-check fix“ schreibt davon {changes} Änderungen.");
    }
}

/// What was checked and how long it took, the contact type value that counts as "Makler", and whether the check is
/// incomplete.
fn print_headline(report: &audit::AuditReport) {
    let s = &report.stats;
    println!(
        "onOffice-Prüfung: {} Benutzer, {} Systembenutzer-Adressen, {} aktive Vermietungsobjekte ({} Anfragen, {} s)\n",
        s.users,
        s.system_addresses,
        s.rentals,
        s.requests,
        format!("{:.1}", s.elapsed_ms as f64 / 1000.0).replace('.', ",")
    );
    match &report.makler {
        audit::MaklerKey::Found { label, .. } if label != "Makler" => {
            println!("Makler-Wert: „{label}“ (Schlüssel Makler)\n")
        }
        audit::MaklerKey::Chosen { key, label } => {
            println!("Makler-Wert: „{label}“ (gewählt, Schlüssel {key})\n")
        }
        _ => {}
    }
    if !report.complete {
        println!("Achtung: Die Prüfung ist unvollständig, weil onOffice anders eingerichtet ist als erwartet (siehe unten).\n");
    }
}

/// One line per system user: the light and what it stands for.
fn print_system_users(report: &audit::AuditReport) {
    println!("Systembenutzer:");
    for row in &report.users {
        let light = match row.light {
            audit::Light::Green => "grün",
            audit::Light::Yellow => "gelb",
            audit::Light::Red => "rot ",
        };
        // What the row's light stands for: its findings, or else the cells that are not fine (a yellow row is
        // never "alles in Ordnung").
        let mut problems: Vec<String> = row.findings.iter().map(|k| k.title().de).collect();
        if problems.is_empty() {
            problems = row
                .checks
                .iter()
                .filter(|c| c.state != audit::CheckState::Ok)
                .map(|c| c.detail.de.clone())
                .collect();
        }
        println!(
            "  [{light}] {:<28} {}",
            row.name,
            if problems.is_empty() {
                "alles in Ordnung".into()
            } else {
                problems.join("; ")
            }
        );
    }
    println!();
}

/// The findings of one kind, the first 25 of them with what to do by hand; nothing when there are none.
fn print_findings(report: &audit::AuditReport, kind: FindingKind) {
    let list: Vec<_> = report.findings_of(kind).collect();
    if list.is_empty() {
        return;
    }
    println!("{} ({}):", kind.title().de, list.len());
    for f in list.iter().take(25) {
        println!("  – {}: {}", f.subject_label, f.seen.de);
        if let audit::Resolution::Manual { click_path, .. } = &f.resolution {
            println!("    So geht's: {}", click_path.de);
        }
    }
    if list.len() > 25 {
        println!("  … und {} weitere", list.len() - 25);
    }
    println!();
}

/// The mailboxes whose kind the DNS server did not tell, to check again later.
fn print_unchecked_mailboxes(report: &audit::AuditReport) {
    let not_checked: Vec<&audit::MailboxRow> = report
        .mailboxes
        .iter()
        .filter(|m| matches!(m.kind, audit::MailboxKind::CouldNotCheck { .. }))
        .collect();
    if not_checked.is_empty() {
        return;
    }
    println!(
        "Postfach-Art konnte nicht geprüft werden ({}), der DNS-Server hat nicht geantwortet. Bitte später erneut prüfen:",
        not_checked.len()
    );
    for m in not_checked {
        println!("  – {} ({})", m.email, m.names.join(", "));
    }
    println!();
}

/// Whether enquiries are answered: one plain sentence where the account does not show it, else the rate per
/// mailbox.
fn print_answers(report: &audit::AuditReport) {
    if let Some(note) = &report.answers_note {
        println!("Antworten auf Anfragen: {}\n", note.de);
        return;
    }
    println!("Antworten auf Anfragen (Mietagent, aus dem Maklerbuch):");
    for m in &report.mailboxes {
        if let Some(a) = &m.answers {
            println!("  – {}: {}", m.email, a.said.de);
        }
    }
    println!();
}

pub fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Applied => "erledigt",
        Outcome::AlreadyDone => "war schon erledigt",
        Outcome::Conflict => "Konflikt",
        Outcome::Failed { .. } => "fehlgeschlagen",
        Outcome::Unknown => "unklar",
        Outcome::Skipped => "übersprungen",
    }
}

/// The compatibility check in words, with what to do for each assumption that fails.
pub fn print_diagnosis(d: &audit::Diagnosis) {
    println!(
        "Verbindung prüfen: {} Anfragen, {} ms\n",
        d.requests, d.elapsed_ms
    );
    for x in &d.assumptions {
        let mark = match x.state {
            audit::AssumptionState::Holds => "✔",
            audit::AssumptionState::Fails => "✖",
            audit::AssumptionState::Unknown => "?",
        };
        println!("  {mark} {}: {}", x.title.de, x.seen.de);
        if x.state == audit::AssumptionState::Fails {
            println!(
                "      Bedeutung: {}\n      So geht's: {}",
                x.meaning.de, x.todo.de
            );
        }
    }
}

/// The same report the app writes, dated in UTC (the command line has no reader's time zone to go by).
pub fn report_text(report: &audit::AuditReport, format: audit::ReportFormat) -> String {
    let checked_at = audit::journal::utc_label(&audit::journal::rfc3339_now());
    let account = report
        .snapshot
        .company
        .clone()
        .unwrap_or_else(|| "onOffice".into());
    format.render(report, &account, &checked_at)
}

/// What is new or back again since an earlier check (`since`: when it ran, RFC 3339), one line per finding.
pub fn print_news(
    report: &audit::AuditReport,
    changes: &audit::watch::Changes,
    since: Option<&str>,
) {
    let since = since
        .map(|s| format!(" seit {}", audit::journal::utc_label(s)))
        .unwrap_or_default();
    if !changes.has_news() {
        println!("Nichts Neues{since}.");
        return;
    }
    for (title, list) in [
        ("Neu", &changes.new),
        ("Wieder aufgetreten", &changes.regressed),
    ] {
        if list.is_empty() {
            continue;
        }
        println!("{title}{since} ({}):", list.len());
        for r in list.iter() {
            if let Some(f) = report
                .findings
                .iter()
                .find(|f| f.kind == r.kind && f.subject == r.subject)
            {
                println!(
                    "  – {}: {} – {}",
                    f.kind.title().de,
                    f.subject_label,
                    f.seen.de
                );
            }
        }
        println!();
    }
}

/// What an account's line needs of its run's JSON output: the findings (counted) and what is left. Read from the
/// file as it streams by; the rest of the output is skipped, never held.
#[derive(serde::Deserialize)]
struct LineFacts {
    #[serde(default)]
    findings: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    left: audit::left::Left,
}

fn line_facts(r: &crate::runs::Run) -> Option<LineFacts> {
    let file = std::fs::File::open(&r.stdout).ok()?;
    serde_json::from_reader(std::io::BufReader::new(file)).ok()
}

/// The first line of a failed run's error message.
pub fn first_error(r: &crate::runs::Run) -> String {
    r.stderr
        .lines()
        .map(|l| {
            l.trim_start_matches("Fehler: ")
                .trim_start_matches("Fehler / error: ")
        })
        .rfind(|l| !l.trim().is_empty() && !l.starts_with('[') && !l.starts_with("Error: "))
        .unwrap_or("ohne Meldung / no message")
        .to_string()
}

/// One account's line in the summary of `--all-accounts`, from its run's exit code and JSON output.
pub fn account_line(kind: &str, r: &crate::runs::Run) -> String {
    let error = || format!("✖ {}: Fehler – {}", r.name, first_error(r));
    match (kind, r.code) {
        (_, 1) | (_, 2) => error(),
        ("new", 10) => match line_facts(r) {
            Some(f) => format!(
                "＋ {}: {} neu oder wieder aufgetreten / new or back",
                r.name,
                f.findings.len()
            ),
            None => error(),
        },
        ("new", 0) => format!("✔ {}: nichts Neues / nothing new", r.name),
        ("audit", 0) => match line_facts(r) {
            // The account's line is the model's finish line (the same sentence the app and the report show).
            Some(f) => {
                let mark = if f.left.all_done() { "✔" } else { "•" };
                let said = f.left.summary();
                format!("{mark} {}: {} / {}", r.name, said.de, said.en)
            }
            None => error(),
        },
        (_, 3) => format!(
            "? {}: Prüfung unvollständig, siehe diagnose / check incomplete, see diagnose",
            r.name
        ),
        ("diagnose", 0) => format!(
            "✔ {}: alle Annahmen treffen zu / all assumptions hold",
            r.name
        ),
        ("report", 0) => {
            let saved = r
                .stderr
                .lines()
                .find_map(|l| {
                    l.split_once("report saved: ")
                        .map(|(_, p)| p.trim().to_string())
                })
                .unwrap_or_default();
            format!("✔ {}: Bericht gespeichert / report saved: {saved}", r.name)
        }
        (_, code) => format!("? {}: Exit-Code {code}", r.name),
    }
}

/// The account whose overview row this run prints (`--fleet-row`), if it does.
static ROW_OF: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// From now on, a failure prints this account's overview row before the program ends.
pub fn print_rows_for(account: &str) {
    let _ = ROW_OF.set(account.to_string());
}

/// Prints the account's overview row as one JSON line, when the run was asked for one.
pub fn print_row(row: &audit::fleet::AccountRow) {
    if ROW_OF.get().is_some() {
        if let Ok(line) = serde_json::to_string(row) {
            println!("{line}");
        }
    }
}

/// The row of a failed check, when the run was asked for one.
pub fn failed_row(kind: audit::fleet::FailureKind) {
    if let Some(name) = ROW_OF.get() {
        let at = audit::journal::rfc3339_now();
        print_row(&audit::fleet::AccountRow::failed(name, kind, &at));
    }
}
