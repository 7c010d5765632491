//! How one fix (or undo) item ended, as named outcomes the UI and `oo-check` show.

use onoffice::ErrorClass;
use serde::{Deserialize, Serialize};

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
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
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
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: usize,
    pub subject: String,
    pub label: String,
    pub outcome: Outcome,
    pub message: Text,
    /// The journal entry written for it.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub journal_seq: Option<u64>,
}
