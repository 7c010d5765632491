//! The records of a result: a list, or an object keyed by id; each record's elements kept as text once checked to be
//! JSON a full parse would read.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{read_part, unexpected, Key, Part};
use crate::envelope::value_as_text;
use crate::error::Error;
use crate::record::{empty_object, object_text, Record};

/// `records`: a list, or an object keyed by id (read in its own order); one record that makes no sense fails the
/// action.
pub(super) struct Records(pub(super) Result<Vec<Record>, Error>);

read_as_part!(Records, OneRecord);

impl Records {
    /// No records (yet).
    pub(super) fn empty() -> Self {
        Records(Ok(Vec::new()))
    }

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
        Records::empty()
    }

    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut records = Records::empty();
        while let Some((IgnoredAny, OneRecord(record))) = map.next_entry()? {
            records.push(record);
        }
        Ok(records)
    }

    fn seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut records = Records::empty();
        while let Some(OneRecord(record)) = seq.next_element()? {
            records.push(record);
        }
        Ok(records)
    }
}

/// One record: `{id, type, elements}`, its elements kept as text.
struct OneRecord(Result<Record, Error>);

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
