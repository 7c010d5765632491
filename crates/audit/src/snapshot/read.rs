//! Reads everything one audit needs in as few sequential round trips as the data allows:
//! (1) field metadata and the first page of users, system user addresses and active rentals together,
//! (2) every remaining page together (lists without a total, such as users, until a short page), (3) both contact
//! person relations of all rentals (`contactPerson`, brokers only, whose first entry the portals get, and
//! `contactPersonAll`, who else sits on the listing), the user-address links if the user read lacked them, the
//! mailbox DNS look-ups and the Maklerbuch's booked enquiries on the rentals (first pages) together, (4) the
//! addresses of contacts that are not system users, with the Maklerbuch's further pages if a first one was full.
//! Listings waiting for a re-transfer add their own reads to these rounds, never a round of their own: the account's
//! action kinds in (1), the kinds with their automatic types and the listings' Maklerbuch entries in (3), further
//! pages in (4) (see `transfers`).
//! Nothing is read once per record, and nothing is written: an audit sends only `read` and `get` actions.

use super::*;
use crate::transfers;
use onoffice::Batch;

/// A record of the first lists as it is kept: users and addresses raw, listings parsed.
enum Read {
    Raw(Record),
    Rental(RentalInfo),
}

/// Reads one audit's data. `waiting` are the listings waiting for a re-transfer, with when our change was made (UTC,
/// RFC 3339). Errors are the client's typed errors (credentials, clock, permission, ...).
pub async fn read(
    client: &Client,
    classifier: &MailboxClassifier,
    settings: &dyn Settings,
    progress: &ProgressSink,
    waiting: &BTreeMap<u64, String>,
) -> onoffice::Result<Snapshot> {
    let page = client.page_size();
    let started = jiff::Timestamp::now();
    let now = jiff::tz::Offset::UTC.to_datetime(started);
    progress.report(Progress::step(
        1,
        Text::new(
            "Lese Felder, Benutzer, Systembenutzer-Adressen und Vermietungsobjekte …",
            "Reading fields, users, system user addresses and rental listings …",
        ),
    ));
    let lists: Vec<Action> = vec![
        actions::read_users(USER_FIELDS),
        actions::read_addresses(&system_address_filter(), ADDRESS_FIELDS),
        actions::read_estates(
            &rental_filter(),
            &[ESTATE_FIELDS, &[LISTED_SINCE_FIELD]].concat(),
        ),
    ];
    let mut first_round = Batch::new();
    let fields = first_round.add(actions::get_fields(
        &["address"],
        true,
        &[CONTACT_TYPE_FIELD],
    ));
    let firsts = first_round.add_all(lists.iter().map(|a| paged(a, page, 0)));
    let plain_kinds =
        (!waiting.is_empty()).then(|| first_round.add(actions::get_action_kinds(&[])));
    let mut answers = client.send(first_round).await;
    let plain_kinds = answers.take_if(plain_kinds);
    let fields = onoffice::FieldCatalog::from_records(&answers.take(fields)?.records)?;
    let firsts = answers.take_all(firsts);
    let more = firsts.iter().any(|r| {
        r.as_ref().is_ok_and(|r| {
            r.cnt_absolute
                .map_or(r.records.len() as u64 >= page, |t| t > page)
        })
    });
    if more {
        progress.report(Progress::step(
            2,
            Text::new("Lese weitere Seiten …", "Reading more pages …"),
        ));
    }
    // Users and their addresses are few and kept as they come; the listings (up to 100,000) are parsed as each
    // page arrives, so their raw JSON never piles up.
    let ahead = client.max_in_flight() as u64;
    let mut records: Vec<Vec<Read>> = Vec::new();
    for list in client
        .read_remaining_into(&lists, firsts, ahead, |i, r| match i {
            2 => parse_rental(&r).map(Read::Rental),
            _ => Some(Read::Raw(r)),
        })
        .await
    {
        records.push(list?);
    }
    let mut snapshot = Snapshot::default();
    let permitted = fields
        .field("address", CONTACT_TYPE_FIELD)
        .map(|f| f.permitted.clone())
        .unwrap_or_default();
    snapshot.makler = Some(resolve_makler_key(&permitted, settings.makler_key()));
    let mut lists = records.into_iter().map(|list| {
        list.into_iter()
            .fold((Vec::new(), Vec::new()), |(mut raw, mut rentals), r| {
                match r {
                    Read::Raw(r) => raw.push(r),
                    Read::Rental(e) => rentals.push(e),
                }
                (raw, rentals)
            })
    });
    let user_records = lists.next().unwrap_or_default().0;
    let has_link_field = user_records
        .iter()
        .any(|r| r.elements.contains_key("adrId:adressen.ID"));
    for u in user_records.iter().filter_map(parse_user) {
        snapshot.users.insert(u.nr, u);
    }
    let mut companies: BTreeMap<String, usize> = BTreeMap::new();
    for (a, company) in lists
        .next()
        .unwrap_or_default()
        .0
        .iter()
        .filter_map(|r| parse_address(r).map(|a| (a, r.text("Firma"))))
    {
        // The filter asked for it, but check anyway: odd data must not turn into false alarms.
        if a.contact_types.iter().any(|k| k == SYSTEM_USER_KEY) {
            if let Some(c) = company
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
            {
                *companies.entry(c).or_default() += 1;
            }
            snapshot.system_addresses.insert(a.id, a);
        }
    }
    snapshot.company = companies
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(c, _)| c);
    for e in lists.next().unwrap_or_default().1 {
        snapshot.rentals.insert(e.id, e);
    }

    progress.report(Progress::step(
        3,
        Text::new(
            format!(
                "Lese Ansprechpartner von {} Vermietungsobjekten und prüfe E-Mail-Postfächer …",
                snapshot.rentals.len()
            ),
            format!(
                "Reading contact persons of {} rental listings and checking mailboxes …",
                snapshot.rentals.len()
            ),
        ),
    ));
    let rental_ids: Vec<u64> = snapshot.rentals.keys().copied().collect();
    let user_nrs: Vec<u64> = snapshot.users.keys().copied().collect();
    let emails: Vec<String> = snapshot
        .system_addresses
        .values()
        .filter_map(|a| a.default_email.clone())
        .collect();
    let contacts = read_contact_relations(client, &rental_ids);
    let links = async {
        if has_link_field || user_nrs.is_empty() {
            Ok(None)
        } else {
            client
                .ids_from_relation(RELATION_USER_ADDRESS, RelationSide::Parents, &user_nrs)
                .await
                .map(Some)
        }
    };
    let since = evidence::window_start(now);
    // The waiting listings' Maklerbuch entries, and the kinds again with their automatic types (a transfer is one).
    let mut transfer_problems = Vec::new();
    let kind_keys: Vec<String> = match plain_kinds {
        Some(Ok(r)) => transfers::parse_kinds(&r.records)
            .into_iter()
            .map(|k| k.key)
            .collect(),
        Some(Err(e)) => {
            transfer_problems.push(e.to_string());
            Vec::new()
        }
        None => Vec::new(),
    };
    let waiting_ids: Vec<u64> = waiting.keys().copied().collect();
    let (transfer_chunks, transfer_lists) =
        transfers::reads(&waiting_ids, transfers::look_back_start(started, waiting));
    let transfer_firsts = async {
        if kind_keys.is_empty() {
            return None;
        }
        let keys: Vec<&str> = kind_keys.iter().map(String::as_str).collect();
        let mut batch = Batch::new();
        let kinds = batch.add(actions::get_action_kinds(&keys));
        let firsts = batch.add_all(transfers::first_pages(&transfer_lists, page));
        let mut answers = client.send(batch).await;
        Some((answers.take(kinds), answers.take_all(firsts)))
    };
    let (contacts, links, mailboxes, log_started, transfer_firsts) = tokio::join!(
        contacts,
        links,
        classifier.classify_all(emails),
        evidence::start(client, &rental_ids, since),
        transfer_firsts
    );
    (snapshot.brokers, snapshot.contacts) = contacts?;
    if let Some(links) = links? {
        for (nr, addresses) in links {
            if let Some(u) = snapshot.users.get_mut(&nr) {
                u.address_id = addresses.first().copied();
            }
        }
    }
    snapshot.mailboxes = mailboxes;

    let others: BTreeSet<u64> = snapshot
        .rentals
        .keys()
        .flat_map(|&e| {
            snapshot
                .portal_contact(e)
                .into_iter()
                .chain(snapshot.skipped_contacts(e))
        })
        .filter(|id| !snapshot.system_addresses.contains_key(id))
        .collect();
    if !others.is_empty() {
        progress.report(Progress::step(
            4,
            Text::new(
                format!("Lese {} weitere Ansprechpartner-Adressen …", others.len()),
                format!("Reading {} other contact person addresses …", others.len()),
            ),
        ));
    }
    let ids: Vec<u64> = others.into_iter().collect();
    let other_addresses = async {
        if ids.is_empty() {
            Ok(Vec::new())
        } else {
            client.read_addresses_by_id(&ids, ADDRESS_FIELDS).await
        }
    };
    let (transfer_kinds, transfer_firsts) = match transfer_firsts {
        Some((Ok(kinds), firsts)) => (
            transfers::transfer_kinds(&transfers::parse_kinds(&kinds.records)),
            firsts,
        ),
        Some((Err(e), _)) => {
            transfer_problems.push(e.to_string());
            (Vec::new(), Vec::new())
        }
        None => (Vec::new(), Vec::new()),
    };
    // Further Maklerbuch pages (only where a first page was full) go out with the other contacts' addresses.
    let (other_addresses, log, portal_transfers) = tokio::join!(
        other_addresses,
        evidence::finish(client, log_started, since),
        transfers::finish(
            client,
            transfer_kinds,
            transfer_chunks,
            transfer_lists,
            transfer_firsts,
            transfer_problems
        )
    );
    for a in other_addresses?.iter().filter_map(parse_address) {
        snapshot.other_contacts.insert(a.id, a);
    }
    snapshot.agents_log = Some(log);
    snapshot.transfers = (!waiting.is_empty()).then_some(portal_transfers);
    snapshot.read_at = crate::journal::rfc3339(started);
    Ok(snapshot)
}

/// Both contact person relations of the given listings, read together: `(contactPerson, contactPersonAll)`.
pub async fn read_contact_relations(
    client: &Client,
    estates: &[u64],
) -> onoffice::Result<(BTreeMap<u64, Vec<u64>>, BTreeMap<u64, Vec<u64>>)> {
    let mut batch = Batch::new();
    let mut slots = |relation| {
        estates
            .chunks(MAX_RELATION_IDS)
            .map(|chunk| {
                batch.add(actions::ids_from_relation(
                    relation,
                    RelationSide::Parents,
                    chunk,
                ))
            })
            .collect::<Vec<_>>()
    };
    let broker_slots = slots(RELATION_CONTACT_PERSON);
    let all_slots = slots(RELATION_CONTACT_PERSON_ALL);
    let mut answers = client.send(batch).await;
    let mut brokers = BTreeMap::new();
    for result in answers.take_all(broker_slots) {
        brokers.extend(parse_related_ids(&result?.records)?);
    }
    let mut all = BTreeMap::new();
    for result in answers.take_all(all_slots) {
        all.extend(parse_related_ids(&result?.records)?);
    }
    Ok((brokers, all))
}
