//! The check itself: two round trips of reads (`rounds`), then one verdict per assumption from what came back
//! (`verdicts`). The second round also reads the Maklerbuch of the sampled rentals and the action kinds with their
//! automatic types, whose names and counts go into the diagnosis file.

mod rounds;
mod verdicts;

use std::collections::BTreeMap;
use std::time::Instant;

use onoffice::{ActionResult, Client, FieldCatalog};

use super::{figure, Diagnosis, ReadFigure};
use crate::settings::Settings;
use crate::snapshot::{parse_user, UserInfo, CONTACT_TYPE_FIELD, ESTATE_FIELDS};
use rounds::{FirstRound, SecondRound};
use verdicts::{verdicts, Seen};

/// Runs the check: (1) field metadata and a first page of users, system user addresses and rentals together,
/// (2) both contact person relations of those rentals (and the user:address relation when the user field is
/// missing) together. Read-only; errors of single reads become failed assumptions, not an error of the check.
pub async fn run(client: &Client, settings: &dyn Settings) -> Diagnosis {
    let started = Instant::now();
    let (req0, _) = client.counters();
    let first = FirstRound::read(client).await;
    let catalog = first.catalog();
    let users = users_of(&first.users_r);
    let rental_ids = ids_of(&first.rentals_r);
    let second = SecondRound::read(client, &users, &rental_ids, &first.kind_keys()).await;
    let mut reads = first.figures();
    reads.extend(second.figures());
    let seen = Seen {
        catalog: catalog.as_ref(),
        fields_r: &first.fields_r,
        users_r: &first.users_r,
        system_r: &first.system_r,
        rentals_r: &first.rentals_r,
        relations: &second.relations,
        link_relation: second.link_relation.as_ref(),
        log_r: second.log_r.as_ref(),
    };
    let assumptions = verdicts(&seen, settings);
    let (fields, value_keys) = field_names(catalog.as_ref());
    let (req1, _) = client.counters();
    Diagnosis {
        app_version: env!("CARGO_PKG_VERSION").into(),
        created: crate::journal::rfc3339_now(),
        api_host: url_host(client.base_url()),
        assumptions,
        reads,
        fields,
        value_keys,
        requests: req1 - req0,
        elapsed_ms: started.elapsed().as_millis() as u64,
        action_kinds: second.action_kinds(),
        agents_log_counts: second.agents_log_counts(),
        answer_counts: second.answer_counts(&rental_ids),
        transfer_kinds: second.transfer_kinds(),
    }
}

/// The field names per module, and the value keys of the select fields the audit relies on.
fn field_names(
    catalog: Option<&FieldCatalog>,
) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<String>>) {
    let mut fields = BTreeMap::new();
    let mut value_keys = BTreeMap::new();
    if let Some(c) = catalog {
        for (module, list) in &c.modules {
            fields.insert(module.clone(), list.keys().cloned().collect());
        }
        for (module, field) in [
            ("address", CONTACT_TYPE_FIELD),
            ("estate", "vermarktungsart"),
        ] {
            if let Some(f) = c.field(module, field) {
                value_keys.insert(
                    format!("{module}.{field}"),
                    f.permitted.iter().map(|p| p.key.clone()).collect(),
                );
            }
        }
    }
    (fields, value_keys)
}
fn users_of(r: &onoffice::Result<ActionResult>) -> Vec<UserInfo> {
    r.as_ref()
        .map(|r| r.records.iter().filter_map(parse_user).collect())
        .unwrap_or_default()
}

fn ids_of(r: &onoffice::Result<ActionResult>) -> Vec<u64> {
    r.as_ref()
        .map(|r| r.records.iter().filter_map(|r| r.numeric_id()).collect())
        .unwrap_or_default()
}

/// The listing fields the audit reads that no record brought back (onOffice leaves out what may not be read).
fn missing_estate_fields(r: &ActionResult) -> Vec<&'static str> {
    ESTATE_FIELDS
        .iter()
        .copied()
        .filter(|f| !r.records.iter().any(|rec| rec.has(f)))
        .collect()
}

/// The figure of the rentals' read; the names of fields that did not come back go into the diagnosis file here.
fn estate_figure(r: &onoffice::Result<ActionResult>) -> ReadFigure {
    let mut f = figure("read estate (Vermietung)", r);
    if let Ok(r) = r {
        let missing = missing_estate_fields(r);
        if !missing.is_empty() && !r.records.is_empty() {
            f.what = format!(
                "read estate (Vermietung), fields not returned: {}",
                missing.join(", ")
            );
        }
    }
    f
}

fn url_host(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests;
