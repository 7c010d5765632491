//! Fixes: a plan lists every change (record, field, value before and after) before anything is written; the write
//! pipeline applies the ticked items in rounds (intent first, bulk re-read, merge and write, bulk read-back); undo
//! writes the value before back with the same care; an interrupted run is reconciled at the next start. Each item
//! ends as one of the named [`Outcome`]s.

pub mod outcome;
pub mod pipeline;
pub mod plan;
pub mod reconcile;
pub mod undo;

pub use outcome::{ItemResult, Outcome};
pub use pipeline::Pipeline;
pub use plan::{plan, valid_email, FixPlan, NeedsInput, Op, PlanChoices, PlannedChange};
pub use undo::Writer;
