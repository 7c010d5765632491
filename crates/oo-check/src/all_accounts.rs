//! `--all-accounts`: one command for every account of support's accounts file. The accounts run in parallel
//! (`runs.rs`), and their lines come in the file's order: a summary line each, or with `--json` one array streamed
//! from the runs' files; `report` also writes the overview of all accounts (`_uebersicht.html`, `_uebersicht.csv`,
//! the accounts that need someone first). Nothing of an account is held once its line is written, except its
//! overview row. The exit code is the worst account's.

use std::ffi::OsString;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use audit::fleet::{AccountRow, FailureKind};

use crate::cli::{Account, Command, Format};
use crate::output::usage_error;
use crate::runs::{run_all, Limits, Run};
use crate::{accounts, output};

/// What the runs are, for their lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Audit,
    New,
    Diagnose,
    Report,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Audit => "audit",
            Kind::New => "new",
            Kind::Diagnose => "diagnose",
            Kind::Report => "report",
        }
    }
}

fn kind_of(command: &Command) -> (&Account, Kind) {
    match command {
        Command::Audit {
            account, new_since, ..
        } => (
            account,
            if new_since.is_some() {
                Kind::New
            } else {
                Kind::Audit
            },
        ),
        Command::Diagnose { account, .. } => (account, Kind::Diagnose),
        Command::Report { account, .. } => (account, Kind::Report),
        Command::Fix { .. }
        | Command::Undo { .. }
        | Command::StoreCredentials { .. }
        | Command::Explain { .. } => usage_error(
            "--all-accounts gilt für audit, diagnose und report; ändern nur je Konto mit --account NAME / \
             --all-accounts is for audit, diagnose and report; changes only per account with --account NAME",
        ),
    }
}

/// Runs the command for every account of the file and exits with the worst outcome.
pub fn run(command: &Command) -> ! {
    let (account, kind) = kind_of(command);
    let Some(file) = account.accounts.as_ref() else {
        usage_error("--all-accounts braucht / needs --accounts FILE");
    };
    let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
    let repeated = accounts::repeated(&lines);
    let refused = |i: usize| {
        repeated.contains(&i).then(|| {
            let said = FailureKind::Repeated.said();
            format!("{} / {}", said.de, said.en)
        })
    };
    let limits = Limits {
        jobs: account.jobs,
        max_requests: account.max_requests,
        account_timeout: Duration::from_secs(account.account_timeout),
    };
    let json = matches!(
        command,
        Command::Audit { json: true, .. } | Command::Diagnose { json: true, .. }
    );
    let report_ext = match command {
        Command::Report {
            format: Format::Csv,
            ..
        } => "csv",
        _ => "html",
    };
    let args = |line: &accounts::AccountLine| args_for(line, kind, report_ext);
    let runs = Runs {
        lines: &lines,
        args: &args,
        refused: &refused,
        limits: &limits,
    };
    let codes = if json {
        stream_json(&runs)
    } else if kind == Kind::Report {
        fleet_report(&runs, report_folder(command))
    } else {
        summary_lines(&runs, kind)
    };
    std::process::exit(accounts::overall(&codes));
}

/// The runs to make: the accounts, each one's arguments, the lines not to run, the limits.
struct Runs<'a> {
    lines: &'a [accounts::AccountLine],
    args: &'a dyn Fn(&accounts::AccountLine) -> Vec<OsString>,
    refused: &'a dyn Fn(usize) -> Option<String>,
    limits: &'a Limits,
}

impl Runs<'_> {
    fn each(&self, done: impl FnMut(Run)) {
        run_all(self.lines, self.args, self.refused, self.limits, done);
    }
}

fn report_folder(command: &Command) -> PathBuf {
    match command {
        Command::Report { out, .. } => out.clone(),
        _ => PathBuf::from("."),
    }
}

/// This program's own arguments for one account: `--all-accounts` left out, an option that names a file names a
/// folder here (one file per account in it, e.g. `isar_wohnwerte.json`), the JSON form for the summary, and a
/// report's run saves its check and prints its overview row.
fn args_for(line: &accounts::AccountLine, kind: Kind, report_ext: &str) -> Vec<OsString> {
    let folders: &[(&str, &str)] = &[
        ("--out", report_ext),
        ("--new-since", "json"),
        ("--save", "json"),
    ];
    let mut out = Vec::new();
    let mut it = std::env::args_os().skip(1);
    while let Some(a) = it.next() {
        let text = a.to_string_lossy().into_owned();
        if text == "--all-accounts" {
            continue;
        }
        out.push(a);
        let Some((flag, ext)) = folders.iter().find(|(f, _)| text == *f) else {
            continue;
        };
        if let Some(dir) = it.next() {
            if *flag != "--new-since" {
                let _ = std::fs::create_dir_all(&dir);
            }
            let file = accounts::per_account(Path::new(&dir), &line.name, ext);
            out.push(file.into_os_string());
            if kind == Kind::Report && *flag == "--out" {
                let saved = accounts::per_account(Path::new(&dir), &line.name, "json");
                out.extend(["--save".into(), saved.into_os_string()]);
            }
        }
    }
    match kind {
        Kind::Report => out.push("--fleet-row".into()),
        _ if !out.iter().any(|a| a == "--json") => out.push("--json".into()),
        _ => {}
    }
    out
}

/// One line per account, in the file's order, each printed as soon as it and the ones before are done.
fn summary_lines(runs: &Runs, kind: Kind) -> Vec<i32> {
    println!("{} Konten / accounts:", runs.lines.len());
    let mut codes = Vec::with_capacity(runs.lines.len());
    runs.each(|r| {
        println!("  {}", output::account_line(kind.word(), &r));
        codes.push(r.code);
    });
    codes
}

/// `--json`: one array, each account's output copied from its run's file as it comes (never parsed into memory).
fn stream_json(runs: &Runs) -> Vec<i32> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let _ = write!(out, "[");
    let mut codes = Vec::with_capacity(runs.lines.len());
    runs.each(|r| {
        let sep = if codes.is_empty() { "\n" } else { ",\n" };
        let _ = write!(out, "{sep}");
        let _ = write_run_json(&mut out, &r);
        let _ = out.flush();
        codes.push(r.code);
    });
    let _ = writeln!(out, "\n]");
    codes
}

fn write_run_json(out: &mut impl Write, r: &Run) -> std::io::Result<()> {
    let failed = r.code != 0 && r.code != 10 && r.code != 3;
    let error = failed.then(|| output::first_error(r));
    let head = serde_json::json!({"account": r.name, "exit_code": r.code, "error": error});
    let head = head.to_string();
    // The object without its closing brace, then the result.
    write!(out, "{},\"result\":", &head[..head.len() - 1])?;
    if valid_json(&r.stdout) {
        std::io::copy(&mut std::fs::File::open(&r.stdout)?, out)?;
    } else {
        write!(out, "null")?;
    }
    write!(out, "}}")
}

/// Whether a run's file holds one JSON value (checked as it streams by).
fn valid_json(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    serde_json::from_reader::<_, serde::de::IgnoredAny>(BufReader::new(file)).is_ok()
}

/// `report --all-accounts`: each account's report, and the overview of all accounts, the ones that need someone
/// first.
fn fleet_report(runs: &Runs, folder: PathBuf) -> Vec<i32> {
    println!("{} Konten / accounts:", runs.lines.len());
    let mut codes = Vec::with_capacity(runs.lines.len());
    let mut rows = Vec::with_capacity(runs.lines.len());
    runs.each(|r| {
        println!("  {}", output::account_line("report", &r));
        rows.push(row_of(&r));
        codes.push(r.code);
    });
    audit::fleet::sort(&mut rows);
    let _ = std::fs::create_dir_all(&folder);
    let at = audit::journal::utc_label(&audit::journal::rfc3339_now());
    let time = |t: &str| audit::journal::utc_label(t);
    let html = folder.join("_uebersicht.html");
    let csv = folder.join("_uebersicht.csv");
    let written = std::fs::write(&html, audit::fleet::html(&rows, &at, &time))
        .and_then(|_| std::fs::write(&csv, audit::fleet::csv(&rows, &time)));
    if let Err(e) = written {
        eprintln!("Übersicht kann nicht gespeichert werden / cannot save the overview: {e}");
        codes.push(1);
    }
    let headline = audit::fleet::headline(&rows);
    println!("{} / {}", headline.de, headline.en);
    println!(
        "Übersicht / overview: {} · {}",
        html.display(),
        csv.display()
    );
    codes
}

/// The overview row an account's run printed, or one that says how it failed.
fn row_of(r: &Run) -> AccountRow {
    let printed = std::fs::read_to_string(&r.stdout).ok().and_then(|text| {
        text.lines()
            .rev()
            .find_map(|l| serde_json::from_str::<AccountRow>(l).ok())
    });
    match printed {
        Some(row) => row,
        None => {
            let kind = if r.timed_out {
                FailureKind::TimedOut
            } else if r.stderr.contains(&FailureKind::Repeated.said().de) {
                FailureKind::Repeated
            } else {
                FailureKind::Other
            };
            AccountRow::failed(&r.name, kind, &audit::journal::rfc3339_now())
        }
    }
}
