//! The record filter of the onOffice API: `{"field": [{"op": "=", "val": ...}]}`, all expressions ANDed.
//! Multiselect fields (pipe-joined values): `in`/`not in` test containment, as onOffice's own plugin uses them;
//! `=`/`!=` compare the whole stored value (what `=` does there is documented nowhere, so the sandbox takes the
//! harsher reading: `ArtDaten = Systembenutzer` misses an address that also has `Makler`).

use serde_json::{Map, Value};

/// Why a filter was refused: an onOffice error code and its message.
pub type FilterError = (i64, String);

const MULTISELECT_OPS: &[&str] = &["=", "!=", "like", "not like", "in", "not in"];

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn is_multiselect(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.starts_with('|') && s.ends_with('|') && s.len() >= 2)
}

fn keys(v: &Value) -> Vec<String> {
    text(v)
        .split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.cmp(b),
    }
}

fn eq(a: &str, b: &str) -> bool {
    compare(a, b) == std::cmp::Ordering::Equal || a.eq_ignore_ascii_case(b)
}

fn like(value: &str, pattern: &str) -> bool {
    // SQL LIKE with % and _, case-insensitive.
    fn rec(v: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => v.is_empty(),
            Some(('%', rest)) => (0..=v.len()).any(|i| rec(&v[i..], rest)),
            Some(('_', rest)) => !v.is_empty() && rec(&v[1..], rest),
            Some((c, rest)) => v.first().is_some_and(|x| x == c) && rec(&v[1..], rest),
        }
    }
    let v: Vec<char> = value.to_lowercase().chars().collect();
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    rec(&v, &p)
}

fn list(val: &Value) -> Vec<String> {
    match val {
        Value::Array(items) => items.iter().map(text).collect(),
        other => vec![text(other)],
    }
}

/// Checks the shape of a filter against the fields a record type has.
pub fn validate(filter: &Value, known: &Map<String, Value>) -> Result<(), FilterError> {
    let Some(obj) = filter.as_object() else {
        return Err((
            257,
            "An error occurred while validating the filter: filter must be an object".into(),
        ));
    };
    for (field, exprs) in obj {
        if !known.contains_key(field) {
            return Err((75, format!("Unknown field: \"{field}\"")));
        }
        let Some(exprs) = exprs.as_array() else {
            return Err((
                257,
                format!("An error occurred while validating the filter: {field}"),
            ));
        };
        for e in exprs {
            let op = e.get("op").map(text).unwrap_or_default().to_lowercase();
            let known_op = matches!(
                op.as_str(),
                "=" | "is"
                    | "!="
                    | "<>"
                    | ">"
                    | "<"
                    | ">="
                    | "<="
                    | "like"
                    | "not like"
                    | "in"
                    | "not in"
                    | "between"
            );
            if !known_op {
                return Err((142, format!("Unknown operator: {op}")));
            }
            if is_multiselect(&known[field]) && !MULTISELECT_OPS.contains(&op.as_str()) {
                return Err((232, "Multiselect fields can only be filtered with =, !=, like, not like, in and not in".into()));
            }
        }
    }
    Ok(())
}

/// Whether a record's elements pass the filter (already validated).
pub fn matches(filter: &Value, elements: &Map<String, Value>, multiselect_fields: &[&str]) -> bool {
    let Some(obj) = filter.as_object() else {
        return true;
    };
    obj.iter().all(|(field, exprs)| {
        let value = elements.get(field).cloned().unwrap_or(Value::Null);
        let multi = multiselect_fields.contains(&field.as_str());
        exprs.as_array().into_iter().flatten().all(|e| {
            let op = e.get("op").map(text).unwrap_or_default().to_lowercase();
            let val = e.get("val").cloned().unwrap_or(Value::Null);
            if multi {
                let have = keys(&value);
                let want = list(&val);
                let whole = |w: &Vec<String>| have.len() == 1 && w.len() == 1 && have[0] == w[0];
                return match op.as_str() {
                    "=" => whole(&want),
                    "!=" => !whole(&want),
                    "in" => want.iter().any(|w| have.contains(w)),
                    "not in" => !want.iter().any(|w| have.contains(w)),
                    "like" => like(&text(&value), &text(&val)),
                    "not like" => !like(&text(&value), &text(&val)),
                    _ => false,
                };
            }
            let v = text(&value);
            match op.as_str() {
                "=" | "is" => eq(&v, &text(&val)),
                "!=" | "<>" => !eq(&v, &text(&val)),
                ">" => compare(&v, &text(&val)).is_gt(),
                "<" => compare(&v, &text(&val)).is_lt(),
                ">=" => compare(&v, &text(&val)).is_ge(),
                "<=" => compare(&v, &text(&val)).is_le(),
                "like" => like(&v, &text(&val)),
                "not like" => !like(&v, &text(&val)),
                "in" => list(&val).iter().any(|w| eq(&v, w)),
                "not in" => !list(&val).iter().any(|w| eq(&v, w)),
                "between" => {
                    let bounds = list(&val);
                    bounds.len() == 2
                        && compare(&v, &bounds[0]).is_ge()
                        && compare(&v, &bounds[1]).is_le()
                }
                _ => false,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn el(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn multiselect_equals_is_the_whole_value() {
        let ms = ["ArtDaten"];
        let two = el(json!({"ArtDaten": "|Systembenutzer||Makler|"}));
        let one = el(json!({"ArtDaten": "|Systembenutzer|"}));
        let eq = json!({"ArtDaten":[{"op":"=","val":"Systembenutzer"}]});
        assert!(!matches(&eq, &two, &ms));
        assert!(matches(&eq, &one, &ms));
        let ne = json!({"ArtDaten":[{"op":"!=","val":"Systembenutzer"}]});
        assert!(matches(&ne, &two, &ms));
        assert!(!matches(&ne, &one, &ms));
        let any = json!({"ArtDaten":[{"op":"in","val":["Systembenutzer"]}]});
        assert!(matches(&any, &two, &ms) && matches(&any, &one, &ms));
    }

    #[test]
    fn multiselect_containment() {
        let e = el(json!({"ArtDaten": "|Systembenutzer||Makler|", "status": "1"}));
        let ms = ["ArtDaten"];
        assert!(matches(
            &json!({"ArtDaten":[{"op":"in","val":"Makler"}]}),
            &e,
            &ms
        ));
        assert!(matches(
            &json!({"ArtDaten":[{"op":"IN","val":["Kunde","Makler"]}]}),
            &e,
            &ms
        ));
        assert!(!matches(
            &json!({"ArtDaten":[{"op":"in","val":["Kunde"]}]}),
            &e,
            &ms
        ));
        assert!(matches(
            &json!({"ArtDaten":[{"op":"not in","val":["Kunde"]}]}),
            &e,
            &ms
        ));
        assert!(matches(
            &json!({"ArtDaten":[{"op":"like","val":"%Makler%"}],"status":[{"op":"=","val":1}]}),
            &e,
            &ms
        ));
        assert!(!matches(
            &json!({"ArtDaten":[{"op":"in","val":["Makler"]}],"status":[{"op":"=","val":2}]}),
            &e,
            &ms
        ));
    }

    #[test]
    fn scalar_ops_and_validation() {
        let e = el(json!({"kaltmiete": "950.00", "ort": "Köln"}));
        assert!(matches(
            &json!({"kaltmiete":[{"op":"between","val":[900,1000]}]}),
            &e,
            &[]
        ));
        assert!(matches(
            &json!({"kaltmiete":[{"op":">","val":"800"}]}),
            &e,
            &[]
        ));
        assert!(!matches(
            &json!({"ort":[{"op":"in","val":["Bonn"]}]}),
            &e,
            &[]
        ));
        assert_eq!(
            validate(&json!({"nope":[{"op":"=","val":1}]}), &e)
                .unwrap_err()
                .0,
            75
        );
        assert_eq!(
            validate(&json!({"ort":[{"op":"~","val":1}]}), &e)
                .unwrap_err()
                .0,
            142
        );
        let m = el(json!({"ArtDaten": "|Makler|"}));
        assert_eq!(
            validate(&json!({"ArtDaten":[{"op":">","val":1}]}), &m)
                .unwrap_err()
                .0,
            232
        );
    }
}
