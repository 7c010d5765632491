//! Benchmark (not a timed test): support's morning run over 200 agencies of mixed sizes (the sandbox's fleet, one
//! in-process server at 150 ms per request, its planted failures and the hanging account included), once one account
//! after the other (`--jobs 1`) and once with the defaults. Prints accounts per minute, wall time against its bound
//! (the slowest account's own audit, and all requests divided by the cap, times the latency), requests, and the peak
//! memory of the largest `oo-check` process; the fleet's start time too. Then the largest single account: 2,000
//! users and 100,000 listings (no latency), the sandbox's start and the peak memory of `oo-check audit --json` and
//! of the text form. Run with `cargo bench -p oo-check`.

use std::process::Command;
use std::time::{Duration, Instant};

use onoffice_sandbox::{Fleet, FleetConfig, GenConfig, Knobs, Sandbox, SandboxConfig};

const LATENCY_MS: u64 = 150;
const ACCOUNTS: usize = 200;

/// Peak resident memory (VmHWM, MiB) of the `oo-check` processes seen while `running` holds: (the summing run,
/// the largest account run). Sampled from /proc every 20 ms (Linux), so a process's last milliseconds may be missed.
fn sample_peaks(running: &std::sync::atomic::AtomicBool) -> (f64, f64) {
    let me = env!("CARGO_BIN_EXE_oo-check");
    let (mut parent, mut account) = (0.0f64, 0.0f64);
    while running.load(std::sync::atomic::Ordering::SeqCst) {
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let dir = entry.path();
            let Ok(cmd) = std::fs::read(dir.join("cmdline")) else {
                continue;
            };
            let cmd = String::from_utf8_lossy(&cmd);
            if !cmd.starts_with(me) {
                continue;
            }
            let hwm = std::fs::read_to_string(dir.join("status"))
                .ok()
                .and_then(|s| {
                    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
                    line.split_whitespace().nth(1)?.parse::<f64>().ok()
                })
                .unwrap_or(0.0)
                / 1024.0;
            if cmd.contains("--all-accounts") {
                parent = parent.max(hwm);
            } else {
                account = account.max(hwm);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (parent, account)
}

/// Runs `f` while the /proc sampler watches the `oo-check` processes; its result and their peaks.
fn with_peaks<T>(f: impl FnOnce() -> T) -> (T, (f64, f64)) {
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let running = running.clone();
        std::thread::spawn(move || sample_peaks(&running))
    };
    let out = f();
    running.store(false, std::sync::atomic::Ordering::SeqCst);
    (out, sampler.join().unwrap_or((f64::NAN, f64::NAN)))
}

struct Figures {
    wall: Duration,
    /// Peak MiB of the run summing up, and of the largest account's run.
    peaks: (f64, f64),
    slowest_ms: u64,
    /// All accounts' own audits added up: what one after the other cannot beat.
    sum_ms: u64,
    requests: u64,
    failed: usize,
}

/// One `audit --all-accounts --json` run; the per-account figures come from its own output.
fn run(dir: &std::path::Path, fleet: &Fleet, extra: &[&str]) -> Figures {
    let dns = fleet.dns_addr.to_string();
    let started = Instant::now();
    let (out, peaks) = with_peaks(|| {
        Command::new(env!("CARGO_BIN_EXE_oo-check"))
            .args([
                "audit",
                "--all-accounts",
                "--json",
                "--accounts",
                "konten.json",
                "--dns",
                &dns,
            ])
            .args(["--timeout", "5"])
            .args(extra)
            .current_dir(dir)
            .envs(fleet.env())
            .env_remove("ONOFFICE_TOKEN")
            .env_remove("ONOFFICE_SECRET")
            .output()
            .expect("oo-check runs")
    });
    let wall = started.elapsed();
    let runs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert_eq!(runs.len(), ACCOUNTS);
    let stat = |r: &serde_json::Value, k: &str| r["result"]["stats"][k].as_u64();
    Figures {
        wall,
        peaks,
        slowest_ms: runs
            .iter()
            .filter_map(|r| stat(r, "elapsed_ms"))
            .max()
            .unwrap_or(0),
        sum_ms: runs.iter().filter_map(|r| stat(r, "elapsed_ms")).sum(),
        requests: runs.iter().filter_map(|r| stat(r, "requests")).sum(),
        failed: runs
            .iter()
            .filter(|r| r["result"]["stats"].is_null())
            .count(),
    }
}

fn print(what: &str, f: &Figures, cap: usize) {
    let by_cap = Duration::from_millis(f.requests * LATENCY_MS / cap as u64);
    let bound = by_cap.max(Duration::from_millis(f.slowest_ms));
    println!(
        "{what}: {:.1} s wall, {:.0} accounts/min; bound {:.1} s (slowest account's own audit {:.1} s, {} requests / cap {cap} × {LATENCY_MS} ms = {:.1} s); {} accounts failed as planted",
        f.wall.as_secs_f64(),
        ACCOUNTS as f64 / f.wall.as_secs_f64() * 60.0,
        bound.as_secs_f64(),
        f.slowest_ms as f64 / 1000.0,
        f.requests,
        by_cap.as_secs_f64(),
        f.failed,
    );
    println!(
        "  the accounts' own audits add up to {:.1} s",
        f.sum_ms as f64 / 1000.0
    );
    println!(
        "  peak memory: the run summing up {:.0} MiB, the largest account's run {:.0} MiB",
        f.peaks.0, f.peaks.1
    );
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("tokio");
    let started = Instant::now();
    let fleet = rt
        .block_on(Fleet::start(FleetConfig {
            accounts: ACCOUNTS,
            seed: 7,
            knobs: Knobs {
                latency: Duration::from_millis(LATENCY_MS),
                ..Knobs::default()
            },
            ..FleetConfig::default()
        }))
        .expect("the fleet starts");
    let listings: usize = fleet.tenants.iter().map(|t| t.plan.estates).sum();
    println!(
        "fleet of {ACCOUNTS} agencies ({listings} listings in all) started in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let dir = std::env::temp_dir().join(format!("oo-check-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("konten.json"), fleet.accounts_file().to_string())
        .expect("accounts file");
    let _guard = rt.enter();

    let parallel = run(&dir, &fleet, &[]);
    let defaults = (4, 8);
    print(
        &format!("--jobs {} (default, cap {})", defaults.0, defaults.1),
        &parallel,
        defaults.1,
    );
    let sequential = run(&dir, &fleet, &["--jobs", "1", "--max-requests", "4"]);
    print(
        "--jobs 1 (one account after the other, 4 in flight)",
        &sequential,
        4,
    );
    println!(
        "  parallel took {:.0} % of sequential",
        parallel.wall.as_secs_f64() / sequential.wall.as_secs_f64() * 100.0
    );
    drop(fleet);
    largest_account(&rt, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// 2,000 users and 100,000 listings: the sandbox's start, and `oo-check audit`'s peak memory in both forms.
fn largest_account(rt: &tokio::runtime::Runtime, dir: &std::path::Path) {
    let started = Instant::now();
    let sb = rt
        .block_on(Sandbox::start(SandboxConfig {
            generate: GenConfig {
                seed: 10,
                users: 2000,
                estates: 100_000,
                ..GenConfig::default()
            },
            ..SandboxConfig::default()
        }))
        .expect("the sandbox starts");
    println!(
        "largest account (2,000 users / 100,000 listings): sandbox started in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for form in [&["--json"][..], &[][..]] {
        let started = Instant::now();
        let (out, (_, peak)) = with_peaks(|| {
            Command::new(env!("CARGO_BIN_EXE_oo-check"))
                .arg("audit")
                .args(form)
                .args([
                    "--url",
                    &sb.connection.url,
                    "--dns",
                    &sb.dns_addr.to_string(),
                ])
                .current_dir(dir)
                .env("ONOFFICE_TOKEN", &sb.connection.token)
                .env("ONOFFICE_SECRET", &sb.connection.secret)
                .output()
                .expect("oo-check runs")
        });
        println!(
            "  oo-check audit {}: {:.1} s, {} KiB of output, peak {peak:.0} MiB (target 150)",
            if form.is_empty() { "(text)" } else { "--json" },
            started.elapsed().as_secs_f64(),
            out.stdout.len() / 1024,
        );
    }
}
