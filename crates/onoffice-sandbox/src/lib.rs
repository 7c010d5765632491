//! A simulated onOffice enterprise API on loopback: the real URL shape, envelope, HMAC v2 check, error codes and
//! limits over a generated account with planted findings, plus a DNS server for its mail domains.
//! It only ever binds to 127.0.0.1 and must never be mistaken for a real account (the app shows a "Demo" banner).

pub mod actions;
pub mod advance;
pub mod agent;
pub mod dns;
pub mod filter;
pub mod fleet;
pub mod generate;
pub mod model;
pub mod server;

use std::net::SocketAddr;
use std::sync::Arc;

use onoffice_protocol::lock::Unpoisoned;
use serde::Serialize;

pub use fleet::{Fleet, FleetConfig, TenantFailure};
pub use generate::{GenConfig, Generated, Planted};
pub use model::MaklerVariant;
pub use server::{FaultKind, Knobs, SecondWriterChange};

/// How to start a sandbox.
#[derive(Clone, Debug, Default)]
pub struct SandboxConfig {
    /// HTTP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// DNS (UDP) port on 127.0.0.1; 0 picks a free one.
    pub dns_port: u16,
    pub generate: GenConfig,
    pub knobs: Knobs,
    /// Take away the API user's right "Benutzerdaten über API auslesen".
    pub without_user_read_right: bool,
}

/// The first line the binary prints: everything a client needs to connect.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Connection {
    pub url: String,
    pub token: String,
    pub secret: String,
    pub dns: String,
}

/// A running sandbox. Dropping it stops the HTTP server.
pub struct Sandbox {
    pub connection: Connection,
    pub shared: Arc<server::Shared>,
    pub http_addr: SocketAddr,
    pub dns_addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn credential(rng: &mut generate::Rng, len: usize, alphabet: &[u8]) -> String {
    (0..len)
        .map(|_| alphabet[rng.below(alphabet.len())] as char)
        .collect()
}

/// Token and secret of a generated account: derived from its seed, so a demo's curl examples stay valid between
/// runs.
pub fn credentials_of(seed: u64) -> (String, String) {
    let mut rng = generate::Rng::new(seed ^ 0xC0FFEE);
    let token = credential(&mut rng, 32, b"0123456789abcdef");
    let secret = credential(&mut rng, 64, ALPHABET);
    (token, secret)
}

impl Sandbox {
    /// Generates the account and starts serving it (HTTP and DNS) on loopback.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let mut generated = generate::generate(&config.generate);
        generated.account.can_read_users = !config.without_user_read_right;
        let (token, secret) = credentials_of(config.generate.seed);
        let dns_addr = dns::start(&generated.mail_hosts, config.dns_port).await?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let http_addr = listener.local_addr()?;
        let shared = Arc::new(server::Shared::new(
            generated,
            config.generate.seed,
            (token.clone(), secret.clone()),
            config.knobs.clone(),
        ));
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Sandbox {
            connection: Connection {
                url: format!("http://{http_addr}/api/stable/api.php"),
                token,
                secret,
                dns: dns_addr.to_string(),
            },
            shared,
            http_addr,
            dns_addr,
            task,
        })
    }

    /// Changes the knobs of the running sandbox (faults, latency, limits, second writer).
    pub fn set_knobs(&self, knobs: Knobs) {
        *self.shared.knobs.write_guard() = knobs;
    }

    pub fn knobs(&self) -> Knobs {
        self.shared.knobs.write_guard().clone()
    }

    /// The planted findings (the ground truth for tests).
    pub fn planted(&self) -> Vec<Planted> {
        self.shared.planted.read_guard().iter().cloned().collect()
    }

    /// The ground truth once the person has picked the account's broker value (see [`Generated`]).
    pub fn planted_after_choice(&self) -> Vec<Planted> {
        self.shared
            .planted_after_choice
            .read_guard()
            .iter()
            .cloned()
            .collect()
    }

    /// A snapshot of every record and relation.
    pub fn account(&self) -> model::Account {
        self.shared.account.read_guard().clone()
    }

    /// `(requests, actions)` served so far.
    pub fn stats(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering;
        (
            self.shared.requests.load(Ordering::SeqCst),
            self.shared.actions.load(Ordering::SeqCst),
        )
    }

    /// Signed actions served so far, per kind (`read`, `get`, `modify`, `create`, `delete`, ...).
    pub fn action_kinds(&self) -> std::collections::BTreeMap<String, u64> {
        self.shared.action_kinds.write_guard().clone()
    }

    /// Lets `days` days pass in the account (new listings, staff, re-assigned contacts, Maklerbuch entries); the
    /// ground truth follows.
    pub fn advance(&self, days: u32) -> advance::Advanced {
        self.shared.advance(days)
    }

    /// Edits the account directly, as a colleague in the onOffice web interface would.
    pub fn edit<T>(&self, f: impl FnOnce(&mut model::Account) -> T) -> T {
        let mut account = self.shared.account.write_guard();
        let out = f(&mut account);
        account.list_cache.clear();
        out
    }
}
