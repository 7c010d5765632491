//! What the app holds while it runs: the connection (an auditor over the client, or the demo sandbox), the last
//! report, the current fix plan, the running audit (so it can be cancelled), settings and the keychain.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use audit::{AuditReport, Auditor, FixPlan, Journal, MailboxClassifier};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Sandbox, SandboxConfig};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::secrets::{SecretStore, StoredCredentials};
use crate::settings::AppSettings;

/// Test and diagnosis hooks, read from the environment at start (never from the webview).
#[derive(Clone, Debug, Default)]
pub struct AppConfig {
    /// DNS server for the mailbox check (`AGENT_CHECK_DNS`, e.g. a test sandbox's); the system's otherwise.
    pub dns: Option<std::net::SocketAddr>,
    /// Write exported reports here without asking (`AGENT_CHECK_EXPORT_DIR`; end-to-end tests).
    pub export_dir: Option<PathBuf>,
    /// Where journals live (the app data folder).
    pub data_dir: PathBuf,
}

impl AppConfig {
    pub fn from_env(data_dir: PathBuf) -> Self {
        // The hooks are for tests, which drive debug builds; an installed (release) app never reads them, so nothing
        // in a user's environment can redirect its DNS or its reports.
        if !cfg!(debug_assertions) {
            return AppConfig {
                dns: None,
                export_dir: None,
                data_dir,
            };
        }
        AppConfig {
            dns: std::env::var("AGENT_CHECK_DNS")
                .ok()
                .and_then(|v| v.parse().ok()),
            export_dir: std::env::var("AGENT_CHECK_EXPORT_DIR")
                .ok()
                .map(PathBuf::from),
            data_dir,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Mode {
    None,
    Demo,
    Account,
}

/// The connection of this window.
pub struct Session {
    pub mode: Mode,
    /// What the person sees as "verbunden als …".
    pub label: String,
    pub api_url: String,
    pub auditor: Option<Arc<Auditor>>,
    /// Keeps the demo's sandbox running.
    pub sandbox: Option<Sandbox>,
    pub report: Option<Arc<AuditReport>>,
    /// Journal notes already shown in this session.
    pub said_notes: BTreeSet<String>,
    pub checked_at: Option<String>,
    /// Findings of the report before the current one, for "new" and "fixed since the last check".
    pub previous: Option<BTreeSet<audit::history::FindingRef>>,
    pub plan: Option<FixPlan>,
}

impl Session {
    pub fn empty() -> Self {
        Session {
            mode: Mode::None,
            label: String::new(),
            api_url: onoffice::DEFAULT_BASE_URL.to_string(),
            auditor: None,
            sandbox: None,
            report: None,
            said_notes: BTreeSet::new(),
            checked_at: None,
            previous: None,
            plan: None,
        }
    }

    pub fn auditor(&self) -> Result<Arc<Auditor>> {
        self.auditor.clone().ok_or_else(AppError::not_connected)
    }

    /// The last checklist; fixes and reports need one.
    pub fn report(&self) -> Result<Arc<AuditReport>> {
        self.report.clone().ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::Conflict,
                "Bitte zuerst prüfen.",
                "Please run the check first.",
            )
        })
    }
}

pub struct AppState {
    pub session: tokio::sync::Mutex<Session>,
    pub secrets: Arc<dyn SecretStore>,
    pub settings: Arc<AppSettings>,
    pub config: AppConfig,
    /// The audit that is running, so "Abbrechen" can stop it.
    pub running: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl AppState {
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        settings: Arc<AppSettings>,
        config: AppConfig,
    ) -> Self {
        AppState {
            session: tokio::sync::Mutex::new(Session::empty()),
            secrets,
            settings,
            config,
            running: std::sync::Mutex::new(None),
        }
    }

    /// A client for these credentials; the API address rule of the client applies.
    pub fn client(&self, credentials: &StoredCredentials) -> Result<Client> {
        let creds = Credentials::new(&credentials.token, &credentials.secret)?;
        Ok(Client::builder(creds)
            .base_url(&credentials.api_url)
            .timeout(Duration::from_secs(30))
            .build()?)
    }

    fn classifier(&self, dns: Option<std::net::SocketAddr>) -> MailboxClassifier {
        match dns.or(self.config.dns) {
            Some(addr) => MailboxClassifier::with_server(addr),
            None => MailboxClassifier::system(),
        }
    }

    /// Connects a session to a real account (credentials already checked).
    pub fn account_session(&self, credentials: &StoredCredentials) -> Result<Session> {
        let client = self.client(credentials)?;
        // One journal per account (API address and API user, hashed); undo refuses entries of another account.
        let account = audit::journal::account_id(client.base_url(), &credentials.token);
        let journal = Journal::open(
            &self
                .config
                .data_dir
                .join(format!("journal-{account}.jsonl")),
            &account,
        )
        .map_err(|e| {
            AppError::new(
                crate::error::ErrorCode::Unknown,
                format!("Das Änderungsprotokoll kann nicht geöffnet werden: {e}"),
                format!("The change journal cannot be opened: {e}"),
            )
        })?;
        let auditor = Auditor::new(
            client,
            Arc::new(self.classifier(None)),
            self.settings.clone(),
            Arc::new(journal),
        );
        let mut s = Session::empty();
        s.mode = Mode::Account;
        s.label = format!(
            "API-Benutzer {}…",
            &credentials.token.chars().take(4).collect::<String>()
        );
        s.api_url = credentials.api_url.clone();
        s.auditor = Some(Arc::new(auditor));
        Ok(s)
    }

    /// Starts the built-in demo account on loopback.
    pub async fn demo_session(&self) -> Result<Session> {
        let sandbox = Sandbox::start(SandboxConfig {
            generate: GenConfig {
                seed: 1,
                users: 20,
                estates: 200,
                makler_variant: None,
            },
            ..SandboxConfig::default()
        })
        .await
        .map_err(|e| {
            AppError::new(
                crate::error::ErrorCode::Unknown,
                format!("Die Demo konnte nicht starten: {e}"),
                format!("The demo could not start: {e}"),
            )
        })?;
        let c = &sandbox.connection;
        let credentials = StoredCredentials {
            token: c.token.clone(),
            secret: c.secret.clone(),
            api_url: c.url.clone(),
        };
        let client = self.client(&credentials)?;
        let auditor = Auditor::new(
            client,
            Arc::new(self.classifier(Some(sandbox.dns_addr))),
            self.settings.clone(),
            Arc::new(Journal::in_memory()),
        );
        let mut s = Session::empty();
        s.mode = Mode::Demo;
        s.label = format!("Demo: {}", sandbox.account().agency);
        s.api_url = credentials.api_url;
        s.auditor = Some(Arc::new(auditor));
        s.sandbox = Some(sandbox);
        Ok(s)
    }
}
