//! Portal transfers seen in the Maklerbuch. onOffice logs every portal transfer of a listing there (a job with an
//! id, per its FAQ), but the kind's name is not public and differs between accounts. The account's own list of kinds
//! and types (`get actionkindtypes`, automatic types included) says which one it is: a kind or kind-and-type whose
//! label says "Portal" and "Übertragung", "Export" or "Aktualisierung". Where there is one, the audit reads the
//! entries on the listings still waiting for a re-transfer, shows when each was last transferred, and a listing whose
//! transfer entry is newer than our change to it counts as re-transferred. Where there is none, or anything cannot be
//! read, the person ticks the listing off as before: nothing is ever taken off on a guess.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{Timestamp, ToSpan};
use onoffice::api::{actions, MAX_AGENTS_LOG_ESTATE_IDS};
use onoffice::client::paged;
use onoffice::{Action, ActionResult, Batch, Client, Filter, Record};
use onoffice_protocol::local_time::{
    from_german_time, german_time, parse_onoffice_date, ONOFFICE_DATE_FORMAT,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::evidence::AGENTS_LOG_FIELDS;

/// How far back the last transfer of a waiting listing is looked for (at least; further if our change is older).
pub const LOOK_BACK_DAYS: i64 = 90;

/// The words that, next to "Portal", make a label name a portal transfer.
const TRANSFER_WORDS: &[&str] = &["übertragung", "uebertragung", "export", "aktualisierung"];

/// Whether a label names a portal transfer: it says "Portal" and one of "Übertragung", "Export", "Aktualisierung".
pub fn names_transfer(label: &str) -> bool {
    let l = label.to_lowercase();
    l.contains("portal") && TRANSFER_WORDS.iter().any(|w| l.contains(w))
}

/// A kind (and type) under which this account logs portal transfers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferKind {
    /// `Aktionsart` key.
    pub kind: String,
    /// `Aktionstyp` key; `None`: every entry of the kind (its own label names the transfer).
    pub kind_type: Option<String>,
    /// As the web interface shows it ("Export › Portal-Aktualisierung").
    pub label: String,
}

/// One action kind as `get actionkindtypes` lists it: key, label and types (key → label). onOffice sends a kind
/// without types as an empty array, one with types as an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindInfo {
    pub key: String,
    pub label: String,
    pub types: Vec<(String, String)>,
}

/// The kinds in a `get actionkindtypes` answer; records without a key are skipped.
pub fn parse_kinds(records: &[Record]) -> Vec<KindInfo> {
    records
        .iter()
        .filter_map(|r| {
            let key = r.text("key")?.trim().to_string();
            if key.is_empty() {
                return None;
            }
            let label = r.text("label").unwrap_or_else(|| key.clone());
            let types = match r.value("types") {
                Some(Value::Object(t)) => t
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or(k).to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            Some(KindInfo { key, label, types })
        })
        .collect()
}

/// The kinds and types that name a portal transfer: a kind whose label does (every type of it), else each type whose
/// label does together with its kind's.
pub fn transfer_kinds(kinds: &[KindInfo]) -> Vec<TransferKind> {
    let mut out = Vec::new();
    for k in kinds {
        if names_transfer(&k.label) {
            out.push(TransferKind {
                kind: k.key.clone(),
                kind_type: None,
                label: k.label.clone(),
            });
            continue;
        }
        for (key, label) in &k.types {
            if names_transfer(&format!("{} {}", k.label, label)) {
                out.push(TransferKind {
                    kind: k.key.clone(),
                    kind_type: Some(key.clone()),
                    label: format!("{} › {}", k.label, label),
                });
            }
        }
    }
    out
}

/// What the Maklerbuch showed about the portal transfers of the listings waiting for one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalTransfers {
    /// Where this account logs transfers; empty: it does not show them (or the list could not be read).
    pub kinds: Vec<TransferKind>,
    /// The newest transfer per listing (UTC, RFC 3339; a German time read as the earlier instant where ambiguous).
    pub last: BTreeMap<u64, String>,
    /// Listings whose entries could not all be read: never taken off by themselves.
    pub undecidable: BTreeSet<u64>,
    /// What could not be read, for support (an error's words); empty when everything was read.
    pub problems: Vec<String>,
}

impl PortalTransfers {
    /// The waiting listings (listing → when our change was made, RFC 3339) whose newest transfer is later than the
    /// change: listing → when it was transferred.
    pub fn seen_after(&self, waiting: &BTreeMap<u64, String>) -> BTreeMap<u64, String> {
        waiting
            .iter()
            .filter(|(e, _)| !self.undecidable.contains(e))
            .filter_map(|(e, changed)| {
                let changed: Timestamp = changed.parse().ok()?;
                let last = self.last.get(e)?;
                let at: Timestamp = last.parse().ok()?;
                (at > changed).then(|| (*e, last.clone()))
            })
            .collect()
    }
}

/// Where the look back starts: `LOOK_BACK_DAYS` before `now`, or a day before the oldest change if that is earlier.
pub fn look_back_start(now: Timestamp, waiting: &BTreeMap<u64, String>) -> Timestamp {
    let back = now - (LOOK_BACK_DAYS * 24).hours();
    waiting
        .values()
        .filter_map(|c| c.parse::<Timestamp>().ok())
        .map(|c| c - 24.hours())
        .chain([back])
        .min()
        .unwrap_or(back)
}

/// The Maklerbuch reads of the waiting listings since `since` (all kinds: which are transfers is decided from the
/// kind list read alongside), at most 200 listings a read.
pub fn reads(waiting: &[u64], since: Timestamp) -> (Vec<Vec<u64>>, Vec<Action>) {
    let chunks: Vec<Vec<u64>> = waiting
        .chunks(MAX_AGENTS_LOG_ESTATE_IDS)
        .map(<[u64]>::to_vec)
        .collect();
    let from = german_time(since)
        .strftime(ONOFFICE_DATE_FORMAT)
        .to_string();
    let filter = Filter::new().with("Datum", ">=", from);
    let lists = chunks
        .iter()
        .map(|c| actions::read_agents_log(c, &filter, AGENTS_LOG_FIELDS))
        .collect();
    (chunks, lists)
}

/// The first page of each read.
pub fn first_pages(lists: &[Action], page: u64) -> Vec<Action> {
    lists.iter().map(|a| paged(a, page, 0)).collect()
}

/// Reads the rest of the lists whose first page was full, then sorts out the transfers.
pub async fn finish(
    client: &Client,
    kinds: Vec<TransferKind>,
    chunks: Vec<Vec<u64>>,
    lists: Vec<Action>,
    firsts: Vec<onoffice::Result<ActionResult>>,
    mut problems: Vec<String>,
) -> PortalTransfers {
    if kinds.is_empty() {
        return PortalTransfers {
            problems,
            ..PortalTransfers::default()
        };
    }
    let results = client.read_remaining(&lists, firsts).await;
    let mut out = collect(kinds, &chunks, results);
    problems.append(&mut out.problems);
    out.problems = problems;
    out
}

/// The portal transfer reads of one audit, carried through its rounds (see `snapshot::read`): the plain kind list
/// comes with round 1, the kinds with their automatic types and the first Maklerbuch pages with round 3, further
/// pages with round 4.
pub struct TransferRounds {
    /// The account's action kinds (from round 1); empty: none known, nothing more is read.
    kind_keys: Vec<String>,
    chunks: Vec<Vec<u64>>,
    lists: Vec<Action>,
    problems: Vec<String>,
}

/// What round 3 brought back: the kinds with their types and the first page of each Maklerbuch read (`None`: not
/// read, no kind being known).
pub type TransferFirsts = Option<(
    onoffice::Result<ActionResult>,
    Vec<onoffice::Result<ActionResult>>,
)>;

impl TransferRounds {
    /// From the plain kind list of round 1 (`None`: not read, nothing waits) and the waiting listings with when our
    /// change was made; `started`: when the audit began.
    pub fn new(
        plain_kinds: Option<onoffice::Result<ActionResult>>,
        waiting: &BTreeMap<u64, String>,
        started: Timestamp,
    ) -> Self {
        let mut problems = Vec::new();
        let kind_keys = match plain_kinds {
            Some(Ok(r)) => parse_kinds(&r.records).into_iter().map(|k| k.key).collect(),
            Some(Err(e)) => {
                problems.push(e.to_string());
                Vec::new()
            }
            None => Vec::new(),
        };
        let waiting_ids: Vec<u64> = waiting.keys().copied().collect();
        let (chunks, lists) = reads(&waiting_ids, look_back_start(started, waiting));
        TransferRounds {
            kind_keys,
            chunks,
            lists,
            problems,
        }
    }

    /// Round 3: the kinds with their automatic types and the first Maklerbuch pages, in one batch.
    pub async fn read_first_pages(&self, client: &Client, page: u64) -> TransferFirsts {
        if self.kind_keys.is_empty() {
            return None;
        }
        Some(kinds_and_first_pages(client, &self.kind_keys, &self.lists, page).await)
    }

    /// Round 4: the further pages where a first one was full, then the transfers sorted out.
    pub async fn read_rest(mut self, client: &Client, firsts: TransferFirsts) -> PortalTransfers {
        let (kinds, firsts) = match firsts {
            Some((Ok(kinds), firsts)) => (transfer_kinds(&parse_kinds(&kinds.records)), firsts),
            Some((Err(e), _)) => {
                self.problems.push(e.to_string());
                (Vec::new(), Vec::new())
            }
            None => (Vec::new(), Vec::new()),
        };
        finish(
            client,
            kinds,
            self.chunks,
            self.lists,
            firsts,
            self.problems,
        )
        .await
    }
}

/// The kinds `keys` with their automatic types, and the first page of each of `lists`, in one batch.
async fn kinds_and_first_pages(
    client: &Client,
    keys: &[String],
    lists: &[Action],
    page: u64,
) -> (
    onoffice::Result<ActionResult>,
    Vec<onoffice::Result<ActionResult>>,
) {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut batch = Batch::new();
    let kinds = batch.add(actions::get_action_kinds(&keys));
    let firsts = batch.add_all(first_pages(lists, page));
    let mut answers = client.send(batch).await;
    (answers.take(kinds), answers.take_all(firsts))
}

/// When the Maklerbuch last shows a portal transfer of `estate` (`LOOK_BACK_DAYS` back from `now`), for the chain of
/// one listing: the account's action kinds, then those with their automatic types and the listing's entries.
pub async fn last_of(client: &Client, estate: u64, now: Timestamp) -> crate::explain::LastTransfer {
    use crate::explain::LastTransfer;
    let mut first = Batch::new();
    let plain = first.add(actions::get_action_kinds(&[]));
    let Ok(plain) = client.send(first).await.take(plain) else {
        return LastTransfer::NotRead;
    };
    let keys: Vec<String> = parse_kinds(&plain.records)
        .into_iter()
        .map(|k| k.key)
        .collect();
    let (chunks, lists) = reads(&[estate], now - (LOOK_BACK_DAYS * 24).hours());
    let (kinds, firsts) = kinds_and_first_pages(client, &keys, &lists, client.page_size()).await;
    let Ok(kinds) = kinds else {
        return LastTransfer::NotRead;
    };
    let kinds = transfer_kinds(&parse_kinds(&kinds.records));
    if kinds.is_empty() {
        return LastTransfer::NotShown;
    }
    let found = finish(client, kinds, chunks, lists, firsts, Vec::new()).await;
    match found.last.get(&estate) {
        Some(at) => LastTransfer::At(at.clone()),
        None if found.undecidable.contains(&estate) => LastTransfer::NotRead,
        None => LastTransfer::None,
    }
}

/// The newest transfer entry per listing of each chunk; a failed read or an entry that makes no sense leaves its
/// listings undecidable.
pub fn collect(
    kinds: Vec<TransferKind>,
    chunks: &[Vec<u64>],
    results: Vec<onoffice::Result<Vec<Record>>>,
) -> PortalTransfers {
    let mut out = PortalTransfers {
        kinds,
        ..PortalTransfers::default()
    };
    let is_transfer = |kind: &str, kind_type: &str| {
        out.kinds
            .iter()
            .any(|t| t.kind == kind && t.kind_type.as_deref().is_none_or(|k| k == kind_type))
    };
    let mut last: BTreeMap<u64, Timestamp> = BTreeMap::new();
    let mut undecidable = BTreeSet::new();
    let mut problems = Vec::new();
    for (chunk, result) in chunks.iter().zip(results) {
        let records = match result {
            Ok(r) => r,
            Err(e) => {
                problems.push(e.to_string());
                undecidable.extend(chunk.iter().copied());
                continue;
            }
        };
        for r in &records {
            let kind = r.text("Aktionsart").unwrap_or_default();
            let kind_type = r.text("Aktionstyp").unwrap_or_default();
            if !is_transfer(kind.trim(), kind_type.trim()) {
                continue;
            }
            let listings: Vec<u64> = onoffice::Ids::of(r.value("Objekt_nr").as_ref())
                .into_iter()
                .filter(|id| chunk.contains(id))
                .collect();
            let at = r
                .text("Datum")
                .and_then(|d| parse_onoffice_date(&d))
                .map(from_german_time);
            match (listings.is_empty(), at) {
                (false, Some(at)) => {
                    for id in listings {
                        let newest = last.entry(id).or_insert(at);
                        *newest = (*newest).max(at);
                    }
                }
                _ => {
                    // A transfer entry without a listing we asked about or a readable date: the chunk's listings
                    // could have a transfer we cannot place.
                    problems.push(format!(
                        "Maklerbuch-Eintrag ohne lesbares Objekt oder Datum ({})",
                        r.id
                    ));
                    undecidable.extend(chunk.iter().copied());
                }
            }
        }
    }
    out.last = last
        .into_iter()
        .map(|(e, at)| (e, crate::journal::rfc3339(at)))
        .collect();
    out.undecidable = undecidable;
    out.problems = problems;
    out
}

#[cfg(test)]
mod tests;
