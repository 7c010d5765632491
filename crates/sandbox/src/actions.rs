//! What each supported action does to the simulated account: list reads with filter, `data` selection and paging,
//! `get fields`, `idsfromrelation`, address modification (multiselect replace, e-mail objects) and relations.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::filter;
use crate::generate::Rng;
use crate::model::*;
use crate::server::SecondWriterChange;

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

/// Looks up a pseudo-field (`email`, `defaultemail`) of a record by id.
type PseudoFields<'a> = dyn Fn(u64, &str) -> Option<Map<String, Value>> + 'a;
/// All elements of a record by id.
type Elements<'a> = dyn Fn(u64) -> Option<Map<String, Value>> + 'a;

/// Filter, count, page and shape a list read. The matching ids of a filter are kept in the account's cache until the
/// next write, so reading page 40 of a list costs what reading page 1 does (as with a database index).
#[allow(clippy::too_many_arguments)]
fn list_read(
    cache: &ListCache,
    type_name: &str,
    ids: Vec<u64>,
    elements_of: &Elements,
    params: &Map<String, Value>,
    multiselect: &[&str],
    pseudo: &PseudoFields,
) -> Result<Done, ActionError> {
    let filter = params.get("filter").cloned().unwrap_or(Value::Null);
    let limit = match params.get("listlimit") {
        None => 20,
        Some(v) => match id_of(v) {
            Some(n) => n.min(500),
            None => return err(255, "Invalid value for parameter: listlimit"),
        },
    } as usize;
    let offset = params.get("listoffset").and_then(id_of).unwrap_or(0) as usize;
    let data: Option<Vec<String>> = match params.get("data") {
        Some(Value::Array(items)) if !items.is_empty() => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        _ => None,
    };
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ids.hash(&mut h);
        format!("{type_name}|{filter}|{}|{:x}", ids.len(), h.finish())
    };
    let cached = cache.filters.lock().unwrap().get(&key).cloned();
    let matched: Arc<Vec<u64>> =
        match cached {
            Some(m) => m,
            None => {
                match &filter {
                    Value::Null => {}
                    Value::Array(a) if a.is_empty() => {}
                    Value::Object(_) => {
                        let mut known = ids
                            .first()
                            .and_then(|id| elements_of(*id))
                            .unwrap_or_default();
                        if type_name == "address" {
                            known.insert("defaultemail".into(), Value::String(String::new()));
                        }
                        if !known.is_empty() {
                            filter::validate(&filter, &known)?;
                        }
                    }
                    _ => return err(
                        257,
                        "An error occurred while validating the filter: filter must be an object",
                    ),
                }
                let matched: Vec<u64> = ids
                    .iter()
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
                        filter::matches(&filter, &el, multiselect)
                    })
                    .collect();
                let matched = Arc::new(matched);
                cache.filters.lock().unwrap().insert(key, matched.clone());
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
            Some(fields) => {
                let mut out = Map::new();
                for f in fields {
                    if let Some(v) = el.get(f) {
                        out.insert(f.clone(), v.clone());
                    } else if let Some(extra) = pseudo(id, f) {
                        out.extend(extra);
                    }
                    // Unknown names in `data` are dropped silently, as onOffice does.
                }
                out
            }
        };
        if type_name == "address" {
            done.listed_addresses.push(id);
        }
        done.records
            .push(json!({"id": id, "type": type_name, "elements": elements}));
    }
    Ok(done)
}

fn selected_ids(
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Option<BTreeSet<u64>>, ActionError> {
    if let Some(id) = id_of(resource_id) {
        return Ok(Some([id].into()));
    }
    match params.get("recordids") {
        None => Ok(None),
        Some(v) => match id_list(v) {
            Some(ids) if ids.len() > 500 => err(302, "This action support only up to 500 Ids"),
            Some(ids) => Ok(Some(ids.into_iter().collect())),
            None => err(255, "Invalid value for parameter: recordids"),
        },
    }
}

fn read_addresses(
    account: &Account,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let only = selected_ids(resource_id, params)?;
    let ids = account
        .addresses
        .keys()
        .copied()
        .filter(|id| only.as_ref().is_none_or(|s| s.contains(id)))
        .collect();
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

fn read_estates(
    account: &Account,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let only = selected_ids(resource_id, params)?;
    let ids = account
        .estates
        .keys()
        .copied()
        .filter(|id| only.as_ref().is_none_or(|s| s.contains(id)))
        .collect();
    let elements = |id: u64| {
        account
            .estates
            .get(&id)
            .map(|e| account.readable(e.elements()))
    };
    list_read(
        &account.list_cache,
        "estate",
        ids,
        &elements,
        params,
        &[],
        &|_, _| None,
    )
}

fn read_users(
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
    let mut done = list_read(
        &account.list_cache,
        "user",
        ids,
        &elements,
        params,
        &[],
        &|_, _| None,
    )?;
    // Recorded user reads carry no total: a page shorter than the limit is the only end marker.
    done.cnt_absolute = None;
    Ok(done)
}

fn get_fields(account: &Account, params: &Map<String, Value>) -> Result<Done, ActionError> {
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

fn ids_from_relation(account: &Account, params: &Map<String, Value>) -> Result<Done, ActionError> {
    let relation = params
        .get("relationtype")
        .and_then(Value::as_str)
        .unwrap_or("");
    let parents = params.get("parentids");
    let children = params.get("childids");
    let (ids, from_parent) = match (parents, children) {
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
    if ids.len() > 500 {
        return err(302, "This action support only up to 500 Ids");
    }
    let by_estate = account.list_cache.contacts_by_estate(&account.contacts);
    let related = |id: u64| -> Result<Vec<u64>, ActionError> {
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
    };
    let mut elements = Map::new();
    for id in ids {
        let list: Vec<Value> = related(id)?
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

fn modify_address(
    account: &mut Account,
    resource_id: &Value,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let Some(id) = id_of(resource_id) else {
        return err(255, "Invalid value for parameter: resourceid");
    };
    if !account.addresses.contains_key(&id) {
        return err(80, "Unknown record");
    }
    let permitted: BTreeSet<String> = account
        .contact_type_values
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    // Validate everything first: a refused modify changes nothing.
    let mut new_types: Option<Vec<String>> = None;
    let mut email_change: Option<(&str, &Value)> = None;
    for (field, value) in params {
        match field.as_str() {
            "ArtDaten" => {
                let Value::Array(items) = value else {
                    return err(
                        255,
                        "Invalid value for parameter: ArtDaten must be a list of keys",
                    );
                };
                let mut keys = Vec::new();
                for item in items {
                    let Some(k) = item.as_str() else {
                        return err(76, "Invalid multiselect key");
                    };
                    if !permitted.contains(k) {
                        return err(76, format!("Invalid multiselect key: {k}"));
                    }
                    if !keys.iter().any(|x| x == k) {
                        keys.push(k.to_owned());
                    }
                }
                new_types = Some(keys);
            }
            "email" | "email_business" | "email_private" => {
                if !value.is_object() {
                    return err(255, format!("Invalid value for parameter: {field}"));
                }
                if email_change.replace((field.as_str(), value)).is_some() {
                    return err(
                        255,
                        "Invalid value for parameter: one e-mail change per modify",
                    );
                }
            }
            "Vorname" | "Name" | "Firma" | "Ort" | "Plz" | "Strasse" | "Telefon1" | "Status" => {}
            other => return err(75, format!("Unknown field: \"{other}\"")),
        }
    }
    let mut address = account.addresses[&id].clone();
    if let Some((write_key, email)) = email_change {
        let kind = EmailKind::from_write_key(write_key).unwrap_or_default();
        let action = email.get("action").and_then(Value::as_str).unwrap_or("");
        let newvalue = email.get("newvalue").and_then(Value::as_str).map(str::trim);
        let oldvalue = email.get("oldvalue").and_then(Value::as_str);
        let default = truthy(email.get("default"));
        let valid = |v: &str| {
            let parts: Vec<&str> = v.split('@').collect();
            parts.len() == 2 && !parts[0].is_empty() && parts[1].contains('.') && !v.contains(' ')
        };
        let find_old = |address: &Address| -> Result<usize, ActionError> {
            let old = oldvalue.ok_or((254, "Missing mandatory field: oldvalue".to_string()))?;
            let hits: Vec<usize> = address
                .emails
                .iter()
                .enumerate()
                .filter(|(_, e)| e.address.eq_ignore_ascii_case(old))
                .map(|(i, _)| i)
                .collect();
            if hits.len() != 1 {
                return err(
                    255,
                    "Invalid value for parameter: oldvalue is not unique or not found",
                );
            }
            Ok(hits[0])
        };
        match action {
            "add" => {
                let Some(new) = newvalue.filter(|v| valid(v)) else {
                    return err(255, "Invalid value for parameter: newvalue");
                };
                if default {
                    address.emails.iter_mut().for_each(|e| e.default = false);
                }
                address.emails.push(EmailEntry {
                    id: account.next_email_id,
                    address: new.to_owned(),
                    default,
                    kind,
                    ..EmailEntry::default()
                });
                account.next_email_id += 1;
            }
            "modify" => {
                let i = find_old(&address)?;
                if let Some(new) = newvalue {
                    if !valid(new) {
                        return err(255, "Invalid value for parameter: newvalue");
                    }
                    address.emails[i].address = new.to_owned();
                }
                if default {
                    address.emails.iter_mut().for_each(|e| e.default = false);
                    address.emails[i].default = true;
                }
            }
            "delete" => {
                let i = find_old(&address)?;
                address.emails.remove(i);
            }
            _ => return err(255, "Invalid value for parameter: email.action"),
        }
    }
    if let Some(types) = new_types {
        address.contact_types = types;
    }
    for (field, value) in params {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        match field.as_str() {
            "Vorname" => address.first_name = text,
            "Name" => address.last_name = text,
            "Firma" => address.company = text,
            "Ort" => address.city = text,
            "Plz" => address.zip = text,
            "Strasse" => address.street = text,
            "Telefon1" => address.phone = text,
            _ => {}
        }
    }
    account.addresses.insert(id, address);
    Ok(Done {
        records: vec![json!({"id": 0, "type": "address", "elements": {"success": "success"}})],
        cnt_absolute: None,
        listed_addresses: Vec::new(),
    })
}

/// Parent and child ids of a relation call: scalars or lists, 1:n allowed, n:n not.
fn relation_pairs(params: &Map<String, Value>) -> Result<(String, Vec<(u64, u64)>), ActionError> {
    let relation = params
        .get("relationtype")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let parents = params.get("parentid").and_then(id_list);
    let children = params.get("childid").and_then(id_list);
    let (Some(parents), Some(children)) = (parents, children) else {
        return err(254, "Missing mandatory field: parentid and childid");
    };
    if parents.is_empty() || children.is_empty() {
        return err(254, "Missing mandatory field: parentid and childid");
    }
    if parents.len() > 1 && children.len() > 1 {
        return err(219, "n:n relations are not allowed");
    }
    let mut pairs = Vec::new();
    for p in &parents {
        for c in &children {
            pairs.push((*p, *c));
        }
    }
    Ok((relation, pairs))
}

fn create_relation(
    account: &mut Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let (relation, pairs) = relation_pairs(params)?;
    if relation != RELATION_CONTACT_PERSON && relation != RELATION_CONTACT_PERSON_ALL {
        return err(132, "No or unknown relation given");
    }
    for (estate, address) in &pairs {
        if !account.estates.contains_key(estate) {
            return err(293, "Unknown estate record id");
        }
        if !account.addresses.contains_key(address) {
            return err(292, "Unknown address record id");
        }
        if relation == RELATION_CONTACT_PERSON && !account.is_broker(*address) {
            return err(263, "Address must be a real estate agent");
        }
    }
    // Stored as asked, duplicates included: a client must not create a link that already exists.
    for (estate, address) in pairs {
        account.contacts.push(ContactLink { estate, address });
    }
    Ok(Done::default())
}

fn delete_relation(
    account: &mut Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let (relation, pairs) = relation_pairs(params)?;
    if relation != RELATION_CONTACT_PERSON && relation != RELATION_CONTACT_PERSON_ALL {
        return err(132, "No or unknown relation given");
    }
    for (estate, address) in pairs {
        account
            .contacts
            .retain(|c| !(c.estate == estate && c.address == address));
    }
    Ok(Done::default())
}

/// A colleague adds or removes one ordinary contact type (never the system user or broker keys).
pub fn colleague_edit(account: &mut Account, id: u64, rng: &mut Rng) -> Option<SecondWriterChange> {
    let protected: Vec<String> = ["Systembenutzer".to_string()]
        .into_iter()
        .chain(account.broker_key().map(str::to_owned))
        .collect();
    let ordinary: Vec<String> = account
        .contact_type_values
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| !protected.contains(k))
        .collect();
    account.list_cache.clear();
    let address = account.addresses.get_mut(&id)?;
    let present: Vec<String> = address
        .contact_types
        .iter()
        .filter(|k| ordinary.contains(k))
        .cloned()
        .collect();
    let absent: Vec<String> = ordinary
        .iter()
        .filter(|k| !address.contact_types.contains(k))
        .cloned()
        .collect();
    if (rng.chance(0.7) || present.is_empty()) && !absent.is_empty() {
        let key = rng.pick(&absent).clone();
        address.contact_types.push(key.clone());
        Some(SecondWriterChange {
            address: id,
            key,
            added: true,
        })
    } else if !present.is_empty() {
        let key = rng.pick(&present).clone();
        address.contact_types.retain(|k| *k != key);
        Some(SecondWriterChange {
            address: id,
            key,
            added: false,
        })
    } else {
        None
    }
}

/// A colleague changes a listing's contact persons: mostly adds a broker record (never a system user, never one that
/// is already there) behind the others; sometimes removes the last link, but never the only broker.
pub fn colleague_edit_contacts(
    account: &mut Account,
    estate: u64,
    rng: &mut Rng,
) -> Option<SecondWriterChange> {
    if !account.estates.contains_key(&estate) {
        return None;
    }
    account.list_cache.clear();
    let on_listing = account.contacts_of(estate, false);
    let system: BTreeSet<u64> = account
        .users
        .values()
        .filter_map(|u| u.address_id)
        .collect();
    if rng.chance(0.7) {
        let candidates: Vec<u64> = account
            .addresses
            .values()
            .filter(|a| {
                account.is_broker(a.id)
                    && !a.contact_types.iter().any(|k| k == "Systembenutzer")
                    && !system.contains(&a.id)
                    && !on_listing.contains(&a.id)
            })
            .map(|a| a.id)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let address = *rng.pick(&candidates);
        account.contacts.push(ContactLink { estate, address });
        Some(SecondWriterChange {
            address,
            key: format!("contact:{estate}"),
            added: true,
        })
    } else {
        let last = *on_listing.last()?;
        let brokers = account.contacts_of(estate, true);
        if on_listing.len() < 2 || (brokers.len() == 1 && brokers[0] == last) {
            return None;
        }
        account
            .contacts
            .retain(|c| !(c.estate == estate && c.address == last));
        Some(SecondWriterChange {
            address: last,
            key: format!("contact:{estate}"),
            added: false,
        })
    }
}
