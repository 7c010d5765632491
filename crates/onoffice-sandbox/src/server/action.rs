//! One action of a request: its envelope, the HMAC v2 and timestamp checks, and running it against the account,
//! with the simulated colleague who changes records around the client's reads.

use base64::Engine;
use hmac::{Hmac, Mac};
use onoffice_protocol::lock::Unpoisoned;
use serde_json::{json, Map, Value};
use sha2::Sha256;

use super::{Knobs, Shared};
use crate::actions;

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

/// What every answer to an action repeats of it.
struct ActionEcho {
    action_id: String,
    resource_type: String,
    resource_id: Value,
    identifier: Value,
}

impl ActionEcho {
    fn of(action: &Value) -> Self {
        let text = |key: &str| {
            action
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        ActionEcho {
            action_id: text("actionid"),
            resource_type: text("resourcetype"),
            resource_id: action
                .get("resourceid")
                .cloned()
                .unwrap_or(Value::String(String::new())),
            identifier: match action.get("identifier") {
                Some(Value::String(s)) => Value::String(s.clone()),
                _ => Value::String(String::new()),
            },
        }
    }

    /// The action's result in its envelope.
    fn answer(&self, data: Value, errorcode: i64, message: &str, cacheable: bool) -> Value {
        json!({
            "actionid": self.action_id, "resourceid": self.resource_id, "resourcetype": self.resource_type,
            "cacheable": cacheable, "identifier": self.identifier, "data": data,
            "status": {"errorcode": errorcode, "message": message}
        })
    }

    fn fail(&self, code: i64, message: &str) -> Value {
        self.answer(Value::Array(Vec::new()), code, message, false)
    }
}

const BAD_TIMESTAMP: &str = "Your timestamp is too old or your server time is wrong.";
const BAD_HMAC: &str = "The HMAC is invalid.";

pub(super) fn handle_action(s: &Shared, action: &Value, now: i64, knobs: &Knobs) -> Value {
    let echo = ActionEcho::of(action);
    let params = match signed_parameters(s, action, &echo, now) {
        Ok(params) => params,
        Err((code, message)) => return echo.fail(code, message),
    };
    let action_id = &echo.action_id;
    let kind = action_id.rsplit(':').next().unwrap_or("");
    *s.action_kinds
        .write_guard()
        .entry(kind.to_string())
        .or_default() += 1;
    if !action_id.starts_with("urn:onoffice-de-ns:smart:2.5:smartml:action:")
        || !matches!(kind, "read" | "create" | "modify" | "get" | "do" | "delete")
    {
        return echo.fail(
            23,
            &format!("Missing configuration for actionId \"{action_id}\""),
        );
    }
    let resource_type = echo.resource_type.as_str();
    let outcome = if matches!(kind, "read" | "get") {
        colleague_before_read(s, knobs, kind, resource_type, &params);
        let account = s.account.read_guard();
        let out = actions::run_read(&account, kind, resource_type, &echo.resource_id, &params);
        drop(account);
        if let Ok(done) = &out {
            colleague_after_read(
                s,
                knobs,
                kind,
                resource_type,
                &params,
                &done.listed_addresses,
            );
        }
        out
    } else {
        let mut account = s.account.write_guard();
        actions::run_write(
            &mut account,
            kind,
            resource_type,
            &echo.resource_id,
            &params,
        )
    };
    match outcome {
        Ok(done) => echo.answer(
            json!({"meta": {"cntabsolute": done.cnt_absolute}, "records": done.records}),
            0,
            "OK",
            matches!(kind, "read" | "get"),
        ),
        Err((code, message)) => echo.fail(code, &message),
    }
}

/// The action's parameters once its elements, its HMAC (version 2 only: version 1 depends on PHP's JSON encoding
/// byte for byte) and its timestamp (±120 s) check out; else the error code and message.
fn signed_parameters(
    s: &Shared,
    action: &Value,
    echo: &ActionEcho,
    now: i64,
) -> Result<Map<String, Value>, (i64, &'static str)> {
    if action.get("actionid").is_none() {
        return Err((16, "Missing or invalid element: attribute actionid"));
    }
    if action.get("resourcetype").is_none() {
        return Err((19, "Missing or invalid element: resourcetype"));
    }
    let params: Map<String, Value> = match action.get("parameters") {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Array(a)) if a.is_empty() => Map::new(),
        _ => return Err((20, "Missing or invalid element: parameters")),
    };
    if as_text(action.get("hmac_version")).as_deref() != Some("2") {
        return Err((137, BAD_HMAC));
    }
    let Some(timestamp) = as_text(action.get("timestamp")) else {
        return Err((136, BAD_TIMESTAMP));
    };
    let given = action.get("hmac").and_then(Value::as_str).unwrap_or("");
    let expected = hmac_v2(
        &s.secret,
        &s.token,
        &timestamp,
        &echo.resource_type,
        &echo.action_id,
    );
    if given != expected {
        return Err((137, BAD_HMAC));
    }
    match timestamp.parse::<i64>() {
        Ok(ts) if (now - ts).abs() <= 120 => Ok(params),
        _ => Err((136, BAD_TIMESTAMP)),
    }
}

/// A colleague changed the contact persons of some of the listings asked about, just before this read (so the client
/// sees it, but its preview did not).
fn colleague_before_read(
    s: &Shared,
    knobs: &Knobs,
    kind: &str,
    resource_type: &str,
    params: &Map<String, Value>,
) {
    let contact_read = knobs.second_writer_rate > 0.0
        && kind == "get"
        && resource_type == "idsfromrelation"
        && params.get("relationtype").and_then(Value::as_str)
            == Some(crate::model::RELATION_CONTACT_PERSON);
    if !contact_read {
        return;
    }
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
            if let Some(change) = actions::colleague_edit_contacts(&mut account, estate, &mut rng) {
                log.push(change);
            }
        }
    }
}

/// The colleague edits some addresses the client just listed, after the answer was put together.
fn colleague_after_read(
    s: &Shared,
    knobs: &Knobs,
    kind: &str,
    resource_type: &str,
    params: &Map<String, Value>,
    listed_addresses: &[u64],
) {
    if knobs.second_writer_rate <= 0.0
        || kind != "read"
        || resource_type != "address"
        || !params.contains_key("filter")
    {
        return;
    }
    let mut account = s.account.write_guard();
    let mut rng = s.rng.write_guard();
    let mut log = s.second_writer_log.write_guard();
    for id in listed_addresses {
        if rng.chance(knobs.second_writer_rate) {
            if let Some(change) = actions::colleague_edit(&mut account, *id, &mut rng) {
                log.push(change);
            }
        }
    }
}
