//! The HTTP side of the client: base URL rule, signing each action, batching many actions into few requests with a
//! few requests in flight, paging list reads to the end, and retrying what is safe to retry. Reads are retried on
//! transient failures; writes only when onOffice provably did not run them (connection refused, clock refusal).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::credentials::Credentials;
use crate::envelope::{parse_response, Action, ActionResult, Record};
use crate::error::{BaseUrlProblem, Blocker, Error};
use crate::signing::hmac_v2;

/// The stable production endpoint of the onOffice API.
pub const DEFAULT_BASE_URL: &str = "https://api.onoffice.de/api/stable/api.php";
/// onOffice returns at most this many records per list read.
pub const MAX_PAGE_SIZE: u64 = 500;

pub type Result<T> = std::result::Result<T, Error>;

/// Builds a [`Client`]. Every limit has a sensible default.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    timeout: Duration,
    max_actions_per_request: usize,
    max_in_flight: usize,
    max_retries: u32,
    backoff: Duration,
    page_size: u64,
    clock_skew_secs: i64,
    /// A proxy to use instead of the system's (tests; an IT department's explicit setting).
    proxy: Option<String>,
}

impl ClientBuilder {
    pub fn new(credentials: Credentials) -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials,
            timeout: Duration::from_secs(30),
            max_actions_per_request: 20,
            max_in_flight: 4,
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
        Ok(Client {
            inner: Arc::new(Inner {
                batch_limit,
                config: self,
                http,
                requests: AtomicU64::new(0),
                actions: AtomicU64::new(0),
            }),
        })
    }
}

/// Refuses every API address but https, or http on a loopback address. An address that carries credentials or
/// cannot be parsed is never echoed back (it may hold something secret the person pasted by mistake).
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
fn blocker(e: &reqwest::Error) -> Option<Blocker> {
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

struct Inner {
    config: ClientBuilder,
    /// Most actions per request; halved for the rest of the session when onOffice answers error 15.
    batch_limit: AtomicUsize,
    http: reqwest::Client,
    /// HTTP requests and actions sent so far (retries included), for progress and benchmarks.
    requests: AtomicU64,
    actions: AtomicU64,
}

/// A connection to one onOffice account. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .field("token", &self.inner.config.credentials.token)
            .finish_non_exhaustive()
    }
}

/// Why one HTTP exchange did not produce per-action results.
enum Failure {
    /// Nothing reached onOffice (connection refused): safe to send again.
    NotSent(String),
    /// The request may have run, but its answer was lost.
    Lost(String),
    /// onOffice answered with an error for the request as a whole.
    Root(Error),
}

impl Client {
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new(credentials)
    }

    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    pub fn page_size(&self) -> u64 {
        self.inner.config.page_size
    }

    /// Requests this client keeps in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.inner.config.max_in_flight
    }

    /// Most actions this client now puts into one request (smaller after an error 15).
    pub fn batch_limit(&self) -> usize {
        self.inner.batch_limit.load(Ordering::Relaxed)
    }

    /// `(requests, actions)` sent by this client and its clones so far, retries included.
    pub fn counters(&self) -> (u64, u64) {
        (
            self.inner.requests.load(Ordering::Relaxed),
            self.inner.actions.load(Ordering::Relaxed),
        )
    }

    /// Runs one action.
    pub async fn call(&self, action: Action) -> Result<ActionResult> {
        self.execute(vec![action])
            .await
            .pop()
            .expect("one result per action")
    }

    /// Runs many actions: batched into requests of at most `max_actions_per_request`, with at most
    /// `max_in_flight` requests at once. Results come back in the order of the actions.
    /// Reads and writes never share a request, so a lost answer never costs a read its retry.
    pub async fn execute(&self, actions: Vec<Action>) -> Vec<Result<ActionResult>> {
        let chunks = self.chunk(actions);
        let results: Vec<Vec<Result<ActionResult>>> = stream::iter(chunks)
            .map(|chunk| async move { self.send_chunk(&chunk).await })
            .buffered(self.inner.config.max_in_flight)
            .collect()
            .await;
        results.into_iter().flatten().collect()
    }

    /// Splits actions into requests: reads and writes never share one; a run of reads is spread evenly over at
    /// least as many requests as may be in flight (each at most `max_actions_per_request`), so the server works on
    /// them in parallel; writes fill requests in order.
    fn chunk(&self, actions: Vec<Action>) -> Vec<Vec<Action>> {
        let cfg = &self.inner.config;
        let limit = self.batch_limit();
        let mut runs: Vec<Vec<Action>> = Vec::new();
        for action in actions {
            match runs.last_mut() {
                Some(run) if run[0].kind.is_write() == action.kind.is_write() => run.push(action),
                _ => runs.push(vec![action]),
            }
        }
        let mut chunks = Vec::new();
        for run in runs {
            let n = run.len();
            let size = if run[0].kind.is_write() {
                limit
            } else {
                let requests = n.div_ceil(limit).max(cfg.max_in_flight.min(n));
                n.div_ceil(requests)
            };
            let mut it = run.into_iter().peekable();
            while it.peek().is_some() {
                chunks.push(it.by_ref().take(size).collect());
            }
        }
        chunks
    }

    /// Sends one request's worth of actions. A request refused with error 15 (too many actions; the limit is not
    /// documented) ran nothing, so it is split in halves and sent again, and the smaller size is kept.
    fn send_chunk<'a>(
        &'a self,
        actions: &'a [Action],
    ) -> futures::future::BoxFuture<'a, Vec<Result<ActionResult>>> {
        Box::pin(async move {
            let results = self.send_chunk_once(actions).await;
            let too_many = actions.len() > 1
                && results.len() == actions.len()
                && results
                    .iter()
                    .all(|r| matches!(r, Err(e) if e.code() == Some(15)));
            if !too_many {
                return results;
            }
            let half = actions.len().div_ceil(2);
            self.inner.batch_limit.fetch_min(half, Ordering::Relaxed);
            let (a, b) = actions.split_at(half);
            let mut out = self.send_chunk(a).await;
            out.extend(self.send_chunk(b).await);
            out
        })
    }

    async fn send_chunk_once(&self, actions: &[Action]) -> Vec<Result<ActionResult>> {
        let cfg = &self.inner.config;
        let is_write = actions[0].kind.is_write();
        let mut out: Vec<Option<Result<ActionResult>>> = vec![None; actions.len()];
        let mut pending: Vec<usize> = (0..actions.len()).collect();
        let mut attempt = 0u32;
        loop {
            let batch: Vec<&Action> = pending.iter().map(|&i| &actions[i]).collect();
            let may_retry = attempt < cfg.max_retries;
            let mut retry: Vec<usize> = Vec::new();
            match self.send_once(&batch).await {
                Ok(results) => {
                    for (&i, r) in pending.iter().zip(results) {
                        // 136 means onOffice refused the action before running it: signing again is safe.
                        if may_retry && matches!(&r, Err(e) if e.code() == Some(136)) {
                            retry.push(i);
                        } else {
                            out[i] = Some(r);
                        }
                    }
                }
                Err(Failure::Root(e)) if may_retry && e.code() == Some(136) => {
                    retry = pending.clone()
                }
                Err(Failure::Root(e)) => {
                    for &i in &pending {
                        out[i] = Some(Err(e.clone()));
                    }
                }
                Err(Failure::NotSent(_)) if may_retry => retry = pending.clone(),
                Err(Failure::NotSent(detail)) => {
                    for &i in &pending {
                        out[i] = Some(Err(Error::Transport {
                            detail: detail.clone(),
                        }));
                    }
                }
                Err(Failure::Lost(detail)) if is_write => {
                    for &i in &pending {
                        out[i] = Some(Err(Error::UnknownOutcome {
                            detail: detail.clone(),
                        }));
                    }
                }
                Err(Failure::Lost(_)) if may_retry => retry = pending.clone(),
                Err(Failure::Lost(detail)) => {
                    for &i in &pending {
                        out[i] = Some(Err(Error::Transport {
                            detail: detail.clone(),
                        }));
                    }
                }
            }
            if retry.is_empty() {
                break;
            }
            pending = retry;
            attempt += 1;
            let wait = cfg.backoff.saturating_mul(1 << (attempt - 1).min(5));
            tokio::time::sleep(wait.min(Duration::from_secs(8))).await;
        }
        out.into_iter()
            .map(|r| r.expect("every action answered"))
            .collect()
    }

    /// One HTTP exchange; every action is signed afresh with the current time.
    async fn send_once(
        &self,
        actions: &[&Action],
    ) -> std::result::Result<Vec<Result<ActionResult>>, Failure> {
        let cfg = &self.inner.config;
        let token = cfg.credentials.token.as_str();
        let secret = cfg.credentials.secret.expose();
        let timestamp = unix_now() + cfg.clock_skew_secs;
        let wire: Vec<Value> = actions
            .iter()
            .map(|a| {
                let mac = hmac_v2(secret, token, timestamp, &a.resource_type, a.kind.urn());
                a.to_wire(timestamp, mac)
            })
            .collect();
        let body = json!({"token": token, "request": {"actions": wire}});
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        self.inner
            .actions
            .fetch_add(actions.len() as u64, Ordering::Relaxed);
        let response = self
            .inner
            .http
            .post(&cfg.base_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                if let Some(by) = blocker(&e) {
                    // Stopped before onOffice saw anything; trying again does not help, the IT department does.
                    Failure::Root(Error::Blocked {
                        by,
                        detail: e.to_string(),
                    })
                } else if e.is_connect() {
                    Failure::NotSent(e.to_string())
                } else {
                    Failure::Lost(e.to_string())
                }
            })?;
        let status = response.status();
        if status == reqwest::StatusCode::PROXY_AUTHENTICATION_REQUIRED {
            return Err(Failure::Root(Error::Blocked {
                by: Blocker::Proxy,
                detail: format!("HTTP {status}"),
            }));
        }
        if status.is_redirection() {
            // Never followed; the signed request is not sent anywhere else.
            return Err(Failure::Root(Error::Redirect {
                status: status.as_u16(),
            }));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Failure::Lost(e.to_string()))?;
        // onOffice's JSON envelope counts whatever the HTTP status says; only an answer without one is lost.
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) if has_envelope(&value) => {
                parse_response(value, actions.len()).map_err(Failure::Root)
            }
            _ if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                Err(Failure::Lost(format!(
                    "HTTP {status} without an onOffice answer"
                )))
            }
            Ok(_) if !status.is_success() => Err(Failure::Root(Error::Unexpected {
                detail: format!("HTTP {status} without an onOffice answer"),
            })),
            Ok(value) => parse_response(value, actions.len()).map_err(Failure::Root),
            Err(_) if !status.is_success() => Err(Failure::Root(Error::Unexpected {
                detail: format!("HTTP {status} without a JSON body"),
            })),
            Err(e) => Err(Failure::Lost(format!("answer is not JSON: {e}"))),
        }
    }

    /// Reads every record of a list read: the first page, then all remaining pages together.
    pub async fn read_all(&self, action: Action) -> Result<Vec<Record>> {
        self.read_all_many(vec![action])
            .await
            .pop()
            .expect("one result per action")
    }

    /// Reads every record of several list reads. First pages go out together, then the remaining pages.
    pub async fn read_all_many(&self, actions: Vec<Action>) -> Vec<Result<Vec<Record>>> {
        let page = self.inner.config.page_size;
        let firsts: Vec<Action> = actions.iter().map(|a| paged(a, page, 0)).collect();
        let first_results = self.execute(firsts).await;
        self.read_remaining(&actions, first_results).await
    }

    /// Given the first page of each list read, reads the rest. With a total (`cntabsolute`) every remaining page goes
    /// out at once; without one (user reads), pages are read a few at a time until one comes back shorter than the
    /// limit. Records are de-duplicated by id (a record added between two pages shifts the rest by one).
    pub async fn read_remaining(
        &self,
        lists: &[Action],
        firsts: Vec<Result<ActionResult>>,
    ) -> Vec<Result<Vec<Record>>> {
        let page = self.inner.config.page_size;
        let ahead = self.inner.config.max_in_flight as u64;
        let mut out: Vec<Result<Vec<Record>>> = Vec::with_capacity(lists.len());
        // Lists without a total whose last page was full: (list, next offset).
        let mut open_ended: Vec<(usize, u64)> = Vec::new();
        let mut follow_ups: Vec<(usize, Action)> = Vec::new();
        for (i, result) in firsts.into_iter().enumerate() {
            match result {
                Ok(r) => {
                    match r.cnt_absolute {
                        Some(total) => {
                            let mut offset = page;
                            while offset < total {
                                follow_ups.push((i, paged(&lists[i], page, offset)));
                                offset += page;
                            }
                        }
                        None if r.records.len() as u64 >= page => open_ended.push((i, page)),
                        None => {}
                    }
                    out.push(Ok(r.records));
                }
                Err(e) => out.push(Err(e)),
            }
        }
        loop {
            // Without a total, read the next few pages of each open list in the same round.
            let mut round_owner: Vec<(usize, bool)> = Vec::new();
            let mut pages: Vec<Action> = Vec::new();
            for (owner, action) in follow_ups.drain(..) {
                round_owner.push((owner, false));
                pages.push(action);
            }
            for &(i, offset) in &open_ended {
                for k in 0..ahead {
                    round_owner.push((i, true));
                    pages.push(paged(&lists[i], page, offset + k * page));
                }
            }
            if pages.is_empty() {
                break;
            }
            let mut still_open: BTreeMap<usize, bool> =
                open_ended.iter().map(|&(i, _)| (i, true)).collect();
            for ((owner, open), result) in round_owner.into_iter().zip(self.execute(pages).await) {
                match (&mut out[owner], result) {
                    (Ok(records), Ok(r)) => {
                        if open && (r.records.len() as u64) < page {
                            still_open.insert(owner, false);
                        }
                        records.extend(r.records);
                    }
                    (slot @ Ok(_), Err(e)) => {
                        still_open.insert(owner, false);
                        *slot = Err(e);
                    }
                    (Err(_), _) => {
                        still_open.insert(owner, false);
                    }
                }
            }
            open_ended = open_ended
                .into_iter()
                .filter(|(i, _)| still_open.get(i) == Some(&true))
                .map(|(i, offset)| (i, offset + ahead * page))
                .collect();
        }
        for records in out.iter_mut().flatten() {
            let mut seen = std::collections::HashSet::new();
            records.retain(|r| seen.insert(r.id.clone()));
        }
        out
    }
}

/// Whether a JSON body is onOffice's envelope (a root `status` or `response`).
fn has_envelope(value: &Value) -> bool {
    value.get("status").is_some_and(Value::is_object) || value.get("response").is_some()
}

/// A list read limited to one page.
pub fn paged(action: &Action, limit: u64, offset: u64) -> Action {
    action
        .clone()
        .param("listlimit", limit)
        .param("listoffset", offset)
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rule() {
        for ok in [
            DEFAULT_BASE_URL,
            "https://api.onoffice.de/api/latest/api.php",
            "http://127.0.0.1:8080/api/stable/api.php",
            "http://[::1]:80/api/stable/api.php",
            "http://localhost:1/api/stable/api.php",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        let hidden =
            check_base_url("https://user:geheim@api.onoffice.de/api/stable/api.php").unwrap_err();
        assert!(
            !format!("{hidden:?}{}{}", hidden.message_de(), hidden.message_en()).contains("geheim")
        );
        assert!(check_base_url("not a url")
            .unwrap_err()
            .message_de()
            .contains("Ungültige Adresse"));
        assert!(check_base_url("http://192.168.1.5/api.php")
            .unwrap_err()
            .message_de()
            .contains("nur https"));
        for bad in [
            "http://api.onoffice.de/api/stable/api.php",
            "http://192.168.1.5/api.php",
            "ftp://127.0.0.1/api.php",
            "file:///etc/passwd",
            "https://user:pw@api.onoffice.de/api/stable/api.php",
            "not a url",
            "http://127.0.0.1.evil.example/api.php",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert_eq!(err.class(), crate::ErrorClass::Configuration, "{bad}");
        }
    }
}
