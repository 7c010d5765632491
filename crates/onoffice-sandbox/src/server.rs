//! The HTTP side of the sandbox: `POST /api/{stable|latest}/api.php` with the real envelope, token check, HMAC v2
//! check, ±120 s timestamp window and error codes, plus the fault knobs and the `/_sandbox/*` inspection routes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use hmac::{Hmac, Mac};
use onoffice_protocol::lock::Unpoisoned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::actions;
use crate::generate::{Planted, Rng};
use crate::model::Account;

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

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The root of an answer that failed as a whole.
pub(crate) fn root_error(code: i64, errorcode: i64, message: &str) -> Value {
    json!({"status": {"code": code, "errorcode": errorcode, "message": message}, "response": {"results": []}})
}

/// An answer with its JSON envelope. Error envelopes (a root error, or root 97 when an action failed) come with
/// HTTP 500 when `error_as_500` says so: the docs describe errors only as JSON, so the sandbox sends them both ways
/// and a client must read the envelope whatever the HTTP status.
pub(crate) fn envelope_response(v: Value, error_as_500: bool) -> Response {
    let errorcode = v
        .get("status")
        .and_then(|s| s.get("errorcode"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let status = if errorcode != 0 && error_as_500 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        v.to_string(),
    )
        .into_response()
}

async fn api(State(s): State<Arc<Shared>>, Path(version): Path<String>, body: Bytes) -> Response {
    serve(&s, &version, body).await
}

/// Answers one API request of this account (the fleet's requests come here once their token named the account).
pub async fn serve(s: &Shared, version: &str, body: Bytes) -> Response {
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.peak_in_flight.fetch_max(now, Ordering::SeqCst);
    let answer = answer(s, version, body).await;
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    answer
}

async fn answer(s: &Shared, version: &str, body: Bytes) -> Response {
    if version != "stable" && version != "latest" {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    }
    s.requests.fetch_add(1, Ordering::SeqCst);
    let knobs = s.knobs.write_guard().clone();
    if !knobs.latency.is_zero() {
        tokio::time::sleep(knobs.latency).await;
    }
    let (fault, process_anyway, error_as_500) = {
        let mut rng = s.rng.write_guard();
        let fault = if !knobs.faults.is_empty() && rng.chance(knobs.fault_rate) {
            Some(*rng.pick(&knobs.faults))
        } else {
            None
        };
        (fault, rng.chance(0.5), rng.chance(0.5))
    };
    match fault {
        None => envelope_response(handle(s, &body, &knobs), error_as_500),
        Some(FaultKind::Clock) => envelope_response(
            root_error(
                400,
                136,
                "Your timestamp is too old or your server time is wrong.",
            ),
            error_as_500,
        ),
        Some(kind) => {
            // The request may or may not have run before the answer got lost, as in real life.
            if process_anyway {
                let _ = handle(s, &body, &knobs);
            }
            match kind {
                FaultKind::Http500 => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body><h1>500 Internal Server Error</h1></body></html>",
                )
                    .into_response(),
                FaultKind::NotJson => (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body>Wartungsarbeiten</body></html>",
                )
                    .into_response(),
                FaultKind::Stall => {
                    tokio::time::sleep(knobs.stall).await;
                    envelope_response(root_error(500, 500, "stalled"), true)
                }
                _ => {
                    let stream = futures::stream::once(async {
                        Err::<Bytes, std::io::Error>(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "dropped by the sandbox",
                        ))
                    });
                    Response::builder()
                        .status(StatusCode::OK)
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from_stream(stream))
                        .unwrap()
                }
            }
        }
    }
}

/// Parses the body as raw JSON (what every client sends, whatever its content type says), or as form-encoded JSON.
pub(crate) fn parse_body(body: &[u8]) -> Option<Value> {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return Some(v);
    }
    let decoded: String = form_urlencoded::parse(body)
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    serde_json::from_str(&decoded).ok()
}

pub fn hmac_v2(
    secret: &str,
    token: &str,
    timestamp: &str,
    resource_type: &str,
    action_id: &str,
) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.as_bytes());
    mac.update(token.as_bytes());
    mac.update(resource_type.as_bytes());
    mac.update(action_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn as_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Handles one request body and returns the JSON answer.
pub fn handle(s: &Shared, body: &[u8], knobs: &Knobs) -> Value {
    let Some(root) = parse_body(body) else {
        return root_error(400, 4, "Invalid or malformed JSON");
    };
    let Some(token) = root.get("token").and_then(Value::as_str) else {
        return root_error(400, 13, "Missing or invalid element: token");
    };
    if token != s.token {
        return root_error(400, 22, "Not authenticated");
    }
    let Some(list) = root.get("request").and_then(|r| r.get("actions")) else {
        return root_error(400, 14, "Missing or invalid element: request");
    };
    let Some(list) = list.as_array() else {
        return root_error(400, 15, "Missing or invalid element: actions");
    };
    if list.is_empty() {
        return root_error(400, 9, "Empty request");
    }
    if list.len() > knobs.max_actions {
        return root_error(
            400,
            15,
            &format!(
                "Missing or invalid element: actions (at most {} actions per request)",
                knobs.max_actions
            ),
        );
    }
    s.actions.fetch_add(list.len() as u64, Ordering::SeqCst);
    let now = unix_now();
    let results: Vec<Value> = list
        .iter()
        .map(|a| handle_action(s, a, now, knobs))
        .collect();
    // One failed action marks the whole answer with 97 ("error in action"); the details stay per action.
    let failed = results.iter().any(|r| {
        r.get("status")
            .and_then(|s| s.get("errorcode"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
            != 0
    });
    let status = if failed {
        json!({"code": 200, "errorcode": 97, "message": "Error in action"})
    } else {
        json!({"code": 200, "errorcode": 0, "message": "OK"})
    };
    json!({"status": status, "response": {"results": results}})
}

fn handle_action(s: &Shared, action: &Value, now: i64, knobs: &Knobs) -> Value {
    let action_id = action
        .get("actionid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let resource_type = action
        .get("resourcetype")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let resource_id = action
        .get("resourceid")
        .cloned()
        .unwrap_or(Value::String(String::new()));
    let identifier = match action.get("identifier") {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => Value::String(String::new()),
    };
    let envelope = |data: Value, errorcode: i64, message: &str, cacheable: bool| -> Value {
        json!({
            "actionid": action_id, "resourceid": resource_id, "resourcetype": resource_type,
            "cacheable": cacheable, "identifier": identifier, "data": data,
            "status": {"errorcode": errorcode, "message": message}
        })
    };
    let fail = |code: i64, message: &str| envelope(Value::Array(Vec::new()), code, message, false);

    if action.get("actionid").is_none() {
        return fail(16, "Missing or invalid element: attribute actionid");
    }
    if action.get("resourcetype").is_none() {
        return fail(19, "Missing or invalid element: resourcetype");
    }
    let Some(params) = action.get("parameters") else {
        return fail(20, "Missing or invalid element: parameters");
    };
    let params: Map<String, Value> = match params {
        Value::Object(m) => m.clone(),
        Value::Array(a) if a.is_empty() => Map::new(),
        _ => return fail(20, "Missing or invalid element: parameters"),
    };
    // Only HMAC version 2 is implemented; version 1 depends on PHP's JSON encoding byte for byte.
    let version = as_text(action.get("hmac_version"));
    if version.as_deref() != Some("2") {
        return fail(137, "The HMAC is invalid.");
    }
    let Some(timestamp) = as_text(action.get("timestamp")) else {
        return fail(
            136,
            "Your timestamp is too old or your server time is wrong.",
        );
    };
    let given = action.get("hmac").and_then(Value::as_str).unwrap_or("");
    let expected = hmac_v2(&s.secret, &s.token, &timestamp, &resource_type, &action_id);
    if given != expected {
        return fail(137, "The HMAC is invalid.");
    }
    match timestamp.parse::<i64>() {
        Ok(ts) if (now - ts).abs() <= 120 => {}
        _ => {
            return fail(
                136,
                "Your timestamp is too old or your server time is wrong.",
            )
        }
    }

    let kind = action_id.rsplit(':').next().unwrap_or("");
    *s.action_kinds
        .write_guard()
        .entry(kind.to_string())
        .or_default() += 1;
    if !action_id.starts_with("urn:onoffice-de-ns:smart:2.5:smartml:action:")
        || !matches!(kind, "read" | "create" | "modify" | "get" | "do" | "delete")
    {
        return fail(
            23,
            &format!("Missing configuration for actionId \"{action_id}\""),
        );
    }
    let outcome = if matches!(kind, "read" | "get") {
        // A colleague changed the contact persons of some of the listings asked about, just before this read (so
        // the client sees it, but its preview did not).
        let contact_read = knobs.second_writer_rate > 0.0
            && kind == "get"
            && resource_type == "idsfromrelation"
            && params.get("relationtype").and_then(Value::as_str)
                == Some(crate::model::RELATION_CONTACT_PERSON);
        if contact_read {
            let estates: Vec<u64> = params
                .get("parentids")
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default();
            let mut account = s.account.write_guard();
            let mut rng = s.rng.write_guard();
            let mut log = s.second_writer_log.write_guard();
            for estate in estates {
                if rng.chance(knobs.second_writer_rate) {
                    if let Some(change) =
                        actions::colleague_edit_contacts(&mut account, estate, &mut rng)
                    {
                        log.push(change);
                    }
                }
            }
        }
        let out = actions::run_read(
            &s.account.read_guard(),
            kind,
            &resource_type,
            &resource_id,
            &params,
        );
        // The colleague edits some addresses the client just listed, after the answer was put together.
        if let (Ok(done), true) = (&out, knobs.second_writer_rate > 0.0) {
            if kind == "read" && resource_type == "address" && params.contains_key("filter") {
                let mut account = s.account.write_guard();
                let mut rng = s.rng.write_guard();
                let mut log = s.second_writer_log.write_guard();
                for id in &done.listed_addresses {
                    if rng.chance(knobs.second_writer_rate) {
                        if let Some(change) = actions::colleague_edit(&mut account, *id, &mut rng) {
                            log.push(change);
                        }
                    }
                }
            }
        }
        out
    } else {
        actions::run_write(
            &mut s.account.write_guard(),
            kind,
            &resource_type,
            &resource_id,
            &params,
        )
    };
    match outcome {
        Ok(done) => envelope(
            json!({"meta": {"cntabsolute": done.cnt_absolute}, "records": done.records}),
            0,
            "OK",
            matches!(kind, "read" | "get"),
        ),
        Err((code, message)) => fail(code, &message),
    }
}
