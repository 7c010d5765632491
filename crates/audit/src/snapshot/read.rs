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
use crate::transfers::{PortalTransfers, TransferFirsts, TransferRounds};
use onoffice::Batch;

/// A record of the first lists as it is kept: users and addresses raw, listings parsed.
enum Read {
    Raw(Record),
    Rental(RentalInfo),
}

/// The first lists as kept, each read to its end.
struct Lists {
    users: Vec<Record>,
    system_addresses: Vec<Record>,
    rentals: Vec<RentalInfo>,
}

/// What rounds 1 and 2 bring back.
struct FirstLists {
    fields: onoffice::FieldCatalog,
    lists: Lists,
    /// The account's action kinds, read only when listings wait for a re-transfer.
    plain_kinds: Option<onoffice::Result<onoffice::ActionResult>>,
}

/// What round 3 leaves for round 4: the Maklerbuch's first pages on the rentals and on the waiting listings.
struct Round3 {
    log: evidence::Started,
    transfer_firsts: TransferFirsts,
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
    let started = jiff::Timestamp::now();
    let now = jiff::tz::Offset::UTC.to_datetime(started);
    let first = first_lists(client, progress, !waiting.is_empty()).await?;
    let mut snapshot = Snapshot::default();
    let permitted = first
        .fields
        .field("address", CONTACT_TYPE_FIELD)
        .map(|f| f.permitted.clone())
        .unwrap_or_default();
    snapshot.makler = Some(resolve_makler_key(&permitted, settings.makler_key()));
    let has_link_field = keep_lists(&mut snapshot, first.lists);
    let since = evidence::window_start(now);
    let transfers = TransferRounds::new(first.plain_kinds, waiting, started);
    let round3 = relations_round(
        client,
        classifier,
        progress,
        &mut snapshot,
        has_link_field,
        since,
        &transfers,
    )
    .await?;
    let portal_transfers =
        other_contacts_round(client, progress, &mut snapshot, since, round3, transfers).await?;
    snapshot.transfers = (!waiting.is_empty()).then_some(portal_transfers);
    snapshot.read_at = crate::journal::rfc3339(started);
    Ok(snapshot)
}

/// The lists of rounds 1 and 2, by name. Their reads go out, and their records come back, in the order of
/// [`FirstList::ALL`] (the paging reads lists side by side); nothing else names a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FirstList {
    Users,
    SystemAddresses,
    Rentals,
}

impl FirstList {
    const ALL: [FirstList; 3] = [
        FirstList::Users,
        FirstList::SystemAddresses,
        FirstList::Rentals,
    ];

    fn read(self) -> Action {
        match self {
            FirstList::Users => actions::read_users(USER_FIELDS),
            FirstList::SystemAddresses => {
                actions::read_addresses(&system_address_filter(), ADDRESS_FIELDS)
            }
            FirstList::Rentals => actions::read_estates(
                &rental_filter(),
                &[ESTATE_FIELDS, &[LISTED_SINCE_FIELD]].concat(),
            ),
        }
    }

    /// A record as it is kept: users and addresses raw, listings parsed as each page arrives.
    fn keep(self, r: Record) -> Option<Read> {
        match self {
            FirstList::Rentals => parse_rental(&r).map(Read::Rental),
            FirstList::Users | FirstList::SystemAddresses => Some(Read::Raw(r)),
        }
    }
}

impl Lists {
    /// From each first list's records.
    fn from_reads(reads: impl IntoIterator<Item = (FirstList, Vec<Read>)>) -> Lists {
        let mut lists = Lists {
            users: Vec::new(),
            system_addresses: Vec::new(),
            rentals: Vec::new(),
        };
        for (list, records) in reads {
            for r in records {
                match (list, r) {
                    (FirstList::Users, Read::Raw(r)) => lists.users.push(r),
                    (FirstList::SystemAddresses, Read::Raw(r)) => lists.system_addresses.push(r),
                    (_, Read::Rental(e)) => lists.rentals.push(e),
                    (FirstList::Rentals, Read::Raw(_)) => {}
                }
            }
        }
        lists
    }
}

/// Rounds 1 and 2: field metadata and the first page of each list together (with the account's action kinds when
/// `kinds`: listings wait for a re-transfer), then every remaining page.
async fn first_lists(
    client: &Client,
    progress: &ProgressSink,
    kinds: bool,
) -> onoffice::Result<FirstLists> {
    progress.report(Progress::step(
        1,
        Text::new(
            "Lese Felder, Benutzer, Systembenutzer-Adressen und Vermietungsobjekte …",
            "Reading fields, users, system user addresses and rental listings …",
        ),
    ));
    let lists: Vec<Action> = FirstList::ALL.map(FirstList::read).to_vec();
    let mut first_round = Batch::new();
    let fields = first_round.add(actions::get_fields(
        &["address"],
        true,
        &[CONTACT_TYPE_FIELD],
    ));
    let firsts = first_round.add_all(lists.iter().map(|a| paged(a, client.page_size(), 0)));
    let plain_kinds = kinds.then(|| first_round.add(actions::get_action_kinds(&[])));
    let mut answers = client.send(first_round).await;
    let plain_kinds = answers.take_if(plain_kinds);
    let fields = onoffice::FieldCatalog::from_records(&answers.take(fields)?.records)?;
    let firsts = answers.take_all(firsts);
    Ok(FirstLists {
        fields,
        lists: remaining_pages(client, progress, &lists, firsts).await?,
        plain_kinds,
    })
}

/// Round 2: every remaining page of `lists`, given their first pages.
async fn remaining_pages(
    client: &Client,
    progress: &ProgressSink,
    lists: &[Action],
    firsts: Vec<onoffice::Result<onoffice::ActionResult>>,
) -> onoffice::Result<Lists> {
    let page = client.page_size();
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
    let mut records: Vec<(FirstList, Vec<Read>)> = Vec::new();
    let read = client
        .read_remaining_into(lists, firsts, ahead, |i, r| FirstList::ALL[i].keep(r))
        .await;
    for (list, result) in FirstList::ALL.into_iter().zip(read) {
        records.push((list, result?));
    }
    Ok(Lists::from_reads(records))
}

/// Keeps the first lists in the snapshot; returns whether the users came with their address links.
fn keep_lists(snapshot: &mut Snapshot, lists: Lists) -> bool {
    let has_link_field = lists.users.iter().any(|r| r.has("adrId:adressen.ID"));
    for u in lists.users.iter().filter_map(parse_user) {
        snapshot.users.insert(u.nr, u);
    }
    keep_system_addresses(snapshot, &lists.system_addresses);
    for e in lists.rentals {
        snapshot.rentals.insert(e.id, e);
    }
    has_link_field
}

/// Keeps the system user addresses, and as the agency's name the company most of them name.
fn keep_system_addresses(snapshot: &mut Snapshot, records: &[Record]) {
    let mut companies: BTreeMap<String, usize> = BTreeMap::new();
    for (a, company) in records
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
}

/// Round 3: the contact persons of the rentals, the user-address links if the users lacked them, the mailboxes,
/// and the Maklerbuch's first pages (on the rentals, and on the listings waiting for a re-transfer).
async fn relations_round(
    client: &Client,
    classifier: &MailboxClassifier,
    progress: &ProgressSink,
    snapshot: &mut Snapshot,
    has_link_field: bool,
    since: jiff::civil::DateTime,
    transfers: &TransferRounds,
) -> onoffice::Result<Round3> {
    let rentals = snapshot.rentals.len();
    progress.report(Progress::step(
        3,
        Text::new(
            format!("Lese Ansprechpartner von {rentals} Vermietungsobjekten und prüfe E-Mail-Postfächer …"),
            format!("Reading contact persons of {rentals} rental listings and checking mailboxes …"),
        ),
    ));
    let rental_ids: Vec<u64> = snapshot.rentals.keys().copied().collect();
    let user_nrs: Vec<u64> = snapshot.users.keys().copied().collect();
    let emails: Vec<String> = snapshot
        .system_addresses
        .values()
        .filter_map(|a| a.default_email.clone())
        .collect();
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
    let (contacts, links, mailboxes, log, transfer_firsts) = tokio::join!(
        read_contact_relations(client, &rental_ids),
        links,
        classifier.classify_all(emails),
        evidence::start(client, &rental_ids, since),
        transfers.read_first_pages(client, client.page_size())
    );
    (snapshot.brokers, snapshot.contacts) = contacts?;
    for (nr, addresses) in links?.unwrap_or_default() {
        if let Some(u) = snapshot.users.get_mut(&nr) {
            u.address_id = addresses.first().copied();
        }
    }
    snapshot.mailboxes = mailboxes;
    Ok(Round3 {
        log,
        transfer_firsts,
    })
}

/// The contacts on the rentals (first brokers and those skipped before them) that are not system users.
fn other_contact_ids(snapshot: &Snapshot) -> BTreeSet<u64> {
    snapshot
        .rentals
        .keys()
        .flat_map(|&e| {
            snapshot
                .portal_contact(e)
                .into_iter()
                .chain(snapshot.skipped_contacts(e))
        })
        .filter(|id| !snapshot.system_addresses.contains_key(id))
        .collect()
}

/// Round 4: the addresses of contacts that are not system users, with the Maklerbuch's further pages (only where a
/// first page was full).
async fn other_contacts_round(
    client: &Client,
    progress: &ProgressSink,
    snapshot: &mut Snapshot,
    since: jiff::civil::DateTime,
    round3: Round3,
    transfers: TransferRounds,
) -> onoffice::Result<PortalTransfers> {
    let ids: Vec<u64> = other_contact_ids(snapshot).into_iter().collect();
    if !ids.is_empty() {
        progress.report(Progress::step(
            4,
            Text::new(
                format!("Lese {} weitere Ansprechpartner-Adressen …", ids.len()),
                format!("Reading {} other contact person addresses …", ids.len()),
            ),
        ));
    }
    let other_addresses = async {
        if ids.is_empty() {
            Ok(Vec::new())
        } else {
            client.read_addresses_by_id(&ids, ADDRESS_FIELDS).await
        }
    };
    let (other_addresses, log, portal_transfers) = tokio::join!(
        other_addresses,
        evidence::finish(client, round3.log, since),
        transfers.read_rest(client, round3.transfer_firsts)
    );
    for a in other_addresses?.iter().filter_map(parse_address) {
        snapshot.other_contacts.insert(a.id, a);
    }
    snapshot.agents_log = Some(log);
    Ok(portal_transfers)
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
