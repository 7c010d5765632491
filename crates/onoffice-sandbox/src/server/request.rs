//! One API request: the body (raw or form-encoded JSON), the token, the request's own limits, the faults the knobs
//! ask for, and the answer's envelope (root error codes, root 97 when an action failed, HTTP 500 now and then).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use onoffice_protocol::lock::Unpoisoned;
use serde_json::{json, Value};

use super::action::handle_action;
use super::{FaultKind, Knobs, Shared};

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

pub(super) async fn api(
    State(s): State<Arc<Shared>>,
    Path(version): Path<String>,
    body: Bytes,
) -> Response {
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
            lost_answer(kind, &knobs).await
        }
    }
}

/// What the client gets instead of its answer under a fault of `kind` (all but `Clock`).
async fn lost_answer(kind: FaultKind, knobs: &Knobs) -> Response {
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

/// Handles one request body and returns the JSON answer.
pub fn handle(s: &Shared, body: &[u8], knobs: &Knobs) -> Value {
    let list = match actions_of(s, body, knobs) {
        Ok(list) => list,
        Err(root) => return root,
    };
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

/// The actions of a request with this account's token, or the root error that refuses it as a whole.
fn actions_of(s: &Shared, body: &[u8], knobs: &Knobs) -> Result<Vec<Value>, Value> {
    let Some(root) = parse_body(body) else {
        return Err(root_error(400, 4, "Invalid or malformed JSON"));
    };
    let Some(token) = root.get("token").and_then(Value::as_str) else {
        return Err(root_error(400, 13, "Missing or invalid element: token"));
    };
    if token != s.token {
        return Err(root_error(400, 22, "Not authenticated"));
    }
    let Some(list) = root.get("request").and_then(|r| r.get("actions")) else {
        return Err(root_error(400, 14, "Missing or invalid element: request"));
    };
    let Some(list) = list.as_array() else {
        return Err(root_error(400, 15, "Missing or invalid element: actions"));
    };
    if list.is_empty() {
        return Err(root_error(400, 9, "Empty request"));
    }
    if list.len() > knobs.max_actions {
        return Err(root_error(
            400,
            15,
            &format!(
                "Missing or invalid element: actions (at most {} actions per request)",
                knobs.max_actions
            ),
        ));
    }
    Ok(list.clone())
}
