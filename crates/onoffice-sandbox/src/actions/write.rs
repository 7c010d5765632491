//! The write actions: `modify address` (multiselect replace, e-mail objects) and creating and deleting relations.

use super::*;

pub(super) fn modify_address(
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
/// The contact person relation type and the (estate, address) pairs of a relation write.
pub(super) fn relation_pairs(
    params: &Map<String, Value>,
) -> Result<(String, Vec<(u64, u64)>), ActionError> {
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
    if relation != RELATION_CONTACT_PERSON && relation != RELATION_CONTACT_PERSON_ALL {
        return err(132, "No or unknown relation given");
    }
    Ok((relation, pairs))
}

pub(super) fn create_relation(
    account: &mut Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let (relation, pairs) = relation_pairs(params)?;
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
        account.link_contact(estate, address);
    }
    Ok(Done::default())
}

pub(super) fn delete_relation(
    account: &mut Account,
    params: &Map<String, Value>,
) -> Result<Done, ActionError> {
    let (_, pairs) = relation_pairs(params)?;
    for (estate, address) in pairs {
        account.unlink_contacts(estate, |a| a == address);
    }
    Ok(Done::default())
}
