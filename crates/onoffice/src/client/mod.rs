//! The HTTP side of the client: base URL rule, signing each action, batching many actions into few requests with a
//! few requests in flight, paging list reads to the end, and retrying what is safe to retry. Reads are retried on
//! transient failures; writes only when onOffice provably did not run them (connection refused, clock refusal).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::answer::Body;
use crate::credentials::Credentials;
use crate::envelope::{Action, ActionResult};
use crate::error::{Blocker, Error};
use crate::signing::hmac_v2;

/// The stable production endpoint of the onOffice API.
pub const DEFAULT_BASE_URL: &str = "https://api.onoffice.de/api/stable/api.php";
/// onOffice returns at most this many records per list read.
pub use onoffice_protocol::MAX_PAGE_SIZE;

pub type Result<T> = std::result::Result<T, Error>;

mod batch;
mod builder;
mod paging;

pub use batch::{Answers, Batch, Slot};
pub use paging::FirstPage;

use builder::blocker;
pub use builder::{check_base_url, ClientBuilder};
pub use paging::paged;

struct Inner {
    config: ClientBuilder,
    /// The requests this client may have in flight at once, when capped ([`ClientBuilder::request_cap`]).
    cap: Option<Arc<tokio::sync::Semaphore>>,
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
            .unwrap_or_else(|| Err(unanswered()))
    }

    /// Runs many actions: batched into requests of at most `max_actions_per_request`, with at most
    /// `max_in_flight` requests at once. Results come back in the order of the actions.
    /// Reads and writes never share a request, so a lost answer never costs a read its retry.
    pub async fn execute(&self, actions: Vec<Action>) -> Vec<Result<ActionResult>> {
        let mut out = Vec::with_capacity(actions.len());
        self.execute_each(actions, |r| out.push(r)).await;
        out
    }

    /// `execute`, handing each result to `each` in the order of the actions as soon as its request has answered,
    /// so a caller can turn a large answer into what it keeps before the next ones arrive.
    pub async fn execute_each(
        &self,
        actions: Vec<Action>,
        mut each: impl FnMut(Result<ActionResult>),
    ) {
        let chunks = self.chunk(actions);
        let mut answers = stream::iter(chunks)
            .map(|chunk| async move { self.send_chunk(&chunk).await })
            .buffered(self.inner.config.max_in_flight);
        while let Some(results) = answers.next().await {
            results.into_iter().for_each(&mut each);
        }
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
                Err(failure) => match settle(failure, may_retry, is_write) {
                    None => retry = pending.clone(),
                    Some(e) => {
                        for &i in &pending {
                            out[i] = Some(Err(e.clone()));
                        }
                    }
                },
            }
            if retry.is_empty() {
                break;
            }
            pending = retry;
            attempt += 1;
            tokio::time::sleep(retry_wait(cfg.backoff, attempt)).await;
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(unanswered())))
            .collect()
    }

    /// One HTTP exchange; every action is signed afresh with the current time.
    async fn send_once(
        &self,
        actions: &[&Action],
    ) -> std::result::Result<Vec<Result<ActionResult>>, Failure> {
        // Held until the answer is read: a request counts against the cap while it is in flight.
        let _permit = match &self.inner.cap {
            Some(cap) => cap.clone().acquire_owned().await.ok(),
            None => None,
        };
        let body = self.signed_request(actions);
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        self.inner
            .actions
            .fetch_add(actions.len() as u64, Ordering::Relaxed);
        let response = self.post(&body).await?;
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
        read_answer(status, &bytes, actions.len())
    }

    /// The request body: the token and every action signed with the current time (and the configured clock skew).
    fn signed_request(&self, actions: &[&Action]) -> Value {
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
        json!({"token": token, "request": {"actions": wire}})
    }

    /// Posts the request; a failure to send says whether onOffice may have seen it.
    async fn post(&self, body: &Value) -> std::result::Result<reqwest::Response, Failure> {
        self.inner
            .http
            .post(&self.inner.config.base_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(body)
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
            })
    }
}

/// The per-action results of an HTTP answer of `status` for `count` actions. onOffice's JSON envelope counts whatever
/// the HTTP status says; only an answer without one is lost.
fn read_answer(
    status: reqwest::StatusCode,
    bytes: &[u8],
    count: usize,
) -> std::result::Result<Vec<Result<ActionResult>>, Failure> {
    match Body::read(bytes) {
        Body::Envelope(envelope) if envelope.is_onoffice() => {
            envelope.results(count).map_err(Failure::Root)
        }
        _ if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS => Err(
            Failure::Lost(format!("HTTP {status} without an onOffice answer")),
        ),
        Body::Envelope(_) | Body::OtherJson if !status.is_success() => {
            Err(Failure::Root(Error::Unexpected {
                detail: format!("HTTP {status} without an onOffice answer"),
            }))
        }
        Body::Envelope(envelope) => envelope.results(count).map_err(Failure::Root),
        Body::OtherJson => Err(Failure::Root(Error::Unexpected {
            detail: "response is not a JSON object".into(),
        })),
        Body::Unreadable(_) if !status.is_success() => Err(Failure::Root(Error::Unexpected {
            detail: format!("HTTP {status} without a JSON body"),
        })),
        Body::Unreadable(e) => Err(Failure::Lost(format!("answer is not JSON: {e}"))),
    }
}

/// What a failed exchange means for each of its actions: `None` to send them again, else the error they end with.
/// Error 136 (the clock) and a refused connection ran nothing; a lost answer to a write may have run it.
fn settle(failure: Failure, may_retry: bool, is_write: bool) -> Option<Error> {
    match failure {
        Failure::Root(e) if may_retry && e.code() == Some(136) => None,
        Failure::Root(e) => Some(e),
        Failure::NotSent(_) if may_retry => None,
        Failure::NotSent(detail) => Some(Error::Transport { detail }),
        Failure::Lost(detail) if is_write => Some(Error::UnknownOutcome { detail }),
        Failure::Lost(_) if may_retry => None,
        Failure::Lost(detail) => Some(Error::Transport { detail }),
    }
}

/// The result of an action onOffice's answer left out (never expected: every answer has one per action).
fn unanswered() -> Error {
    Error::Unexpected {
        detail: "no result for this action in the answer".into(),
    }
}

/// How long to wait before retry number `attempt` (from 1): the backoff, doubled with every retry, at most 8 s.
fn retry_wait(backoff: Duration, attempt: u32) -> Duration {
    let doubled = backoff.saturating_mul(1 << attempt.saturating_sub(1).min(5));
    doubled.min(Duration::from_secs(8))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
