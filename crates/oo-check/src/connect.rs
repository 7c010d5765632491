//! Reaching an account: the demo sandbox, an account of support's accounts file, or token and secret from the flags;
//! the journal of changes for that account, and the client and auditor that work on it.

use std::path::PathBuf;
use std::sync::Arc;

use audit::{Auditor, Journal, MailboxClassifier, MemorySettings, Settings};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Sandbox, SandboxConfig};

use crate::accounts;
use crate::cli::Account;
use crate::output::{self, fail, usage_error};

/// Connects to the account the flags name (or the demo) and returns the auditor and the sandbox it may own.
pub async fn connect(a: &Account) -> (Auditor, Option<Sandbox>) {
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
        let Some(file) = &a.accounts else {
            usage_error("--account braucht / needs --accounts FILE");
        };
        let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
        let line = accounts::find(&lines, name).unwrap_or_else(|e| usage_error(&e));
        let (token, secret) = accounts::credentials(line).unwrap_or_else(|e| {
            output::failed_row(audit::fleet::FailureKind::CredentialsMissing);
            eprintln!("Fehler / error: {e}");
            std::process::exit(1)
        });
        (line.api_url.clone(), token, secret, a.dns, None)
    } else {
        let (token, secret) = given_credentials(a);
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

/// Token and secret from --token and --secret (or ONOFFICE_TOKEN and ONOFFICE_SECRET); a missing one is a wrong call.
pub fn given_credentials(a: &Account) -> (String, String) {
    let present = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let token = present(&a.token)
        .unwrap_or_else(|| usage_error("--token oder/or ONOFFICE_TOKEN fehlt / missing"));
    let secret = present(&a.secret)
        .unwrap_or_else(|| usage_error("--secret oder/or ONOFFICE_SECRET fehlt / missing"));
    (token, secret)
}
