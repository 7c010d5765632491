//! How one fix (or undo) item ended, as named outcomes the UI and `oo-check` show, and the words shared by every
//! operation.

use onoffice::ErrorClass;
use serde::{Deserialize, Serialize};

use crate::journal::Change;
use crate::subject::Subject;
use crate::text::Text;

/// How one item ended.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Written and confirmed by reading back.
    Applied,
    /// Nothing to do any more (someone did it meanwhile).
    AlreadyDone,
    /// The record changed since the preview in a way the plan did not cover: nothing (more) was written.
    Conflict,
    /// onOffice refused or could not be reached; nothing was written.
    Failed {
        class: ErrorClass,
        code: Option<i64>,
    },
    /// Whether the write happened is unknown (answer lost, read-back failed): check before trying again.
    Unknown,
    /// Not tried because the item it needs did not go through.
    Skipped,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub id: usize,
    pub subject: Subject,
    pub label: String,
    pub outcome: Outcome,
    pub message: Text,
    /// The journal entry written for it.
    pub journal_seq: Option<u64>,
}

/// How an operation ends an item.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    /// onOffice holds no change by this item (or whether it does is unknown): the intent is closed as not applied,
    /// or left for the next start to reconcile.
    Closed(Outcome, Text),
    /// onOffice holds a change by this item, as read back: journaled with what was seen (`Applied` for a fix,
    /// `Undone` for an undo).
    Recorded(Outcome, Text, Box<Change>),
}

impl End {
    pub fn recorded(outcome: Outcome, message: Text, change: Change) -> Self {
        End::Recorded(outcome, message, Box::new(change))
    }
}

impl From<(Outcome, Text)> for End {
    fn from((o, t): (Outcome, Text)) -> Self {
        End::Closed(o, t)
    }
}

/// An error onOffice answered (or the transport met) as the item's outcome.
pub fn failed(e: &onoffice::Error) -> (Outcome, Text) {
    (
        Outcome::Failed {
            class: e.class(),
            code: e.code(),
        },
        Text::new(e.message_de(), e.message_en()),
    )
}

/// A failure that is not the write's own: the read-back shows nothing changed, so trying again is safe.
pub fn not_saved(de: &str, en: &str) -> End {
    End::Closed(
        Outcome::Failed {
            class: ErrorClass::Transient,
            code: None,
        },
        Text::new(de, en),
    )
}

/// The write may have landed, but reading it back failed.
pub fn readback_lost() -> Text {
    Text::new(
        "Ob die Änderung gespeichert wurde, ist unklar: das Rücklesen ist fehlgeschlagen. Beim nächsten Start prüft die App den Datensatz und trägt das Ergebnis ins Protokoll ein.",
        "Whether the change was saved is unclear: reading it back failed. At the next start the app checks the record and records the result.",
    )
}

/// A write onOffice refused decides the item; a lost answer does not (the read-back does).
pub fn refused(write: Option<&onoffice::Result<()>>) -> Option<End> {
    match write {
        Some(Err(e)) if e.class() != ErrorClass::UnknownOutcome => Some(End::from(failed(e))),
        _ => None,
    }
}

/// A colleague changed the record after the fix: undo shows both values and writes nothing.
pub fn changed_since(left: &str, now: &str) -> End {
    End::Closed(
        Outcome::Conflict,
        crate::text!(
            "Seit der Korrektur wurde der Datensatz geändert: die Korrektur hinterließ „{left}“, jetzt steht dort „{now}“. Rückgängig würde diese neuere Änderung überschreiben; es wurde nichts geändert.",
            "The record changed since the fix: the fix left \"{left}\", now it holds \"{now}\". Undo would override that newer change; nothing was changed."
        ),
    )
}

/// An undo confirmed by reading back.
pub fn undone_text() -> Text {
    Text::new("Rückgängig gemacht.", "Undone.")
}
