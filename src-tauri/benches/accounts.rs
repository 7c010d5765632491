//! Benchmark (not a timed test): the app holding 50 accounts. Fifty small sandboxes run in a child process (this
//! benchmark started again in sandbox mode, 20 ms latency per request); the app's state holds one account for each
//! (keychain in memory, settings as the app keeps them). Prints the time of one scheduled check through all fifty,
//! the time to list and search them, the size of the settings file, and this process's peak resident memory.
//! Run with `cargo bench -p agent-check --bench accounts`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agent_check_lib::secrets::{slot, MemoryStore, SecretStore, StoredCredentials};
use agent_check_lib::settings::AppSettings;
use agent_check_lib::state::{AppConfig, AppState};

const ACCOUNTS: usize = 50;
const LATENCY_MS: u64 = 20;
const SANDBOX_MODE: &str = "ACCOUNTS_BENCH_SANDBOXES";

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn serve_sandboxes() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut all = Vec::new();
        for i in 0..ACCOUNTS {
            let sandbox = onoffice_sandbox::Sandbox::start(onoffice_sandbox::SandboxConfig {
                generate: onoffice_sandbox::GenConfig {
                    seed: 1000 + i as u64 * 5,
                    users: 6,
                    estates: 40,
                    makler_variant: None,
                    tenant: None,
                },
                knobs: onoffice_sandbox::Knobs {
                    latency: Duration::from_millis(LATENCY_MS),
                    ..Default::default()
                },
                ..Default::default()
            })
            .await
            .expect("sandbox starts");
            println!("{}", serde_json::to_string(&sandbox.connection).unwrap());
            all.push(sandbox);
        }
        std::future::pending::<()>().await;
    });
}

fn main() {
    if std::env::var(SANDBOX_MODE).is_ok() {
        return serve_sandboxes();
    }
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(SANDBOX_MODE, "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("sandboxes start");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let connections: Vec<serde_json::Value> = (0..ACCOUNTS)
        .map(|_| {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            serde_json::from_str(&line).unwrap()
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("agent-check-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Arc::new(MemoryStore::default());
    let settings = Arc::new(AppSettings::in_memory());
    // The mailbox check asks the first sandbox's DNS (the others' domains get a quick "unknown").
    let state = AppState::new(
        store.clone(),
        settings.clone(),
        AppConfig {
            data_dir: dir.clone(),
            dns: connections[0]["dns"].as_str().and_then(|d| d.parse().ok()),
            ..AppConfig::default()
        },
    );
    let before = rss_mib();
    for (i, c) in connections.iter().enumerate() {
        let s = |k: &str| c[k].as_str().unwrap().to_string();
        let credentials = StoredCredentials {
            token: s("token"),
            secret: onoffice::Secret::new(&s("secret")).unwrap(),
            api_url: s("url"),
        };
        let id = state.account_id(&credentials).unwrap();
        store.save(&slot(&id), &credentials).unwrap();
        settings.update(|d| {
            d.accounts.get_or_insert_with(Default::default).add(
                audit::accounts::AccountEntry::new(
                    &id,
                    &credentials.api_url,
                    &format!("Konto {i:02}"),
                ),
            );
        });
    }
    settings.update(|d| d.watch.schedule.enabled = true);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "accounts benchmark: {ACCOUNTS} accounts, sandbox latency {LATENCY_MS} ms per request"
    );
    for run in ["first (baselines)", "second (compared)"] {
        let started = Instant::now();
        let ran = runtime.block_on(agent_check_lib::watch::scheduled_check(
            &state,
            agent_check_lib::watch::local_now(),
        ));
        let failed = matches!(ran, agent_check_lib::watch::Ran::Failed { .. });
        println!(
            "scheduled check, {run}: {:.2} s for {ACCOUNTS} accounts ({:.0} ms each){}",
            started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64() * 1000.0 / ACCOUNTS as f64,
            if failed { ", FAILED" } else { "" }
        );
    }
    let named = settings
        .get()
        .accounts()
        .list
        .iter()
        .filter(|a| !a.name.starts_with("Konto "))
        .count();
    let started = Instant::now();
    let mut found = 0;
    for _ in 0..1000 {
        found = settings.get().accounts().search("immo").len();
    }
    println!(
        "list and search: {:.3} ms per search over {ACCOUNTS} accounts ({found} match \"immo\"); {named} named by the company found",
        // 1000 searches: the seconds they took are the milliseconds of one.
        started.elapsed().as_secs_f64()
    );
    let file = serde_json::to_string(&serde_json::json!({"settings": settings.get()})).unwrap();
    println!("settings file: {} KiB", file.len() / 1024);
    println!(
        "memory: {} MiB resident before the accounts, {} MiB now, peak {} MiB (the sandboxes run in their own process)",
        before.map_or("n/a".into(), |m| format!("{m:.1}")),
        rss_mib().map_or("n/a".into(), |m| format!("{m:.1}")),
        peak_rss_mib().map_or("n/a".into(), |m| format!("{m:.1}")),
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(dir);
}
