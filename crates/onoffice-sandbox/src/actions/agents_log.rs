//! The Maklerbuch (agents log) through the API: `read agentslog` with `estateid`, `addressid`, `data`, `filter`,
//! `listlimit` and `listoffset`, newest first; and `get actionkindtypes`. Where onOffice's documentation is silent
//! the harsher reading: no total count (a page shorter than the limit is the only end), at most
//! `MAX_AGENTS_LOG_ESTATE_IDS` listings per read, and a refused right refuses the whole read.

use onoffice_protocol::MAX_AGENTS_LOG_ESTATE_IDS;

use super::*;

/// Fields the documentation says cannot be filtered.
const NOT_FILTERABLE: &[&str] = &["Benutzer", "Adress_nr", "Objekt_nr", "dauer"];

pub(super) fn read_agents_log(
    account: &Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    if !account.can_read_agents_log {
        return err(170, "No read permission for the agents log");
    }
    let estates = id_param(params, "estateid")?;
    if estates
        .as_ref()
        .is_some_and(|e| e.len() > MAX_AGENTS_LOG_ESTATE_IDS)
    {
        return err(
            302,
            format!("This action support only up to {MAX_AGENTS_LOG_ESTATE_IDS} Ids"),
        );
    }
    let addresses = id_param(params, "addressid")?;
    let filter = params.get("filter").cloned().unwrap_or(Value::Null);
    check_log_filter(account, &filter)?;
    let super::read::Page {
        limit,
        offset,
        data,
    } = super::read::Page::of(params)?;
    let mut done = Done::default();
    let on_estates = match &estates {
        Some(estates) => account.log_of_estates(estates),
        None => account.agents_log.iter().collect(),
    };
    let matching = on_estates.into_iter().filter(|e| {
        addresses
            .as_ref()
            .is_none_or(|s| e.addresses.iter().any(|id| s.contains(id)))
    });
    let wanted = |field: &str| {
        data.as_ref().is_none_or(|d| d.iter().any(|f| f == field)) || filter.get(field).is_some()
    };
    for (id, mut elements) in matching
        .map(|e| (e.id, e.elements_of(wanted)))
        .filter(|(_, el)| filter::matches(&filter, el, &[]))
        .skip(offset)
        .take(limit)
    {
        if let Some(fields) = &data {
            elements.retain(|field, _| fields.contains(field));
        }
        done.records
            .push(json!({"id": id, "type": "agentslog", "elements": elements}));
    }
    Ok(done)
}

/// The ids of a parameter (`estateid`, `addressid`): one or a list; `None` when not given.
fn id_param(params: &Map<String, Value>, name: &str) -> Result<Option<BTreeSet<u64>>, ActionError> {
    match params.get(name) {
        None => Ok(None),
        Some(v) => match id_list(v) {
            Some(ids) => Ok(Some(ids.into_iter().collect())),
            None => err(255, format!("Invalid value for parameter: {name}")),
        },
    }
}

/// Checks the filter of a Maklerbuch read: as any list read's, and none of the fields that cannot be filtered.
fn check_log_filter(account: &Account, filter: &Value) -> Result<(), ActionError> {
    if let Some(obj) = filter.as_object() {
        if let Some(field) = obj.keys().find(|k| NOT_FILTERABLE.contains(&k.as_str())) {
            return err(
                257,
                format!(
                    "An error occurred while validating the filter: {field} cannot be filtered"
                ),
            );
        }
    }
    super::read::check_filter(filter, || {
        account
            .agents_log
            .first()
            .map(AgentsLogEntry::elements)
            .unwrap_or_default()
    })
}

pub(super) fn get_action_kind_types(
    account: &Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let with_automatic: BTreeSet<String> = match params.get("allowAutomaticTypesForActionKind") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(k)) => [k.clone()].into(),
        _ => BTreeSet::new(),
    };
    let mut done = Done::default();
    for (i, kind) in account.action_kinds.iter().enumerate() {
        let mut types: Vec<&KindType> = kind.types.iter().collect();
        if with_automatic.contains(&kind.key) {
            types.extend(kind.automatic_types.iter());
        }
        // A kind without types comes as an empty *array*, one with types as an object (PHP's JSON, as recorded).
        let types_value = if types.is_empty() {
            json!([])
        } else {
            Value::Object(
                types
                    .iter()
                    .map(|t| (t.key.clone(), Value::String(t.label.clone())))
                    .collect(),
            )
        };
        done.records.push(json!({
            "id": i,
            "type": "actionkind",
            "elements": {
                "key": kind.key,
                "label": kind.label,
                "types": types_value,
                "default": types.first().map(|t| Value::String(t.key.clone())).unwrap_or(Value::Null),
            }
        }));
    }
    Ok(done)
}
