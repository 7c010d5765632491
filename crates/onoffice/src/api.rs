//! Typed calls for what the audit needs: users, addresses, estates, field metadata, relations and the Maklerbuch.
//! Each call also exists as an action builder, so a caller can batch independent reads into one request.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::client::{Client, Result};
use crate::envelope::{value_as_i64, value_as_text, Action, ActionKind, Record};
use crate::error::Error;

pub use onoffice_protocol::{
    MAX_AGENTS_LOG_ESTATE_IDS, MAX_RELATION_IDS, RELATION_CONTACT_PERSON,
    RELATION_CONTACT_PERSON_ALL, RELATION_USER_ADDRESS,
};

/// A record filter: `{"field": [{"op": "...", "val": ...}]}`; all expressions must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter(Map<String, Value>);

impl Filter {
    pub fn new() -> Self {
        Filter::default()
    }

    pub fn with(mut self, field: &str, op: &str, val: impl Into<Value>) -> Self {
        let entry = self
            .0
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(json!({"op": op, "val": val.into()}));
        }
        self
    }

    /// A multiselect (or any field) holding at least one of these keys: `{"op": "in", "val": [...]}`, as onOffice's
    /// own plugin filters `ArtDaten`. Never `=` on a multiselect: what it compares is documented nowhere.
    pub fn any_of(self, field: &str, keys: &[&str]) -> Self {
        self.with(field, "in", json!(keys))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// Which side of a relation the given ids are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationSide {
    Parents,
    Children,
}

/// Reads a multiselect value: `"|a||b|"` (as onOffice sends it), a JSON list, or empty.
pub fn parse_multiselect(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s
            .split('|')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(value_as_text)
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// Which list an e-mail entry of an address is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EmailEntryKind {
    /// `email__<id>`
    Plain,
    /// `emailbusiness__<id>`
    Business,
    /// `emailprivate__<id>`
    Private,
}

/// One e-mail entry of an address, as `data: ["email"]` returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailEntry {
    pub entry_id: u64,
    pub kind: EmailEntryKind,
    pub address: String,
}

/// Every e-mail entry of an address record: `email__<id>`, `emailbusiness__<id>` and `emailprivate__<id>`. The
/// `…__Comment` twins hold the person's own remark and are never taken for an address; empty entries are skipped.
pub fn email_entries(record: &Record) -> Vec<EmailEntry> {
    let mut out: Vec<EmailEntry> = record
        .elements()
        .iter()
        .filter_map(|(key, value)| {
            let (prefix, id) = key.split_once("__")?;
            let kind = match prefix {
                "email" => EmailEntryKind::Plain,
                "emailbusiness" => EmailEntryKind::Business,
                "emailprivate" => EmailEntryKind::Private,
                _ => return None,
            };
            // `email__12__Comment` has a second separator; an entry id is digits only.
            let entry_id: u64 = id.parse().ok()?;
            let address = value_as_text(value)?.trim().to_string();
            (!address.is_empty()).then_some(EmailEntry {
                entry_id,
                kind,
                address,
            })
        })
        .collect();
    out.sort_by_key(|e| (e.entry_id, e.kind));
    out
}

/// The changes of one `modify address`. Multiselect values are full lists: they replace what onOffice has.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddressChanges(Map<String, Value>);

impl AddressChanges {
    pub fn new() -> Self {
        AddressChanges::default()
    }

    /// Sets a multiselect field to exactly these keys (the caller has merged them with what is there).
    pub fn multiselect(mut self, field: &str, keys: &[String]) -> Self {
        self.0.insert(field.to_owned(), json!(keys));
        self
    }

    /// Adds an e-mail address, optionally as the default one.
    pub fn add_email(mut self, address: &str, default: bool) -> Self {
        self.0.insert(
            "email".into(),
            json!({"action": "add", "newvalue": address, "default": default}),
        );
        self
    }

    /// Replaces an e-mail address (the old value must be unique on the record).
    pub fn modify_email(mut self, old: &str, new: &str, default: bool) -> Self {
        self.0.insert(
            "email".into(),
            json!({"action": "modify", "oldvalue": old, "newvalue": new, "default": default}),
        );
        self
    }

    /// Removes an e-mail address.
    pub fn delete_email(mut self, old: &str) -> Self {
        self.0
            .insert("email".into(), json!({"action": "delete", "oldvalue": old}));
        self
    }

    /// Any other field, as a plain value.
    pub fn field(mut self, field: &str, value: impl Into<Value>) -> Self {
        self.0.insert(field.to_owned(), value.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One permitted value of a select field: its stable key and, with labels on, the label the account shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermittedValue {
    pub key: String,
    pub label: Option<String>,
}

/// Metadata of one field from `get fields`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldInfo {
    pub field_type: String,
    pub label: Option<String>,
    pub permitted: Vec<PermittedValue>,
}

/// `get fields` by module, then by field name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldCatalog {
    pub modules: BTreeMap<String, BTreeMap<String, FieldInfo>>,
}

impl FieldCatalog {
    pub fn field(&self, module: &str, field: &str) -> Option<&FieldInfo> {
        self.modules.get(module).and_then(|m| m.get(field))
    }

    /// Builds the catalog from the records of a `get fields` result.
    pub fn from_records(records: &[Record]) -> Result<Self> {
        let mut modules = BTreeMap::new();
        for record in records {
            let mut fields = BTreeMap::new();
            for (name, meta) in &record.elements() {
                let Value::Object(meta) = meta else { continue }; // the module's own "label"
                let permitted = match meta.get("permittedvalues") {
                    Some(Value::Array(keys)) => keys
                        .iter()
                        .filter_map(value_as_text)
                        .map(|key| PermittedValue { key, label: None })
                        .collect(),
                    Some(Value::Object(map)) => map
                        .iter()
                        .map(|(key, label)| PermittedValue {
                            key: key.clone(),
                            label: value_as_text(label),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                fields.insert(
                    name.clone(),
                    FieldInfo {
                        field_type: meta.get("type").and_then(value_as_text).unwrap_or_default(),
                        label: meta.get("label").and_then(value_as_text),
                        permitted,
                    },
                );
            }
            modules.insert(record.id.clone(), fields);
        }
        Ok(FieldCatalog { modules })
    }
}

/// Action builders, for callers that batch independent reads themselves.
pub mod actions {
    use super::*;

    fn data(fields: &[&str]) -> Value {
        json!(fields)
    }

    pub fn read_users(fields: &[&str]) -> Action {
        Action::new(ActionKind::Read, "user").param("data", data(fields))
    }

    pub fn read_addresses(filter: &Filter, fields: &[&str]) -> Action {
        let a = Action::new(ActionKind::Read, "address").param("data", data(fields));
        if filter.is_empty() {
            a
        } else {
            a.param("filter", filter.to_value())
        }
    }

    pub fn read_addresses_by_id(ids: &[u64], fields: &[&str]) -> Action {
        Action::new(ActionKind::Read, "address")
            .param("data", data(fields))
            .param("recordids", json!(ids))
    }

    pub fn read_estates(filter: &Filter, fields: &[&str]) -> Action {
        let a = Action::new(ActionKind::Read, "estate").param("data", data(fields));
        if filter.is_empty() {
            a
        } else {
            a.param("filter", filter.to_value())
        }
    }

    pub fn get_fields(modules: &[&str], labels: bool, field_list: &[&str]) -> Action {
        let mut a = Action::new(ActionKind::Get, "fields")
            .param("modules", json!(modules))
            .param("labels", labels)
            .param("language", "DEU");
        if !field_list.is_empty() {
            a = a.param("fieldList", json!(field_list));
        }
        a
    }

    pub fn ids_from_relation(relation_type: &str, side: RelationSide, ids: &[u64]) -> Action {
        let key = match side {
            RelationSide::Parents => "parentids",
            RelationSide::Children => "childids",
        };
        Action::new(ActionKind::Get, "idsfromrelation")
            .param("relationtype", relation_type)
            .param(key, json!(ids))
    }

    /// The Maklerbuch entries of some listings (`estateid`, at most [`MAX_AGENTS_LOG_ESTATE_IDS`]), newest first.
    pub fn read_agents_log(estates: &[u64], filter: &Filter, fields: &[&str]) -> Action {
        let a = Action::new(ActionKind::Read, "agentslog")
            .param("estateid", json!(estates))
            .param("data", data(fields));
        if filter.is_empty() {
            a
        } else {
            a.param("filter", filter.to_value())
        }
    }

    /// The account's action kinds and types, with the automatic types of the kinds named.
    pub fn get_action_kinds(automatic_for: &[&str]) -> Action {
        Action::new(ActionKind::Get, "actionkindtypes")
            .param("lang", "DEU")
            .param("allowAutomaticTypesForActionKind", json!(automatic_for))
    }

    pub fn modify_address(id: u64, changes: &AddressChanges) -> Action {
        let mut a = Action::new(ActionKind::Modify, "address").resource_id(id);
        a.parameters = changes.0.clone();
        a
    }

    pub fn create_relation(relation_type: &str, parent: u64, child: u64) -> Action {
        Action::new(ActionKind::Create, "relation")
            .param("relationtype", relation_type)
            .param("parentid", parent)
            .param("childid", child)
    }

    pub fn delete_relation(relation_type: &str, parent: u64, child: u64) -> Action {
        Action::new(ActionKind::Delete, "relation")
            .param("relationtype", relation_type)
            .param("parentid", parent)
            .param("childid", child)
    }
}

/// Reads the `relatedIds` record of an `idsfromrelation` result into id → related ids.
pub fn parse_related_ids(records: &[Record]) -> Result<BTreeMap<u64, Vec<u64>>> {
    let mut out = BTreeMap::new();
    for record in records {
        for (key, related) in record.elements() {
            let id: u64 = key.parse().map_err(|_| Error::Unexpected {
                detail: format!("relation key {key:?} is not an id"),
            })?;
            let ids = match related {
                Value::Array(list) => list
                    .iter()
                    .filter_map(value_as_i64)
                    .map(|n| n as u64)
                    .collect(),
                Value::Null => Vec::new(),
                other => value_as_i64(&other)
                    .map(|n| vec![n as u64])
                    .unwrap_or_default(),
            };
            out.insert(id, ids);
        }
    }
    Ok(out)
}

impl Client {
    /// Every onOffice user, all pages. Needs the right "Benutzerdaten über API auslesen".
    pub async fn read_users(&self, fields: &[&str]) -> Result<Vec<Record>> {
        self.read_all(actions::read_users(fields)).await
    }

    /// Every address matching the filter, all pages.
    pub async fn read_addresses(&self, filter: &Filter, fields: &[&str]) -> Result<Vec<Record>> {
        self.read_all(actions::read_addresses(filter, fields)).await
    }

    /// The addresses with these ids (any number; split into requests of 500 ids).
    pub async fn read_addresses_by_id(&self, ids: &[u64], fields: &[&str]) -> Result<Vec<Record>> {
        let reads = ids
            .chunks(MAX_RELATION_IDS)
            .map(|c| actions::read_addresses_by_id(c, fields))
            .collect();
        let mut out = Vec::new();
        for r in self.read_all_many(reads).await {
            out.extend(r?);
        }
        Ok(out)
    }

    /// Every estate matching the filter, all pages.
    pub async fn read_estates(&self, filter: &Filter, fields: &[&str]) -> Result<Vec<Record>> {
        self.read_all(actions::read_estates(filter, fields)).await
    }

    /// Field metadata of the modules; with `labels` each select value carries the label the account shows.
    pub async fn get_fields(
        &self,
        modules: &[&str],
        labels: bool,
        field_list: &[&str],
    ) -> Result<FieldCatalog> {
        let r = self
            .call(actions::get_fields(modules, labels, field_list))
            .await?;
        FieldCatalog::from_records(&r.records)
    }

    /// Related ids for each given id, from the parent or the child side; more than 500 ids are split.
    pub async fn ids_from_relation(
        &self,
        relation_type: &str,
        side: RelationSide,
        ids: &[u64],
    ) -> Result<BTreeMap<u64, Vec<u64>>> {
        let calls: Vec<Action> = ids
            .chunks(MAX_RELATION_IDS)
            .map(|c| actions::ids_from_relation(relation_type, side, c))
            .collect();
        let mut out = BTreeMap::new();
        for r in self.execute(calls).await {
            out.extend(parse_related_ids(&r?.records)?);
        }
        Ok(out)
    }

    /// Writes the changes to one address. Multiselect lists replace the stored ones.
    pub async fn modify_address(&self, id: u64, changes: &AddressChanges) -> Result<()> {
        self.call(actions::modify_address(id, changes))
            .await
            .map(|_| ())
    }

    pub async fn create_relation(
        &self,
        relation_type: &str,
        parent: u64,
        child: u64,
    ) -> Result<()> {
        self.call(actions::create_relation(relation_type, parent, child))
            .await
            .map(|_| ())
    }

    pub async fn delete_relation(
        &self,
        relation_type: &str,
        parent: u64,
        child: u64,
    ) -> Result<()> {
        self.call(actions::delete_relation(relation_type, parent, child))
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests;
