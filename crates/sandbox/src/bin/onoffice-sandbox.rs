//! `onoffice-sandbox`: starts the simulated onOffice API and prints how to reach it as one JSON line.

use std::time::Duration;

use onoffice_sandbox::{GenConfig, Knobs, Sandbox, SandboxConfig};

const USAGE: &str = "onoffice-sandbox [--port N] [--dns-port N] [--seed N] [--users N] [--estates N] \
[--latency-ms N] [--fault-rate F] [--max-actions N] [--stall-ms N] [--second-writer-rate F] [--no-user-right]";

fn main() {
    let mut cfg = SandboxConfig {
        generate: GenConfig::default(),
        knobs: Knobs::default(),
        ..SandboxConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            return;
        }
        if flag == "--no-user-right" {
            cfg.without_user_read_right = true;
            continue;
        }
        let Some(value) = args.next() else {
            eprintln!("{flag} needs a value\n{USAGE}");
            std::process::exit(2);
        };
        let bad = |what: &str| -> ! {
            eprintln!("{flag}: {value:?} is not {what}\n{USAGE}");
            std::process::exit(2);
        };
        match flag.as_str() {
            "--port" => cfg.port = value.parse().unwrap_or_else(|_| bad("a port")),
            "--dns-port" => cfg.dns_port = value.parse().unwrap_or_else(|_| bad("a port")),
            "--seed" => cfg.generate.seed = value.parse().unwrap_or_else(|_| bad("a number")),
            "--users" => cfg.generate.users = value.parse().unwrap_or_else(|_| bad("a number")),
            "--estates" => cfg.generate.estates = value.parse().unwrap_or_else(|_| bad("a number")),
            "--latency-ms" => {
                cfg.knobs.latency =
                    Duration::from_millis(value.parse().unwrap_or_else(|_| bad("a number")))
            }
            "--stall-ms" => {
                cfg.knobs.stall =
                    Duration::from_millis(value.parse().unwrap_or_else(|_| bad("a number")))
            }
            "--fault-rate" => {
                cfg.knobs.fault_rate = value.parse().unwrap_or_else(|_| bad("a fraction"))
            }
            "--max-actions" => {
                cfg.knobs.max_actions = value.parse().unwrap_or_else(|_| bad("a number"))
            }
            "--second-writer-rate" => {
                cfg.knobs.second_writer_rate = value.parse().unwrap_or_else(|_| bad("a fraction"))
            }
            _ => {
                eprintln!("unknown option {flag}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async move {
        let sandbox = match Sandbox::start(cfg).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot start the sandbox: {e}");
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
