//! Fixes: a plan lists every change (record, field, value before and after) before anything is written; the write
//! pipeline applies the ticked items in rounds (intent first, bulk re-read, merge and write, bulk read-back); undo
//! writes the value before back through the same pipeline; an interrupted run is reconciled at the next start. Each
//! operation (contact type, default e-mail, contact persons) lives in its own module and says what its change means;
//! the pipeline does the rounds. Each item ends as one of the named [`Outcome`]s.

pub mod contact_persons;
pub mod contact_type;
pub mod default_email;
pub mod outcome;
pub mod pipeline;
pub mod plan;
pub mod reconcile;
pub mod undo;

pub use outcome::{ItemResult, Outcome};
pub use pipeline::Pipeline;
pub use plan::{plan, valid_email, FixPlan, NeedsInput, Op, PlanChoices, PlannedChange};

use crate::journal::{Change, Event};
use pipeline::{Work, WorkOp};

/// The change an item announces in its intent entry, with the values as planned.
pub fn planned_change(item: &PlannedChange) -> Change {
    match &item.op {
        Op::AddContactType {
            address,
            key,
            before,
            after,
            ..
        } => Change::ContactType {
            address: *address,
            key: key.clone(),
            before: before.clone(),
            after: after.clone(),
        },
        Op::AddDefaultEmail { address, email } => Change::DefaultEmail {
            address: *address,
            email: email.clone(),
            before: None,
            after: Some(email.clone()),
            existed: false,
        },
        Op::SetFirstContact {
            estate,
            address,
            before,
            remove,
            ..
        } => {
            let mut after = vec![*address];
            after.extend(
                before
                    .iter()
                    .filter(|b| !remove.contains(b) && *b != address),
            );
            Change::ContactPersons {
                estate: *estate,
                address: *address,
                before: before.clone(),
                after,
            }
        }
    }
}

/// A planned item as work for the pipeline; `affected` are the listings to re-transfer if it goes through.
pub fn fix_work(item: &PlannedChange, affected: Vec<u64>) -> Work {
    let op = match item.op.clone() {
        Op::AddContactType {
            address,
            key,
            key_label,
            ..
        } => WorkOp::Address(Box::new(contact_type::AddKey {
            address,
            key,
            key_label,
        })),
        Op::AddDefaultEmail { address, email } => {
            WorkOp::Address(Box::new(default_email::SetDefault { address, email }))
        }
        Op::SetFirstContact {
            estate,
            address,
            address_label,
            remove,
            create,
            ..
        } => WorkOp::Listing(Box::new(contact_persons::MakeFirst {
            estate,
            address,
            address_label,
            remove,
            create,
        })),
    };
    Work {
        id: item.id,
        subject: item.subject,
        label: item.label.clone(),
        affected,
        intent: Event::Intent {
            change: planned_change(item),
        },
        requires: item.requires,
        op,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::FindingKind;
    use crate::text::Text;
    use crate::Subject;

    #[test]
    fn a_typed_email_is_checked_before_it_is_proposed() {
        for ok in ["anna@firma.de", "  anna.weber@mail.firma.de ", "a@b.c"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "anna",
            "@firma.de",
            "anna@firma",
            "anna@.firma.de",
            "anna@firma.de.",
            "anna weber@firma.de",
            "anna@firma.de,ben@firma.de",
            "anna@firma.de;",
            "<anna@firma.de>",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn the_announced_contact_order_is_the_target_then_the_rest() {
        let it = PlannedChange {
            id: 0,
            kind: FindingKind::NoContact,
            subject: Subject::Estate(1),
            label: "Objekt".into(),
            description: Text::default(),
            op: Op::SetFirstContact {
                estate: 1,
                address: 7,
                address_label: "Anna".into(),
                before: vec![3, 4, 7, 5],
                remove: vec![3, 4],
                create: false,
            },
            requires: None,
        };
        let Change::ContactPersons { before, after, .. } = planned_change(&it) else {
            panic!()
        };
        assert_eq!(before, [3, 4, 7, 5]);
        assert_eq!(after, [7, 5]);
    }
}
