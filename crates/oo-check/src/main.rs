//! `oo-check`: the audit engine on the command line, for support staff. Audit, fix, undo, diagnose and the same
//! reports the app writes, for one account or every account of support's accounts file (`accounts.rs`). It never
//! prints the API secret; token and secret are best given through ONOFFICE_TOKEN and ONOFFICE_SECRET (or per account
//! of the file, or the OS keychain) so they stay out of the shell history.

mod accounts;
mod all_accounts;
mod explain;
mod memory;
mod output;
mod runs;
mod saved;

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use audit::{
    Auditor, FindingKind, Journal, MailboxClassifier, MemorySettings, PlanChoices, ProgressSink,
    Settings,
};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Sandbox, SandboxConfig};

use output::{fail, outcome_word, print_report};
use saved::CheckOutput;

#[derive(Parser)]
#[command(
    name = "oo-check",
    version,
    about = "Prüft onOffice für den Vermietungsagenten / checks onOffice for the rental agent",
    after_help = "Zugang / access: ONOFFICE_TOKEN und ONOFFICE_SECRET als Umgebungsvariablen (bleiben aus der \
                  Shell-Historie), sonst --token und --secret / as environment variables (they stay out of the shell \
                  history), otherwise --token and --secret.\n\
                  Viele Konten / many accounts: --accounts KONTEN.json mit --account NAME oder --all-accounts \
                  (audit, diagnose, report, audit --new-since). Die Datei nennt nur Namen und API-Adressen: \
                  {\"accounts\": [{\"name\": \"Isar Wohnwerte\", \"api_url\": \"https://…\"}]}; Token und Secret je \
                  Konto aus ONOFFICE_TOKEN_<NAME> und ONOFFICE_SECRET_<NAME> (z. B. ONOFFICE_TOKEN_ISAR_WOHNWERTE) \
                  oder aus dem Schlüsselbund (oo-check store-credentials) / the file names only names and API \
                  addresses; token and secret per account from those variables or the OS keychain. With \
                  --all-accounts, --out, --new-since and --save name a folder (one file per account, e.g. \
                  isar_wohnwerte.json) and the summary has one line per account.\n\
                  Beispiele / examples: oo-check audit --demo · oo-check fix --help\n\n\
                  Exit-Codes / exit codes:\n  \
                  0  in Ordnung / fine (audit --new-since: nichts Neues / nothing new)\n  \
                  1  Fehler: Verbindung, Zugangsdaten, Rechte, Datei / error: connection, credentials, rights, file\n  \
                  2  Aufruf falsch (Option, Datei unlesbar) / wrong usage (an option, an unreadable file)\n  \
                  3  Prüfung unvollständig: eine Annahme über das Konto trifft nicht zu (diagnose, audit --new-since) \
                  / check incomplete: an assumption about the account fails\n  \
                  10 audit --new-since: Neues oder wieder Aufgetretenes gefunden / something new or regressed found\n\
                  Mit --all-accounts zählt das schlechteste Konto (1 vor 3 vor 10 vor 0) / with --all-accounts the \
                  worst account counts (1 before 3 before 10 before 0)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prüft das Konto und zeigt die Checkliste / audits the account and prints the checklist
    Audit {
        #[command(flatten)]
        account: Account,
        /// Ergebnis als JSON / the result as JSON
        #[arg(long)]
        json: bool,
        /// Nur, was seit dieser früheren Ausgabe von „audit --json“ neu oder wieder aufgetreten ist; Exit-Code 0:
        /// nichts, 10: etwas (für die Aufgabenplanung / launchd) / only what is new or back again since this earlier
        /// "audit --json" output; exit code 0: nothing, 10: something (for the task scheduler / launchd)
        #[arg(long, value_name = "PREVIOUS.json")]
        new_since: Option<PathBuf>,
        /// Schreibt die vollständige „audit --json“-Ausgabe dieser Prüfung in FILE, als PREVIOUS für das nächste Mal
        /// (darf dieselbe Datei sein; bei unvollständiger Prüfung bleibt sie unverändert) / writes this check's full
        /// "audit --json" output to FILE as the next PREVIOUS (may be the same file; left as it is after an
        /// incomplete check)
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
    },
    /// Behebt, was die API beheben kann, nach einer Vorschau / fixes what the API can fix, after a preview
    Fix {
        #[command(flatten)]
        account: Account,
        /// Nur diese Art von Befund (mehrfach möglich) / only this kind of finding (repeatable)
        #[arg(long = "kind", value_name = "KIND", value_parser = finding_kind())]
        kinds: Vec<FindingKind>,
        /// Ansprechpartner für ein Objekt, das auf eine Wahl wartet: OBJEKTNR=BENUTZER (externe Objektnummer oder
        /// Datensatz-Nr.; Name des Systembenutzers oder seine Adress-Nr.), mehrfach möglich / the contact person for a
        /// listing waiting for a choice: LISTING=USER (external listing number or record id; the system user's name or
        /// address id), repeatable. Beispiel / example: --contact M-10000="Anna Berg"
        #[arg(long = "contact", value_name = "OBJEKT=BENUTZER")]
        contacts: Vec<String>,
        /// Ohne Rückfrage ändern / change without asking
        #[arg(long)]
        yes: bool,
    },
    /// Legt Token und Secret eines Kontos der Kontendatei im Schlüsselbund ab (aus ONOFFICE_TOKEN und ONOFFICE_SECRET)
    /// / keeps an accounts-file account's token and secret in the OS keychain (from ONOFFICE_TOKEN and
    /// ONOFFICE_SECRET)
    StoreCredentials {
        #[command(flatten)]
        account: Account,
    },
    /// Macht die neueste Änderung rückgängig (oder mit --all alle) / undoes the newest change (or all with --all)
    Undo {
        #[command(flatten)]
        account: Account,
        /// Alle Änderungen im Journal / every change in the journal
        #[arg(long)]
        all: bool,
    },
    /// Prüft die Verbindung und die Annahmen über das Konto / checks the connection and the account's assumptions
    Diagnose {
        #[command(flatten)]
        account: Account,
        /// Ergebnis als JSON / the result as JSON
        #[arg(long)]
        json: bool,
        /// Datei für den Support / a file for support
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Ein Objekt, die ganze Kette: Ansprechpartner, Postfach, Anfragen und Antworten, letzte Übertragung, Befunde
    /// / one listing, the whole chain: contact person, mailbox, enquiries and answers, last transfer, findings
    Explain {
        #[command(flatten)]
        account: Account,
        /// Objektnummer, Datensatz-Nr. oder ein Teil des Titels / listing number, record id or part of the title
        #[arg(value_name = "OBJEKT")]
        listing: String,
        /// Ergebnis als JSON / the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Schreibt den Prüfbericht als CSV oder HTML (wie die App) / writes the audit report as CSV or HTML (as the app)
    Report {
        #[command(flatten)]
        account: Account,
        /// csv oder html / csv or html
        #[arg(long, value_enum, default_value = "html")]
        format: Format,
        /// Zieldatei (mit --all-accounts ein Ordner: je Konto ein Bericht und die Übersicht aller Konten,
        /// _uebersicht.html und _uebersicht.csv) / target file (with --all-accounts a folder: a report per account
        /// and the overview of all accounts)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Neu seit dieser früheren Prüfung („audit --json“ oder --save; mit --all-accounts der Ordner des letzten
        /// Laufs) / new since this earlier check ("audit --json" or --save; with --all-accounts the last run's folder)
        #[arg(long, value_name = "PREVIOUS.json")]
        new_since: Option<PathBuf>,
        /// Speichert die Prüfung als PREVIOUS für das nächste Mal / saves the check as the next PREVIOUS
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Html,
}

impl From<Format> for audit::ReportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Csv => audit::ReportFormat::Csv,
            Format::Html => audit::ReportFormat::Html,
        }
    }
}

/// Which account to work on: a real one (token and secret) or the built-in demo.
#[derive(Args, Clone)]
struct Account {
    /// Das eingebaute Demo-Konto (Sandbox im Prozess); Token und Secret werden nicht gebraucht
    /// / the built-in demo account (sandbox in-process); no token or secret needed
    #[arg(long)]
    demo: bool,
    /// API-Token (32 Zeichen). Besser die Umgebungsvariable ONOFFICE_TOKEN setzen, dann bleibt er aus der
    /// Shell-Historie / API token (32 characters). Better set ONOFFICE_TOKEN; it then stays out of the shell history
    #[arg(long, env = "ONOFFICE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// API-Secret (64 Zeichen). Besser die Umgebungsvariable ONOFFICE_SECRET setzen; diese Option nur, wo das nicht
    /// geht / API secret (64 characters). Better set ONOFFICE_SECRET; this option only where that is not possible
    #[arg(long, env = "ONOFFICE_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// API-Adresse / API address
    #[arg(long, default_value = onoffice::DEFAULT_BASE_URL)]
    url: String,
    /// DNS-Server für die Postfach-Prüfung / DNS server for the mailbox check (HOST:PORT)
    #[arg(long, value_name = "HOST:PORT")]
    dns: Option<SocketAddr>,
    /// Schlüssel des Kontaktart-Werts, der als „Makler“ gilt / key of the contact type value that counts as "Makler"
    #[arg(long, value_name = "KEY")]
    makler_key: Option<String>,
    /// Journal der Änderungen / journal of changes [Standard / default: ./oo-check-journal.jsonl,
    /// ./oo-check-demo-journal.jsonl for --demo]
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    /// Kontendatei von Support (Namen und API-Adressen, nie Token oder Secret) / support's accounts file (names and
    /// API addresses, never a token or secret)
    #[arg(long, value_name = "KONTEN.json", env = "OO_CHECK_ACCOUNTS")]
    accounts: Option<PathBuf>,
    /// Das Konto dieses Namens aus der Kontendatei / the account of this name in the accounts file
    #[arg(
        long,
        value_name = "NAME",
        requires = "accounts",
        conflicts_with = "demo"
    )]
    account: Option<String>,
    /// Alle Konten der Kontendatei, mehrere zugleich (--jobs), mit einer Zeile je Konto in der Reihenfolge der
    /// Datei / every account of the file, several at once (--jobs), one line per account in the file's order
    #[arg(long, requires = "accounts", conflicts_with_all = ["demo", "account"])]
    all_accounts: bool,
    /// Mit --all-accounts: so viele Konten zugleich / with --all-accounts: this many accounts at once
    #[arg(long, value_name = "N", default_value_t = runs::Limits::default().jobs,
          value_parser = clap::value_parser!(u16).range(1..=64).map(usize::from))]
    jobs: usize,
    /// Mit --all-accounts: höchstens so viele Anfragen zugleich an onOffice, über alle Konten zusammen (onOffice
    /// nennt keine Grenze; Agent-Check bleibt höflich) / with --all-accounts: at most this many requests in flight
    /// to onOffice, across all accounts together (onOffice documents no limit; Agent-Check stays polite)
    #[arg(long, value_name = "N", default_value_t = runs::Limits::default().max_requests,
          value_parser = clap::value_parser!(u16).range(1..=256).map(usize::from))]
    max_requests: usize,
    /// Mit --all-accounts: ein Konto, das länger braucht, wird abgebrochen und als fehlgeschlagen gemeldet / with
    /// --all-accounts: an account that takes longer is stopped and reported as failed (Sekunden / seconds)
    #[arg(long, value_name = "SECS", default_value_t = runs::Limits::default().account_timeout.as_secs())]
    account_timeout: u64,
    /// Wartezeit je Anfrage an onOffice / how long to wait for one request to onOffice (Sekunden / seconds)
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// (intern) Anfragen zugleich für dieses Konto, von --all-accounts vergeben / (internal) requests in flight for
    /// this account, given by --all-accounts
    #[arg(long, hide = true)]
    max_in_flight: Option<usize>,
    /// (intern) Gibt die Übersichtszeile des Kontos als JSON aus / (internal) prints the account's overview row as JSON
    #[arg(long, hide = true)]
    fleet_row: bool,
    /// Demo: Startwert / demo: seed
    #[arg(long, default_value_t = GenConfig::default().seed, requires = "demo")]
    seed: u64,
    /// Demo: Anzahl Benutzer / demo: number of users
    #[arg(long, default_value_t = GenConfig::default().users, requires = "demo")]
    users: usize,
    /// Demo: Anzahl Objekte / demo: number of listings
    #[arg(long, default_value_t = GenConfig::default().estates, requires = "demo")]
    estates: usize,
}

/// `--kind` accepts exactly the finding ids; a wrong one is answered with the list of valid ones.
fn finding_kind() -> impl TypedValueParser<Value = FindingKind> {
    PossibleValuesParser::new(FindingKind::ALL.map(FindingKind::id))
        .map(|id| FindingKind::from_id(&id).expect("only listed ids pass"))
}

fn usage_error(msg: &str) -> ! {
    eprintln!("Fehler / error: {msg}\n\nMehr / more: oo-check --help");
    std::process::exit(2);
}

/// Connects to the account the flags name (or the demo) and returns the auditor and the sandbox it may own.
async fn connect(a: &Account) -> (Auditor, Option<Sandbox>) {
    let settings: Arc<dyn Settings> = Arc::new(MemorySettings::default());
    settings.set_makler_key(a.makler_key.clone());
    let generate = GenConfig {
        seed: a.seed,
        users: a.users,
        estates: a.estates,
        ..GenConfig::default()
    };
    let (url, token, secret, dns, sandbox) = if a.demo {
        let config = SandboxConfig {
            generate: generate.clone(),
            ..SandboxConfig::default()
        };
        let sb = Sandbox::start(config).await.unwrap_or_else(|e| {
            eprintln!("Demo kann nicht starten / demo cannot start: {e}");
            std::process::exit(1)
        });
        let c = sb.connection.clone();
        (c.url, c.token, c.secret, Some(sb.dns_addr), Some(sb))
    } else if let Some(name) = &a.account {
        let file = a.accounts.as_ref().expect("clap requires --accounts");
        let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
        let line = accounts::find(&lines, name).unwrap_or_else(|e| usage_error(&e));
        let (token, secret) = accounts::credentials(line).unwrap_or_else(|e| {
            output::failed_row(audit::fleet::FailureKind::CredentialsMissing);
            eprintln!("Fehler / error: {e}");
            std::process::exit(1)
        });
        (line.api_url.clone(), token, secret, a.dns, None)
    } else {
        let present = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        let token = present(&a.token)
            .unwrap_or_else(|| usage_error("--token oder/or ONOFFICE_TOKEN fehlt / missing"));
        let secret = present(&a.secret)
            .unwrap_or_else(|| usage_error("--secret oder/or ONOFFICE_SECRET fehlt / missing"));
        (a.url.clone(), token, secret, a.dns, None)
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
        format!(
            "demo-{}-{}-{}",
            generate.seed, generate.users, generate.estates
        )
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
    let mut builder = Client::builder(credentials)
        .base_url(&url)
        .timeout(std::time::Duration::from_secs(a.timeout));
    if let Some(n) = a.max_in_flight {
        builder = builder.max_in_flight(n).request_cap(n);
    }
    let client = builder.build().unwrap_or_else(|e| fail(&e));
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

fn progress(quiet: bool) -> ProgressSink {
    if quiet {
        ProgressSink::default()
    } else {
        ProgressSink::new(|p| eprintln!("[{}/{}] {}", p.step, p.of, p.label.de))
    }
}

/// An earlier `audit --json` output as a baseline: its findings and what it knew as resolved.
fn read_baseline(path: &PathBuf) -> (audit::watch::Baseline, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Previous {
        findings: Vec<audit::history::FindingRef>,
        #[serde(default)]
        resolved: Vec<audit::history::FindingRef>,
        #[serde(default)]
        checked_at: Option<String>,
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        usage_error(&format!(
            "{} kann nicht gelesen werden / cannot be read: {e}",
            path.display()
        ))
    });
    let previous: Previous = serde_json::from_str(&text).unwrap_or_else(|e| {
        usage_error(&format!(
            "{} ist keine Ausgabe von „oo-check audit --json“ / is no output of \"oo-check audit --json\": {e}",
            path.display()
        ))
    });
    (
        audit::watch::Baseline {
            present: previous.findings.into_iter().collect(),
            resolved: previous.resolved.into_iter().collect(),
        },
        previous.checked_at,
    )
}

async fn audit_cmd(
    account: &Account,
    json: bool,
    new_since: Option<&PathBuf>,
    save: Option<&PathBuf>,
) {
    let baseline = new_since.map(read_baseline);
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(json))
        .await
        .unwrap_or_else(|e| fail(&e));
    let now = audit::history::refs(&report);
    let resolved: Vec<audit::history::FindingRef> = baseline
        .as_ref()
        .map(|(b, _)| b.after(&now).resolved.into_iter().collect())
        .unwrap_or_default();
    if let Some(path) = save.filter(|_| report.complete) {
        CheckOutput::of(&report, report.findings.iter().collect(), &resolved).save(path);
    }
    let Some((base, since)) = baseline else {
        if json {
            CheckOutput::of(&report, report.findings.iter().collect(), &resolved).print();
        } else {
            print_report(&report);
        }
        return;
    };
    let Some(changes) = audit::watch::compare(&base, &now, report.complete) else {
        eprintln!(
            "Die Prüfung ist unvollständig (eine Annahme über das Konto trifft nicht zu): nichts verglichen, siehe \
             „oo-check diagnose“. / The check is incomplete (an assumption about the account fails): nothing \
             compared, see \"oo-check diagnose\"."
        );
        std::process::exit(3);
    };
    let news: BTreeSet<audit::history::FindingRef> = changes
        .new
        .iter()
        .chain(&changes.regressed)
        .copied()
        .collect();
    let shown: Vec<&audit::Finding> = report
        .findings
        .iter()
        .filter(|f| {
            news.contains(&audit::history::FindingRef {
                kind: f.kind,
                subject: f.subject,
            })
        })
        .collect();
    if json {
        CheckOutput::of(&report, shown, &resolved)
            .with_regressed(&changes.regressed)
            .print();
    } else {
        output::print_news(&report, &changes, since.as_deref());
    }
    if changes.has_news() {
        std::process::exit(10);
    }
}

/// `store-credentials`: token and secret (from ONOFFICE_TOKEN and ONOFFICE_SECRET, or --token/--secret) into the OS
/// keychain for an account of the file; their shape is checked first.
fn store_credentials(a: &Account) {
    let (Some(file), Some(name)) = (&a.accounts, &a.account) else {
        usage_error("store-credentials braucht / needs --accounts FILE --account NAME");
    };
    let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
    let line = accounts::find(&lines, name).unwrap_or_else(|e| usage_error(&e));
    let present = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let token = present(&a.token)
        .unwrap_or_else(|| usage_error("--token oder/or ONOFFICE_TOKEN fehlt / missing"));
    let secret = present(&a.secret)
        .unwrap_or_else(|| usage_error("--secret oder/or ONOFFICE_SECRET fehlt / missing"));
    if let Err(e) = Credentials::new(&token, &secret) {
        fail(&e);
    }
    if let Err(e) = accounts::store(line, &token, &secret) {
        eprintln!("Fehler / error: {e}");
        std::process::exit(1);
    }
    println!(
        "Token und Secret für „{}“ im Schlüsselbund abgelegt / kept in the OS keychain.",
        line.name
    );
}

fn confirmed() -> bool {
    print!("Jetzt in onOffice ändern? [j/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(
        answer.trim().to_lowercase().as_str(),
        "j" | "ja" | "y" | "yes"
    )
}

/// `--contact LISTING=USER` against the checklist: the listing by external number (or record id) among the listings
/// with a finding, the user by name (or address id) among the system users; anything unclear is refused with the
/// candidates.
fn contact_choices(report: &audit::AuditReport, given: &[String]) -> Result<PlanChoices, String> {
    let mut choices = PlanChoices::default();
    for g in given {
        let (listing, user) = g.split_once('=').ok_or_else(|| {
            format!("--contact {g}: erwartet / expected OBJEKTNR=BENUTZER, z. B. / e.g. M-10000=\"Anna Berg\"")
        })?;
        let (listing, user) = (listing.trim(), user.trim().trim_matches('"'));
        let row = report
            .listings
            .iter()
            .find(|r| r.external_no.eq_ignore_ascii_case(listing) || r.estate_id.to_string() == listing)
            .ok_or_else(|| {
                format!(
                    "--contact: kein Objekt „{listing}“ unter den Objekten mit Befund / no listing \"{listing}\" among \
                     the listings with a finding ({})",
                    report.listings.iter().take(8).map(|r| r.external_no.as_str()).collect::<Vec<_>>().join(", ")
                )
            })?;
        let users: Vec<&audit::SystemUserRow> = report
            .users
            .iter()
            .filter(|u| u.address_id.is_some())
            .collect();
        let by_id = user
            .parse::<u64>()
            .ok()
            .and_then(|id| users.iter().find(|u| u.address_id == Some(id)));
        let matches: Vec<&&audit::SystemUserRow> = match by_id {
            Some(u) => vec![u],
            None => users
                .iter()
                .filter(|u| u.name.trim().eq_ignore_ascii_case(user))
                .collect(),
        };
        let chosen = match matches.as_slice() {
            [one] => one,
            [] => {
                return Err(format!(
                    "--contact: kein Systembenutzer „{user}“ / no system user \"{user}\"; vorhanden / there: {}",
                    users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
                ))
            }
            many => {
                return Err(format!(
                    "--contact: „{user}“ ist mehrdeutig, bitte die Adress-Nr. nehmen / is ambiguous, please use the \
                     address id: {}",
                    many.iter()
                        .map(|u| format!("{} = {}", u.name, u.address_id.unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        };
        if chosen.findings.contains(&FindingKind::MailboxExternal) {
            return Err(format!(
                "--contact: „{}“ hat ein Postfach außerhalb von onOffice und kann nie Ansprechpartner für den \
                 Vermietungsagenten sein / has a mailbox outside onOffice and can never be the rental agent's contact",
                chosen.name
            ));
        }
        choices
            .contacts
            .insert(row.estate_id, chosen.address_id.expect("filtered"));
    }
    Ok(choices)
}

async fn fix_cmd(account: &Account, kinds: &[FindingKind], contacts: &[String], yes: bool) {
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(false))
        .await
        .unwrap_or_else(|e| fail(&e));
    let kinds: BTreeSet<FindingKind> = kinds.iter().copied().collect();
    let choices = contact_choices(&report, contacts).unwrap_or_else(|e| usage_error(&e));
    let plan = auditor.plan(
        &report,
        |f| kinds.is_empty() || kinds.contains(&f.kind),
        &choices,
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
    if plan
        .needs_input
        .iter()
        .any(|n| matches!(n.subject, audit::Subject::Estate(_)))
    {
        println!(
            "  Wahl eines Ansprechpartners: --contact OBJEKTNR=BENUTZER (siehe oo-check fix --help) / choose a contact \
             person with --contact LISTING=USER"
        );
    }
    if plan.items.is_empty() {
        return;
    }
    if !yes && !confirmed() {
        println!("Abgebrochen, nichts geändert. / Cancelled, nothing changed.");
        return;
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

async fn undo_cmd(account: &Account, all: bool) {
    let (auditor, _sandbox) = connect(account).await;
    let results = if all {
        auditor.undo_all(&progress(false)).await
    } else {
        auditor.undo_last().await.into_iter().collect()
    };
    if results.is_empty() {
        println!("Im Journal ist nichts rückgängig zu machen. / Nothing to undo in the journal.");
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

async fn diagnose_cmd(account: &Account, json: bool, out: Option<&PathBuf>) {
    let (auditor, _sandbox) = connect(account).await;
    let d = auditor.diagnose().await;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&d).expect("serialisable")
        );
    } else {
        output::print_diagnosis(&d);
    }
    if let Some(path) = out {
        let text = serde_json::to_string_pretty(&d).expect("serialisable");
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("Diagnose kann nicht gespeichert werden / cannot save the diagnosis: {e}");
            std::process::exit(1);
        }
        eprintln!("Diagnose gespeichert: {}", path.display());
    }
    if !d.all_hold() {
        std::process::exit(3);
    }
}

/// Where `report` writes, and the earlier check it compares with.
struct ReportFiles<'a> {
    out: &'a Path,
    new_since: Option<&'a Path>,
    save: Option<&'a Path>,
}

async fn report_cmd(account: &Account, format: Format, files: ReportFiles<'_>) {
    // A baseline that is not there yet (an account new in the file) is nothing to compare with.
    let baseline = files
        .new_since
        .filter(|p| p.exists())
        .map(|p| read_baseline(&p.to_path_buf()));
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(account.fleet_row))
        .await
        .unwrap_or_else(|e| fail(&e));
    let text = output::report_text(&report, format.into());
    if let Err(e) = std::fs::write(files.out, text) {
        eprintln!("Bericht kann nicht gespeichert werden / cannot save the report: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "Bericht gespeichert / report saved: {}",
        files.out.display()
    );
    let now = audit::history::refs(&report);
    let news = baseline.as_ref().and_then(|(b, _)| {
        audit::watch::compare(b, &now, report.complete)
            .map(|c| (c.new.len() + c.regressed.len()) as u32)
    });
    if let Some(path) = files.save.filter(|_| report.complete) {
        let resolved: Vec<audit::history::FindingRef> = baseline
            .as_ref()
            .map(|(b, _)| b.after(&now).resolved.into_iter().collect())
            .unwrap_or_default();
        CheckOutput::of(&report, report.findings.iter().collect(), &resolved).save(path);
    }
    let name = account.account.as_deref().unwrap_or("onOffice");
    let at = audit::journal::rfc3339_now();
    output::print_row(&audit::fleet::AccountRow::checked(name, &report, &at, news));
}

fn main() {
    memory::give_back_freed_memory();
    let cli = Cli::parse();
    let all = match &cli.command {
        Command::Audit { account, .. }
        | Command::Fix { account, .. }
        | Command::Undo { account, .. }
        | Command::Diagnose { account, .. }
        | Command::Report { account, .. }
        | Command::Explain { account, .. }
        | Command::StoreCredentials { account } => account.all_accounts,
    };
    if all {
        all_accounts::run(&cli.command);
    }
    if let Command::Report { account, .. } = &cli.command {
        if let (true, Some(name)) = (account.fleet_row, &account.account) {
            output::print_rows_for(name);
        }
    }
    // One thread: the work waits on onOffice, not on the CPU, and one thread keeps one heap (a large account's
    // memory stays well under 150 MiB).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| {
            eprintln!("Fehler / error: {e}");
            std::process::exit(1)
        });
    runtime.block_on(async {
        match &cli.command {
            Command::Audit {
                account,
                json,
                new_since,
                save,
            } => audit_cmd(account, *json, new_since.as_ref(), save.as_ref()).await,
            Command::Fix {
                account,
                kinds,
                contacts,
                yes,
            } => fix_cmd(account, kinds, contacts, *yes).await,
            Command::StoreCredentials { account } => store_credentials(account),
            Command::Undo { account, all } => undo_cmd(account, *all).await,
            Command::Diagnose { account, json, out } => {
                diagnose_cmd(account, *json, out.as_ref()).await
            }
            Command::Report {
                account,
                format,
                out,
                new_since,
                save,
            } => {
                let files = ReportFiles {
                    out,
                    new_since: new_since.as_deref(),
                    save: save.as_deref(),
                };
                report_cmd(account, *format, files).await
            }
            Command::Explain {
                account,
                listing,
                json,
            } => {
                let (auditor, _sandbox) = connect(account).await;
                let report = auditor
                    .audit(&progress(*json))
                    .await
                    .unwrap_or_else(|e| fail(&e));
                explain::run(&auditor, &report, listing, *json).await
            }
        }
    });
}
