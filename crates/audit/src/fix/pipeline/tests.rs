//! Unit tests of `pipeline`.

use super::*;
use crate::journal::Change;

struct Nothing;
impl AddressOp for Nothing {
    fn address(&self) -> u64 {
        1
    }
    fn merge(&self, _: &Record, _: &mut Draft) -> Result<(), End> {
        Ok(())
    }
    fn judge(&self, _: &Record, _: &Draft, _: &Record, _: Option<&onoffice::Result<()>>) -> End {
        End::Closed(Outcome::AlreadyDone, Text::default())
    }
}

fn slot(intent: Event) -> Slot {
    Slot::new(
        Work {
            id: 0,
            subject: Subject::Address(1),
            label: "Anna".into(),
            affected: vec![9],
            intent,
            requires: None,
            op: WorkOp::Address(Box::new(Nothing)),
        },
        42,
    )
}

fn change() -> Change {
    Change::ContactType {
        address: 1,
        key: "Makler".into(),
        before: vec![],
        after: vec!["Makler".into()],
    }
}

#[test]
fn every_ending_closes_the_intent_with_the_right_entry() {
    let fix = || slot(Event::Intent { change: change() });
    let mut s = fix();
    s.end(End::Closed(Outcome::Unknown, readback_lost()));
    assert!(!s.is_open());
    match &s.pending_event {
        Some(Event::Unknown { intent, reason }) => {
            assert_eq!(*intent, 42);
            assert!(reason.contains("unklar"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    for (outcome, word) in [
        (Outcome::AlreadyDone, "already_done"),
        (Outcome::Conflict, "conflict"),
        (Outcome::Skipped, "skipped"),
        (
            Outcome::Failed {
                class: ErrorClass::Transient,
                code: None,
            },
            "failed",
        ),
    ] {
        let mut s = fix();
        s.end(End::Closed(outcome, cancelled_text()));
        let event = s.pending_event.clone().unwrap();
        match &event {
            Event::NotApplied { intent, reason } => {
                assert_eq!(*intent, 42);
                assert!(reason.starts_with(word), "{reason}");
                assert!(reason.contains("Abgebrochen"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(s.event_affected(&event).is_empty());
    }
    let mut s = fix();
    s.end(End::recorded(Outcome::Applied, Text::default(), change()));
    let event = s.pending_event.clone().unwrap();
    assert!(matches!(
        event,
        Event::Applied {
            intent: Some(42),
            ..
        }
    ));
    assert_eq!(s.event_affected(&event), [9]);
}

#[test]
fn an_undo_is_recorded_as_undone_and_marks_listings_only_if_it_changed_something() {
    let undo = || {
        slot(Event::UndoIntent {
            of: 7,
            change: change(),
        })
    };
    let mut s = undo();
    s.end(End::recorded(Outcome::Applied, Text::default(), change()));
    let event = s.pending_event.clone().unwrap();
    assert!(matches!(event, Event::Undone { of: 7, .. }), "{event:?}");
    assert_eq!(s.event_affected(&event), [9]);
    let mut s = undo();
    s.end(End::recorded(
        Outcome::AlreadyDone,
        Text::default(),
        change(),
    ));
    let event = s.pending_event.clone().unwrap();
    assert!(matches!(event, Event::Undone { of: 7, .. }), "{event:?}");
    assert!(s.event_affected(&event).is_empty());
}

#[test]
fn a_draft_writes_the_merged_list_and_the_email_change_together() {
    let mut d = Draft::default();
    assert!(d.changes().is_empty());
    d.contact_types = Some(vec!["a".into(), "b".into()]);
    d.email = Some(AddressChanges::new().delete_email("x@y.de"));
    let c = d.changes();
    assert_eq!(
        c,
        AddressChanges::new()
            .delete_email("x@y.de")
            .multiselect(CONTACT_TYPE_FIELD, &["a".into(), "b".into()])
    );
}
