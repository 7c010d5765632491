//! What each supported action does to the simulated account: list reads with filter, `data` selection and paging,
//! `get fields`, `idsfromrelation`, the Maklerbuch and its action kinds, address modification (multiselect replace, e-mail objects) and relations.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::filter;
use crate::generate::Rng;
use crate::model::*;
use crate::server::SecondWriterChange;

mod agents_log;
mod colleague;
mod read;
mod write;

use agents_log::{get_action_kind_types, read_agents_log};
pub use colleague::{colleague_edit, colleague_edit_contacts};
use read::{get_fields, ids_from_relation, read_addresses, read_estates, read_users};
use write::{create_relation, delete_relation, modify_address};

pub type ActionError = (i64, String);

/// The result of a successful action.
#[derive(Default)]
pub struct Done {
    pub records: Vec<Value>,
    pub cnt_absolute: Option<u64>,
    /// Address ids a list read returned (the second writer picks among them).
    pub listed_addresses: Vec<u64>,
}

fn err<T>(code: i64, message: impl Into<String>) -> Result<T, ActionError> {
    Err((code, message.into()))
}

fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn id_list(v: &Value) -> Option<Vec<u64>> {
    match v {
        Value::Array(items) => items.iter().map(id_of).collect(),
        other => id_of(other).map(|i| vec![i]),
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => s == "1" || s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Runs a `read` or `get` action; these never change the account, so many run at once.
pub fn run_read(
    account: &Account,
    kind: &str,
    resource_type: &str,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    match (kind, resource_type) {
        ("read", "address") => read_addresses(account, resource_id, params),
        ("read", "estate") => read_estates(account, resource_id, params),
        ("read", "user") => read_users(account, resource_id, params),
        ("read", "agentslog") => read_agents_log(account, params),
        ("get", "actionkindtypes") => get_action_kind_types(account, params),
        ("get", "fields") => get_fields(account, params),
        ("get", "idsfromrelation") => ids_from_relation(account, params),
        (_, other) => err(
            25,
            format!("Missing configuration for resourceType \"{other}\""),
        ),
    }
}

/// Runs a writing action (`create`, `modify`, `delete`, `do`).
pub fn run_write(
    account: &mut Account,
    kind: &str,
    resource_type: &str,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    account.list_cache.clear();
    match (kind, resource_type) {
        ("modify", "address") => modify_address(account, resource_id, params),
        ("create", "relation") => create_relation(account, params),
        ("delete", "relation") => delete_relation(account, params),
        (_, other) => err(
            25,
            format!("Missing configuration for resourceType \"{other}\""),
        ),
    }
}
