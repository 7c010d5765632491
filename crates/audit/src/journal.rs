//! The local journal of applied changes: JSON lines on disk, one entry per applied change, undo and ticked-off
//! portal transfer, each with the values before and after. It is appended to and flushed before an operation
//! reports success, and a torn last line (power cut) is skipped when reading.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use onoffice_protocol::lock::Unpoisoned;
use serde::{Deserialize, Serialize};

use crate::subject::Subject;
use crate::text::Text;

/// One change to onOffice data, with what was there before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A key added to (or, on undo, removed from) the multiselect `ArtDaten` of an address.
    ContactType {
        address: u64,
        key: String,
        before: Vec<String>,
        after: Vec<String>,
    },
    /// A default e-mail added to (or, on undo, removed from) an address.
    DefaultEmail {
        address: u64,
        email: String,
        before: Option<String>,
        after: Option<String>,
        /// The address was already in one of the e-mail lists and only became the default: undo must not
        /// delete it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        existed: bool,
    },
    /// The contact persons of a listing, in order.
    ContactPersons {
        estate: u64,
        address: u64,
        before: Vec<u64>,
        after: Vec<u64>,
    },
}

impl Change {
    /// The record it changes.
    pub fn subject(&self) -> Subject {
        match self {
            Change::ContactType { address, .. } | Change::DefaultEmail { address, .. } => {
                Subject::Address(*address)
            }
            Change::ContactPersons { estate, .. } => Subject::Estate(*estate),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// What a fix is about to write, recorded (and flushed) before anything is sent to onOffice.
    Intent {
        change: Change,
    },
    /// A change confirmed by reading it back; `intent` is the entry announcing it (absent in old journals).
    Applied {
        change: Change,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        intent: Option<u64>,
    },
    /// An announced change that did not happen (refused, conflict, already done, skipped, cancelled).
    NotApplied {
        intent: u64,
        reason: String,
    },
    /// An announced change whose outcome could not be read back; the next start reconciles it.
    Unknown {
        intent: u64,
        reason: String,
    },
    /// What an undo is about to write (before anything is sent).
    UndoIntent {
        of: u64,
        change: Change,
    },
    Undone {
        of: u64,
        change: Change,
    },
    TransferDone {
        estate: u64,
    },
    /// The Maklerbuch shows a portal transfer of the listing newer than our change (`transferred_at`, UTC, RFC
    /// 3339): taken off by the app itself.
    TransferSeen {
        estate: u64,
        transferred_at: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub at: String,
    /// The account the change belongs to (API address and API user, as a hash); empty in old journals.
    #[serde(default)]
    pub account: String,
    /// What the change was about, in words (a name, a listing).
    pub label: String,
    /// Listings that must be re-transferred to the portals because of it.
    pub affected_estates: Vec<u64>,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl JournalError {
    /// What to tell the person: nothing was changed in onOffice because the journal could not be written.
    pub fn text(&self) -> Text {
        let JournalError::Io { path, source } = self;
        Text::new(
            format!(
                "Das Änderungsprotokoll ({}) kann nicht geschrieben werden: {source}. Ohne Protokoll gäbe es kein Rückgängig, deshalb wurde in onOffice nichts geändert. Bitte Speicherplatz und Schreibrechte prüfen.",
                path.display()
            ),
            format!(
                "The change journal ({}) cannot be written: {source}. Without it there would be no undo, so nothing was changed in onOffice. Please check disk space and write permissions.",
                path.display()
            ),
        )
    }
}

/// A stable, short id of an account: the API address and the API user's token, hashed (FNV-1a, 64 bit), so a journal
/// entry names its account without storing the token.
pub fn account_id(api_url: &str, token: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in api_url
        .trim()
        .trim_end_matches('/')
        .to_lowercase()
        .bytes()
        .chain([0u8])
        .chain(token.trim().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The journal file and its entries in memory.
pub struct Journal {
    path: Option<PathBuf>,
    account: String,
    entries: Mutex<Vec<Entry>>,
    /// The next sequence number; never reused, also not after a torn or damaged line.
    next_seq: Mutex<u64>,
    /// The file ends in a half-written line: the next append starts on a new line.
    torn_tail: Mutex<bool>,
    /// What was found wrong when reading the file (torn last line, damaged lines), for the person to see.
    warnings: Vec<Text>,
}

/// The `"seq":N` of a line that does not parse, so its number is not handed out again.
fn salvage_seq(line: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(line);
    let rest = &text[text.find("\"seq\":")? + 6..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

impl Journal {
    /// Opens (or starts) the journal at `path` for entries of `account` (see [`account_id`]).
    pub fn open(path: &Path, account: &str) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut entries = Vec::new();
        let mut torn_tail = false;
        let mut max_seq = 0;
        let mut warnings = Vec::new();
        match std::fs::read(path) {
            Ok(bytes) => {
                torn_tail = !bytes.is_empty() && !bytes.ends_with(b"\n");
                let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let last = lines.len().saturating_sub(1);
                for (i, line) in lines.iter().enumerate() {
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    match serde_json::from_slice::<Entry>(line) {
                        Ok(e) => {
                            max_seq = max_seq.max(e.seq);
                            entries.push(e);
                        }
                        Err(_) => {
                            max_seq = max_seq.max(salvage_seq(line).unwrap_or(0));
                            warnings.push(if i == last && torn_tail {
                                Text::new(
                                    "Die letzte Zeile des Änderungsprotokolls war unvollständig (z. B. Absturz beim Schreiben) und wurde übergangen.",
                                    "The last line of the change journal was incomplete (e.g. a crash while writing) and was skipped.",
                                )
                            } else {
                                Text::new(
                                    format!("Zeile {} des Änderungsprotokolls ist beschädigt und wurde übergangen; bitte die Datei {} dem Support schicken.", i + 1, path.display()),
                                    format!("Line {} of the change journal is damaged and was skipped; please send the file {} to support.", i + 1, path.display()),
                                )
                            });
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        Ok(Journal {
            path: Some(path.to_path_buf()),
            account: account.to_string(),
            entries: Mutex::new(entries),
            next_seq: Mutex::new(max_seq + 1),
            torn_tail: Mutex::new(torn_tail),
            warnings,
        })
    }

    /// A journal that lives in memory only (tests, the demo).
    pub fn in_memory() -> Journal {
        Journal {
            path: None,
            account: String::new(),
            entries: Mutex::new(Vec::new()),
            next_seq: Mutex::new(1),
            torn_tail: Mutex::new(false),
            warnings: Vec::new(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// What was wrong with the file when it was opened.
    pub fn warnings(&self) -> &[Text] {
        &self.warnings
    }

    /// Whether an entry belongs to this journal's account (entries of old journals carry none and count as ours).
    pub fn is_ours(&self, e: &Entry) -> bool {
        e.account.is_empty() || e.account == self.account
    }

    /// Appends an event and makes it durable before returning.
    pub fn append(
        &self,
        label: &str,
        affected_estates: Vec<u64>,
        event: Event,
    ) -> Result<Entry, JournalError> {
        self.append_all(vec![(label.to_string(), affected_estates, event)])
            .map(|mut v| v.remove(0))
    }

    /// Appends several events with one write and one flush; either all are durable or none is kept.
    pub fn append_all(
        &self,
        events: Vec<(String, Vec<u64>, Event)>,
    ) -> Result<Vec<Entry>, JournalError> {
        let mut entries = self.entries.write_guard();
        let mut next = self.next_seq.write_guard();
        let at = rfc3339_now();
        let new: Vec<Entry> = events
            .into_iter()
            .enumerate()
            .map(|(i, (label, affected_estates, event))| Entry {
                seq: *next + i as u64,
                at: at.clone(),
                account: self.account.clone(),
                label,
                affected_estates,
                event,
            })
            .collect();
        if let Some(path) = &self.path {
            let io = |source| JournalError::Io {
                path: path.clone(),
                source,
            };
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(io)?;
            let mut torn = self.torn_tail.write_guard();
            let mut text = if *torn {
                String::from("\n")
            } else {
                String::new()
            };
            for e in &new {
                text.push_str(&serde_json::to_string(e).expect("entries serialize"));
                text.push('\n');
            }
            f.write_all(text.as_bytes()).map_err(io)?;
            f.sync_data().map_err(io)?;
            *torn = false;
        }
        *next += new.len() as u64;
        entries.extend(new.iter().cloned());
        Ok(new)
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.entries.write_guard().clone()
    }

    /// Applied changes of this account that have not been undone, newest first.
    pub fn undoable(&self) -> Vec<Entry> {
        let entries = self.entries.write_guard();
        let undone = undone_seqs(&entries);
        entries
            .iter()
            .rev()
            .filter(|e| {
                matches!(e.event, Event::Applied { .. })
                    && !undone.contains(&e.seq)
                    && self.is_ours(e)
            })
            .cloned()
            .collect()
    }

    /// Intents of this account (fixes and undos) with no recorded outcome: the app or `oo-check` stopped between
    /// announcing and confirming them. The next start reads the records and records what it finds.
    pub fn open_intents(&self) -> Vec<Entry> {
        let entries = self.entries.write_guard();
        let mut closed: BTreeSet<u64> = BTreeSet::new();
        for e in entries.iter() {
            match &e.event {
                Event::Applied {
                    intent: Some(i), ..
                }
                | Event::NotApplied { intent: i, .. } => {
                    closed.insert(*i);
                }
                // An `Unknown` outcome leaves the intent open: the next start reads the record and decides it.
                _ => {}
            }
        }
        // An undo intent is closed by its Undone entry, or a NotApplied naming it.
        let undone = undone_seqs(&entries);
        entries
            .iter()
            .filter(|e| self.is_ours(e) && !closed.contains(&e.seq))
            .filter(|e| match &e.event {
                Event::Intent { .. } => true,
                Event::UndoIntent { of, .. } => !undone.contains(of),
                _ => false,
            })
            .cloned()
            .collect()
    }

    /// Listings changed by a fix or an undo and not yet ticked off as re-transferred.
    pub fn pending_transfers(&self) -> BTreeSet<u64> {
        self.pending_transfers_since().into_keys().collect()
    }

    /// When this journal's changes last touched each listing's contact person (or its e-mail), undone or not.
    pub fn contact_changes(&self) -> BTreeMap<u64, String> {
        let mut changed = BTreeMap::new();
        for e in self
            .entries
            .write_guard()
            .iter()
            .filter(|e| self.is_ours(e))
        {
            if matches!(e.event, Event::Applied { .. } | Event::Undone { .. }) {
                for &estate in &e.affected_estates {
                    changed.insert(estate, e.at.clone());
                }
            }
        }
        changed
    }

    /// Listings waiting for a re-transfer, each with when the latest change to it was made (UTC, RFC 3339).
    pub fn pending_transfers_since(&self) -> BTreeMap<u64, String> {
        let mut pending = BTreeMap::new();
        for e in self
            .entries
            .write_guard()
            .iter()
            .filter(|e| self.is_ours(e))
        {
            match &e.event {
                Event::TransferDone { estate } | Event::TransferSeen { estate, .. } => {
                    pending.remove(estate);
                }
                Event::Applied { .. } | Event::Undone { .. } => {
                    for &estate in &e.affected_estates {
                        pending.insert(estate, e.at.clone());
                    }
                }
                _ => {}
            }
        }
        pending
    }
}

/// Sequence numbers of applied changes that were undone.
fn undone_seqs(entries: &[Entry]) -> BTreeSet<u64> {
    entries
        .iter()
        .filter_map(|e| match &e.event {
            Event::Undone { of, .. } => Some(*of),
            _ => None,
        })
        .collect()
}

/// The current time in UTC to the second, as `YYYY-MM-DDTHH:MM:SSZ` (what the journal, the diagnosis and the
/// checklist's "geprüft am" carry).
pub fn rfc3339_now() -> String {
    rfc3339(jiff::Timestamp::now())
}

/// A moment in UTC to the second, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Today's date in UTC, as `YYYY-MM-DD` (when the person confirmed a blue tick).
pub fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

/// A moment as someone without a time zone to go by reads it: `YYYY-MM-DD HH:MM:SS (UTC)`.
pub fn utc_label(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(at) => at.strftime("%Y-%m-%d %H:%M:%S (UTC)").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests;
