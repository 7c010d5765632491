//! The read actions: list reads of addresses, estates and users (filter, `data` selection, paging), `get fields` and
//! `get idsfromrelation`.

use onoffice_protocol::lock::Unpoisoned;
use onoffice_protocol::{MAX_PAGE_SIZE, MAX_RELATION_IDS};

use std::collections::BTreeMap;

use super::*;

/// Looks up a pseudo-field (`email`, `defaultemail`) of a record by id.
type PseudoFields<'a> = dyn Fn(u64, &str) -> Option<Map<String, Value>> + 'a;
/// All elements of a record by id.
type Elements<'a> = dyn Fn(u64) -> Option<Map<String, Value>> + 'a;

/// Filter, count, page and shape a list read. The matching ids of a filter are kept in the account's cache until the
/// next write, so reading page 40 of a list costs what reading page 1 does (as with a database index).
#[allow(clippy::too_many_arguments)]
pub(super) fn list_read(
    cache: &ListCache,
    type_name: &str,
    ids: Vec<u64>,
    elements_of: &Elements,
    params: &Map<String, Value>,
    multiselect: &[&str],
    pseudo: &PseudoFields,
) -> Result<Done, ActionError> {
    let filter = params.get("filter").cloned().unwrap_or(Value::Null);
    let Page {
        limit,
        offset,
        data,
    } = Page::of(params)?;
    let key = filter_key(type_name, &filter, &ids);
    let cached = cache.filters.write_guard().get(&key).cloned();
    let matched: Arc<Vec<u64>> = match cached {
        Some(m) => m,
        None => {
            check_filter(&filter, || {
                let mut known = ids
                    .first()
                    .and_then(|id| elements_of(*id))
                    .unwrap_or_default();
                if type_name == "address" {
                    known.insert("defaultemail".into(), Value::String(String::new()));
                }
                known
            })?;
            let matched = Arc::new(matching_ids(
                &filter,
                &ids,
                elements_of,
                multiselect,
                pseudo,
            ));
            cache.filters.write_guard().insert(key, matched.clone());
            matched
        }
    };
    let mut done = Done {
        cnt_absolute: Some(matched.len() as u64),
        ..Done::default()
    };
    for &id in matched.iter().skip(offset).take(limit) {
        let Some(el) = elements_of(id) else { continue };
        let elements = match &data {
            None => el,
            Some(fields) => selected_elements(&el, fields, |f| pseudo(id, f)),
        };
        if type_name == "address" {
            done.listed_addresses.push(id);
        }
        done.records
            .push(json!({"id": id, "type": type_name, "elements": elements}));
    }
    Ok(done)
}

/// The cache key of a list read's filter over these ids.
fn filter_key(type_name: &str, filter: &Value, ids: &[u64]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ids.hash(&mut h);
    format!("{type_name}|{filter}|{}|{:x}", ids.len(), h.finish())
}

/// Checks a list read's `filter`: none (null or an empty list), or an object over fields the records have (`known`:
/// the elements of one record; empty when there is none to compare with).
pub(super) fn check_filter(
    filter: &Value,
    known: impl FnOnce() -> Map<String, Value>,
) -> Result<(), ActionError> {
    match filter {
        Value::Null => Ok(()),
        Value::Array(a) if a.is_empty() => Ok(()),
        Value::Object(_) => {
            let known = known();
            if known.is_empty() {
                Ok(())
            } else {
                filter::validate(filter, &known)
            }
        }
        _ => err(
            257,
            "An error occurred while validating the filter: filter must be an object",
        ),
    }
}

/// The ids whose records (with their default e-mail) match the filter; all of them without a filter object.
fn matching_ids(
    filter: &Value,
    ids: &[u64],
    elements_of: &Elements,
    multiselect: &[&str],
    pseudo: &PseudoFields,
) -> Vec<u64> {
    ids.iter()
        .copied()
        .filter(|id| {
            if !filter.is_object() {
                return true;
            }
            let Some(mut el) = elements_of(*id) else {
                return false;
            };
            if let Some(extra) = pseudo(*id, "defaultemail") {
                el.extend(extra);
            }
            filter::matches(filter, &el, multiselect)
        })
        .collect()
}

/// The `data` fields of a record, pseudo-fields looked up by name; unknown names in `data` are dropped silently, as
/// onOffice does.
fn selected_elements(
    el: &Map<String, Value>,
    fields: &[String],
    pseudo: impl Fn(&str) -> Option<Map<String, Value>>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields {
        if let Some(v) = el.get(f) {
            out.insert(f.clone(), v.clone());
        } else if let Some(extra) = pseudo(f) {
            out.extend(extra);
        }
    }
    out
}

/// What of a list a read asks for: `listlimit` (default 20, at most 500), `listoffset`, and the `data` fields (all
/// when none are named).
pub(super) struct Page {
    pub limit: usize,
    pub offset: usize,
    pub data: Option<Vec<String>>,
}

impl Page {
    pub fn of(params: &Map<String, Value>) -> Result<Page, ActionError> {
        let limit = match params.get("listlimit") {
            None => 20,
            Some(v) => match id_of(v) {
                Some(n) => n.min(MAX_PAGE_SIZE),
                None => return err(255, "Invalid value for parameter: listlimit"),
            },
        } as usize;
        let offset = params.get("listoffset").and_then(id_of).unwrap_or(0) as usize;
        let data = match params.get("data") {
            Some(Value::Array(items)) if !items.is_empty() => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        };
        Ok(Page {
            limit,
            offset,
            data,
        })
    }
}

/// The ids of `records` a read asks for (`resourceid`, `recordids`), or all of them.
fn requested<T>(
    records: &BTreeMap<u64, T>,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Vec<u64>, ActionError> {
    let only = selected_ids(resource_id, params)?;
    Ok(records
        .keys()
        .copied()
        .filter(|id| only.as_ref().is_none_or(|s| s.contains(id)))
        .collect())
}

/// A list read of records without multiselects or pseudo-fields.
fn plain_read(
    account: &Account,
    type_name: &str,
    ids: Vec<u64>,
    elements: &Elements,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    list_read(
        &account.list_cache,
        type_name,
        ids,
        elements,
        params,
        &[],
        &|_, _| None,
    )
}

pub(super) fn selected_ids(
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Option<BTreeSet<u64>>, ActionError> {
    if let Some(id) = id_of(resource_id) {
        return Ok(Some([id].into()));
    }
    match params.get("recordids") {
        None => Ok(None),
        Some(v) => match id_list(v) {
            Some(ids) if ids.len() > MAX_RELATION_IDS => {
                err(302, "This action support only up to 500 Ids")
            }
            Some(ids) => Ok(Some(ids.into_iter().collect())),
            None => err(255, "Invalid value for parameter: recordids"),
        },
    }
}

pub(super) fn read_addresses(
    account: &Account,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let ids = requested(&account.addresses, resource_id, params)?;
    let elements = |id: u64| account.addresses.get(&id).map(Address::elements);
    let lookup = |id: u64, field: &str| {
        account
            .addresses
            .get(&id)
            .and_then(|a| a.pseudo_elements(field))
    };
    list_read(
        &account.list_cache,
        "address",
        ids,
        &elements,
        params,
        &["ArtDaten"],
        &lookup,
    )
}

pub(super) fn read_estates(
    account: &Account,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let ids = requested(&account.estates, resource_id, params)?;
    let elements = |id: u64| {
        account
            .estates
            .get(&id)
            .map(|e| account.readable(e.elements()))
    };
    plain_read(account, "estate", ids, &elements, params)
}

pub(super) fn read_users(
    account: &Account,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    if !account.can_read_users {
        return err(170, "No read permission for this user");
    }
    let only = id_of(resource_id);
    let ids = account
        .users
        .keys()
        .copied()
        .filter(|n| only.is_none_or(|o| o == *n))
        .collect();
    let elements = |id: u64| {
        account
            .users
            .get(&id)
            .map(|u| account.readable(u.elements()))
    };
    let mut done = plain_read(account, "user", ids, &elements, params)?;
    // Recorded user reads carry no total: a page shorter than the limit is the only end marker.
    done.cnt_absolute = None;
    Ok(done)
}

pub(super) fn get_fields(
    account: &Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let labels = truthy(params.get("labels"));
    let modules: Vec<String> = match params.get("modules") {
        Some(Value::Array(m)) => m
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => vec!["address".into(), "estate".into(), "user".into()],
    };
    let field_list: Option<BTreeSet<String>> = match params.get("fieldList") {
        Some(Value::Array(f)) if !f.is_empty() => Some(
            f.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        _ => None,
    };
    let mut done = Done::default();
    for module in modules {
        let Some(mut fields) =
            account.field_metadata(&module, labels, truthy(params.get("realDataTypes")))
        else {
            continue;
        };
        if let Some(keep) = &field_list {
            fields.retain(|k, _| k == "label" || keep.contains(k));
        }
        done.records
            .push(json!({"id": module, "type": null, "elements": fields}));
    }
    Ok(done)
}

pub(super) fn ids_from_relation(
    account: &Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let relation = params
        .get("relationtype")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (ids, from_parent) = relation_ids(params)?;
    let by_estate = account.list_cache.contacts_by_estate(&account.contacts);
    let mut elements = Map::new();
    for id in ids {
        let list: Vec<Value> = related_ids(account, &by_estate, relation, from_parent, id)?
            .into_iter()
            .map(|r| Value::String(r.to_string()))
            .collect();
        elements.insert(id.to_string(), Value::Array(list));
    }
    Ok(Done {
        records: vec![json!({"id": "relatedIds", "type": "", "elements": elements})],
        cnt_absolute: None,
        listed_addresses: Vec::new(),
    })
}

/// The ids an `idsfromrelation` asks about (`parentids` or `childids`, not both, at most `MAX_RELATION_IDS`), and
/// whether they are parents.
fn relation_ids(params: &Map<String, Value>) -> Result<(Vec<u64>, bool), ActionError> {
    let (ids, from_parent) = match (params.get("parentids"), params.get("childids")) {
        (Some(_), Some(_)) => {
            return err(
                255,
                "Invalid value for parameter: either parentids or childids",
            )
        }
        (Some(p), None) => (id_list(p), true),
        (None, Some(c)) => (id_list(c), false),
        (None, None) => return err(254, "Missing mandatory field: parentids or childids"),
    };
    let Some(ids) = ids else {
        return err(255, "Invalid value for parameter: ids");
    };
    if ids.len() > MAX_RELATION_IDS {
        return err(302, "This action support only up to 500 Ids");
    }
    Ok((ids, from_parent))
}

/// The ids related to `id` by `relation`, from the parent's side or the child's.
fn related_ids(
    account: &Account,
    by_estate: &ContactIndex,
    relation: &str,
    from_parent: bool,
    id: u64,
) -> Result<Vec<u64>, ActionError> {
    Ok(match (relation, from_parent) {
        (RELATION_CONTACT_PERSON, true) => by_estate
            .get(&id)
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|a| account.is_broker(*a))
                    .collect()
            })
            .unwrap_or_default(),
        (RELATION_CONTACT_PERSON_ALL, true) => by_estate.get(&id).cloned().unwrap_or_default(),
        (RELATION_CONTACT_PERSON, false) => account.estates_of_contact(id, true),
        (RELATION_CONTACT_PERSON_ALL, false) => account.estates_of_contact(id, false),
        (RELATION_USER_ADDRESS, true) => account
            .users
            .get(&id)
            .and_then(|u| u.address_id)
            .into_iter()
            .collect(),
        (RELATION_USER_ADDRESS, false) => account
            .users
            .values()
            .filter(|u| u.address_id == Some(id))
            .map(|u| u.nr)
            .collect(),
        (RELATION_ESTATE_OFFICER, true) => account
            .estates
            .get(&id)
            .map(|e| e.officer)
            .into_iter()
            .collect(),
        (RELATION_ESTATE_OFFICER, false) => account
            .estates
            .values()
            .filter(|e| e.officer == id)
            .map(|e| e.id)
            .collect(),
        _ => return err(132, "No or unknown relation given"),
    })
}
