//! `oo-check`: the audit engine on the command line, for support staff and benchmarks.
//! It never prints the API secret; prefer ONOFFICE_TOKEN / ONOFFICE_SECRET over flags to keep them out of history.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use audit::{
    Auditor, FindingKind, Journal, MailboxClassifier, MemorySettings, Outcome, PlanChoices,
    ProgressSink, Settings,
};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Knobs, Sandbox, SandboxConfig};

const USAGE: &str = "\
oo-check – prüft onOffice für den Vermietungsagenten / checks onOffice for the rental agent

  oo-check audit  (--url URL --token T --secret S [--dns HOST:PORT] | --demo [--seed N --users N --estates N]) [--json] [--makler-key KEY]
  oo-check fix    (… same connection options …) [--kind KIND]... [--yes] [--journal FILE]
  oo-check undo   (… same connection options …) [--all] [--journal FILE]   (the newest change, or --all of them)
  oo-check diagnose (… same connection options …) [--out FILE]   (compatibility check; FILE for support)
  oo-check serve-sandbox [--port N] [--seed N] [--users N] [--estates N] [--latency-ms N] [--fault-rate F] [--max-actions N]

Token and secret may come from ONOFFICE_TOKEN and ONOFFICE_SECRET instead of the flags.
--demo starts the built-in sandbox account in-process. The journal defaults to ./oo-check-journal.jsonl.";

#[derive(Default)]
struct Args {
    command: String,
    url: Option<String>,
    token: Option<String>,
    secret: Option<String>,
    dns: Option<SocketAddr>,
    demo: bool,
    json: bool,
    yes: bool,
    all: bool,
    makler_key: Option<String>,
    kinds: Vec<FindingKind>,
    journal: Option<PathBuf>,
    out: Option<PathBuf>,
    sandbox: SandboxConfig,
}

fn usage_error(msg: &str) -> ! {
    eprintln!("{msg}\n\n{USAGE}");
    std::process::exit(2);
}

fn parse_args() -> Args {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        command: it.next().unwrap_or_default(),
        ..Args::default()
    };
    if a.command.is_empty() || a.command == "--help" || a.command == "-h" {
        println!("{USAGE}");
        std::process::exit(0);
    }
    a.sandbox.generate = GenConfig::default();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next().unwrap_or_else(|| {
                usage_error(&format!("{flag} braucht einen Wert / needs a value"))
            })
        };
        let num = |v: String| -> u64 {
            v.parse()
                .unwrap_or_else(|_| usage_error(&format!("{v:?} ist keine Zahl / is not a number")))
        };
        match flag.as_str() {
            "--url" => a.url = Some(value()),
            "--token" => a.token = Some(value()),
            "--secret" => a.secret = Some(value()),
            "--dns" => {
                a.dns = Some(
                    value()
                        .parse()
                        .unwrap_or_else(|_| usage_error("--dns: HOST:PORT, e.g. 127.0.0.1:5353")),
                )
            }
            "--demo" => a.demo = true,
            "--json" => a.json = true,
            "--yes" => a.yes = true,
            "--all" => a.all = true,
            "--makler-key" => a.makler_key = Some(value()),
            "--kind" => {
                let v = value();
                a.kinds.push(
                    FindingKind::from_id(&v)
                        .unwrap_or_else(|| usage_error(&format!("unknown kind {v}"))),
                );
            }
            "--journal" => a.journal = Some(PathBuf::from(value())),
            "--out" => a.out = Some(PathBuf::from(value())),
            "--port" => a.sandbox.port = num(value()) as u16,
            "--seed" => a.sandbox.generate.seed = num(value()),
            "--users" => a.sandbox.generate.users = num(value()) as usize,
            "--estates" => a.sandbox.generate.estates = num(value()) as usize,
            "--latency-ms" => a.sandbox.knobs.latency = Duration::from_millis(num(value())),
            "--max-actions" => a.sandbox.knobs.max_actions = num(value()) as usize,
            "--fault-rate" => {
                a.sandbox.knobs.fault_rate = value()
                    .parse()
                    .unwrap_or_else(|_| usage_error("--fault-rate: 0.0 … 1.0"))
            }
            other => usage_error(&format!("unbekannte Option / unknown option {other}")),
        }
    }
    a
}

fn fail(e: &onoffice::Error) -> ! {
    eprintln!("Fehler: {}\nError: {}", e.message_de(), e.message_en());
    std::process::exit(1);
}

/// Connects to the account the flags name (or the demo) and returns the auditor and the sandbox it may own.
async fn connect(a: &Args) -> (Auditor, Option<Sandbox>) {
    let settings: Arc<dyn Settings> = Arc::new(MemorySettings::default());
    settings.set_makler_key(a.makler_key.clone());
    let (url, token, secret, dns, sandbox) = if a.demo {
        let sb = Sandbox::start(a.sandbox.clone()).await.unwrap_or_else(|e| {
            eprintln!("Demo kann nicht starten / demo cannot start: {e}");
            std::process::exit(1)
        });
        let c = sb.connection.clone();
        (c.url, c.token, c.secret, Some(sb.dns_addr), Some(sb))
    } else {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let token = a
            .token
            .clone()
            .or_else(|| env("ONOFFICE_TOKEN"))
            .unwrap_or_else(|| usage_error("--token oder/or ONOFFICE_TOKEN fehlt / missing"));
        let secret = a
            .secret
            .clone()
            .or_else(|| env("ONOFFICE_SECRET"))
            .unwrap_or_else(|| usage_error("--secret oder/or ONOFFICE_SECRET fehlt / missing"));
        let url = a
            .url
            .clone()
            .unwrap_or_else(|| onoffice::DEFAULT_BASE_URL.to_string());
        (url, token, secret, a.dns, None)
    };
    // One journal file may hold several accounts; every entry names its account and undo refuses the others'.
    let default_journal = if a.demo {
        "oo-check-demo-journal.jsonl"
    } else {
        "oo-check-journal.jsonl"
    };
    let journal_path = a
        .journal
        .clone()
        .unwrap_or_else(|| PathBuf::from(default_journal));
    // The demo's address changes with its port; its account is the generated one.
    let account = if a.demo {
        let g = &a.sandbox.generate;
        format!("demo-{}-{}-{}", g.seed, g.users, g.estates)
    } else {
        audit::journal::account_id(&url, &token)
    };
    let journal = match Journal::open(&journal_path, &account) {
        Ok(j) => Arc::new(j),
        Err(e) => {
            eprintln!("Journal kann nicht geöffnet werden / cannot open the journal: {e}");
            std::process::exit(1);
        }
    };
    for w in journal.warnings() {
        eprintln!("Hinweis: {}", w.de);
    }
    let credentials = Credentials::new(&token, &secret).unwrap_or_else(|e| fail(&e));
    let client = Client::builder(credentials)
        .base_url(&url)
        .build()
        .unwrap_or_else(|e| fail(&e));
    let classifier = match dns {
        Some(addr) => MailboxClassifier::with_server(addr),
        None => MailboxClassifier::system(),
    };
    let auditor = Auditor::new(client, Arc::new(classifier), settings, journal);
    for line in auditor.reconcile().await {
        eprintln!("{}", line.de);
    }
    (auditor, sandbox)
}

fn progress(json: bool) -> ProgressSink {
    if json {
        ProgressSink::default()
    } else {
        ProgressSink::new(|p| eprintln!("[{}/{}] {}", p.step, p.of, p.label.de))
    }
}

fn print_report(report: &audit::AuditReport) {
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
    println!("Systembenutzer:");
    for row in &report.users {
        let light = match row.light {
            audit::Light::Green => "grün",
            audit::Light::Yellow => "gelb",
            audit::Light::Red => "rot ",
        };
        let problems: Vec<String> = row.findings.iter().map(|k| k.title().de).collect();
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
    for kind in FindingKind::ALL {
        let list: Vec<_> = report.findings_of(kind).collect();
        if list.is_empty() {
            continue;
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
    let not_checked: Vec<&audit::MailboxRow> = report
        .mailboxes
        .iter()
        .filter(|m| matches!(m.kind, audit::MailboxKind::CouldNotCheck { .. }))
        .collect();
    if !not_checked.is_empty() {
        println!(
            "Postfach-Art konnte nicht geprüft werden ({}), der DNS-Server hat nicht geantwortet. Bitte später erneut prüfen:",
            not_checked.len()
        );
        for m in not_checked {
            println!("  – {} ({})", m.email, m.names.join(", "));
        }
        println!();
    }
    let fixable = report
        .findings
        .iter()
        .filter(|f| f.kind.is_fixable())
        .count();
    if fixable > 0 {
        println!("{fixable} Punkte lassen sich mit „oo-check fix“ beheben.");
    }
}

fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Applied => "erledigt",
        Outcome::AlreadyDone => "war schon erledigt",
        Outcome::Conflict => "Konflikt",
        Outcome::Failed { .. } => "fehlgeschlagen",
        Outcome::Unknown => "unklar",
        Outcome::Skipped => "übersprungen",
    }
}

async fn run(a: Args) {
    match a.command.as_str() {
        "serve-sandbox" => {
            let sb = Sandbox::start(SandboxConfig {
                knobs: Knobs {
                    ..a.sandbox.knobs.clone()
                },
                ..a.sandbox.clone()
            })
            .await
            .unwrap_or_else(|e| {
                eprintln!("cannot start the sandbox: {e}");
                std::process::exit(1)
            });
            println!("{}", serde_json::to_string(&sb.connection).unwrap());
            let _ = std::io::stdout().flush();
            let _ = tokio::signal::ctrl_c().await;
        }
        "audit" => {
            let (auditor, _sandbox) = connect(&a).await;
            let report = auditor
                .audit(&progress(a.json))
                .await
                .unwrap_or_else(|e| fail(&e));
            if a.json {
                let out = serde_json::json!({
                    "findings": report.findings, "stats": report.stats, "makler": report.makler,
                    "complete": report.complete, "assumptions": report.assumptions,
                    "mailboxes": report.mailboxes,
                });
                println!("{}", serde_json::to_string_pretty(&out).unwrap());
            } else {
                print_report(&report);
            }
        }
        "fix" => {
            let (auditor, _sandbox) = connect(&a).await;
            let report = auditor
                .audit(&progress(false))
                .await
                .unwrap_or_else(|e| fail(&e));
            let kinds: BTreeSet<FindingKind> = a.kinds.iter().copied().collect();
            let plan = auditor.plan(
                &report,
                |f| kinds.is_empty() || kinds.contains(&f.kind),
                &PlanChoices::default(),
            );
            if plan.items.is_empty() {
                println!("Nichts zu beheben. / Nothing to fix.");
            }
            println!("Geplante Änderungen ({}):", plan.items.len());
            for item in &plan.items {
                println!(
                    "  {:>3}. {} – {}",
                    item.id + 1,
                    item.label,
                    item.description.de
                );
            }
            for n in &plan.needs_input {
                println!("  offen: {} – {}", n.label, n.reason.de);
            }
            if plan.items.is_empty() {
                return;
            }
            if !a.yes {
                print!("Jetzt in onOffice ändern? [j/N] ");
                let _ = std::io::stdout().flush();
                let mut answer = String::new();
                let _ = std::io::stdin().lock().read_line(&mut answer);
                if !matches!(
                    answer.trim().to_lowercase().as_str(),
                    "j" | "ja" | "y" | "yes"
                ) {
                    println!("Abgebrochen, nichts geändert. / Cancelled, nothing changed.");
                    return;
                }
            }
            let all: BTreeSet<usize> = plan.items.iter().map(|i| i.id).collect();
            let results = auditor
                .apply_with(&report, &plan, &all, &progress(false), None)
                .await;
            for r in &results {
                println!(
                    "  {:>3}. {} – {}: {}",
                    r.id + 1,
                    r.label,
                    outcome_word(&r.outcome),
                    r.message.de
                );
            }
            let after = auditor
                .audit(&ProgressSink::default())
                .await
                .unwrap_or_else(|e| fail(&e));
            let fixable =
                |r: &audit::AuditReport| r.findings.iter().filter(|f| f.kind.is_fixable()).count();
            println!(
                "\nNach den Änderungen: {} Punkte für die App (vorher {}), {} Schritte in onOffice (z. B. Objekte neu übertragen).",
                fixable(&after),
                fixable(&report),
                after.findings.len() - fixable(&after)
            );
        }
        "diagnose" => {
            let (auditor, _sandbox) = connect(&a).await;
            let d = auditor.diagnose().await;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&d).unwrap());
            } else {
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
            if let Some(path) = &a.out {
                let text = serde_json::to_string_pretty(&d).unwrap();
                if let Err(e) = std::fs::write(path, text) {
                    eprintln!(
                        "Diagnose kann nicht gespeichert werden / cannot save the diagnosis: {e}"
                    );
                    std::process::exit(1);
                }
                eprintln!("Diagnose gespeichert: {}", path.display());
            }
            if !d.all_hold() {
                std::process::exit(3);
            }
        }
        "undo" if a.all => {
            let (auditor, _sandbox) = connect(&a).await;
            let results = auditor.undo_all(&progress(a.json)).await;
            if results.is_empty() {
                println!(
                    "Im Journal ist nichts rückgängig zu machen. / Nothing to undo in the journal."
                );
            }
            for r in &results {
                println!(
                    "{} – {}: {}",
                    r.label,
                    outcome_word(&r.outcome),
                    r.message.de
                );
            }
        }
        "undo" => {
            let (auditor, _sandbox) = connect(&a).await;
            match auditor.undo_last().await {
                None => println!(
                    "Im Journal ist nichts rückgängig zu machen. / Nothing to undo in the journal."
                ),
                Some(r) => println!(
                    "{} – {}: {}",
                    r.label,
                    outcome_word(&r.outcome),
                    r.message.de
                ),
            }
        }
        other => usage_error(&format!("unbekannter Befehl / unknown command {other}")),
    }
}

fn main() {
    let args = parse_args();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(run(args));
}
