//! Reaching an account: the demo sandbox, an account of support's accounts file, or token and secret from the flags;
//! the journal of changes for that account, and the client and auditor that work on it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use audit::{Auditor, Journal, MailboxClassifier, MemorySettings, Settings};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Sandbox, SandboxConfig};

use crate::accounts;
use crate::cli::Account;
use crate::output::{self, fail, usage_error};

/// Where the account's API answers, who may use it, and the sandbox that answers for the demo.
struct Endpoint {
    url: String,
    token: String,
    secret: String,
    dns: Option<SocketAddr>,
    sandbox: Option<Sandbox>,
}

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
    let endpoint = if a.demo {
        demo(&generate).await
    } else if let Some(name) = &a.account {
        file_account(a, name)
    } else {
        let (token, secret) = given_credentials(a);
        Endpoint {
            url: a.url.clone(),
            token,
            secret,
            dns: a.dns,
            sandbox: None,
        }
    };
    // The demo's address changes with its port; its account is the generated one.
    let account = if a.demo {
        format!(
            "demo-{}-{}-{}",
            generate.seed, generate.users, generate.estates
        )
    } else {
        audit::journal::account_id(&endpoint.url, &endpoint.token)
    };
    let journal = open_journal(a, &account);
    let client = client(a, &endpoint);
    let classifier = match endpoint.dns {
        Some(addr) => MailboxClassifier::with_server(addr),
        None => MailboxClassifier::system(),
    };
    let auditor = Auditor::new(client, Arc::new(classifier), settings, journal);
    for line in auditor.reconcile().await {
        eprintln!("{}", line.de);
    }
    (auditor, endpoint.sandbox)
}

/// The built-in demo account: a sandbox started in this process with the generated account.
async fn demo(generate: &GenConfig) -> Endpoint {
    let config = SandboxConfig {
        generate: generate.clone(),
        ..SandboxConfig::default()
    };
    let sb = Sandbox::start(config).await.unwrap_or_else(|e| {
        eprintln!("Demo kann nicht starten / demo cannot start: {e}");
        std::process::exit(1)
    });
    let c = sb.connection.clone();
    Endpoint {
        url: c.url,
        token: c.token,
        secret: c.secret,
        dns: Some(sb.dns_addr),
        sandbox: Some(sb),
    }
}

/// The account `name` of support's accounts file, with its token and secret from the environment or the keychain.
fn file_account(a: &Account, name: &str) -> Endpoint {
    let Some(file) = &a.accounts else {
        usage_error("--account braucht / needs --accounts FILE");
    };
    let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
    let line = accounts::find(&lines, name).unwrap_or_else(|e| usage_error(&e));
    let (token, secret) = accounts::credentials(line).unwrap_or_else(|e| {
        output::failed_row(audit::fleet::FailureKind::CredentialsMissing);
        output::error(e)
    });
    Endpoint {
        url: line.api_url.clone(),
        token,
        secret,
        dns: a.dns,
        sandbox: None,
    }
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

/// The journal of changes, its entries for `account`; what it warns about is printed.
fn open_journal(a: &Account, account: &str) -> Arc<Journal> {
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
    let journal = match Journal::open(&journal_path, account) {
        Ok(j) => Arc::new(j),
        Err(e) => {
            eprintln!("Journal kann nicht geöffnet werden / cannot open the journal: {e}");
            std::process::exit(1);
        }
    };
    for w in journal.warnings() {
        eprintln!("Hinweis: {}", w.de);
    }
    journal
}

/// The onOffice client for the endpoint, with the flags' timeout and (in a run of `--all-accounts`) its share of the
/// requests in flight.
fn client(a: &Account, endpoint: &Endpoint) -> Client {
    let credentials =
        Credentials::new(&endpoint.token, &endpoint.secret).unwrap_or_else(|e| fail(&e));
    let mut builder = Client::builder(credentials)
        .base_url(&endpoint.url)
        .timeout(std::time::Duration::from_secs(a.timeout));
    if let Some(n) = a.max_in_flight {
        builder = builder.max_in_flight(n).request_cap(n);
    }
    builder.build().unwrap_or_else(|e| fail(&e))
}
