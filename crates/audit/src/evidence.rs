//! Whether a mailbox's enquiries are really booked, judged from what onOffice records: when a portal enquiry reaches
//! a mailbox with automatic mail booking, onOffice links it to the listing and writes a Maklerbuch entry
//! (`Aktionsart` `Email`, `Aktionstyp` `Eingang`) there. The audit reads those entries for the active rentals
//! (`read`), and `judge` decides per mailbox, with the moment of the read passed in: booked enquiries in the last 30
//! days mean booking works; none, while a listing has been on the market for 14 days or more and the agency's other
//! mailboxes do get booked enquiries, is a strong sign the blue tick is missing; anything else is no evidence either
//! way. Odd entries never make a mailbox "silent": what cannot be read makes its listings undecidable.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::DateTime;
use jiff::ToSpan;
use onoffice::api::{actions, MAX_AGENTS_LOG_ESTATE_IDS};
use onoffice::client::paged;
use onoffice::{Action, Client, Filter, Ids, Record, Text};
use serde::{Deserialize, Serialize};

/// The days before the read that count.
pub const WINDOW_DAYS: i64 = 30;
/// How long a listing must have been on the market before its silence says something.
pub const MIN_DAYS_ON_MARKET: i64 = 14;
/// How long a confirmed tick is trusted before the evidence decides.
pub const TICK_TRUSTED_DAYS: i64 = 14;

/// The `data` of an agents-log read.
/// `Adress_nr` is the enquirer of an incoming e-mail and the addressee of an outgoing one (`audit::answers` pairs
/// them).
pub const AGENTS_LOG_FIELDS: &[&str] = &[
    "Objekt_nr",
    "Adress_nr",
    "Aktionsart",
    "Aktionstyp",
    "Datum",
];

/// What the Maklerbuch showed about booked enquiries on the active rentals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentsLog {
    /// Booked incoming e-mails per listing in the window ("Y-m-d H:i:s", as onOffice writes `Datum`).
    pub booked: BTreeMap<u64, Vec<String>>,
    /// Every e-mail entry per listing in the window, incoming and outgoing, with its addresses: what
    /// `audit::answers` pairs into enquiries and replies.
    #[serde(default)]
    pub mails: BTreeMap<u64, Vec<Mail>>,
    /// Listings whose entries could not all be read (a failed read, an entry that made no sense).
    pub undecidable: BTreeSet<u64>,
    /// Listings whose outgoing e-mails could not all be read: a reply may be missing, so their answers are not
    /// judged (their booking evidence stands).
    #[serde(default)]
    pub replies_undecidable: BTreeSet<u64>,
    /// Entries that could not be read (no listing, an unknown listing, a date in another form).
    pub odd_entries: u64,
    /// Reads that failed for another reason than a missing right.
    pub failed_reads: u64,
    /// The Maklerbuch could not be read at all (a right missing): the onOffice error, once for the account.
    pub refused: Option<String>,
}

/// One e-mail entry of the Maklerbuch on a listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// `Datum` ("Y-m-d H:i:s", German time as onOffice writes it).
    pub at: String,
    /// `Eingang` (an enquiry, when booked by mail booking) or `Ausgang` (a reply, or any other mail sent).
    pub incoming: bool,
    /// `Adress_nr`: the enquirer, or the addressee; may be empty.
    pub addresses: Vec<u64>,
}

/// Reads for the Maklerbuch of these listings: the first page of each (at most 200 listings a read), e-mail entries
/// (incoming and outgoing) since `since` only; they travel with another round's actions.
pub fn first_pages(rentals: &[u64], since: DateTime, page: u64) -> (Vec<Vec<u64>>, Vec<Action>) {
    let chunks = chunks_of(rentals);
    let firsts = lists(&chunks, since)
        .iter()
        .map(|a| paged(a, page, 0))
        .collect();
    (chunks, firsts)
}

/// The listings in chunks of as many as one Maklerbuch read takes.
fn chunks_of(rentals: &[u64]) -> Vec<Vec<u64>> {
    rentals
        .chunks(MAX_AGENTS_LOG_ESTATE_IDS)
        .map(<[u64]>::to_vec)
        .collect()
}

/// One read of e-mail entries since `since` per chunk of listings (unpaged). Both directions come in the same read:
/// the type is sorted out here, so the filter needs nothing but `=` and `>=`, which every reading of the API allows.
fn lists(chunks: &[Vec<u64>], since: DateTime) -> Vec<Action> {
    let filter =
        Filter::new()
            .with("Aktionsart", "=", "Email")
            .with("Datum", ">=", onoffice_date(since));
    chunks
        .iter()
        .map(|c| actions::read_agents_log(c, &filter, AGENTS_LOG_FIELDS))
        .collect()
}

/// The Maklerbuch reads of the listings under way: their first pages read, each entry made sense of as its page
/// arrived (the raw records of a large account never pile up).
pub struct Started {
    chunks: Vec<Vec<u64>>,
    pages: Vec<onoffice::Result<onoffice::FirstPage<Entry>>>,
}

/// Reads the first page of each read (see [`first_pages`]).
pub async fn start(client: &Client, rentals: &[u64], since: DateTime) -> Started {
    let chunks = chunks_of(rentals);
    let pages = client
        .first_pages_into(&lists(&chunks, since), &|i, r| {
            Some(read_mail(&r, &chunks[i]))
        })
        .await;
    Started { chunks, pages }
}

/// Reads the rest of the lists whose first page was full, then sorts every entry out.
pub async fn finish(client: &Client, started: Started, since: DateTime) -> AgentsLog {
    let chunks = &started.chunks;
    // Most lists end on their second page: one page ahead per round (see `read_remaining_ahead`).
    let results = client
        .read_rest_into(&lists(chunks, since), started.pages, 1, |i, r| {
            Some(read_mail(&r, &chunks[i]))
        })
        .await;
    collect_entries(chunks, results, since)
}

/// The entries of each chunk of listings, sorted into booked enquiries per listing; what makes no sense is counted
/// and leaves its chunk undecidable.
pub fn collect(
    chunks: &[Vec<u64>],
    results: Vec<onoffice::Result<Vec<Record>>>,
    since: DateTime,
) -> AgentsLog {
    let entries = chunks
        .iter()
        .zip(results)
        .map(|(chunk, r)| r.map(|records| records.iter().map(|r| read_mail(r, chunk)).collect()))
        .collect();
    collect_entries(chunks, entries, since)
}

/// `collect` over entries already made sense of.
fn collect_entries(
    chunks: &[Vec<u64>],
    results: Vec<onoffice::Result<Vec<Entry>>>,
    since: DateTime,
) -> AgentsLog {
    let mut log = AgentsLog::default();
    for (chunk, result) in chunks.iter().zip(results) {
        let records = match result {
            Ok(records) => records,
            Err(e) => {
                if e.class() == onoffice::ErrorClass::Permission {
                    log.refused.get_or_insert_with(|| e.to_string());
                } else {
                    log.failed_reads += 1;
                }
                log.undecidable.extend(chunk);
                continue;
            }
        };
        let mut odd = false;
        let mut odd_reply = false;
        for entry in records {
            match entry {
                Entry::Other => {}
                Entry::Odd { incoming: false } => {
                    log.odd_entries += 1;
                    odd_reply = true;
                }
                Entry::Odd { incoming: true } => {
                    log.odd_entries += 1;
                    odd = true;
                }
                Entry::Mail(listings, mail) => {
                    let Some(at) = parse_date(&mail.at).filter(|&at| at >= since) else {
                        continue;
                    };
                    for id in listings {
                        if mail.incoming {
                            log.booked.entry(id).or_default().push(onoffice_date(at));
                        }
                        log.mails.entry(id).or_default().push(mail.clone());
                    }
                }
            }
        }
        if odd {
            log.undecidable.extend(chunk);
        }
        if odd_reply {
            log.replies_undecidable.extend(chunk);
        }
    }
    log
}

/// What one Maklerbuch entry is to the audit.
enum Entry {
    /// Not an e-mail (a server that ignored the filter).
    Other,
    /// An e-mail entry without a listing of the read, or with a date in another form; incoming or outgoing.
    Odd { incoming: bool },
    /// An e-mail on these listings.
    Mail(Vec<u64>, Mail),
}

/// The fields of a Maklerbuch entry the audit reads ([`AGENTS_LOG_FIELDS`]), read in one pass over the record.
#[derive(Deserialize)]
struct MailFields<'a> {
    #[serde(borrow, rename = "Aktionsart", default)]
    kind: Text<'a>,
    #[serde(borrow, rename = "Aktionstyp", default)]
    direction: Text<'a>,
    #[serde(borrow, rename = "Datum", default)]
    date: Text<'a>,
    #[serde(rename = "Objekt_nr", default)]
    listings: Ids,
    #[serde(rename = "Adress_nr", default)]
    addresses: Ids,
}

impl MailFields<'_> {
    /// The same fields looked up one by one, for a record the one pass cannot read (a field it names sent twice).
    fn looked_up(r: &Record) -> MailFields<'static> {
        let text = |field| Text(r.text(field).map(Into::into));
        let ids = |field| Ids(Ids::of(r.value(field).as_ref()));
        MailFields {
            kind: text("Aktionsart"),
            direction: text("Aktionstyp"),
            date: text("Datum"),
            listings: ids("Objekt_nr"),
            addresses: ids("Adress_nr"),
        }
    }
}

/// Reads one entry of a read about `chunk`.
fn read_mail(r: &Record, chunk: &[u64]) -> Entry {
    match r.fields::<MailFields>() {
        Ok(fields) => mail_entry(fields, chunk),
        Err(_) => mail_entry(MailFields::looked_up(r), chunk),
    }
}

fn mail_entry(fields: MailFields, chunk: &[u64]) -> Entry {
    let incoming = match fields.direction.as_str().unwrap_or_default().trim() {
        "Eingang" => true,
        "Ausgang" => false,
        _ => return Entry::Other,
    };
    if fields.kind.as_str().unwrap_or_default().trim() != "Email" {
        return Entry::Other;
    }
    let mut listings = fields.listings.0;
    listings.retain(|id| chunk.contains(id));
    match fields.date.as_str().and_then(parse_date) {
        Some(at) if !listings.is_empty() => Entry::Mail(
            listings,
            Mail {
                at: onoffice_date(at),
                incoming,
                addresses: fields.addresses.0,
            },
        ),
        _ => Entry::Odd { incoming },
    }
}

/// "Y-m-d H:i:s" (onOffice's `Datum`); a date alone counts from its midnight.
pub fn parse_date(text: &str) -> Option<DateTime> {
    let t = text.trim();
    canonical_date(t)
        .or_else(|| DateTime::strptime("%Y-%m-%d %H:%M:%S", t).ok())
        .or_else(|| {
            jiff::civil::Date::strptime("%Y-%m-%d", t)
                .ok()
                .map(|d| d.at(0, 0, 0, 0))
        })
}

/// "YYYY-MM-DD HH:MM:SS" to the letter, as onOffice writes nearly every `Datum`, read without a format interpreter
/// (an account's Maklerbuch has tens of thousands); anything else, or an impossible date, is left to `strptime`.
fn canonical_date(t: &str) -> Option<DateTime> {
    let b = t.as_bytes();
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if b.len() != 19 || separators.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0i16, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i16::from(c - b'0'))
        })
    };
    let two = |from: usize| number(from, from + 2).map(|n| n as i8);
    DateTime::new(
        number(0, 4)?,
        two(5)?,
        two(8)?,
        two(11)?,
        two(14)?,
        two(17)?,
        0,
    )
    .ok()
}

/// "Y-m-d H:i:s", as onOffice writes and filters `Datum`.
pub fn onoffice_date(at: DateTime) -> String {
    // `%Y` writes a year before 0 with its sign; `%S` never writes a fraction.
    if (0..=9999).contains(&at.year()) {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        )
    } else {
        at.strftime("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// The start of the window before `now`.
pub fn window_start(now: DateTime) -> DateTime {
    now - WINDOW_DAYS.days()
}

/// What the Maklerbuch says of one mailbox.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum BookingEvidence {
    /// Booked enquiries in the last 30 days: how many, and the day of the newest ("YYYY-MM-DD").
    Booked { count: u32, last: String },
    /// None in 30 days, though `listings` have been on the market 14 days or more (the longest `days`) and other
    /// mailboxes of the agency get booked enquiries.
    Silent { listings: u32, days: u32 },
    /// No evidence either way.
    Unknown { why: NoEvidence },
}

/// Why the Maklerbuch says nothing about a mailbox.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoEvidence {
    /// The Maklerbuch was not read (no right, or not asked).
    NotRead,
    /// The mailbox is nobody's first broker mailbox on an active rental.
    NoListings,
    /// Its listings are all younger than 14 days.
    OnlyNew,
    /// No mailbox of the agency got a booked enquiry in 30 days.
    NothingBookedAnywhere,
    /// Some of its listings' entries could not be read.
    Unreadable,
}

/// One mailbox's listings and what is known of them, as `judge` needs it.
pub struct MailboxListings<'a> {
    pub listings: &'a [u64],
    /// When each listing came on the market (`erstellt_am`), where known.
    pub since: &'a BTreeMap<u64, DateTime>,
}

/// Judges every mailbox at once (each needs to know whether the others get booked enquiries). `now` is the moment
/// of the read.
pub fn judge(
    mailboxes: &BTreeMap<String, MailboxListings>,
    log: Option<&AgentsLog>,
    now: DateTime,
) -> BTreeMap<String, BookingEvidence> {
    let Some(log) = log.filter(|l| l.refused.is_none()) else {
        return mailboxes
            .keys()
            .map(|m| {
                (
                    m.clone(),
                    BookingEvidence::Unknown {
                        why: NoEvidence::NotRead,
                    },
                )
            })
            .collect();
    };
    let since = window_start(now);
    let booked: BTreeMap<&String, Vec<DateTime>> = mailboxes
        .iter()
        .map(|(m, l)| {
            let dates = l
                .listings
                .iter()
                .flat_map(|e| log.booked.get(e).into_iter().flatten())
                .filter_map(|d| parse_date(d))
                .filter(|&d| d >= since && d <= now + 1.day())
                .collect();
            (m, dates)
        })
        .collect();
    mailboxes
        .iter()
        .map(|(m, l)| {
            let dates = &booked[m];
            let verdict = if let Some(last) = dates.iter().max() {
                BookingEvidence::Booked {
                    count: dates.len() as u32,
                    last: last.date().to_string(),
                }
            } else if l.listings.is_empty() {
                BookingEvidence::Unknown {
                    why: NoEvidence::NoListings,
                }
            } else if l.listings.iter().any(|e| log.undecidable.contains(e)) {
                BookingEvidence::Unknown {
                    why: NoEvidence::Unreadable,
                }
            } else {
                let days: Vec<i64> = l
                    .listings
                    .iter()
                    .filter_map(|e| l.since.get(e))
                    .map(|&at| whole_days(now, at))
                    .filter(|&d| d >= MIN_DAYS_ON_MARKET)
                    .collect();
                let others = booked.iter().any(|(o, d)| *o != m && !d.is_empty());
                match (days.iter().max(), others) {
                    (None, _) => BookingEvidence::Unknown {
                        why: NoEvidence::OnlyNew,
                    },
                    (Some(_), false) => BookingEvidence::Unknown {
                        why: NoEvidence::NothingBookedAnywhere,
                    },
                    (Some(&longest), true) => BookingEvidence::Silent {
                        listings: days.len() as u32,
                        days: longest as u32,
                    },
                }
            };
            (m.clone(), verdict)
        })
        .collect()
}

/// Whole days from `from` to `to`.
fn whole_days(to: DateTime, from: DateTime) -> i64 {
    to.duration_since(from).as_secs() / 86_400
}

#[cfg(test)]
mod tests;
