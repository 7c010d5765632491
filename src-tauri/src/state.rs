//! What the app holds while it runs: the session (not connected, or connected to an account or the demo, with the
//! checklist the person looks at), the running audit (so it can be cancelled), settings and the keychain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use audit::history::FindingRef;
use audit::{AuditReport, Auditor, FixPlan, Journal, MailboxClassifier};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Sandbox, SandboxConfig};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::platform::Background;
use crate::secrets::{SecretStore, StoredCredentials};
use crate::settings::AppSettings;

/// Test hooks, read from the environment at start (never from the webview), in debug builds only.
#[derive(Clone, Debug, Default)]
pub struct AppConfig {
    /// DNS server for the mailbox check (`AGENT_CHECK_DNS`, e.g. a test sandbox's); the system's otherwise.
    pub dns: Option<std::net::SocketAddr>,
    /// Save files here instead of asking with the save dialog (`AGENT_CHECK_EXPORT_DIR`; end-to-end tests, which
    /// cannot click a native dialog).
    pub export_dir: Option<PathBuf>,
    /// Where journals live (the app data folder).
    pub data_dir: PathBuf,
}

impl AppConfig {
    pub fn from_env(data_dir: PathBuf) -> Self {
        // The hooks are for tests, which drive debug builds; an installed (release) app never reads them, so nothing
        // in a user's environment can redirect its DNS or where it saves files.
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

/// What the UI shows as the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Mode {
    None,
    Demo,
    Account,
}

/// The journal of an account in the data folder.
pub fn journal_path(data_dir: &Path, account_id: &str) -> PathBuf {
    data_dir.join(format!("journal-{account_id}.jsonl"))
}

/// What an account is called until a check finds its company.
pub fn name_hint(token: &str) -> String {
    format!(
        "API-Benutzer {}…",
        token.chars().take(4).collect::<String>()
    )
}

/// Which account a connected session works on.
pub enum Account {
    /// The built-in demo; the sandbox runs as long as the session.
    Demo(Sandbox),
    /// A real onOffice account at this API address; `id` is its entry in the accounts list.
    Real { api_url: String, id: String },
}

/// The checklist the person looks at, and what belongs to it.
pub struct Checklist {
    pub report: Arc<AuditReport>,
    /// UTC, RFC 3339.
    pub checked_at: String,
    /// The checklist the person last asked for ("Erneut prüfen"), for "new" and "fixed since the last check".
    pub baseline: Option<BTreeSet<FindingRef>>,
    /// Whom each finding seen since the baseline is about, so a fixed one is still named.
    pub labels: BTreeMap<FindingRef, String>,
    /// The fix preview the person was shown last.
    pub plan: Option<FixPlan>,
}

/// A connection of this window.
pub struct Connected {
    pub account: Account,
    pub auditor: Arc<Auditor>,
    /// What the person sees as "verbunden als …" (the demo's agency, then the company the audit found).
    pub label: String,
    pub checklist: Option<Checklist>,
    /// Journal notes already shown in this session.
    pub said_notes: BTreeSet<String>,
}

pub enum Session {
    Disconnected,
    Connected(Box<Connected>),
}

impl Session {
    pub fn mode(&self) -> Mode {
        match self {
            Session::Disconnected => Mode::None,
            Session::Connected(c) => match c.account {
                Account::Demo(_) => Mode::Demo,
                Account::Real { .. } => Mode::Account,
            },
        }
    }

    pub fn connected(&self) -> Result<&Connected> {
        match self {
            Session::Connected(c) => Ok(c),
            Session::Disconnected => Err(AppError::not_connected()),
        }
    }

    pub fn connected_mut(&mut self) -> Result<&mut Connected> {
        match self {
            Session::Connected(c) => Ok(c),
            Session::Disconnected => Err(AppError::not_connected()),
        }
    }

    pub fn auditor(&self) -> Result<Arc<Auditor>> {
        Ok(self.connected()?.auditor.clone())
    }

    /// The checklist the person looks at; fixes and reports need one.
    pub fn checklist(&self) -> Result<&Checklist> {
        self.connected()?
            .checklist
            .as_ref()
            .ok_or_else(AppError::no_checklist)
    }
}

pub struct AppState {
    pub session: tokio::sync::Mutex<Session>,
    pub secrets: Arc<dyn SecretStore>,
    pub settings: Arc<AppSettings>,
    pub config: AppConfig,
    /// The audit that is running, so "Abbrechen" can stop it.
    pub running: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// The platform side of the background watch (notifications, tray, start at login); set by the installed app
    /// and by tests that look at what the watch says.
    pub background: std::sync::OnceLock<Arc<dyn Background>>,
    /// One scheduled check at a time.
    pub watch_guard: WatchGuard,
    /// Changes are being written to an account (a fix, an undo, the standing rule): switching or removing accounts
    /// waits for them.
    pub writing: Writing,
    /// What the start found wrong in the settings (a damaged accounts list), said in the window.
    pub start_notes: std::sync::Mutex<Vec<audit::Text>>,
}

/// One scheduled check at a time, also when the timer and "Jetzt prüfen" meet.
#[derive(Default)]
pub struct WatchGuard(std::sync::atomic::AtomicBool);

impl WatchGuard {
    /// Takes the turn; false when another check has it.
    pub fn claim(&self) -> bool {
        !self.0.swap(true, std::sync::atomic::Ordering::SeqCst)
    }

    /// Gives the turn back.
    pub fn release(&self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Changes being written; `start` gives a guard that ends them when dropped (also when the command fails).
#[derive(Default)]
pub struct Writing(std::sync::atomic::AtomicUsize);

pub struct WritingGuard<'a>(&'a Writing);

impl Writing {
    pub fn start(&self) -> WritingGuard<'_> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        WritingGuard(self)
    }

    pub fn busy(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst) > 0
    }

    /// Refuses with a clear word while changes are written.
    pub fn refuse_if_busy(&self) -> Result<()> {
        if self.busy() {
            return Err(AppError::new(
                crate::error::ErrorCode::Conflict,
                "Gerade werden Änderungen in onOffice geschrieben. Bitte warten, bis sie fertig sind, dann das Konto wechseln.",
                "Changes are being written to onOffice right now. Please wait until they are done, then switch the account.",
            ));
        }
        Ok(())
    }
}

impl Drop for WritingGuard<'_> {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl AppState {
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        settings: Arc<AppSettings>,
        config: AppConfig,
    ) -> Self {
        AppState {
            session: tokio::sync::Mutex::new(Session::Disconnected),
            secrets,
            settings,
            config,
            running: std::sync::Mutex::new(None),
            background: std::sync::OnceLock::new(),
            watch_guard: WatchGuard::default(),
            writing: Writing::default(),
            start_notes: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// A client for these credentials; the API address rule of the client applies.
    pub fn client(&self, credentials: &StoredCredentials) -> Result<Client> {
        let creds = Credentials::new(&credentials.token, credentials.secret.expose())?;
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

    fn connected(&self, account: Account, auditor: Auditor, label: String) -> Session {
        Session::Connected(Box::new(Connected {
            account,
            auditor: Arc::new(auditor),
            label,
            checklist: None,
            said_notes: BTreeSet::new(),
        }))
    }

    /// The stable id of the account these credentials open (the journal's: the address as the client uses it).
    pub fn account_id(&self, credentials: &StoredCredentials) -> Result<String> {
        let client = self.client(credentials)?;
        Ok(audit::journal::account_id(
            client.base_url(),
            &credentials.token,
        ))
    }

    /// An auditor for a real account (credentials already checked): its own journal (`journal-<id>.jsonl`, the id
    /// a hash of API address and API user; undo refuses entries of another account) and its own settings.
    pub fn account_auditor(&self, credentials: &StoredCredentials) -> Result<Auditor> {
        let client = self.client(credentials)?;
        let account = audit::journal::account_id(client.base_url(), &credentials.token);
        let journal = Journal::open(&journal_path(&self.config.data_dir, &account), &account)?;
        let settings: Arc<dyn audit::Settings> = Arc::new(crate::settings::AccountSettings::new(
            self.settings.clone(),
            &account,
        ));
        Ok(Auditor::new(
            client,
            Arc::new(self.classifier(None)),
            settings,
            Arc::new(journal),
        ))
    }

    /// Connects a session to a real account (credentials already checked; the account is in the list).
    pub fn account_session(&self, credentials: &StoredCredentials) -> Result<Session> {
        let auditor = self.account_auditor(credentials)?;
        let id = auditor.journal.account().to_string();
        let label = self
            .settings
            .get()
            .accounts()
            .get(&id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| name_hint(&credentials.token));
        Ok(self.connected(
            Account::Real {
                api_url: credentials.api_url.clone(),
                id,
            },
            auditor,
            label,
        ))
    }

    /// Starts the built-in demo account on loopback.
    pub async fn demo_session(&self) -> Result<Session> {
        let sandbox = Sandbox::start(SandboxConfig {
            generate: GenConfig {
                seed: 1,
                users: 20,
                estates: 200,
                makler_variant: None,
                tenant: None,
            },
            ..SandboxConfig::default()
        })
        .await
        .map_err(AppError::demo_failed)?;
        let c = &sandbox.connection;
        let credentials = StoredCredentials {
            token: c.token.clone(),
            secret: onoffice::Secret::new(&c.secret)?,
            api_url: c.url.clone(),
        };
        let auditor = Auditor::new(
            self.client(&credentials)?,
            Arc::new(self.classifier(Some(sandbox.dns_addr))),
            self.settings.clone(),
            Arc::new(Journal::in_memory()),
        );
        let label = format!("Demo: {}", sandbox.account().agency);
        Ok(self.connected(Account::Demo(sandbox), auditor, label))
    }
}
