//! The person's view of the journal and of the checklist over time: the history of changes in words (newest first,
//! undoable ones marked) and what is new or fixed since the previous check. The app shows both; the wording lives
//! here so the app and `oo-check` say the same.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::journal::{Change, Entry, Event, Journal};
use crate::{AuditReport, FindingKind, Subject, Text};

/// A finding as `kind` + `subject`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FindingRef {
    pub kind: FindingKind,
    pub subject: Subject,
}

/// Every finding of a report, as references.
pub fn refs(report: &AuditReport) -> BTreeSet<FindingRef> {
    report
        .findings
        .iter()
        .map(|f| FindingRef {
            kind: f.kind,
            subject: f.subject,
        })
        .collect()
}

/// What changed between two checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SinceLast {
    /// Findings that were not there before.
    pub new: Vec<FindingRef>,
    /// Findings of the previous check that are gone.
    pub fixed: Vec<FindingRef>,
}

/// Compares a check with the previous one (none: the first check, nothing new, nothing fixed). A listing waiting
/// for its re-transfer is never new: only a change of its contact person (the person's own fix, or the standing
/// rule's) puts it there.
pub fn since_last(
    previous: Option<&BTreeSet<FindingRef>>,
    now: &BTreeSet<FindingRef>,
) -> SinceLast {
    match previous {
        Some(prev) => SinceLast {
            new: now
                .difference(prev)
                .filter(|r| r.kind != FindingKind::PortalTransferPending)
                .copied()
                .collect(),
            fixed: prev.difference(now).copied().collect(),
        },
        None => SinceLast::default(),
    }
}

/// A finding in the person's words: what (its title) and whom (a name or a listing's title), never a record number.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub kind: FindingKind,
    pub subject: Subject,
    pub title: Text,
    pub label: String,
}

/// Every finding's name as the checklist says it (whom it is about).
pub fn labels(report: &AuditReport) -> BTreeMap<FindingRef, String> {
    report
        .findings
        .iter()
        .map(|f| {
            let r = FindingRef {
                kind: f.kind,
                subject: f.subject,
            };
            (r, f.subject_label.clone())
        })
        .collect()
}

/// The findings named from `labels` (the checks that saw them); one no check named says what kind of record it is.
pub fn named(refs: &[FindingRef], labels: &BTreeMap<FindingRef, String>) -> Vec<Named> {
    refs.iter()
        .map(|r| Named {
            kind: r.kind,
            subject: r.subject,
            title: r.kind.title(),
            label: labels.get(r).cloned().unwrap_or_else(|| unnamed(r.subject)),
        })
        .collect()
}

/// A record no check named, in words without its number.
fn unnamed(subject: Subject) -> String {
    match subject {
        Subject::Estate(_) => "ein Objekt".into(),
        Subject::User(_) => "ein Benutzer".into(),
        Subject::Address(_) => "eine Adresse".into(),
        _ => "das Konto".into(),
    }
}

/// How the journal's label marks a change the standing rule made, not the person.
pub const AUTOMATIC_MARK: &str = " · automatisch";

/// What happened, as the history shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryEvent {
    Applied,
    Undone,
    TransferDone,
    /// Taken off by the app: the Maklerbuch showed the transfer.
    TransferSeen,
}

/// One line of the history of changes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub seq: u32,
    /// UTC, RFC 3339.
    pub at: String,
    pub label: String,
    pub event: HistoryEvent,
    pub summary: Text,
    /// An applied change that is not undone yet.
    pub undoable: bool,
    /// Made by the standing rule, not by the person ("automatisch").
    #[serde(default)]
    pub automatic: bool,
}

/// A journal event in words.
pub fn summary(event: &Event) -> Text {
    match event {
        Event::Applied { change, .. }
        | Event::Undone { change, .. }
        | Event::Intent { change }
        | Event::UndoIntent { change, .. } => match change {
            Change::ContactType { key, .. } => Text::new(
                format!("Kontaktart „{key}“ ergänzt"),
                format!("Contact type \"{key}\" added"),
            ),
            Change::DefaultEmail { email, .. } => Text::new(
                format!("Standard-E-Mail {email} eingetragen"),
                format!("Default e-mail {email} set"),
            ),
            Change::ContactPersons { .. } => {
                Text::new("Ansprechpartner geändert", "Contact person changed")
            }
        },
        Event::TransferDone { .. } => Text::new(
            "Objekt neu übertragen (abgehakt)",
            "Listing re-transferred (ticked off)",
        ),
        Event::TransferSeen { transferred_at, .. } => {
            let (de, en) = match transferred_at.parse::<jiff::Timestamp>() {
                Ok(at) => (
                    format!(
                        " am {}",
                        onoffice_protocol::local_time::german_time(at).strftime("%d.%m.%Y, %H:%M")
                    ),
                    format!(" on {}", at.strftime("%Y-%m-%d %H:%M UTC")),
                ),
                Err(_) => (String::new(), String::new()),
            };
            Text::new(
                format!("Neu übertragen{de} (automatisch abgehakt: im Maklerbuch gesehen)"),
                format!("Re-transferred{en} (ticked off automatically: seen in the agents log)"),
            )
        }
        Event::NotApplied { .. } => Text::new("Nicht übernommen", "Not applied"),
        Event::Unknown { .. } => Text::new("Ergebnis unklar", "Outcome unclear"),
    }
}

fn history_event(event: &Event) -> Option<HistoryEvent> {
    match event {
        Event::Applied { .. } => Some(HistoryEvent::Applied),
        Event::Undone { .. } => Some(HistoryEvent::Undone),
        Event::TransferDone { .. } => Some(HistoryEvent::TransferDone),
        Event::TransferSeen { .. } => Some(HistoryEvent::TransferSeen),
        // Announcements and refusals stay in the file for support.
        Event::Intent { .. }
        | Event::UndoIntent { .. }
        | Event::NotApplied { .. }
        | Event::Unknown { .. } => None,
    }
}

/// The lines of the history from journal entries (this account's only), newest first.
pub fn history_of(entries: &[Entry], undoable: &BTreeSet<u64>) -> Vec<HistoryItem> {
    entries
        .iter()
        .rev()
        .filter_map(|e| {
            Some(HistoryItem {
                seq: e.seq as u32,
                at: e.at.clone(),
                label: e.label.clone(),
                event: history_event(&e.event)?,
                summary: summary(&e.event),
                undoable: undoable.contains(&e.seq),
                automatic: e.label.ends_with(AUTOMATIC_MARK),
            })
        })
        .collect()
}

/// Every change the journal holds for its account, newest first.
pub fn history(journal: &Journal) -> Vec<HistoryItem> {
    let undoable: BTreeSet<u64> = journal.undoable().iter().map(|e| e.seq).collect();
    let ours: Vec<Entry> = journal
        .entries()
        .into_iter()
        .filter(|e| journal.is_ours(e))
        .collect();
    history_of(&ours, &undoable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, event: Event) -> Entry {
        Entry {
            seq,
            at: format!("2026-11-27T10:00:0{seq}Z"),
            account: "acc".into(),
            label: format!("Eintrag {seq}"),
            affected_estates: Vec::new(),
            event,
        }
    }

    fn added(key: &str) -> Change {
        Change::ContactType {
            address: 7,
            key: key.into(),
            before: vec![],
            after: vec![key.into()],
        }
    }

    #[test]
    fn history_is_newest_first_without_announcements_and_marks_what_can_be_undone() {
        let entries = vec![
            entry(
                1,
                Event::Intent {
                    change: added("Makler"),
                },
            ),
            entry(
                2,
                Event::Applied {
                    change: added("Makler"),
                    intent: Some(1),
                },
            ),
            entry(
                3,
                Event::NotApplied {
                    intent: 1,
                    reason: "x".into(),
                },
            ),
            entry(4, Event::TransferDone { estate: 9 }),
            entry(
                5,
                Event::Undone {
                    of: 2,
                    change: added("Makler"),
                },
            ),
            entry(
                6,
                Event::Unknown {
                    intent: 1,
                    reason: "y".into(),
                },
            ),
        ];
        let items = history_of(&entries, &BTreeSet::from([2]));
        let seqs: Vec<u32> = items.iter().map(|i| i.seq).collect();
        assert_eq!(seqs, [5, 4, 2]);
        assert_eq!(items[0].event, HistoryEvent::Undone);
        assert_eq!(items[1].event, HistoryEvent::TransferDone);
        assert_eq!(items[2].event, HistoryEvent::Applied);
        assert_eq!(
            items.iter().map(|i| i.undoable).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert_eq!(items[2].summary.de, "Kontaktart „Makler“ ergänzt");
        assert_eq!(items[1].summary.de, "Objekt neu übertragen (abgehakt)");
        assert_eq!(items[2].label, "Eintrag 2");
        assert_eq!(items[2].at, "2026-11-27T10:00:02Z");
    }

    #[test]
    fn summaries_name_what_changed() {
        let email = Change::DefaultEmail {
            address: 1,
            email: "a@b.de".into(),
            before: None,
            after: Some("a@b.de".into()),
            existed: false,
        };
        assert_eq!(
            summary(&Event::Applied {
                change: email,
                intent: None
            })
            .en,
            "Default e-mail a@b.de set"
        );
        let persons = Change::ContactPersons {
            estate: 1,
            address: 2,
            before: vec![],
            after: vec![2],
        };
        assert_eq!(
            summary(&Event::UndoIntent {
                of: 1,
                change: persons
            })
            .de,
            "Ansprechpartner geändert"
        );
        assert_eq!(
            summary(&Event::NotApplied {
                intent: 1,
                reason: String::new()
            })
            .de,
            "Nicht übernommen"
        );
        assert_eq!(
            summary(&Event::Unknown {
                intent: 1,
                reason: String::new()
            })
            .de,
            "Ergebnis unklar"
        );
    }

    #[test]
    fn since_last_tells_new_and_fixed_apart() {
        let a = FindingRef {
            kind: FindingKind::NotMakler,
            subject: Subject::Address(1),
        };
        let b = FindingRef {
            kind: FindingKind::NoEmail,
            subject: Subject::Address(2),
        };
        let c = FindingRef {
            kind: FindingKind::NoContact,
            subject: Subject::Estate(3),
        };
        let before = BTreeSet::from([a, b]);
        let now = BTreeSet::from([b, c]);
        assert_eq!(since_last(None, &now), SinceLast::default());
        let d = since_last(Some(&before), &now);
        assert_eq!(d.new, [c]);
        assert_eq!(d.fixed, [a]);
        assert_eq!(since_last(Some(&now), &now), SinceLast::default());
        // A listing waiting for the re-transfer a fix asked for is not news; once transferred it is fixed.
        let t = FindingRef {
            kind: FindingKind::PortalTransferPending,
            subject: Subject::Estate(3),
        };
        let with_transfer = BTreeSet::from([b, t]);
        assert!(since_last(Some(&before), &with_transfer).new.is_empty());
        assert_eq!(since_last(Some(&with_transfer), &before).fixed, [t]);
    }

    #[test]
    fn named_findings_use_the_checks_names_never_numbers() {
        let known = FindingRef {
            kind: FindingKind::NotMakler,
            subject: Subject::Address(1001),
        };
        let gone = FindingRef {
            kind: FindingKind::NoContact,
            subject: Subject::Estate(77),
        };
        let labels = BTreeMap::from([(known, "Anna Berg".to_string())]);
        let n = named(&[known, gone], &labels);
        assert_eq!(n[0].label, "Anna Berg");
        assert_eq!(n[0].title, FindingKind::NotMakler.title());
        assert_eq!(n[1].label, "ein Objekt");
        assert!(!n[1].label.contains("77"));
        assert_eq!(unnamed(Subject::User(5)), "ein Benutzer");
        assert_eq!(unnamed(Subject::Address(5)), "eine Adresse");
        assert_eq!(unnamed(Subject::Account), "das Konto");
    }
}
