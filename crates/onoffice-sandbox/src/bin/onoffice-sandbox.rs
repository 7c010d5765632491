//! `onoffice-sandbox`: starts the simulated onOffice API (and its DNS server) on loopback and prints how to reach it
//! as one JSON line: `{"url", "token", "secret", "dns"}`; with `--accounts N` many agencies on one address, and the
//! line adds `accounts_file` (written for `oo-check --accounts`) and `env` (each agency's token and secret
//! variables). Stops with Ctrl-C.

use std::time::Duration;

use clap::Parser;
use onoffice_sandbox::{Fleet, FleetConfig, GenConfig, Knobs, Sandbox, SandboxConfig};

#[derive(Parser)]
#[command(
    name = "onoffice-sandbox",
    version,
    about = "Simulierte onOffice-API auf diesem PC, mit eingebauten Befunden / a simulated onOffice API on this PC, with planted findings",
    after_help = "Gibt eine JSON-Zeile mit url, token, secret und dns aus / prints one JSON line with url, token, secret and dns.\n\
                  Mit --accounts N zusätzlich accounts_file (Kontendatei für oo-check) und env (Token und Secret je \
                  Agentur als Umgebungsvariablen); /_sandbox/planted nennt je Konto, was eingebaut ist / with \
                  --accounts N also accounts_file (an accounts file for oo-check) and env (each agency's token and \
                  secret as environment variables); /_sandbox/planted names per account what is planted.\n\
                  Beispiele / examples: onoffice-sandbox --port 8089 --seed 1 --users 20 --estates 200 · \
                  onoffice-sandbox --accounts 200 --latency-ms 150"
)]
struct Args {
    /// HTTP-Port auf 127.0.0.1 (0: ein freier) / HTTP port on 127.0.0.1 (0: a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// DNS-Port (UDP) für die Postfach-Prüfung (0: ein freier) / DNS port (UDP) for the mailbox check (0: a free one)
    #[arg(long, default_value_t = 0)]
    dns_port: u16,
    /// Startwert des erzeugten Kontos / seed of the generated account
    #[arg(long, default_value_t = GenConfig::default().seed)]
    seed: u64,
    /// Anzahl Benutzer / number of users
    #[arg(long, default_value_t = GenConfig::default().users)]
    users: usize,
    /// Anzahl Objekte / number of listings
    #[arg(long, default_value_t = GenConfig::default().estates)]
    estates: usize,
    /// Wartezeit je Anfrage in ms / latency per request in ms
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Anteil gestörter Anfragen (0.0–1.0) / share of requests that fail (0.0–1.0)
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = fraction)]
    fault_rate: f64,
    /// Höchstzahl Aktionen je Anfrage (mehr: Fehler 15) / most actions per request (more: error 15)
    #[arg(long, value_name = "N", default_value_t = Knobs::default().max_actions)]
    max_actions: usize,
    /// Wie lange eine hängende Anfrage hängt, in ms / how long a stalled request stalls, in ms
    #[arg(long, value_name = "MS", default_value_t = Knobs::default().stall.as_millis() as u64)]
    stall_ms: u64,
    /// Anteil gelesener Adressen, die ein Kollege gleich danach ändert / share of read addresses a colleague changes
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = fraction)]
    second_writer_rate: f64,
    /// Ohne das Recht „Benutzerdaten über API auslesen“ / without the right to read user data
    #[arg(long)]
    no_user_right: bool,
    /// Viele Agenturen unter einer Adresse, je Token ein Konto (--users und --estates gelten dann nicht)
    /// / many agencies on one address, one account per token (--users and --estates do not apply then)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=5000))]
    accounts: Option<u32>,
    /// Mit --accounts: keine eingebauten Störungen (widerrufener Token, fehlendes Recht, fehlende Zugangsdaten,
    /// hängendes Konto) / with --accounts: no planted failures (revoked token, missing right, missing credentials,
    /// a hanging account)
    #[arg(long, requires = "accounts")]
    no_failures: bool,
    /// Mit --accounts: wohin die Kontendatei geschrieben wird (sonst in den Temp-Ordner) / with --accounts: where
    /// the accounts file goes (otherwise into the temp folder)
    #[arg(long, value_name = "FILE", requires = "accounts")]
    accounts_file: Option<std::path::PathBuf>,
}

/// A share from 0.0 to 1.0.
fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!(
            "{s:?} ist kein Anteil von 0.0 bis 1.0 / is not a share from 0.0 to 1.0"
        )),
    }
}

fn main() {
    let args = Args::parse();
    let knobs = Knobs {
        latency: Duration::from_millis(args.latency_ms),
        fault_rate: args.fault_rate,
        max_actions: args.max_actions,
        stall: Duration::from_millis(args.stall_ms),
        second_writer_rate: args.second_writer_rate,
        ..Knobs::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| cannot_start(&e));
    runtime.block_on(async move {
        match args.accounts {
            Some(n) => serve_fleet(&args, n, knobs).await,
            None => serve_one(&args, knobs).await,
        }
    });
}

fn cannot_start(e: &dyn std::fmt::Display) -> ! {
    eprintln!("Sandbox kann nicht starten / cannot start the sandbox: {e}");
    std::process::exit(1);
}

async fn serve_one(args: &Args, knobs: Knobs) {
    let config = SandboxConfig {
        port: args.port,
        dns_port: args.dns_port,
        generate: GenConfig {
            seed: args.seed,
            users: args.users,
            estates: args.estates,
            ..GenConfig::default()
        },
        knobs,
        without_user_read_right: args.no_user_right,
    };
    let sandbox = Sandbox::start(config)
        .await
        .unwrap_or_else(|e| cannot_start(&e));
    let line = serde_json::to_string(&sandbox.connection).unwrap_or_else(|e| cannot_start(&e));
    println!("{line}");
    let _ = tokio::signal::ctrl_c().await;
    drop(sandbox);
}

async fn serve_fleet(args: &Args, accounts: u32, knobs: Knobs) {
    let config = FleetConfig {
        accounts: accounts as usize,
        seed: args.seed,
        knobs,
        failures: !args.no_failures,
        port: args.port,
        dns_port: args.dns_port,
    };
    let fleet = Fleet::start(config)
        .await
        .unwrap_or_else(|e| cannot_start(&e));
    let path = args.accounts_file.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "onoffice-sandbox-accounts-{}.json",
            fleet.http_addr.port()
        ))
    });
    let file = serde_json::to_string_pretty(&fleet.accounts_file()).unwrap_or_default();
    if let Err(e) = std::fs::write(&path, file) {
        cannot_start(&format!("{}: {e}", path.display()));
    }
    // The first agency's credentials stand where a single sandbox has its own, so scripts for one keep working.
    let first = fleet.tenants.first().and_then(|t| t.given.clone());
    let (token, secret) = first.unwrap_or_default();
    let line = serde_json::json!({
        "url": fleet.url, "token": token, "secret": secret, "dns": fleet.dns_addr.to_string(),
        "accounts_file": path, "env": fleet.env(),
    });
    println!("{line}");
    let _ = tokio::signal::ctrl_c().await;
    drop(fleet);
}
