//! The command line itself: the clap definitions of `oo-check`'s commands and options, with the help texts and the
//! exit codes they promise. No behaviour lives here; `main.rs` hands each command to its module under `commands/`.

use std::net::SocketAddr;
use std::path::PathBuf;

use audit::FindingKind;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use onoffice_sandbox::GenConfig;

use crate::runs;

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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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

impl Command {
    /// The account the command works on (every command names one).
    pub fn account(&self) -> &Account {
        match self {
            Command::Audit { account, .. }
            | Command::Fix { account, .. }
            | Command::Undo { account, .. }
            | Command::Diagnose { account, .. }
            | Command::Report { account, .. }
            | Command::Explain { account, .. }
            | Command::StoreCredentials { account } => account,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
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
pub struct Account {
    /// Das eingebaute Demo-Konto (Sandbox im Prozess); Token und Secret werden nicht gebraucht
    /// / the built-in demo account (sandbox in-process); no token or secret needed
    #[arg(long)]
    pub demo: bool,
    /// API-Token (32 Zeichen). Besser die Umgebungsvariable ONOFFICE_TOKEN setzen, dann bleibt er aus der
    /// Shell-Historie / API token (32 characters). Better set ONOFFICE_TOKEN; it then stays out of the shell history
    #[arg(long, env = "ONOFFICE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// API-Secret (64 Zeichen). Besser die Umgebungsvariable ONOFFICE_SECRET setzen; diese Option nur, wo das nicht
    /// geht / API secret (64 characters). Better set ONOFFICE_SECRET; this option only where that is not possible
    #[arg(long, env = "ONOFFICE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// API-Adresse / API address
    #[arg(long, default_value = onoffice::DEFAULT_BASE_URL)]
    pub url: String,
    /// DNS-Server für die Postfach-Prüfung / DNS server for the mailbox check (HOST:PORT)
    #[arg(long, value_name = "HOST:PORT")]
    pub dns: Option<SocketAddr>,
    /// Schlüssel des Kontaktart-Werts, der als „Makler“ gilt / key of the contact type value that counts as "Makler"
    #[arg(long, value_name = "KEY")]
    pub makler_key: Option<String>,
    /// Journal der Änderungen / journal of changes [Standard / default: ./oo-check-journal.jsonl,
    /// ./oo-check-demo-journal.jsonl for --demo]
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Kontendatei von Support (Namen und API-Adressen, nie Token oder Secret) / support's accounts file (names and
    /// API addresses, never a token or secret)
    #[arg(long, value_name = "KONTEN.json", env = "OO_CHECK_ACCOUNTS")]
    pub accounts: Option<PathBuf>,
    /// Das Konto dieses Namens aus der Kontendatei / the account of this name in the accounts file
    #[arg(
        long,
        value_name = "NAME",
        requires = "accounts",
        conflicts_with = "demo"
    )]
    pub account: Option<String>,
    /// Alle Konten der Kontendatei, mehrere zugleich (--jobs), mit einer Zeile je Konto in der Reihenfolge der
    /// Datei / every account of the file, several at once (--jobs), one line per account in the file's order
    #[arg(long, requires = "accounts", conflicts_with_all = ["demo", "account"])]
    pub all_accounts: bool,
    /// Mit --all-accounts: so viele Konten zugleich / with --all-accounts: this many accounts at once
    #[arg(long, value_name = "N", default_value_t = runs::Limits::default().jobs,
          value_parser = clap::value_parser!(u16).range(1..=64).map(usize::from))]
    pub jobs: usize,
    /// Mit --all-accounts: höchstens so viele Anfragen zugleich an onOffice, über alle Konten zusammen (onOffice
    /// nennt keine Grenze; Agent-Check bleibt höflich) / with --all-accounts: at most this many requests in flight
    /// to onOffice, across all accounts together (onOffice documents no limit; Agent-Check stays polite)
    #[arg(long, value_name = "N", default_value_t = runs::Limits::default().max_requests,
          value_parser = clap::value_parser!(u16).range(1..=256).map(usize::from))]
    pub max_requests: usize,
    /// Mit --all-accounts: ein Konto, das länger braucht, wird abgebrochen und als fehlgeschlagen gemeldet / with
    /// --all-accounts: an account that takes longer is stopped and reported as failed (Sekunden / seconds)
    #[arg(long, value_name = "SECS", default_value_t = runs::Limits::default().account_timeout.as_secs())]
    pub account_timeout: u64,
    /// Wartezeit je Anfrage an onOffice / how long to wait for one request to onOffice (Sekunden / seconds)
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// (intern) Anfragen zugleich für dieses Konto, von --all-accounts vergeben / (internal) requests in flight for
    /// this account, given by --all-accounts
    #[arg(long, hide = true)]
    pub max_in_flight: Option<usize>,
    /// (intern) Gibt die Übersichtszeile des Kontos als JSON aus / (internal) prints the account's overview row as JSON
    #[arg(long, hide = true)]
    pub fleet_row: bool,
    /// Demo: Startwert / demo: seed
    #[arg(long, default_value_t = GenConfig::default().seed, requires = "demo")]
    pub seed: u64,
    /// Demo: Anzahl Benutzer / demo: number of users
    #[arg(long, default_value_t = GenConfig::default().users, requires = "demo")]
    pub users: usize,
    /// Demo: Anzahl Objekte / demo: number of listings
    #[arg(long, default_value_t = GenConfig::default().estates, requires = "demo")]
    pub estates: usize,
}

/// `--kind` accepts exactly the finding ids; a wrong one is answered with the list of valid ones.
fn finding_kind() -> impl TypedValueParser<Value = FindingKind> {
    PossibleValuesParser::new(FindingKind::ALL.map(FindingKind::id)).try_map(|id| {
        FindingKind::from_id(&id).ok_or(format!("unbekannte Art / unknown kind: {id}"))
    })
}
