//! The write actions: `modify address` (multiselect replace, e-mail objects) and creating and deleting relations.

use super::*;

/// What a `modify address` changes besides plain text fields, once every parameter is valid.
struct AddressModify<'p> {
    contact_types: Option<Vec<String>>,
    /// The write key (`email`, `email_business`, `email_private`) and the e-mail object.
    email: Option<(&'p str, &'p Value)>,
}

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
    // Validate everything first: a refused modify changes nothing.
    let change = validated_modify(account, params)?;
    let mut address = account.addresses[&id].clone();
    if let Some((write_key, email)) = change.email {
        change_email(account, &mut address, write_key, email)?;
    }
    if let Some(types) = change.contact_types {
        address.contact_types = types;
    }
    set_text_fields(&mut address, params);
    account.addresses.insert(id, address);
    Ok(Done {
        records: vec![json!({"id": 0, "type": "address", "elements": {"success": "success"}})],
        cnt_absolute: None,
        listed_addresses: Vec::new(),
    })
}

/// Checks every parameter of a `modify address`: known fields, contact type keys of the account, at most one e-mail
/// change.
fn validated_modify<'p>(
    account: &Account,
    params: &'p Map<String, Value>,
) -> Result<AddressModify<'p>, ActionError> {
    let mut change = AddressModify {
        contact_types: None,
        email: None,
    };
    for (field, value) in params {
        match field.as_str() {
            "ArtDaten" => change.contact_types = Some(contact_type_keys(account, value)?),
            "email" | "email_business" | "email_private" => {
                if !value.is_object() {
                    return err(255, format!("Invalid value for parameter: {field}"));
                }
                if change.email.replace((field.as_str(), value)).is_some() {
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
    Ok(change)
}

/// The new `ArtDaten`: a list of the account's contact type keys, without repeats.
fn contact_type_keys(account: &Account, value: &Value) -> Result<Vec<String>, ActionError> {
    let Value::Array(items) = value else {
        return err(
            255,
            "Invalid value for parameter: ArtDaten must be a list of keys",
        );
    };
    let permitted: BTreeSet<&str> = account
        .contact_type_values
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
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
    Ok(keys)
}

/// Whether an e-mail address looks like one to onOffice.
fn valid_email(v: &str) -> bool {
    let parts: Vec<&str> = v.split('@').collect();
    parts.len() == 2 && !parts[0].is_empty() && parts[1].contains('.') && !v.contains(' ')
}

/// The entry an e-mail `modify` or `delete` names by its `oldvalue` (exactly one, in any case).
fn old_email(address: &Address, oldvalue: Option<&str>) -> Result<usize, ActionError> {
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
}

/// Applies an e-mail object (`add`, `modify` or `delete`) to the address; a new entry takes the account's next id.
fn change_email(
    account: &mut Account,
    address: &mut Address,
    write_key: &str,
    email: &Value,
) -> Result<(), ActionError> {
    let kind = EmailKind::from_write_key(write_key).unwrap_or_default();
    let action = email.get("action").and_then(Value::as_str).unwrap_or("");
    let newvalue = email.get("newvalue").and_then(Value::as_str).map(str::trim);
    let oldvalue = email.get("oldvalue").and_then(Value::as_str);
    let default = truthy(email.get("default"));
    match action {
        "add" => {
            let Some(new) = newvalue.filter(|v| valid_email(v)) else {
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
            let i = old_email(address, oldvalue)?;
            if let Some(new) = newvalue {
                if !valid_email(new) {
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
            let i = old_email(address, oldvalue)?;
            address.emails.remove(i);
        }
        _ => return err(255, "Invalid value for parameter: email.action"),
    }
    Ok(())
}

/// The plain text fields of a `modify address` (strings or numbers; `Status` is accepted and ignored).
fn set_text_fields(address: &mut Address, params: &Map<String, Value>) {
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
