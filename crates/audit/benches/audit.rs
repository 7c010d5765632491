//! Benchmark (not a timed test): the audit against a sandbox in its own process with 150 ms latency per request,
//! at 20 users / 200 listings and at 250 users / 20,000 listings. Prints wall time, HTTP requests, actions and the
//! audit process's peak memory beside the lower bound (sequential round trips the data dependencies force × latency).
//! For the large account it also runs the same audit against a sandbox without latency: the difference over the
//! latency is the round trips the audit waited for (compare with the bound). Each sandbox's start time (generating
//! the account until its first line) is printed too. Run with `cargo bench -p audit`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use audit::{Auditor, Journal, MailboxClassifier, MemorySettings, ProgressSink};
use onoffice::{Client, Credentials};

const LATENCY_MS: u64 = 150;

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU seconds this process has used so far (user and system, Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Set on the child process: serve the sandbox for "USERS,ESTATES,LATENCY_MS" and print its connection as one JSON
/// line.
const SANDBOX_MODE: &str = "AUDIT_BENCH_SANDBOX";

/// The benchmark's agency: a standard Makler value and a rental agent that answers (so the Maklerbuch holds replies).
const SEED: u64 = 10;

fn serve_sandbox(spec: &str) {
    let parts: Vec<u64> = spec
        .split(',')
        .map(|p| p.parse().expect("number"))
        .collect();
    let [users, estates, latency] = parts[..] else {
        panic!("USERS,ESTATES,LATENCY_MS");
    };
    let config = onoffice_sandbox::SandboxConfig {
        generate: onoffice_sandbox::GenConfig {
            seed: SEED,
            users: users as usize,
            estates: estates as usize,
            ..Default::default()
        },
        knobs: onoffice_sandbox::Knobs {
            latency: Duration::from_millis(latency),
            max_actions: 100,
            ..Default::default()
        },
        ..Default::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sandbox = onoffice_sandbox::Sandbox::start(config)
            .await
            .expect("sandbox starts");
        println!("{}", serde_json::to_string(&sandbox.connection).unwrap());
        // Serves until the benchmark kills it.
        std::future::pending::<()>().await;
    });
}

/// A sandbox in its own process: the child, an auditor on it, and how long it took to start (seconds).
fn sandbox(users: usize, estates: usize, latency: u64) -> (std::process::Child, Auditor, f64) {
    let started = std::time::Instant::now();
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(SANDBOX_MODE, format!("{users},{estates},{latency}"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start = started.elapsed().as_secs_f64();
    let conn: serde_json::Value = serde_json::from_str(&line).unwrap();
    let s = |k: &str| conn[k].as_str().unwrap().to_string();
    let client = Client::builder(Credentials::new(&s("token"), &s("secret")).unwrap())
        .base_url(&s("url"))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let auditor = Auditor::new(
        client,
        Arc::new(MailboxClassifier::with_server(s("dns").parse().unwrap())),
        Arc::new(MemorySettings::default()),
        Arc::new(Journal::in_memory()),
    );
    (child, auditor, start)
}

/// The best of three audits (the first also warms up connections).
fn best_audit(runtime: &tokio::runtime::Runtime, auditor: &Auditor) -> audit::AuditReport {
    let mut best = None::<audit::AuditReport>;
    for _ in 0..3 {
        let report = runtime
            .block_on(auditor.audit(&ProgressSink::default()))
            .expect("audit runs");
        eprintln!(
            "  run: {:.3} s, {} requests, {} actions",
            report.stats.elapsed_ms as f64 / 1000.0,
            report.stats.requests,
            report.stats.actions
        );
        if best
            .as_ref()
            .is_none_or(|b| report.stats.elapsed_ms < b.stats.elapsed_ms)
        {
            best = Some(report);
        }
    }
    best.unwrap()
}

fn main() {
    if let Ok(spec) = std::env::var(SANDBOX_MODE) {
        return serve_sandbox(&spec);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!("audit benchmark, sandbox latency {LATENCY_MS} ms per request");
    println!(
        "{:<22} {:>9} {:>9} {:>8} {:>8} {:>12} {:>10} {:>11}",
        "account", "wall s", "bound s", "target s", "requests", "actions", "rentals", "peak MiB"
    );
    let mut fix_line = None::<String>;
    let mut extra: Vec<String> = Vec::new();
    let mut undo_line = None::<String>;
    for (users, estates) in [(20usize, 200usize), (250, 20_000)] {
        // The sandbox runs in its own process (this benchmark started again in sandbox mode), so the peak memory
        // below is the audit's alone.
        let (mut child, auditor, start) = sandbox(users, estates, LATENCY_MS);
        let report = best_audit(&runtime, &auditor);
        let waited = (users == 250).then(|| {
            let (mut fast, fast_auditor, _) = sandbox(users, estates, 0);
            let cpu0 = cpu_seconds().unwrap_or_default();
            let at_zero = best_audit(&runtime, &fast_auditor);
            let client_cpu = (cpu_seconds().unwrap_or_default() - cpu0) / 3.0;
            let t = std::time::Instant::now();
            let _ = fast_auditor.evaluate(at_zero.snapshot.clone());
            eprintln!(
                "  evaluate alone (no I/O): {:.3} s",
                t.elapsed().as_secs_f64()
            );
            let t = std::time::Instant::now();
            let _ = at_zero.snapshot.answers();
            eprintln!("  answers alone: {:.3} s", t.elapsed().as_secs_f64());
            let _ = fast.kill();
            let _ = fast.wait();
            let diff = report.stats.elapsed_ms as f64 - at_zero.stats.elapsed_ms as f64;
            (
                diff / LATENCY_MS as f64,
                at_zero.stats.elapsed_ms as f64 / 1000.0,
                client_cpu,
            )
        });
        let answers = match &report.answers {
            audit::answers::AnswersSeen::Shown { rate } => {
                format!(
                    "answers shown: {} of {} answered",
                    rate.answered, rate.enquiries
                )
            }
            other => format!("answers: {other:?}"),
        };
        let mails: usize = report
            .snapshot
            .agents_log
            .as_ref()
            .map_or(0, |l| l.mails.values().map(Vec::len).sum());
        extra.push(format!(
            "{users} users / {estates}: sandbox start {start:.1} s; Maklerbuch e-mails read {mails}; {answers}{}",
            waited
                .map(|(r, wall, cpu)| format!(
                    "; round trips waited {r:.1} (same audit at 0 ms: {wall:.3} s, of it the client's CPU {cpu:.3} s a run)"
                ))
                .unwrap_or_default()
        ));
        // Round trips the data force: first pages; remaining pages (if any); contact persons; other contacts (if any).
        let page = 500;
        let pages_needed = report.stats.rentals > page
            || report.stats.system_addresses > page
            || report.stats.users > page;
        let others = !report.snapshot.other_contacts.is_empty();
        let rounds = 1 + pages_needed as u64 + 1 + others as u64;
        let bound = rounds as f64 * LATENCY_MS as f64 / 1000.0;
        let target = 5.0 * LATENCY_MS as f64 / 1000.0 + 0.3;
        println!(
            "{:<22} {:>9.3} {:>9.3} {:>8.3} {:>8} {:>12} {:>10} {:>11}",
            format!("{users} users / {estates}"),
            report.stats.elapsed_ms as f64 / 1000.0,
            bound,
            target,
            report.stats.requests,
            report.stats.actions,
            report.stats.rentals,
            peak_rss_mib()
                .map(|m| format!("{m:.1}"))
                .unwrap_or_else(|| "n/a".into()),
        );
        if users == 250 && std::env::var_os("AUDIT_BENCH_ONLY_AUDIT").is_none() {
            // "Fix all": every one-click fix of the large account through the write pipeline.
            let plan = auditor.plan(&report, |_| true, &audit::PlanChoices::default());
            let all: std::collections::BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
            let (r0, a0) = auditor.client.counters();
            let started = std::time::Instant::now();
            let results = runtime.block_on(auditor.apply(&report, &plan, &all));
            let wall = started.elapsed().as_secs_f64();
            let (r1, a1) = auditor.client.counters();
            let applied = results
                .iter()
                .filter(|r| matches!(r.outcome, audit::Outcome::Applied))
                .count();
            fix_line = Some(format!(
                "fix all (250 users / 20000): {} items ({} applied, {} need input), {wall:.3} s (target 15 s), {} requests, {} actions, peak {} MiB",
                plan.items.len(),
                applied,
                plan.needs_input.len(),
                r1 - r0,
                a1 - a0,
                peak_rss_mib()
                    .map(|m| format!("{m:.1}"))
                    .unwrap_or_else(|| "n/a".into()),
            ));
            // "Undo all": every applied change of that run, back through the same pipeline.
            let (r0, a0) = auditor.client.counters();
            let started = std::time::Instant::now();
            let undone = runtime.block_on(auditor.undo_all(&audit::ProgressSink::default()));
            let wall = started.elapsed().as_secs_f64();
            let (r1, a1) = auditor.client.counters();
            let ok = undone
                .iter()
                .filter(|r| matches!(r.outcome, audit::Outcome::Applied))
                .count();
            let mut tally = std::collections::BTreeMap::<String, usize>::new();
            for r in &undone {
                let word = match &r.outcome {
                    audit::Outcome::Failed { class, .. } => format!("failed ({class:?})"),
                    other => format!("{other:?}"),
                };
                *tally.entry(word).or_default() += 1;
            }
            undo_line = Some(format!(
                "undo all (250 users / 20000): {} entries ({} undone; {tally:?}), {wall:.3} s, {} requests, {} actions, peak {} MiB",
                undone.len(),
                ok,
                r1 - r0,
                a1 - a0,
                peak_rss_mib()
                    .map(|m| format!("{m:.1}"))
                    .unwrap_or_else(|| "n/a".into()),
            ));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    for line in extra
        .into_iter()
        .chain([fix_line, undo_line].into_iter().flatten())
    {
        println!("{line}");
    }
}
