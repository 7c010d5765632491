//! Benchmark (not a timed test): the audit against a sandbox in its own process with 150 ms latency per request,
//! at 20 users / 200 listings and at 250 users / 20,000 listings. Prints wall time, HTTP requests, actions and the
//! audit process's peak memory beside the lower bound (sequential round trips the data dependencies force × latency).
//! Run with `cargo bench -p audit`.

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

/// Set on the child process: serve the sandbox for "USERS,ESTATES" and print its connection as one JSON line.
const SANDBOX_MODE: &str = "AUDIT_BENCH_SANDBOX";

fn serve_sandbox(spec: &str) {
    let (users, estates) = spec.split_once(',').expect("USERS,ESTATES");
    let config = onoffice_sandbox::SandboxConfig {
        generate: onoffice_sandbox::GenConfig {
            seed: 11,
            users: users.parse().expect("users"),
            estates: estates.parse().expect("estates"),
            ..Default::default()
        },
        knobs: onoffice_sandbox::Knobs {
            latency: Duration::from_millis(LATENCY_MS),
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
    let mut undo_line = None::<String>;
    for (users, estates) in [(20usize, 200usize), (250, 20_000)] {
        // The sandbox runs in its own process (this benchmark started again in sandbox mode), so the peak memory
        // below is the audit's alone.
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .env(SANDBOX_MODE, format!("{users},{estates}"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("sandbox starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
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
        // Best of three runs; the first also warms up connections.
        let mut best = None::<audit::AuditReport>;
        for _ in 0..3 {
            let report = runtime
                .block_on(auditor.audit(&ProgressSink::default()))
                .expect("audit runs");
            if best
                .as_ref()
                .is_none_or(|b| report.stats.elapsed_ms < b.stats.elapsed_ms)
            {
                best = Some(report);
            }
        }
        let report = best.unwrap();
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
        if users == 250 {
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
    for line in [fix_line, undo_line].into_iter().flatten() {
        println!("{line}");
    }
}
