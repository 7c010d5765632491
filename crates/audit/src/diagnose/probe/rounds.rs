//! The two round trips of the check, each one typed batch: what the first brings back decides what the second asks.

use std::collections::BTreeMap;

use onoffice::api::{
    actions, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL, RELATION_USER_ADDRESS,
};
use onoffice::client::paged;
use onoffice::{Action, ActionResult, Batch, Client, FieldCatalog, RelationSide};

use super::{estate_figure, figure, ReadFigure};
use crate::snapshot::{
    rental_filter, system_address_filter, UserInfo, CONTACT_TYPE_FIELD, ESTATE_FIELDS, USER_FIELDS,
};

/// How many records the check looks at per list: enough to see the shapes, few enough to be quick.
const SAMPLE: u64 = 50;
/// The first round trip: field metadata, a first page of users, the count of system user addresses, a first page
/// of rentals, and the account's action kinds.
pub(super) struct FirstRound {
    pub(super) fields_r: onoffice::Result<ActionResult>,
    pub(super) users_r: onoffice::Result<ActionResult>,
    pub(super) system_r: onoffice::Result<ActionResult>,
    pub(super) rentals_r: onoffice::Result<ActionResult>,
    pub(super) kinds_r: onoffice::Result<ActionResult>,
}

impl FirstRound {
    pub(super) async fn read(client: &Client) -> FirstRound {
        let mut batch = Batch::new();
        let fields = batch.add(actions::get_fields(
            &["address", "estate", "user"],
            true,
            &[],
        ));
        let users = batch.add(paged(&actions::read_users(USER_FIELDS), SAMPLE, 0));
        let system = batch.add(paged(
            &actions::read_addresses(&system_address_filter(), &[CONTACT_TYPE_FIELD]),
            1,
            0,
        ));
        let rentals = batch.add(paged(
            &actions::read_estates(&rental_filter(), ESTATE_FIELDS),
            SAMPLE,
            0,
        ));
        let kinds = batch.add(actions::get_action_kinds(&[]));
        let mut answers = client.send(batch).await;
        FirstRound {
            fields_r: answers.take(fields),
            users_r: answers.take(users),
            system_r: answers.take(system),
            rentals_r: answers.take(rentals),
            kinds_r: answers.take(kinds),
        }
    }

    /// The figures of its reads, in the order the diagnosis file lists them.
    pub(super) fn figures(&self) -> Vec<ReadFigure> {
        vec![
            figure("get fields", &self.fields_r),
            figure("read user", &self.users_r),
            figure("read address (Systembenutzer)", &self.system_r),
            estate_figure(&self.rentals_r),
            figure("get actionkindtypes", &self.kinds_r),
        ]
    }

    /// The field catalog, when `get fields` came back in the expected form.
    pub(super) fn catalog(&self) -> Option<FieldCatalog> {
        self.fields_r
            .as_ref()
            .ok()
            .and_then(|r| FieldCatalog::from_records(&r.records).ok())
    }

    /// The keys of the account's action kinds, whose automatic types the second round asks for.
    pub(super) fn kind_keys(&self) -> Vec<String> {
        self.kinds_r
            .as_ref()
            .map(|r| r.records.iter().filter_map(|k| k.text("key")).collect())
            .unwrap_or_default()
    }
}

/// The second round trip: both contact person relations of the sampled rentals, the user:address relation (asked
/// only when no user carries the address in its own field), the rentals' Maklerbuch of 30 days, and the action
/// kinds with their automatic types. What was not asked is empty.
pub(super) struct SecondRound {
    /// Both contact person relations (none without rentals).
    pub(super) relations: Vec<onoffice::Result<ActionResult>>,
    pub(super) link_relation: Option<onoffice::Result<ActionResult>>,
    pub(super) log_r: Option<onoffice::Result<ActionResult>>,
    pub(super) kinds_r: Option<onoffice::Result<ActionResult>>,
}

impl SecondRound {
    pub(super) async fn read(
        client: &Client,
        users: &[UserInfo],
        rental_ids: &[u64],
        kind_keys: &[String],
    ) -> SecondRound {
        let mut batch = Batch::new();
        let relations = if rental_ids.is_empty() {
            Vec::new()
        } else {
            batch.add_all(
                [RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL].map(|relation| {
                    actions::ids_from_relation(relation, RelationSide::Parents, rental_ids)
                }),
            )
        };
        let linked_by_field = users.iter().filter(|u| u.address_id.is_some()).count();
        let link = (linked_by_field == 0 && !users.is_empty()).then(|| {
            let nrs: Vec<u64> = users.iter().map(|u| u.nr).collect();
            batch.add(actions::ids_from_relation(
                RELATION_USER_ADDRESS,
                RelationSide::Parents,
                &nrs,
            ))
        });
        let log = (!rental_ids.is_empty()).then(|| batch.add(agents_log_read(rental_ids)));
        let kinds = (!kind_keys.is_empty()).then(|| {
            let keys: Vec<&str> = kind_keys.iter().map(String::as_str).collect();
            batch.add(actions::get_action_kinds(&keys))
        });
        let mut answers = client.send(batch).await;
        SecondRound {
            relations: answers.take_all(relations),
            link_relation: answers.take_if(link),
            log_r: answers.take_if(log),
            kinds_r: answers.take_if(kinds),
        }
    }

    /// The figures of its reads, in the order the diagnosis file lists them (after the first round's).
    pub(super) fn figures(&self) -> Vec<ReadFigure> {
        let mut reads = Vec::new();
        if let Some(r) = &self.log_r {
            reads.push(figure("read agentslog", r));
        }
        if let Some(r) = &self.kinds_r {
            reads.push(figure("get actionkindtypes (automatic)", r));
        }
        let names = [
            "idsfromrelation contactPerson",
            "idsfromrelation contactPersonAll",
        ];
        for (name, r) in names.iter().zip(&self.relations) {
            reads.push(figure(name, r));
        }
        if let Some(r) = &self.link_relation {
            reads.push(figure("idsfromrelation user:address", r));
        }
        reads
    }

    /// The action kinds with their automatic types, when they came back.
    fn kinds(&self) -> Option<&ActionResult> {
        self.kinds_r.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// The labels of the kinds (and types) that name a portal transfer.
    pub(super) fn transfer_kinds(&self) -> Vec<String> {
        self.kinds()
            .map(|r| {
                crate::transfers::transfer_kinds(&crate::transfers::parse_kinds(&r.records))
                    .into_iter()
                    .map(|k| k.label)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Each action kind's key with the names of its types, automatic ones included.
    pub(super) fn action_kinds(&self) -> BTreeMap<String, Vec<String>> {
        self.kinds()
            .map(|r| {
                r.records
                    .iter()
                    .filter_map(|k| {
                        let types = match k.value("types") {
                            Some(serde_json::Value::Object(t)) => t.keys().cloned().collect(),
                            _ => Vec::new(),
                        };
                        Some((k.text("key")?, types))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many Maklerbuch entries of each "kind / type" the sampled rentals got.
    pub(super) fn agents_log_counts(&self) -> BTreeMap<String, u64> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        if let Some(Ok(r)) = &self.log_r {
            for e in &r.records {
                let key = format!(
                    "{} / {}",
                    e.text("Aktionsart").unwrap_or_default(),
                    e.text("Aktionstyp").unwrap_or_default()
                );
                *counts.entry(key).or_default() += 1;
            }
        }
        counts
    }

    /// The e-mails on the sampled rentals in 30 days, paired into enquiries and replies.
    pub(super) fn answer_counts(&self, rental_ids: &[u64]) -> crate::answers::AnswerCounts {
        // The Maklerbuch writes German time.
        let german_now = onoffice_protocol::local_time::german_time(jiff::Timestamp::now());
        crate::answers::AnswerCounts::of_read(
            self.log_r.as_ref(),
            rental_ids,
            crate::evidence::window_start(german_now),
            german_now,
        )
    }
}

/// The Maklerbuch of the sampled rentals in 30 days, every kind.
fn agents_log_read(rental_ids: &[u64]) -> Action {
    let now = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now());
    let since = crate::evidence::window_start(now);
    paged(
        &actions::read_agents_log(
            rental_ids,
            &onoffice::Filter::new().with("Datum", ">=", crate::evidence::onoffice_date(since)),
            &[
                "Objekt_nr",
                "Adress_nr",
                "Aktionsart",
                "Aktionstyp",
                "Datum",
            ],
        ),
        500,
        0,
    )
}
