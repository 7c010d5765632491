//! The local journal of applied changes: JSON lines on disk, one entry per applied change, undo and ticked-off
//! portal transfer, each with the values before and after. It is appended to and flushed before an operation
//! reports success, and a torn last line (power cut) is skipped when reading.

use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Applied { change: Change },
    Undone { of: u64, change: Change },
    TransferDone { estate: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub at: String,
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

/// The journal file and its entries in memory.
pub struct Journal {
    path: Option<PathBuf>,
    entries: Mutex<Vec<Entry>>,
    /// The file ends in a half-written line: the next append starts on a new line.
    torn_tail: Mutex<bool>,
}

impl Journal {
    /// Opens (or starts) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut entries = Vec::new();
        let mut torn_tail = false;
        match std::fs::read(path) {
            Ok(bytes) => {
                torn_tail = !bytes.is_empty() && !bytes.ends_with(b"\n");
                for line in BufReader::new(bytes.as_slice()).lines() {
                    let line = line.map_err(io)?;
                    if let Ok(e) = serde_json::from_str::<Entry>(&line) {
                        entries.push(e);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        Ok(Journal {
            path: Some(path.to_path_buf()),
            entries: Mutex::new(entries),
            torn_tail: Mutex::new(torn_tail),
        })
    }

    /// A journal that lives in memory only (tests, a dry look).
    pub fn in_memory() -> Journal {
        Journal {
            path: None,
            entries: Mutex::new(Vec::new()),
            torn_tail: Mutex::new(false),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends an event and makes it durable before returning.
    pub fn append(
        &self,
        label: &str,
        affected_estates: Vec<u64>,
        event: Event,
    ) -> Result<Entry, JournalError> {
        let mut entries = self.entries.lock().unwrap();
        let entry = Entry {
            seq: entries.last().map(|e| e.seq + 1).unwrap_or(1),
            at: rfc3339_now(),
            label: label.to_string(),
            affected_estates,
            event,
        };
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
            let mut torn = self.torn_tail.lock().unwrap();
            let mut line = if *torn {
                String::from("\n")
            } else {
                String::new()
            };
            line.push_str(&serde_json::to_string(&entry).expect("entries serialize"));
            line.push('\n');
            f.write_all(line.as_bytes()).map_err(io)?;
            f.sync_data().map_err(io)?;
            *torn = false;
        }
        entries.push(entry.clone());
        Ok(entry)
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.entries.lock().unwrap().clone()
    }

    /// Applied changes that have not been undone, newest first.
    pub fn undoable(&self) -> Vec<Entry> {
        let entries = self.entries.lock().unwrap();
        let undone: BTreeSet<u64> = entries
            .iter()
            .filter_map(|e| match &e.event {
                Event::Undone { of, .. } => Some(*of),
                _ => None,
            })
            .collect();
        entries
            .iter()
            .rev()
            .filter(|e| matches!(e.event, Event::Applied { .. }) && !undone.contains(&e.seq))
            .cloned()
            .collect()
    }

    /// Listings changed by a fix or an undo and not yet ticked off as re-transferred.
    pub fn pending_transfers(&self) -> BTreeSet<u64> {
        let mut pending = BTreeSet::new();
        for e in self.entries.lock().unwrap().iter() {
            match &e.event {
                Event::TransferDone { estate } => {
                    pending.remove(estate);
                }
                _ => pending.extend(e.affected_estates.iter().copied()),
            }
        }
        pending
    }
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_646_228_220), "2022-03-02T13:37:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn survives_restart_and_torn_line() {
        let dir = std::env::temp_dir().join(format!("journal-test-{}", std::process::id()));
        let path = dir.join("journal.jsonl");
        let _ = std::fs::remove_file(&path);
        let j = Journal::open(&path).unwrap();
        let change = Change::ContactType {
            address: 1,
            key: "Makler".into(),
            before: vec![],
            after: vec!["Makler".into()],
        };
        let a = j
            .append(
                "Anna",
                vec![7],
                Event::Applied {
                    change: change.clone(),
                },
            )
            .unwrap();
        j.append("Anna", vec![], Event::Undone { of: a.seq, change })
            .unwrap();
        j.append("Objekt", vec![], Event::TransferDone { estate: 7 })
            .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"seq\":4,\"at\"")
            .unwrap();
        let again = Journal::open(&path).unwrap();
        assert_eq!(again.entries().len(), 3);
        again
            .append("Objekt", vec![], Event::TransferDone { estate: 8 })
            .unwrap();
        assert_eq!(
            Journal::open(&path).unwrap().entries().len(),
            4,
            "an append after a torn line is kept"
        );
        assert!(again.undoable().is_empty());
        assert!(again.pending_transfers().is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
