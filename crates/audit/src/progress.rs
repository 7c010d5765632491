//! Progress of a long operation, reported to whoever listens (the app's progress bar, the CLI's stderr).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// Steps of an audit: 1 first pages, 2 more pages, 3 contact persons and mailboxes, 4 other contacts, 5 done.
pub const AUDIT_STEPS: u8 = 5;

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub step: u8,
    pub of: u8,
    pub label: Text,
}

impl Progress {
    pub fn step(step: u8, label: Text) -> Self {
        Progress {
            step,
            of: AUDIT_STEPS,
            label,
        }
    }
}

/// Where progress goes; the default goes nowhere.
#[derive(Clone, Default)]
pub struct ProgressSink(Option<Arc<dyn Fn(Progress) + Send + Sync>>);

impl ProgressSink {
    pub fn new(f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        ProgressSink(Some(Arc::new(f)))
    }

    pub fn report(&self, p: Progress) {
        if let Some(f) = &self.0 {
            f(p)
        }
    }
}
