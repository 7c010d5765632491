//! One record of an answer, `{id, type, elements}`, with its elements kept as the JSON text onOffice sent.
//! A large account's answers hold tens of thousands of records of which the audit reads a handful of fields each:
//! building a map of every field first (its keys and strings allocated one by one) was most of the client's work.
//! A field is now looked up in the text (no allocation for the fields passed over), a record of a known shape is
//! read straight into a struct ([`Record::fields`]), and the whole map is built only where a caller walks it.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::envelope::value_as_text;
use crate::error::Error;

/// One record of a result: `{id, type, elements}`.
#[derive(Clone, Debug)]
pub struct Record {
    /// The id as a string, whether onOffice sent a number or a string.
    pub id: String,
    pub record_type: Option<String>,
    /// Always a JSON object's text (`[]`, `null` and the list form are made objects when read).
    elements: Box<RawValue>,
}

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.record_type == other.record_type
            && self.elements() == other.elements()
    }
}

impl Record {
    /// A record with these elements (tests and records made by hand).
    pub fn new(
        id: impl Into<String>,
        record_type: Option<&str>,
        elements: Map<String, Value>,
    ) -> Self {
        Record {
            id: id.into(),
            record_type: record_type.map(str::to_owned),
            elements: object_text(&elements),
        }
    }

    /// A record whose elements are this JSON object's text, as read from an answer.
    pub(crate) fn from_text(
        id: String,
        record_type: Option<String>,
        elements: Box<RawValue>,
    ) -> Self {
        Record {
            id,
            record_type,
            elements,
        }
    }

    /// The id as a number, for address, estate and user records.
    pub fn numeric_id(&self) -> Option<u64> {
        self.id.parse().ok()
    }

    /// A field as text, whether it came as string, number or bool; `None` for null or absent.
    pub fn text(&self, field: &str) -> Option<String> {
        self.value(field).as_ref().and_then(value_as_text)
    }

    /// One field's value (the last one if onOffice named a field twice); `None` if absent.
    pub fn value(&self, field: &str) -> Option<Value> {
        self.find::<Value>(field)
    }

    /// Whether the record has this field (with any value, null too).
    pub fn has(&self, field: &str) -> bool {
        self.find::<IgnoredAny>(field).is_some()
    }

    /// One field read as `T`, the other fields passed over. Elements read from an answer are valid JSON (checked
    /// when read), so the only `None` is an absent field.
    fn find<T: for<'de> Deserialize<'de>>(&self, field: &str) -> Option<T> {
        let mut de = serde_json::Deserializer::from_str(self.elements.get());
        let seed = FieldSeed {
            field,
            read: std::marker::PhantomData,
        };
        seed.deserialize(&mut de).ok().flatten()
    }

    /// Every field, for a caller that walks them all (e-mail entries, field metadata, relations).
    pub fn elements(&self) -> Map<String, Value> {
        serde_json::from_str(self.elements.get()).unwrap_or_default()
    }

    /// The record read into a struct of the fields a caller needs, in one pass over its text; fields it does not
    /// name are passed over without being kept. A field the struct names that onOffice sent twice is an error
    /// (serde's derive refuses duplicates): a caller then looks its fields up one by one (`value`, `text`), where
    /// the last one counts.
    pub fn fields<'a, T: Deserialize<'a>>(&'a self) -> Result<T, Error> {
        serde_json::from_str(self.elements.get()).map_err(|e| Error::Unexpected {
            detail: format!("record {}: {e}", self.id),
        })
    }
}

/// The text of a JSON object.
pub(crate) fn object_text(map: &Map<String, Value>) -> Box<RawValue> {
    let text = serde_json::to_string(map).unwrap_or_else(|_| "{}".into());
    RawValue::from_string(text).unwrap_or_else(|_| empty_object())
}

/// `{}`.
pub(crate) fn empty_object() -> Box<RawValue> {
    RawValue::from_string("{}".into()).expect("{} is JSON")
}

/// Looks for one key in an object's text and reads its value as `T`: the other keys are compared where they lie,
/// their values skipped.
struct FieldSeed<'f, T> {
    field: &'f str,
    read: std::marker::PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for FieldSeed<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldSeed<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_it) = map.next_key_seed(KeyIs(self.field))? {
            if is_it {
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Whether a key is the one looked for, without copying it.
struct KeyIs<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// A field read as text whether onOffice sent a string, a number or a bool (as [`value_as_text`]); null, a list or
/// an object read as absent. Borrowed from the answer where the text has no escapes.
#[derive(Debug, Default, PartialEq)]
pub struct Text<'a>(pub Option<std::borrow::Cow<'a, str>>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field's value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Some(v.into())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Some(v.to_owned().into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Text(Some(v.to_string().into())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Text(Some(v.to_string().into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Text(Some(Value::from(v).to_string().into())))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Text(Some(if v { "1" } else { "0" }.into())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
}

/// Record ids as onOffice sends them in a field such as `Objekt_nr` (a list of strings), and as they may also come
/// (a string, a number, a list of numbers); what is no id is left out, anything else reads as none. The one rule
/// for such fields, also for a value already read (`Ids::of`).
#[derive(Debug, Default, PartialEq)]
pub struct Ids(pub Vec<u64>);

impl Ids {
    /// The ids of a value already read.
    pub fn of(value: Option<&Value>) -> Vec<u64> {
        value
            .and_then(|v| Ids::deserialize(v).ok())
            .map(|ids| ids.0)
            .unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdsVisitor).map(|ids| Ids(ids.into_ids()))
    }
}

/// One member of a list of ids: an id, or `None` for anything else (a list or an object in the list too).
struct OneId(Option<u64>);

impl<'de> Deserialize<'de> for OneId {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ids = d.deserialize_any(IdsVisitor)?;
        Ok(OneId(match ids {
            IdsOf::One(id) => id,
            IdsOf::List(_) => None,
        }))
    }
}

/// What a value held: one id (or none), or a list.
enum IdsOf {
    One(Option<u64>),
    List(Vec<u64>),
}

impl IdsOf {
    fn into_ids(self) -> Vec<u64> {
        match self {
            IdsOf::One(id) => id.into_iter().collect(),
            IdsOf::List(ids) => ids,
        }
    }
}

struct IdsVisitor;

impl<'de> Visitor<'de> for IdsVisitor {
    type Value = IdsOf;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("record ids")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IdsOf, E> {
        Ok(IdsOf::One(v.trim().parse().ok()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdsOf, E> {
        Ok(IdsOf::One(Some(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdsOf, E> {
        Ok(IdsOf::One(u64::try_from(v).ok()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<IdsOf, E> {
        Ok(IdsOf::One(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<IdsOf, E> {
        Ok(IdsOf::One(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<IdsOf, E> {
        Ok(IdsOf::One(None))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<IdsOf, A::Error> {
        let mut ids = Vec::new();
        while let Some(OneId(id)) = seq.next_element()? {
            ids.extend(id);
        }
        Ok(IdsOf::List(ids))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdsOf, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(IdsOf::One(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(elements: Value) -> Record {
        let Value::Object(map) = elements else {
            panic!("an object")
        };
        Record::new("7", Some("address"), map)
    }

    #[test]
    fn a_field_is_found_among_others_as_the_map_would_give_it() {
        let r = record(
            json!({"Name": "Berg", "id": 7, "aktiv": true, "leer": null, "Liste": ["1"], "x": {"y": 1}}),
        );
        assert_eq!(r.text("Name").as_deref(), Some("Berg"));
        assert_eq!(r.text("id").as_deref(), Some("7"));
        assert_eq!(r.text("aktiv").as_deref(), Some("1"));
        assert_eq!(r.text("leer"), None);
        assert_eq!(r.text("Liste"), None);
        assert_eq!(r.text("fehlt"), None);
        assert_eq!(r.value("Liste"), Some(json!(["1"])));
        assert_eq!(r.value("x"), Some(json!({"y": 1})));
        assert!(r.has("leer"));
        assert!(!r.has("fehlt"));
        assert_eq!(r.elements()["Name"], "Berg");
        assert_eq!(r.elements().len(), 6);
    }

    #[test]
    fn the_last_of_a_field_named_twice_counts_as_in_a_map() {
        let elements =
            RawValue::from_string(r#"{"Name":"alt","Name":"neu","Ort":"Köln"}"#.into()).unwrap();
        let r = Record::from_text("1".into(), None, elements);
        assert_eq!(r.text("Name").as_deref(), Some("neu"));
        assert_eq!(r.elements()["Name"], "neu");
        assert_eq!(r.text("Ort").as_deref(), Some("Köln"));
    }

    #[test]
    fn escaped_keys_and_values_are_read_too() {
        let elements =
            RawValue::from_string(r#"{"Stra\u00dfe":"Am \"Hang\"","n":1.5}"#.into()).unwrap();
        let r = Record::from_text("1".into(), None, elements);
        assert_eq!(r.text("Straße").as_deref(), Some("Am \"Hang\""));
        assert_eq!(r.text("n").as_deref(), Some("1.5"));
    }

    #[test]
    fn typed_fields_read_text_as_the_map_would() {
        #[derive(Deserialize)]
        struct Fields<'a> {
            #[serde(borrow, rename = "Name", default)]
            name: Text<'a>,
            #[serde(borrow, default)]
            id: Text<'a>,
            #[serde(borrow, default)]
            aktiv: Text<'a>,
            #[serde(borrow, default)]
            leer: Text<'a>,
            #[serde(borrow, default)]
            fehlt: Text<'a>,
            #[serde(borrow, default)]
            liste: Text<'a>,
        }
        let r = record(
            json!({"Name": "Berg", "id": 7, "aktiv": false, "leer": null, "liste": [1], "anderes": {"a": [1, 2]}}),
        );
        let f: Fields = r.fields().unwrap();
        for (typed, field) in [
            (&f.name, "Name"),
            (&f.id, "id"),
            (&f.aktiv, "aktiv"),
            (&f.leer, "leer"),
            (&f.fehlt, "fehlt"),
            (&f.liste, "liste"),
        ] {
            assert_eq!(typed.as_str(), r.text(field).as_deref(), "{field}");
        }
        assert!(matches!(f.name.0, Some(std::borrow::Cow::Borrowed(_))));
    }

    #[test]
    fn records_are_equal_by_their_fields_not_their_spelling() {
        let a = Record::from_text(
            "1".into(),
            None,
            RawValue::from_string(r#"{"a":1, "b":2}"#.into()).unwrap(),
        );
        let b = Record::from_text(
            "1".into(),
            None,
            RawValue::from_string(r#"{"b":2,"a":1}"#.into()).unwrap(),
        );
        assert_eq!(a, b);
        let c = Record::from_text(
            "1".into(),
            None,
            RawValue::from_string(r#"{"a":1}"#.into()).unwrap(),
        );
        assert_ne!(a, c);
    }

    #[test]
    fn ids_are_read_from_each_shape_they_come_in() {
        let ids = |v: Value| {
            let read = serde_json::from_value::<Ids>(v.clone()).unwrap().0;
            assert_eq!(Ids::of(Some(&v)), read, "{v}");
            read
        };
        assert!(Ids::of(None).is_empty());
        assert_eq!(ids(json!(["10", " 11 ", "x", ""])), [10, 11]);
        assert_eq!(
            ids(json!([10, -2, 2.5, true, null, ["3"], {"a": 1}, 12])),
            [10, 12]
        );
        assert_eq!(ids(json!("7")), [7]);
        assert_eq!(ids(json!(" 7 ")), [7]);
        assert_eq!(ids(json!(7)), [7]);
        for none in [
            json!(-7),
            json!(7.5),
            json!(true),
            json!(null),
            json!({"a": 1}),
            json!("x"),
            json!([]),
        ] {
            assert!(ids(none.clone()).is_empty(), "{none}");
        }
    }

    #[test]
    fn typed_text_of_every_kind_of_value_reads_as_the_map_would() {
        #[derive(Deserialize)]
        struct One<'a> {
            #[serde(borrow, default)]
            v: Text<'a>,
            #[serde(default)]
            after: Option<u8>,
        }
        for v in [
            json!("Am \"Hang\""),
            json!("Straße"),
            json!(-7),
            json!(7),
            json!(2.5),
            json!(1e3),
            json!(true),
            json!(null),
            json!([1, [2]]),
            json!({"a": {"b": [1]}}),
        ] {
            let r = record(json!({"v": v, "after": 1}));
            let typed: One = r.fields().unwrap();
            assert_eq!(typed.v.as_str(), r.text("v").as_deref(), "{v}");
            assert_eq!(typed.after, Some(1), "{v}");
        }
    }
}
