//! Reading onOffice's answer in one pass over its bytes: the envelope, each action's result and each record, with
//! a record's elements kept as text (see [`crate::Record`]; the records themselves are read in `records`). Each part is read leniently where onOffice is inconsistent:
//! ids as numbers or strings, `elements` as object, `[]` or a list of single-entry objects, `cntabsolute` as null or a
//! list, `data` as `[]` on errors; a key named twice counts once, the last time. What makes no sense fails its own
//! action, a wrong envelope the whole request; a body that is no valid JSON (a number out of range, a lone
//! surrogate, text cut off, elements included) is no answer at all, as when it was read into one `Value`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::envelope::{value_as_i64, value_as_text, ActionResult};
use crate::error::Error;
use records::Records;

/// Each type named reads itself as a [`Part`] (the serde impl every part of the answer shares).
macro_rules! read_as_part {
    ($($part:ty),*) => {$(
        impl<'de> Deserialize<'de> for $part {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                read_part(d)
            }
        }
    )*};
}

read_as_part!(Envelope, Response, Results, ActionOutcome, Data);

mod records;

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
    let errorcode = error_code(status);
    if errorcode != 0 && errorcode != 97 {
        return Err(api_error(status, errorcode));
    }
    if code >= 300 && errorcode != 97 {
        return Err(api_error(status, code));
    }
    Ok(())
}

/// The per-action status of a result: an error code other than 0 fails that action.
fn action_status(status: &Value) -> Result<(), Error> {
    match error_code(status) {
        0 => Ok(()),
        errorcode => Err(api_error(status, errorcode)),
    }
}

/// A status block's `errorcode`, 0 when it has none.
fn error_code(status: &Value) -> i64 {
    status.get("errorcode").and_then(value_as_i64).unwrap_or(0)
}

/// The error a status block says, under `code`, with its message.
fn api_error(status: &Value, code: i64) -> Error {
    let message = status.get("message").and_then(value_as_text);
    Error::Api {
        code,
        message: message.unwrap_or_default(),
    }
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

impl<'de> Part<'de> for ActionOutcome {
    fn other() -> Self {
        ActionOutcome(Ok(ActionResult::default()))
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut status = None;
        let mut data = Data::Empty;
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
            Data::Empty => return Ok(ActionResult::default()),
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

impl<'de> Part<'de> for Data {
    fn other() -> Self {
        Data::Odd
    }

    fn null() -> Self {
        Data::Empty
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut meta = None;
        let mut records = Records::empty();
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

#[cfg(test)]
mod tests;
