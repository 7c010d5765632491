//! Typed batches: many actions sent together, each read back through the handle its `add` returned, so no caller
//! reads results by position and a reordered or conditional batch cannot hand one action another's answer.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Client, Result};
use crate::envelope::{Action, ActionResult};
use crate::error::Error;

/// Tells batches apart, so a handle of one batch never reads another's answers.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Actions to send together (batched into requests as [`Client::execute`] does).
#[derive(Debug)]
pub struct Batch {
    id: u64,
    actions: Vec<Action>,
}

/// The handle of one action in a [`Batch`]; it reads that action's own result from the batch's [`Answers`], once
/// (it is neither `Clone` nor `Copy`).
#[derive(Debug)]
#[must_use = "a handle is how the action's result is read"]
pub struct Slot {
    batch: u64,
    index: usize,
}

/// The results of a sent [`Batch`], read through its handles.
#[derive(Debug)]
pub struct Answers {
    batch: u64,
    results: Vec<Option<Result<ActionResult>>>,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            actions: Vec::new(),
        }
    }
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an action; the handle reads its result.
    pub fn add(&mut self, action: Action) -> Slot {
        self.actions.push(action);
        Slot {
            batch: self.id,
            index: self.actions.len() - 1,
        }
    }

    /// Adds several actions; the handles come in the order of the actions.
    pub fn add_all(&mut self, actions: impl IntoIterator<Item = Action>) -> Vec<Slot> {
        actions.into_iter().map(|a| self.add(a)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    pub fn len(&self) -> usize {
        self.actions.len()
    }
}

impl Answers {
    /// The result of the handle's action. A handle of another batch gets an error, never another action's answer.
    pub fn take(&mut self, slot: Slot) -> Result<ActionResult> {
        let mismatch = || Error::Unexpected {
            detail: "a result was asked of a batch that did not send its action".into(),
        };
        if slot.batch != self.batch {
            return Err(mismatch());
        }
        self.results
            .get_mut(slot.index)
            .and_then(Option::take)
            .unwrap_or_else(|| Err(mismatch()))
    }

    /// [`Answers::take`] for several handles, in their order.
    pub fn take_all(&mut self, slots: Vec<Slot>) -> Vec<Result<ActionResult>> {
        slots.into_iter().map(|s| self.take(s)).collect()
    }

    /// The result of an action that may not have been added.
    pub fn take_if(&mut self, slot: Option<Slot>) -> Option<Result<ActionResult>> {
        slot.map(|s| self.take(s))
    }
}

impl Client {
    /// Sends a batch (an empty one sends nothing, as `execute` does) and returns its answers, read through the
    /// batch's handles.
    pub async fn send(&self, batch: Batch) -> Answers {
        let results = self.execute(batch.actions).await;
        Answers {
            batch: batch.id,
            results: results.into_iter().map(Some).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ActionKind;

    fn answers_of(batch: &Batch, n: usize) -> Answers {
        Answers {
            batch: batch.id,
            results: (0..n)
                .map(|i| {
                    Some(Ok(ActionResult {
                        records: Vec::new(),
                        cnt_absolute: Some(i as u64),
                    }))
                })
                .collect(),
        }
    }

    #[test]
    fn each_handle_reads_its_own_action_once() {
        let mut batch = Batch::new();
        assert!(batch.is_empty());
        let a = batch.add(Action::new(ActionKind::Read, "estate"));
        let b = batch.add(Action::new(ActionKind::Read, "address"));
        assert!(!batch.is_empty() && batch.len() == 2);
        let mut answers = answers_of(&batch, 2);
        assert_eq!(answers.take(b).unwrap().cnt_absolute, Some(1));
        let taken = answers.take_if(Some(a)).map(|r| r.unwrap().cnt_absolute);
        assert_eq!(taken, Some(Some(0)));
    }

    #[test]
    fn a_handle_of_another_batch_gets_an_error_not_an_answer() {
        let mut one = Batch::new();
        let mut other = Batch::new();
        let _ = one.add(Action::new(ActionKind::Read, "estate"));
        let foreign = other.add(Action::new(ActionKind::Read, "estate"));
        let mut answers = answers_of(&one, 1);
        assert!(matches!(
            answers.take(foreign),
            Err(Error::Unexpected { .. })
        ));
        assert!(answers.take_if(None).is_none());
    }

    #[test]
    fn handles_of_add_all_follow_the_actions() {
        let mut batch = Batch::new();
        let _ = batch.add(Action::new(ActionKind::Get, "fields"));
        let slots = batch.add_all((0..3).map(|_| Action::new(ActionKind::Read, "user")));
        let mut answers = answers_of(&batch, 4);
        let counts: Vec<_> = answers
            .take_all(slots)
            .into_iter()
            .map(|r| r.unwrap().cnt_absolute)
            .collect();
        assert_eq!(counts, [Some(1), Some(2), Some(3)]);
    }
}
