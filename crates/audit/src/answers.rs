//! Whether booked enquiries are answered, read from the Maklerbuch: a booked enquiry is an `Email`/`Eingang` entry on
//! a listing with the enquirer's address; a reply is an `Email`/`Ausgang` entry on the same listing to the same
//! address. `pair` matches them; `seen` decides whether this account shows replies at all (a clear majority of its
//! enquiries in 30 days have one, with enough enquiries to tell); only then `signs` names listings (and mailboxes)
//! whose enquiries stay unanswered while the agency's other listings are answered. Pure: the moment of the read is
//! passed in, as German wall time (onOffice writes `Datum` in it).
//!
//! What cannot be seen is never judged: an enquiry without an address is counted, never "unanswered"; a listing
//! whose entries could not all be read gets no sign; an hour when the agent answered nobody (unanswered enquiries on
//! listings of two or more mailboxes, none answered) is a gap for everyone, not a sign about one listing.

#[cfg(test)]
mod tests;

mod signs;
pub use signs::{gaps, signs, Signs, Unanswered};

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::DateTime;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use crate::evidence::{onoffice_date, parse_date, Mail};
use crate::text;
use crate::text::Text;

/// A reply within this many hours answers an enquiry; an enquiry younger than that is not judged yet.
pub const ANSWER_WITHIN_HOURS: i64 = 24;
/// Fewer judged enquiries in 30 days than this tell nothing about the account.
pub const MIN_ENQUIRIES: u32 = 10;
/// The share of judged enquiries with a reply (in percent) from which the account shows replies.
pub const MIN_ANSWERED_PERCENT: u32 = 60;
/// Hours either side of an unanswered enquiry in which the agent answered nobody makes it part of a gap.
pub const GAP_HOURS: i64 = 12;
/// A gap needs this many unanswered enquiries around it (on listings of two or more mailboxes).
pub const GAP_MIN_ENQUIRIES: usize = 3;

/// One booked enquiry with an enquirer, and its reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enquiry {
    pub listing: u64,
    pub at: DateTime,
    /// `Adress_nr`: the enquirer (more than one when onOffice linked several).
    pub from: Vec<u64>,
    /// Minutes from the enquiry to the first e-mail on the same listing to the same address, if one followed.
    pub reply_after: Option<i64>,
}

impl Enquiry {
    /// A reply came within 24 hours.
    pub fn answered(&self) -> bool {
        self.reply_after
            .is_some_and(|m| m <= ANSWER_WITHIN_HOURS * 60)
    }

    /// Old enough at `now` to be judged: 24 hours have passed.
    pub fn judged_at(&self, now: DateTime) -> bool {
        self.at + ANSWER_WITHIN_HOURS.hours() <= now
    }
}

/// Every listing's enquiries paired with their replies, oldest first, and how many enquiries had no address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paired {
    pub enquiries: Vec<Enquiry>,
    /// Booked enquiries without an enquirer's address: no reply can be paired with them.
    pub without_address: u32,
}

/// Pairs each incoming e-mail with the first outgoing one on the same listing to one of its addresses, at or after
/// it. Entries may come in any order; what has no readable date is left out.
pub fn pair(mails: &BTreeMap<u64, Vec<Mail>>) -> Paired {
    let mut out = Paired::default();
    for (&listing, entries) in mails {
        let dated = |incoming: bool| -> Vec<(DateTime, &Vec<u64>)> {
            let mut v: Vec<(DateTime, &Vec<u64>)> = entries
                .iter()
                .filter(|m| m.incoming == incoming)
                .filter_map(|m| Some((parse_date(&m.at)?, &m.addresses)))
                .collect();
            v.sort_by_key(|(at, _)| *at);
            v
        };
        let sent = dated(false);
        for (at, from) in dated(true) {
            if from.is_empty() {
                out.without_address += 1;
                continue;
            }
            let reply = sent
                .iter()
                .find(|(s, to)| *s >= at && to.iter().any(|a| from.contains(a)));
            out.enquiries.push(Enquiry {
                listing,
                at,
                from: from.clone(),
                reply_after: reply.map(|(s, _)| s.duration_since(at).as_secs() / 60),
            });
        }
    }
    out.enquiries.sort_by_key(|e| (e.at, e.listing));
    out
}

/// How many judged enquiries, how many had a reply within 24 hours, and how soon it mostly came.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRate {
    pub enquiries: u32,
    pub answered: u32,
    /// The median minutes to the reply of the answered ones.
    pub median_minutes: Option<u32>,
}

impl AnswerRate {
    /// The rate of these enquiries, as judged at `now`.
    pub fn of<'a>(enquiries: impl IntoIterator<Item = &'a Enquiry>, now: DateTime) -> AnswerRate {
        let judged: Vec<&Enquiry> = enquiries.into_iter().filter(|e| e.judged_at(now)).collect();
        let mut minutes: Vec<i64> = judged
            .iter()
            .filter(|e| e.answered())
            .filter_map(|e| e.reply_after)
            .collect();
        minutes.sort_unstable();
        AnswerRate {
            enquiries: judged.len() as u32,
            answered: minutes.len() as u32,
            median_minutes: minutes.get(minutes.len() / 2).map(|&m| m as u32),
        }
    }

    /// "beantwortet: 41 von 44 in 30 Tagen, meist nach 4 Minuten".
    pub fn words(&self) -> Text {
        let (answered, enquiries) = (self.answered, self.enquiries);
        match self.median_minutes {
            Some(m) => {
                let (de, en) = duration_words(m);
                text!(
                    "beantwortet: {answered} von {enquiries} in 30 Tagen, meist nach {de}",
                    "answered: {answered} of {enquiries} in 30 days, mostly after {en}"
                )
            }
            None => text!(
                "beantwortet: {answered} von {enquiries} in 30 Tagen",
                "answered: {answered} of {enquiries} in 30 days"
            ),
        }
    }
}

/// "4 Minuten", "3 Stunden" in German and English.
pub fn duration_words(minutes: u32) -> (String, String) {
    match minutes {
        0 => (
            "weniger als einer Minute".into(),
            "less than a minute".into(),
        ),
        1 => ("1 Minute".into(), "1 minute".into()),
        m if m < 120 => (format!("{m} Minuten"), format!("{m} minutes")),
        m => {
            let h = (m + 30) / 60;
            (format!("{h} Stunden"), format!("{h} hours"))
        }
    }
}

/// Whether this account's Maklerbuch shows the rental agent's replies.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "seen", rename_all = "snake_case")]
pub enum AnswersSeen {
    /// The Maklerbuch was not read (no right, or no audit yet).
    #[default]
    NotRead,
    /// Too few booked enquiries with an address in 30 days to tell.
    TooFew { rate: AnswerRate },
    /// Most enquiries have no reply in the Maklerbuch: replies are not logged here (or no agent answers).
    NotShown { rate: AnswerRate },
    /// A clear majority have a reply: answers can be judged.
    Shown { rate: AnswerRate },
}

impl AnswersSeen {
    /// Judges the account's rate.
    pub fn of(rate: AnswerRate) -> AnswersSeen {
        if rate.enquiries < MIN_ENQUIRIES {
            AnswersSeen::TooFew { rate }
        } else if rate.answered * 100 >= rate.enquiries * MIN_ANSWERED_PERCENT {
            AnswersSeen::Shown { rate }
        } else {
            AnswersSeen::NotShown { rate }
        }
    }

    pub fn shown(&self) -> bool {
        matches!(self, AnswersSeen::Shown { .. })
    }

    /// The one plain sentence for an account whose answers cannot be judged; `None` when they can.
    pub fn sentence(&self) -> Option<Text> {
        match self {
            AnswersSeen::Shown { .. } => None,
            AnswersSeen::NotRead => Some(Text::new(
                "Ob Anfragen beantwortet werden, war diesmal nicht zu sehen: Das Maklerbuch konnte nicht gelesen werden (ein fehlendes Recht oder ein Fehler beim Lesen; siehe „Verbindung prüfen“).",
                "Whether enquiries are answered could not be seen this time: the agents log could not be read (a missing right or a read error; see \"Check connection\").",
            )),
            AnswersSeen::TooFew { rate } => {
                let n = rate.enquiries;
                let (de, en) = if n == 1 {
                    ("erst 1 verbuchte Anfrage".to_string(), "only 1 booked enquiry".to_string())
                } else {
                    (format!("erst {n} verbuchte Anfragen"), format!("only {n} booked enquiries"))
                };
                Some(Text::new(
                    format!("Ob Anfragen beantwortet werden, lässt sich noch nicht sagen: Im Maklerbuch stehen {de} mit Absender aus 30 Tagen."),
                    format!("Whether enquiries are answered cannot be told yet: the agents log holds {en} with a sender from 30 days."),
                ))
            }
            AnswersSeen::NotShown { rate } => {
                let (a, n) = (rate.answered, rate.enquiries);
                Some(text!(
                    "Die Antworten des Mietagenten sind im Maklerbuch dieses Kontos nicht zu sehen (zu {a} von {n} Anfragen in 30 Tagen steht eine Antwort). Agent-Check beurteilt deshalb nicht, ob einzelne Anfragen beantwortet wurden.",
                    "The rental agent's replies cannot be seen in this account's agents log ({a} of {n} enquiries in 30 days have one). Agent-Check therefore does not judge whether single enquiries were answered."
                ))
            }
        }
    }
}

/// What the diagnosis file records of answers, counts only (no address, no text): the e-mail entries on the sampled
/// rentals in 30 days both ways, how many enquiries had a reply within an hour and within 24 hours, the median
/// minutes to it, and what could not be read.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerCounts {
    pub incoming: u32,
    pub outgoing: u32,
    /// Incoming ones with the enquirer's address (only these can be paired).
    pub enquiries_with_address: u32,
    pub replied_within_1h: u32,
    pub replied_within_24h: u32,
    pub median_minutes: Option<u32>,
    /// Entries that could not be read (no listing, a date in another form).
    pub unreadable_entries: u64,
    /// The read failed.
    pub read_failed: bool,
    /// The read filled its one page: there were more entries than counted.
    #[serde(default)]
    pub first_page_only: bool,
}

impl AnswerCounts {
    /// The counts of one Maklerbuch read of `rentals` since `since`, paired at `now` (German wall time).
    pub fn of_read(
        result: Option<&onoffice::Result<onoffice::ActionResult>>,
        rentals: &[u64],
        since: DateTime,
        now: DateTime,
    ) -> AnswerCounts {
        let first_page_only = matches!(result, Some(Ok(r)) if r.records.len() >= 500);
        let records = match result {
            Some(Ok(r)) => Ok(r.records.clone()),
            Some(Err(e)) => Err(e.clone()),
            None => return AnswerCounts::default(),
        };
        let read_failed = records.is_err();
        let log = crate::evidence::collect(&[rentals.to_vec()], vec![records], since);
        let all: Vec<&Mail> = log.mails.values().flatten().collect();
        let paired = pair(&log.mails);
        let within = |h: i64| {
            paired
                .enquiries
                .iter()
                .filter(|e| e.reply_after.is_some_and(|m| m <= h * 60))
                .count() as u32
        };
        AnswerCounts {
            incoming: all.iter().filter(|m| m.incoming).count() as u32,
            outgoing: all.iter().filter(|m| !m.incoming).count() as u32,
            enquiries_with_address: paired.enquiries.len() as u32,
            replied_within_1h: within(1),
            replied_within_24h: within(ANSWER_WITHIN_HOURS),
            median_minutes: AnswerRate::of(&paired.enquiries, now + 1.day()).median_minutes,
            unreadable_entries: log.odd_entries,
            read_failed,
            first_page_only,
        }
    }
}

/// Everything the audit knows of answers: whether the account shows them, the rate per mailbox, and the signs
/// (none unless shown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answers {
    pub seen: AnswersSeen,
    pub paired: Paired,
    pub per_mailbox: BTreeMap<String, AnswerRate>,
    pub signs: Signs,
    /// The listings with a sign of their own, per mailbox: its card and checklist cell show the sign too.
    pub signed_listings: BTreeMap<String, Vec<u64>>,
}

/// Judges the account's answers at `now` (German wall time): `mailbox_of` maps a listing to its first broker's
/// mailbox (lower case), `skip` are listings whose entries could not all be read. `mails` is `None` when the
/// Maklerbuch was not read.
pub fn judge(
    mails: Option<&BTreeMap<u64, Vec<Mail>>>,
    mailbox_of: &BTreeMap<u64, String>,
    skip: &BTreeSet<u64>,
    now: DateTime,
) -> Answers {
    let Some(mails) = mails else {
        return Answers::default();
    };
    let paired = pair(mails);
    let seen = AnswersSeen::of(AnswerRate::of(&paired.enquiries, now));
    let mut per_mailbox: BTreeMap<String, Vec<&Enquiry>> = BTreeMap::new();
    for e in &paired.enquiries {
        if let Some(m) = mailbox_of.get(&e.listing) {
            per_mailbox.entry(m.clone()).or_default().push(e);
        }
    }
    let per_mailbox = per_mailbox
        .into_iter()
        .map(|(m, es)| (m, AnswerRate::of(es, now)))
        .collect();
    let signs = if seen.shown() {
        signs(&paired.enquiries, mailbox_of, skip, now)
    } else {
        Signs::default()
    };
    let mut signed_listings: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for &l in signs.listings.keys() {
        if let Some(m) = mailbox_of.get(&l) {
            signed_listings.entry(m.clone()).or_default().push(l);
        }
    }
    Answers {
        seen,
        paired,
        per_mailbox,
        signs,
        signed_listings,
    }
}
