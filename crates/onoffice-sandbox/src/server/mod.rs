//! The HTTP side of the sandbox: `POST /api/{stable|latest}/api.php` with the real envelope, token check, HMAC v2
//! check, ±120 s timestamp window and error codes, plus the fault knobs and the `/_sandbox/*` inspection routes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use onoffice_protocol::lock::Unpoisoned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::generate::{Planted, Rng};
use crate::model::Account;

mod action;
mod request;

pub use action::hmac_v2;
use request::api;
pub(crate) use request::{envelope_response, parse_body, root_error};
pub use request::{handle, serve};

/// The ways the sandbox can misbehave on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// HTTP 500 with an HTML body.
    Http500,
    /// Headers sent, then the connection is cut.
    Drop,
    /// No answer until long after any sensible client timeout.
    Stall,
    /// HTTP 200 with a body that is not JSON (a proxy's error page).
    NotJson,
    /// Root error 136, as if the client's clock were off.
    Clock,
}

pub const ALL_FAULTS: &[FaultKind] = &[
    FaultKind::Http500,
    FaultKind::Drop,
    FaultKind::Stall,
    FaultKind::NotJson,
    FaultKind::Clock,
];

/// Knobs that tests may turn while the sandbox runs.
#[derive(Clone, Debug)]
pub struct Knobs {
    pub latency: Duration,
    pub fault_rate: f64,
    pub faults: Vec<FaultKind>,
    pub stall: Duration,
    /// Most actions one request may carry; more is refused with error 15.
    pub max_actions: usize,
    /// Chance per record returned by a list read of addresses that a colleague changes its `ArtDaten` right after.
    pub second_writer_rate: f64,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            latency: Duration::ZERO,
            fault_rate: 0.0,
            faults: ALL_FAULTS.to_vec(),
            stall: Duration::from_secs(40),
            max_actions: 100,
            second_writer_rate: 0.0,
        }
    }
}

/// One change the simulated colleague made.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct SecondWriterChange {
    pub address: u64,
    pub key: String,
    pub added: bool,
}

/// Everything the request handlers share.
pub struct Shared {
    pub account: RwLock<Account>,
    /// The ground truth; `/_sandbox/advance` changes it as the account changes.
    pub planted: RwLock<std::collections::BTreeSet<Planted>>,
    pub planted_after_choice: RwLock<std::collections::BTreeSet<Planted>>,
    /// The seed the account was generated from (what `advance` brings follows it).
    pub seed: u64,
    pub token: String,
    pub secret: String,
    pub knobs: Mutex<Knobs>,
    pub requests: AtomicU64,
    pub actions: AtomicU64,
    /// Requests being answered now, and the most there ever were at once (how polite a client is).
    pub in_flight: AtomicU64,
    pub peak_in_flight: AtomicU64,
    /// Actions served per kind (`read`, `get`, `modify`, `create`, `delete`, ...).
    pub action_kinds: Mutex<std::collections::BTreeMap<String, u64>>,
    pub rng: Mutex<Rng>,
    pub second_writer_log: Mutex<Vec<SecondWriterChange>>,
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/{version}/api.php", post(api))
        .route("/_sandbox/planted", get(planted))
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/transfer", post(transfer))
        .route("/_sandbox/advance", post(advance))
        .with_state(shared)
}

async fn planted(State(s): State<Arc<Shared>>) -> Json<Vec<Planted>> {
    Json(s.planted.read_guard().iter().cloned().collect())
}

async fn state(State(s): State<Arc<Shared>>) -> Json<Value> {
    let account = s.account.read_guard().clone();
    let mut v = serde_json::to_value(&account).unwrap_or(Value::Null);
    v["second_writer_changes"] =
        serde_json::to_value(&*s.second_writer_log.write_guard()).unwrap_or_default();
    Json(v)
}

/// A person (or onOffice's automatic portal synchronisation) transfers listings to the portals now: `{"estates":
/// [ids]}`, or `{}` for every listing (a Portalabgleich). Answers the job number, `null` when the account's Maklerbuch
/// does not show transfers.
async fn transfer(State(s): State<Arc<Shared>>, body: Bytes) -> Json<Value> {
    let wanted: Option<Vec<u64>> = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("estates").cloned())
        .and_then(|v| serde_json::from_value(v).ok());
    let mut account = s.account.write_guard();
    let estates = wanted.unwrap_or_else(|| account.estates.keys().copied().collect());
    let job = account.transfer_to_portals(&estates, jiff::Timestamp::now());
    account.list_cache.clear();
    Json(json!({ "job": job, "estates": estates.len() }))
}

/// Days pass: `{"days": N}` (1 to 60; default 1). Answers what happened (new listings, new users, re-assigned
/// listings).
async fn advance(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let days = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("days").and_then(Value::as_u64))
        .unwrap_or(1);
    if !(1..=60).contains(&days) {
        return (StatusCode::BAD_REQUEST, "days: 1 to 60").into_response();
    }
    Json(s.advance(days as u32)).into_response()
}

impl Shared {
    /// The state of one generated account, served with this token and secret.
    pub fn new(
        generated: crate::Generated,
        seed: u64,
        (token, secret): (String, String),
        knobs: Knobs,
    ) -> Shared {
        Shared {
            account: RwLock::new(generated.account),
            planted: RwLock::new(generated.planted.into_iter().collect()),
            planted_after_choice: RwLock::new(generated.planted_after_choice.into_iter().collect()),
            seed,
            token,
            secret,
            knobs: Mutex::new(knobs),
            requests: AtomicU64::new(0),
            actions: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            action_kinds: Mutex::new(Default::default()),
            rng: Mutex::new(Rng::new(seed.wrapping_mul(31).wrapping_add(7))),
            second_writer_log: Mutex::new(Vec::new()),
        }
    }

    /// Lets `days` days pass (see `advance`).
    pub fn advance(&self, days: u32) -> crate::advance::Advanced {
        let mut account = self.account.write_guard();
        let mut planted = self.planted.write_guard();
        let mut after_choice = self.planted_after_choice.write_guard();
        crate::advance::advance(
            &mut account,
            crate::advance::Truth {
                planted: &mut planted,
                after_choice: &mut after_choice,
            },
            self.seed,
            days,
            jiff::Timestamp::now(),
        )
    }
}

async fn stats(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "requests": s.requests.load(Ordering::SeqCst),
        "actions": s.actions.load(Ordering::SeqCst),
        "by_kind": *s.action_kinds.write_guard(),
    }))
}
