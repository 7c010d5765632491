//! Configuring a client: limits, timeouts, proxy, and the API address rule (https only, http only on loopback).

use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::Arc;
use std::time::Duration;

use super::{Client, Inner, Result, DEFAULT_BASE_URL, MAX_PAGE_SIZE};
use crate::credentials::Credentials;
use crate::error::{BaseUrlProblem, Blocker, Error};

/// Builds a [`Client`]. Every limit has a sensible default.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    pub(super) base_url: String,
    pub(super) credentials: Credentials,
    pub(super) timeout: Duration,
    pub(super) max_actions_per_request: usize,
    pub(super) max_in_flight: usize,
    pub(super) request_cap: Option<usize>,
    pub(super) max_retries: u32,
    pub(super) backoff: Duration,
    pub(super) page_size: u64,
    pub(super) clock_skew_secs: i64,
    /// A proxy to use instead of the system's (tests; an IT department's explicit setting).
    pub(super) proxy: Option<String>,
}

impl ClientBuilder {
    pub fn new(credentials: Credentials) -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials,
            timeout: Duration::from_secs(30),
            max_actions_per_request: 20,
            max_in_flight: 4,
            request_cap: None,
            max_retries: 3,
            backoff: Duration::from_millis(300),
            page_size: MAX_PAGE_SIZE,
            clock_skew_secs: 0,
            proxy: None,
        }
    }

    /// Another endpoint: https anywhere, or http on a loopback address (the sandbox).
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.trim().to_owned();
        self
    }

    /// How long one HTTP request may take before it counts as lost.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn max_actions_per_request(mut self, n: usize) -> Self {
        self.max_actions_per_request = n.max(1);
        self
    }

    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n.max(1);
        self
    }

    /// Retries after the first attempt, for reads (and for writes onOffice provably did not run).
    /// At most `n` HTTP requests of this client in flight at once, however many reads run side by side (each read
    /// sends up to `max_in_flight`). Support's runs of many accounts share a cap this way; unset, only
    /// `max_in_flight` per read holds.
    pub fn request_cap(mut self, n: usize) -> Self {
        self.request_cap = Some(n.max(1));
        self
    }

    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff; it doubles with every retry.
    pub fn backoff(mut self, base: Duration) -> Self {
        self.backoff = base;
        self
    }

    /// Records per page of a list read (at most 500).
    pub fn page_size(mut self, n: u64) -> Self {
        self.page_size = n.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Shifts the timestamps this client signs with. For tests and for diagnosing clock trouble only.
    pub fn clock_skew_secs(mut self, secs: i64) -> Self {
        self.clock_skew_secs = secs;
        self
    }

    /// Sends every request through this proxy (`http://host:port`) instead of the system's proxy settings.
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = Some(url.trim().to_owned());
        self
    }

    pub fn build(self) -> Result<Client> {
        check_base_url(&self.base_url)?;
        // TLS through rustls with the operating system's certificate verifier (its trust store, so an office's own
        // root certificate counts as it does for the browser), ring as the crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // No redirects: a redirect would re-post a signed request to an address the base-URL rule never checked.
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("agent-check/", env!("CARGO_PKG_VERSION")));
        // The system's proxy settings count (environment, Windows and macOS settings), except for the demo on this
        // PC, which no proxy can reach.
        if let Some(proxy) = &self.proxy {
            let proxy = reqwest::Proxy::all(proxy).map_err(|_| Error::BaseUrl {
                url: None,
                problem: BaseUrlProblem::Invalid,
            })?;
            http = http.proxy(proxy);
        } else if is_loopback(&self.base_url) {
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| Error::Transport {
            detail: e.to_string(),
        })?;
        let batch_limit = AtomicUsize::new(self.max_actions_per_request);
        let cap = self
            .request_cap
            .map(|n| Arc::new(tokio::sync::Semaphore::new(n)));
        Ok(Client {
            inner: Arc::new(Inner {
                cap,
                batch_limit,
                config: self,
                http,
                requests: AtomicU64::new(0),
                actions: AtomicU64::new(0),
            }),
        })
    }
}

/// Whether the address points at this PC (the demo, the sandbox).
fn is_loopback(raw: &str) -> bool {
    match url::Url::parse(raw).ok().as_ref().and_then(|u| u.host()) {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// A proxy or a certificate that stops the connection, told apart from a network that is down.
pub(super) fn blocker(e: &reqwest::Error) -> Option<Blocker> {
    let mut chain = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        chain.push(format!("{s} {s:?}").to_lowercase());
        source = s.source();
    }
    let all = chain.join(" | ");
    if all.contains("certificate")
        || all.contains("unknownissuer")
        || all.contains("notvalidforname")
    {
        Some(Blocker::Certificate)
    } else if all.contains("proxy") || all.contains("tunnel") {
        Some(Blocker::Proxy)
    } else {
        None
    }
}

/// Refuses every API address but https, or http on a loopback address. An address that carries credentials or
/// cannot be parsed is never echoed back (it may hold something secret the person pasted by mistake).
pub fn check_base_url(raw: &str) -> Result<()> {
    let hidden = |problem| Error::BaseUrl { url: None, problem };
    let url = url::Url::parse(raw).map_err(|_| hidden(BaseUrlProblem::Invalid))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(hidden(BaseUrlProblem::CredentialsInUrl));
    }
    let not_https = || Error::BaseUrl {
        url: Some(url.to_string()),
        problem: BaseUrlProblem::NotHttps,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "https" => Err(hidden(BaseUrlProblem::Invalid)),
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) if ip.is_loopback() => Ok(()),
            Some(url::Host::Ipv6(ip)) if ip.is_loopback() => Ok(()),
            Some(url::Host::Domain("localhost")) => Ok(()),
            _ => Err(not_https()),
        },
        _ => Err(not_https()),
    }
}
