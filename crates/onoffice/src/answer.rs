//! Reading onOffice's answer in one pass over its bytes: the envelope, each action's result and each record, with
//! a record's elements kept as text (see [`Record`]). Each part is read leniently where onOffice is inconsistent:
//! ids as numbers or strings, `elements` as object, `[]` or a list of single-entry objects, `cntabsolute` as null or a
//! list, `data` as `[]` on errors; a key named twice counts once, the last time. What makes no sense fails its own
//! action, a wrong envelope the whole request; a body that is no valid JSON (a number out of range, a lone
//! surrogate, text cut off, elements included) is no answer at all, as when it was read into one `Value`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::envelope::{value_as_i64, value_as_text, ActionResult};
use crate::error::Error;
use crate::record::{empty_object, object_text, Record};

/// What an HTTP body is: onOffice's envelope (a JSON object), JSON of another shape, or no valid JSON.
pub(crate) enum Body {
    Envelope(Envelope),
    OtherJson,
    Unreadable(String),
}

impl Body {
    pub(crate) fn read(bytes: &[u8]) -> Body {
        if bytes.trim_ascii_start().first() == Some(&b'{') {
            return match serde_json::from_slice::<Envelope>(bytes) {
                Ok(envelope) => Body::Envelope(envelope),
                Err(e) => Body::Unreadable(e.to_string()),
            };
        }
        match serde_json::from_slice::<IgnoredAny>(bytes) {
            Ok(_) => Body::OtherJson,
            Err(e) => Body::Unreadable(e.to_string()),
        }
    }
}

/// The envelope as read: its root status and the per-action results, if there were any.
pub(crate) struct Envelope {
    status: Option<Value>,
    response: Response,
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl<'de> Part<'de> for Envelope {
    fn other() -> Self {
        Envelope {
            status: None,
            response: Response::default(),
        }
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut envelope = Envelope::other();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Status => envelope.status = Some(map.next_value()?),
                Key::Response => envelope.response = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(envelope)
    }
}

impl Envelope {
    /// Whether this is onOffice's answer at all (a proxy's or a web server's JSON is not).
    pub(crate) fn is_onoffice(&self) -> bool {
        self.status.as_ref().is_some_and(Value::is_object) || self.response.present
    }

    /// Each action's result, in the order of the actions; the error is for the request as a whole (root error,
    /// no results, a count that does not match).
    pub(crate) fn results(
        self,
        expected: usize,
    ) -> Result<Vec<Result<ActionResult, Error>>, Error> {
        if let Some(status) = &self.status {
            root_status(status)?;
        }
        let Some(results) = self.response.results else {
            return Err(unexpected("response.results is missing"));
        };
        if results.len() != expected {
            return Err(unexpected(format!(
                "{} results for {expected} actions",
                results.len()
            )));
        }
        Ok(results)
    }
}

fn unexpected(detail: impl Into<String>) -> Error {
    Error::Unexpected {
        detail: detail.into(),
    }
}

/// The root status: 97 means "error in an action" (the details are in the per-action status blocks).
fn root_status(status: &Value) -> Result<(), Error> {
    let code = status.get("code").and_then(value_as_i64).unwrap_or(200);
    let errorcode = status.get("errorcode").and_then(value_as_i64).unwrap_or(0);
    let message = status
        .get("message")
        .and_then(value_as_text)
        .unwrap_or_default();
    if errorcode != 0 && errorcode != 97 {
        return Err(Error::Api {
            code: errorcode,
            message,
        });
    }
    if code >= 300 && errorcode != 97 {
        return Err(Error::Api { code, message });
    }
    Ok(())
}

/// The per-action status of a result: an error code other than 0 fails that action.
fn action_status(status: &Value) -> Result<(), Error> {
    let errorcode = status.get("errorcode").and_then(value_as_i64).unwrap_or(0);
    if errorcode == 0 {
        return Ok(());
    }
    let message = status
        .get("message")
        .and_then(value_as_text)
        .unwrap_or_default();
    Err(Error::Api {
        code: errorcode,
        message,
    })
}

/// One part of the answer, read from whatever shape it came in: an object by `map`, a list by `seq`, null by
/// `null`; any other value is `other()`.
trait Part<'de>: Sized {
    fn other() -> Self;

    fn null() -> Self {
        Self::other()
    }

    fn map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;

    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::other())
    }
}

/// Reads a [`Part`].
fn read_part<'de, D: Deserializer<'de>, T: Part<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(PartVisitor(PhantomData))
}

struct PartVisitor<T>(PhantomData<T>);

impl<'de, T: Part<'de>> Visitor<'de> for PartVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::seq(seq)
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::null())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Ok(T::other())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Ok(T::other())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
        Ok(T::other())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        Ok(T::other())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<T, E> {
        Ok(T::other())
    }
}

/// The names of the envelope's parts, compared where they lie in the answer (a key is never copied).
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Key {
    Response,
    Results,
    Status,
    Data,
    Meta,
    Records,
    Id,
    Type,
    Elements,
    #[serde(other)]
    Other,
}

/// Passes over the rest of an object.
fn skip_rest<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// `response`: present (even as null or of another shape) or not, and its results if they are a list. Absent is
/// the default; whatever shape it came in, it is present.
#[derive(Default)]
struct Response {
    present: bool,
    results: Option<Vec<Result<ActionResult, Error>>>,
}

impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl<'de> Part<'de> for Response {
    fn other() -> Self {
        Response {
            present: true,
            results: None,
        }
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut response = Response::other();
        while let Some(key) = map.next_key::<Key>()? {
            if let Key::Results = key {
                response.results = map.next_value::<Results>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(response)
    }
}

/// `results`, if a list.
struct Results(Option<Vec<Result<ActionResult, Error>>>);

impl<'de> Deserialize<'de> for Results {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl<'de> Part<'de> for Results {
    fn other() -> Self {
        Results(None)
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        skip_rest(&mut map)?;
        Ok(Results(None))
    }

    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut results = Vec::new();
        while let Some(ActionOutcome(result)) = seq.next_element()? {
            results.push(result);
        }
        Ok(Results(Some(results)))
    }
}

/// One action's result: its status, then its data. A result that is no object is an empty one (as its fields are
/// then absent).
struct ActionOutcome(Result<ActionResult, Error>);

impl<'de> Deserialize<'de> for ActionOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl<'de> Part<'de> for ActionOutcome {
    fn other() -> Self {
        ActionOutcome(Ok(ActionResult::default()))
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut status = None;
        let mut data = Data::Absent;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Status => status = Some(map.next_value::<Value>()?),
                Key::Data => data = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(Err(e)) = status.as_ref().map(action_status) {
            return Ok(ActionOutcome(Err(e)));
        }
        Ok(ActionOutcome(data.result()))
    }
}

/// `data`: an object with `meta` and `records`, or empty (`[]`, null, absent) with an OK status.
enum Data {
    Absent,
    Object {
        meta: Option<Value>,
        records: Records,
    },
    Empty,
    Odd,
}

impl Data {
    fn result(self) -> Result<ActionResult, Error> {
        let (meta, records) = match self {
            Data::Object { meta, records } => (meta, records),
            Data::Absent | Data::Empty => return Ok(ActionResult::default()),
            Data::Odd => return Err(unexpected("data is neither an object nor empty")),
        };
        let cnt_absolute = match meta.as_ref().and_then(|m| m.get("cntabsolute")) {
            Some(Value::Array(list)) => list.first().and_then(value_as_i64),
            Some(v) => value_as_i64(v),
            None => None,
        }
        .map(|n| n.max(0) as u64);
        Ok(ActionResult {
            records: records.0?,
            cnt_absolute,
        })
    }
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl<'de> Part<'de> for Data {
    fn other() -> Self {
        Data::Odd
    }

    fn null() -> Self {
        Data::Empty
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut meta = None;
        let mut records = Records(Ok(Vec::new()));
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Meta => meta = Some(map.next_value::<Value>()?),
                Key::Records => records = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Data::Object { meta, records })
    }

    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut empty = true;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            empty = false;
        }
        Ok(if empty { Data::Empty } else { Data::Odd })
    }
}

/// `records`: a list, or an object keyed by id (read in its own order); one record that makes no sense fails the
/// action.
struct Records(Result<Vec<Record>, Error>);

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl Records {
    fn push(&mut self, record: Result<Record, Error>) {
        match (&mut self.0, record) {
            (Ok(records), Ok(record)) => records.push(record),
            (Ok(_), Err(e)) => self.0 = Err(e),
            (Err(_), _) => {}
        }
    }
}

impl<'de> Part<'de> for Records {
    fn other() -> Self {
        Records(Err(unexpected("records is not a list")))
    }

    fn null() -> Self {
        Records(Ok(Vec::new()))
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut records = Records(Ok(Vec::new()));
        while let Some((IgnoredAny, OneRecord(record))) = map.next_entry()? {
            records.push(record);
        }
        Ok(records)
    }

    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut records = Records(Ok(Vec::new()));
        while let Some(OneRecord(record)) = seq.next_element()? {
            records.push(record);
        }
        Ok(records)
    }
}

/// One record: `{id, type, elements}`, its elements kept as text.
struct OneRecord(Result<Record, Error>);

impl<'de> Deserialize<'de> for OneRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_part(d)
    }
}

impl<'de> Part<'de> for OneRecord {
    fn other() -> Self {
        OneRecord(Err(unexpected("record is not an object")))
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut id, mut record_type, mut elements) = (None, None, None);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => id = Some(map.next_value::<Value>()?),
                Key::Type => record_type = Some(map.next_value::<Value>()?),
                Key::Elements => elements = Some(checked(map.next_value::<Box<RawValue>>()?)?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = id.as_ref().and_then(value_as_text).unwrap_or_default();
        let record_type = record_type
            .as_ref()
            .and_then(value_as_text)
            .filter(|t| !t.is_empty());
        Ok(OneRecord(
            object_elements(elements).map(|e| Record::from_text(id, record_type, e)),
        ))
    }
}

/// The elements' text once every value in it reads as a full parse would read it (kept as text, it was only
/// skipped over: a number out of range or a lone surrogate would otherwise go unnoticed until a field is looked up).
fn checked<E: de::Error>(raw: Box<RawValue>) -> Result<Box<RawValue>, E> {
    serde_json::from_str::<Checked>(raw.get()).map_err(E::custom)?;
    Ok(raw)
}

/// A value read through as a full parse reads it (numbers converted, escapes decoded), and not kept.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// `elements` as an object's text: an object as it came; absent, null or `[]` as `{}`; a list of single-entry
/// objects (as the docs' skeleton draws it) merged into one.
fn object_elements(raw: Option<Box<RawValue>>) -> Result<Box<RawValue>, Error> {
    let Some(raw) = raw else {
        return Ok(empty_object());
    };
    match raw.get().trim_start().bytes().next() {
        Some(b'{') => Ok(raw),
        Some(b'n') => Ok(empty_object()),
        Some(b'[') => {
            let items: Vec<Value> =
                serde_json::from_str(raw.get()).map_err(|e| unexpected(e.to_string()))?;
            let mut merged = Map::new();
            for item in items {
                if let Value::Object(o) = item {
                    merged.extend(o);
                }
            }
            Ok(object_text(&merged))
        }
        _ => Err(unexpected("elements is neither an object nor a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::parse_answer;
    use serde_json::json;

    /// One action's result from a body with one result.
    fn one(result: Value) -> Result<ActionResult, Error> {
        let body =
            json!({"status": {"code": 200, "errorcode": 0}, "response": {"results": [result]}});
        parse_answer(body.to_string().as_bytes(), 1)
            .unwrap()
            .remove(0)
    }

    fn detail(e: Error) -> String {
        match e {
            Error::Unexpected { detail } => detail,
            other => panic!("not unexpected: {other:?}"),
        }
    }

    #[test]
    fn each_shape_of_data_reads_as_before() {
        assert_eq!(one(json!({"data": []})).unwrap(), ActionResult::default());
        assert_eq!(one(json!({"data": null})).unwrap(), ActionResult::default());
        assert_eq!(one(json!({})).unwrap(), ActionResult::default());
        assert_eq!(one(json!("odd")).unwrap(), ActionResult::default());
        assert_eq!(one(json!([1])).unwrap(), ActionResult::default());
        assert_eq!(one(json!({"data": {}})).unwrap(), ActionResult::default());
        for odd in [json!([1]), json!("x"), json!(3), json!(true)] {
            let e = one(json!({"data": odd})).unwrap_err();
            assert_eq!(detail(e), "data is neither an object nor empty");
        }
        let counted = |meta: Value| {
            one(json!({"data": {"meta": meta, "records": []}}))
                .unwrap()
                .cnt_absolute
        };
        assert_eq!(counted(json!({"cntabsolute": [12]})), Some(12));
        assert_eq!(counted(json!({"cntabsolute": "7"})), Some(7));
        assert_eq!(counted(json!({"cntabsolute": -3})), Some(0));
        assert_eq!(counted(json!({"cntabsolute": null})), None);
        assert_eq!(counted(json!({})), None);
    }

    #[test]
    fn records_come_as_a_list_or_keyed_and_a_bad_one_fails_its_action_only() {
        let records = |records: Value| one(json!({"data": {"records": records}}));
        // Keyed by id: in the answer's own order (text, since `json!` would sort the keys).
        let body = r#"{"response": {"results": [{"data": {"records": {"b": {"id": 2, "elements": {}}, "a": {"id": "1"}}}}]}}"#;
        let keyed = parse_answer(body.as_bytes(), 1).unwrap().remove(0).unwrap();
        let ids: Vec<&str> = keyed.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["2", "1"]);
        assert!(records(json!(null)).unwrap().records.is_empty());
        assert_eq!(
            detail(records(json!("x")).unwrap_err()),
            "records is not a list"
        );
        assert_eq!(
            detail(records(json!(5)).unwrap_err()),
            "records is not a list"
        );
        for odd in [json!(5), json!(null), json!(["id"])] {
            let e = records(json!([{"id": 1}, odd, {"id": 3}])).unwrap_err();
            assert_eq!(detail(e), "record is not an object");
        }
        let body = json!({"response": {"results": [
            {"data": {"records": [7]}},
            {"data": {"records": [{"id": 8, "type": "estate", "elements": {"a": 1}}]}}
        ]}});
        let mut rs = parse_answer(body.to_string().as_bytes(), 2).unwrap();
        let second = rs.pop().unwrap().unwrap();
        assert_eq!(second.records[0].record_type.as_deref(), Some("estate"));
        assert_eq!(second.records[0].text("a").as_deref(), Some("1"));
        assert!(rs.pop().unwrap().is_err());
    }

    #[test]
    fn elements_of_each_shape_become_one_object() {
        let elements = |elements: Value| {
            one(json!({"data": {"records": [{"id": 1, "type": "", "elements": elements}]}}))
                .map(|mut r| r.records.remove(0))
        };
        let merged = elements(json!([{"a": 1}, {"b": "x"}, 5])).unwrap();
        assert_eq!(
            merged.elements(),
            json!({"a": 1, "b": "x"}).as_object().unwrap().clone()
        );
        assert_eq!(merged.record_type, None);
        assert!(elements(json!([])).unwrap().elements().is_empty());
        assert!(elements(json!(null)).unwrap().elements().is_empty());
        assert_eq!(
            detail(elements(json!("x")).unwrap_err()),
            "elements is neither an object nor a list"
        );
        assert_eq!(
            detail(elements(json!(1)).unwrap_err()),
            "elements is neither an object nor a list"
        );
        let plain = elements(json!({"Name": "Berg"})).unwrap();
        assert_eq!(plain.text("Name").as_deref(), Some("Berg"));
    }

    #[test]
    fn an_action_error_wins_over_its_data_whatever_the_order() {
        for result in [
            json!({"data": {"records": [{"id": 1}]}, "status": {"errorcode": 80, "message": "Unknown record"}}),
            json!({"status": {"errorcode": "80", "message": "Unknown record"}, "data": []}),
        ] {
            let e = one(result).unwrap_err();
            assert_eq!(e.code(), Some(80));
        }
        assert!(one(json!({"status": {"errorcode": 0}, "data": []})).is_ok());
        assert!(one(json!({"status": "odd", "data": []})).is_ok());
    }

    #[test]
    fn the_envelope_is_onoffices_only_with_a_status_object_or_a_response() {
        let read = |body: &str| {
            serde_json::from_str::<Envelope>(body)
                .unwrap()
                .is_onoffice()
        };
        assert!(read(r#"{"status": {"code": 200}}"#));
        assert!(read(r#"{"response": null}"#));
        assert!(read(r#"{"response": 5}"#));
        assert!(!read(r#"{"status": 5}"#));
        assert!(!read(r#"{"error": "proxy"}"#));
        let results = |body: &str| serde_json::from_str::<Envelope>(body).unwrap().results(1);
        for missing in [
            r#"{"response": null}"#,
            r#"{"response": {"results": {}}}"#,
            r#"{"response": [1]}"#,
            r#"{"response": {}}"#,
        ] {
            assert_eq!(
                detail(results(missing).unwrap_err()),
                "response.results is missing"
            );
        }
        assert_eq!(
            detail(results(r#"{"response": {"results": [{}, {}]}}"#).unwrap_err()),
            "2 results for 1 actions"
        );
        assert!(parse_answer(b"[1, 2]", 1).is_err());
        assert!(parse_answer(b"  {\"response\": {\"results\": [{}]}}", 1).is_ok());
        assert!(parse_answer(b"{\"response\"", 1).is_err());
    }

    #[test]
    fn a_body_is_an_envelope_other_json_or_no_json_as_a_full_parse_would_say() {
        let kind = |body: &str| match Body::read(body.as_bytes()) {
            Body::Envelope(_) => "envelope",
            Body::OtherJson => "other",
            Body::Unreadable(_) => "unreadable",
        };
        let record = |elements: &str| {
            format!(
                r#"{{"response": {{"results": [{{"data": {{"records": [{{"id": 1, "elements": {elements}}}]}}}}]}}}}"#
            )
        };
        assert_eq!(kind(&record(r#"{"a": 1e3, "b": "\u00e4"}"#)), "envelope");
        for bad in [
            r#"{"a": 1e400}"#,
            r#"{"a": "\ud800"}"#,
            r#"{"a": [1e999]}"#,
            r#"{"\ud800": 1}"#,
        ] {
            assert_eq!(kind(&record(bad)), "unreadable", "{bad}");
        }
        assert_eq!(kind(r#"{"response""#), "unreadable");
        assert_eq!(kind("<html>proxy</html>"), "unreadable");
        assert_eq!(kind("[1, 2]"), "other");
        assert_eq!(kind(r#""text""#), "other");
        assert_eq!(kind(" {}"), "envelope");
    }

    #[test]
    fn a_root_key_named_twice_counts_the_last_time_as_below_it() {
        let body = r#"{"status": {"code": 400, "errorcode": 22}, "status": {"code": 200, "errorcode": 0},
            "response": {"results": [{}, {}]}, "response": {"results": [{"data": []}]}}"#;
        let results = parse_answer(body.as_bytes(), 1).unwrap();
        assert_eq!(results.len(), 1);
        let body = r#"{"status": {"code": 200, "errorcode": 0}, "status": {"code": 400, "errorcode": 22},
            "response": {"results": [{}]}}"#;
        assert_eq!(
            parse_answer(body.as_bytes(), 1).unwrap_err().code(),
            Some(22)
        );
    }

    #[test]
    fn the_root_status_fails_the_request_unless_it_defers_to_the_actions() {
        let root = |status: Value| {
            let body = json!({"status": status, "response": {"results": [{"data": []}]}});
            parse_answer(body.to_string().as_bytes(), 1).map(|_| ())
        };
        assert_eq!(
            root(json!({"code": 400, "errorcode": 0}))
                .unwrap_err()
                .code(),
            Some(400)
        );
        assert_eq!(
            root(json!({"code": 200, "errorcode": 22}))
                .unwrap_err()
                .code(),
            Some(22)
        );
        assert!(root(json!({"code": 500, "errorcode": 97})).is_ok());
        assert!(root(json!({"code": 200, "errorcode": 97})).is_ok());
        assert!(root(json!({"code": 299})).is_ok());
        assert_eq!(root(json!({"code": 300})).unwrap_err().code(), Some(300));
    }

    #[test]
    fn results_of_another_shape_are_missing_not_unreadable() {
        for body in [
            r#"{"response": {"results": {"a": [1, {"b": 2}], "c": 3}}}"#,
            r#"{"response": {"results": "x", "other": {"d": [4]}}}"#,
        ] {
            let e = parse_answer(body.as_bytes(), 1).unwrap_err();
            assert_eq!(detail(e), "response.results is missing", "{body}");
        }
    }
}
