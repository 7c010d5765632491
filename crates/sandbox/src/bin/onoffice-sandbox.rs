//! `onoffice-sandbox`: starts the simulated onOffice API (and its DNS server) on loopback and prints how to reach it
//! as one JSON line: `{"url", "token", "secret", "dns"}`. Stops with Ctrl-C.

use std::time::Duration;

use clap::Parser;
use onoffice_sandbox::{GenConfig, Knobs, Sandbox, SandboxConfig};

#[derive(Parser)]
#[command(
    name = "onoffice-sandbox",
    version,
    about = "Simulierte onOffice-API auf diesem PC, mit eingebauten Befunden / a simulated onOffice API on this PC, with planted findings",
    after_help = "Gibt eine JSON-Zeile mit url, token, secret und dns aus / prints one JSON line with url, token, secret and dns.\n\
                  Beispiel / example: onoffice-sandbox --port 8089 --seed 1 --users 20 --estates 200"
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
    let config = SandboxConfig {
        port: args.port,
        dns_port: args.dns_port,
        generate: GenConfig {
            seed: args.seed,
            users: args.users,
            estates: args.estates,
            makler_variant: None,
        },
        knobs: Knobs {
            latency: Duration::from_millis(args.latency_ms),
            fault_rate: args.fault_rate,
            max_actions: args.max_actions,
            stall: Duration::from_millis(args.stall_ms),
            second_writer_rate: args.second_writer_rate,
            ..Knobs::default()
        },
        without_user_read_right: args.no_user_right,
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async move {
        let sandbox = match Sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Sandbox kann nicht starten / cannot start the sandbox: {e}");
                std::process::exit(1);
            }
        };
        println!(
            "{}",
            serde_json::to_string(&sandbox.connection).expect("serializable")
        );
        let _ = tokio::signal::ctrl_c().await;
        drop(sandbox);
    });
}
