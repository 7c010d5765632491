//! The JSON envelope of the onOffice API: how actions are written into a request, what an action's result is, and
//! the entry points that read an answer back (the reading itself is `crate::answer`: lenient where onOffice is
//! inconsistent, strict where it matters, one result per action).

use serde_json::{Map, Value};

use crate::answer::Body;
use crate::error::Error;
pub use crate::record::Record;

/// The six action ids of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    Read,
    Create,
    Modify,
    Get,
    Do,
    Delete,
}

impl ActionKind {
    pub fn urn(self) -> &'static str {
        match self {
            ActionKind::Read => "urn:onoffice-de-ns:smart:2.5:smartml:action:read",
            ActionKind::Create => "urn:onoffice-de-ns:smart:2.5:smartml:action:create",
            ActionKind::Modify => "urn:onoffice-de-ns:smart:2.5:smartml:action:modify",
            ActionKind::Get => "urn:onoffice-de-ns:smart:2.5:smartml:action:get",
            ActionKind::Do => "urn:onoffice-de-ns:smart:2.5:smartml:action:do",
            ActionKind::Delete => "urn:onoffice-de-ns:smart:2.5:smartml:action:delete",
        }
    }

    /// Create, modify, delete and do change data; they are never retried blindly.
    pub fn is_write(self) -> bool {
        !matches!(self, ActionKind::Read | ActionKind::Get)
    }
}

/// One action of a request, before signing.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub kind: ActionKind,
    pub resource_type: String,
    /// A record id, a sub-resource name, or empty.
    pub resource_id: String,
    pub identifier: String,
    pub parameters: Map<String, Value>,
}

impl Action {
    pub fn new(kind: ActionKind, resource_type: &str) -> Self {
        Action {
            kind,
            resource_type: resource_type.to_owned(),
            resource_id: String::new(),
            identifier: String::new(),
            parameters: Map::new(),
        }
    }

    pub fn resource_id(mut self, id: impl ToString) -> Self {
        self.resource_id = id.to_string();
        self
    }

    pub fn param(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.parameters.insert(key.to_owned(), value.into());
        self
    }

    /// The action as it goes on the wire, signed with `hmac` at `timestamp`.
    /// Parameters are sorted by key (non-recursively), as the SDK does.
    pub fn to_wire(&self, timestamp: i64, hmac: String) -> Value {
        let mut keys: Vec<&String> = self.parameters.keys().collect();
        keys.sort();
        let mut params = Map::new();
        for k in keys {
            params.insert(k.clone(), self.parameters[k].clone());
        }
        let mut obj = Map::new();
        obj.insert("actionid".into(), self.kind.urn().into());
        obj.insert("identifier".into(), self.identifier.clone().into());
        obj.insert("parameters".into(), Value::Object(params));
        obj.insert("resourceid".into(), self.resource_id.clone().into());
        obj.insert("resourcetype".into(), self.resource_type.clone().into());
        obj.insert("timestamp".into(), timestamp.into());
        obj.insert("hmac_version".into(), "2".into());
        obj.insert("hmac".into(), hmac.into());
        Value::Object(obj)
    }
}

/// The successful result of one action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionResult {
    pub records: Vec<Record>,
    /// Total number of records a list read would return over all pages.
    pub cnt_absolute: Option<u64>,
}

/// Text of a scalar JSON value. onOffice sends most values as strings, some as numbers.
pub fn value_as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
        _ => None,
    }
}

/// An integer from a number or a numeric string.
pub fn value_as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn unexpected(detail: impl Into<String>) -> Error {
    Error::Unexpected {
        detail: detail.into(),
    }
}

/// Reads a whole response body for a request of `expected` actions (see [`parse_answer`]). Records keyed by id come
/// in the order of the map given (sorted by key), where an answer's bytes keep onOffice's order.
pub fn parse_response(
    body: Value,
    expected: usize,
) -> Result<Vec<Result<ActionResult, Error>>, Error> {
    let text = serde_json::to_string(&body).map_err(|e| unexpected(e.to_string()))?;
    parse_answer(text.as_bytes(), expected)
}

/// Reads a whole response body for a request of `expected` actions, in one pass over its bytes (`crate::answer`).
/// The outer error is for the request as a whole (not JSON, not an object, a root error, a count mismatch);
/// the inner results are per action, in the order of the actions.
pub fn parse_answer(
    body: &[u8],
    expected: usize,
) -> Result<Vec<Result<ActionResult, Error>>, Error> {
    match Body::read(body) {
        Body::Envelope(envelope) => envelope.results(expected),
        Body::OtherJson => Err(unexpected("response is not a JSON object")),
        Body::Unreadable(e) => Err(unexpected(format!("answer is not JSON: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_shape_and_sorted_parameters() {
        let a = Action::new(ActionKind::Read, "address")
            .param("listlimit", 500)
            .param("data", json!(["Name"]));
        let w = a.to_wire(42, "mac".into());
        let text = serde_json::to_string(&w).unwrap();
        assert!(text.find("\"data\"").unwrap() < text.find("\"listlimit\"").unwrap());
        assert_eq!(w["timestamp"], 42);
        assert_eq!(w["hmac_version"], "2");
        assert_eq!(w["resourceid"], "");
        assert_eq!(
            w["actionid"],
            "urn:onoffice-de-ns:smart:2.5:smartml:action:read"
        );
    }

    #[test]
    fn parses_documented_get_users_example() {
        let body = json!({"status":{"code":200,"errorcode":0,"message":"OK"},"response":{"results":[{
            "actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:get","resourceid":"","resourcetype":"users",
            "cacheable":true,"identifier":"","data":{"meta":{"cntabsolute":null},"records":[
              {"id":25,"type":null,"elements":{"id":25,"username":"paulprobe"}},
              {"id":"17","type":"","elements":{"id":17,"username":"theotest"}}]},
            "status":{"errorcode":0,"message":"OK"}}]}});
        let r = parse_response(body.clone(), 1).unwrap().remove(0).unwrap();
        assert_eq!(r.cnt_absolute, None);
        assert_eq!(r.records[0].numeric_id(), Some(25));
        assert_eq!(r.records[1].id, "17");
        assert_eq!(r.records[1].record_type, None);
        assert_eq!(r.records[0].text("id").as_deref(), Some("25"));
    }

    #[test]
    fn tolerates_quirks() {
        let body = json!({"status":{"code":"200","errorcode":"0","message":"OK"},"response":{"results":[
            {"data":{"meta":{"cntabsolute":[1234]},"records":[{"id":320,"type":"address","elements":[]}]},"status":{"errorcode":0}},
            {"data":{"meta":{"cntabsolute":"7"},"records":[{"id":"relatedIds","type":"","elements":{"15":[],"1051":["50"]}}]},"status":{"errorcode":"0"}},
            {"data":[],"status":{"errorcode":137,"message":"The HMAC is invalid"}}
        ]}});
        let mut rs = parse_response(body.clone(), 3).unwrap();
        let third = rs.pop().unwrap().unwrap_err();
        assert_eq!(third.code(), Some(137));
        let second = rs.pop().unwrap().unwrap();
        assert_eq!(second.cnt_absolute, Some(7));
        assert_eq!(second.records[0].id, "relatedIds");
        let first = rs.pop().unwrap().unwrap();
        assert_eq!(first.cnt_absolute, Some(1234));
        assert!(first.records[0].elements().is_empty());
    }

    #[test]
    fn root_errors_and_count_mismatch() {
        let body = json!({"status":{"code":400,"errorcode":22,"message":"Not authenticated"},"response":{"results":[]}});
        assert_eq!(
            parse_response(body.clone(), 2).unwrap_err().code(),
            Some(22)
        );
        let body =
            json!({"status":{"code":500,"errorcode":132,"message":"No or unknown relation given"}});
        assert_eq!(
            parse_response(body.clone(), 1).unwrap_err().code(),
            Some(132)
        );
        let body = json!({"status":{"code":200,"errorcode":0},"response":{"results":[{"data":[],"status":{"errorcode":0}}]}});
        let err = parse_response(body.clone(), 2).unwrap_err();
        assert_eq!(err.class(), crate::ErrorClass::Unexpected);
        // 97 at the root defers to the actions.
        let body = json!({"status":{"code":200,"errorcode":97},"response":{"results":[{"data":[],"status":{"errorcode":80,"message":"Unknown record"}}]}});
        assert_eq!(
            parse_response(body.clone(), 1).unwrap()[0]
                .as_ref()
                .unwrap_err()
                .code(),
            Some(80)
        );
        assert!(parse_response(json!([1, 2]), 1).is_err());
    }
}
