//! The contact person operation ("Zuordnen"): make a system user the first contact person of a listing (the fix:
//! link first, then remove exactly the previewed brokers still in front), or restore the order before the fix (its
//! undo: link the old ones again, remove the fix's, move links until the order is as it was). Links are created
//! before any is removed, so a listing never loses its broker.

use std::collections::BTreeSet;

use onoffice::ErrorClass;

use super::outcome::{changed_since, failed, readback_lost, undone_text, End, Outcome};
use super::pipeline::ListingOp;
use crate::journal::Change;
use crate::text;
use crate::text::Text;

fn change(estate: u64, address: u64, before: &[u64], after: &[u64]) -> Change {
    Change::ContactPersons {
        estate,
        address,
        before: before.to_vec(),
        after: after.to_vec(),
    }
}

/// A write error as the outcome of an item whose read-back decided it: a lost answer whose change the read-back
/// does not show simply did not go through (trying again is safe).
fn trouble_outcome(e: &onoffice::Error) -> (Outcome, Text) {
    if e.class() == ErrorClass::UnknownOutcome {
        (
            Outcome::Failed {
                class: ErrorClass::Transient,
                code: None,
            },
            Text::new(
                "Die Änderung der Ansprechpartner wurde nicht vollständig gespeichert. Bitte erneut prüfen und versuchen.",
                "The change of contact persons was not saved completely. Please check and try again.",
            ),
        )
    } else {
        failed(e)
    }
}

/// Makes `address` the first contact person: link it if it is not, then remove the previewed brokers in front.
pub struct MakeFirst {
    pub estate: u64,
    pub address: u64,
    pub address_label: String,
    /// The brokers the preview named for removal.
    pub remove: Vec<u64>,
    /// The preview said the link is created.
    pub create: bool,
}

impl MakeFirst {
    fn first_now(&self) -> Text {
        let label = &self.address_label;
        text!(
            "{label} ist jetzt erster Ansprechpartner.",
            "{label} is now the first contact person."
        )
    }
}

impl ListingOp for MakeFirst {
    fn estate(&self) -> u64 {
        self.estate
    }

    fn links_to_create(&self, current: &[u64]) -> Result<Vec<u64>, End> {
        let label = &self.address_label;
        if current.first() == Some(&self.address) {
            let message = text!(
                "{label} ist erster Ansprechpartner.",
                "{label} is the first contact person."
            );
            return Err(if self.remove.is_empty() && !self.create {
                // With nothing to link or remove, the Makler key added before made it the first broker: the
                // listing's portal contact changed, the links did not.
                End::recorded(
                    Outcome::Applied,
                    message,
                    change(self.estate, self.address, current, current),
                )
            } else {
                End::Closed(Outcome::AlreadyDone, message)
            });
        }
        let previewed: BTreeSet<&u64> = self.remove.iter().collect();
        let (ahead, link) = match current.iter().position(|c| *c == self.address) {
            Some(pos) => (&current[..pos], false),
            None => (current, true),
        };
        if !ahead.iter().all(|a| previewed.contains(a)) || (link && !self.create) {
            return Err(End::Closed(Outcome::Conflict, Text::new("Die Ansprechpartner wurden seit der Vorschau geändert. Es wurde nichts geändert; bitte erneut prüfen.", "The contact persons changed since the preview. Nothing was changed; please check again.")));
        }
        Ok(if link { vec![self.address] } else { Vec::new() })
    }

    fn links_to_remove(
        &self,
        current: &[u64],
        now: &[u64],
        link_error: Option<&onoffice::Error>,
    ) -> Result<Vec<u64>, End> {
        let label = &self.address_label;
        let Some(pos) = now.iter().position(|c| *c == self.address) else {
            return Err(match link_error {
                Some(e) if e.code() == Some(263) => End::Closed(Outcome::Conflict, text!("onOffice nimmt {label} nicht als Ansprechpartner, weil die Kontaktart „Makler“ fehlt (inzwischen entfernt?). Es wurde nichts geändert; bitte erneut prüfen.", "onOffice does not take {label} as contact person because the contact type \"Makler\" is missing (removed meanwhile?). Nothing was changed; please check again.")),
                Some(e) if e.class() != ErrorClass::UnknownOutcome => End::from(failed(e)),
                Some(_) => End::Closed(
                    Outcome::Failed {
                        class: ErrorClass::Transient,
                        code: None,
                    },
                    text!(
                        "{label} wurde nicht verknüpft. Bitte erneut versuchen.",
                        "{label} was not linked. Please try again."
                    ),
                ),
                None => End::Closed(Outcome::Conflict, text!("{label} steht nach dem Speichern nicht bei den Ansprechpartnern: jemand hat das Objekt gleichzeitig geändert. Bitte erneut prüfen.", "{label} is not among the contact persons after saving: someone changed the listing at the same time. Please check again.")),
            });
        };
        let in_front = &now[..pos];
        let linked = change(self.estate, self.address, current, now);
        if !in_front.iter().all(|a| self.remove.contains(a)) {
            return Err(End::recorded(Outcome::Conflict, text!("{label} ist verknüpft, aber gleichzeitig wurde ein anderer Makler davor eingetragen. Er wurde nicht entfernt, weil er nicht in der Vorschau stand; bitte erneut prüfen.", "{label} is linked, but meanwhile another broker was put in front. It was not removed because it was not in the preview; please check again."), linked));
        }
        if in_front.is_empty() {
            return Err(End::recorded(Outcome::Applied, self.first_now(), linked));
        }
        Ok(in_front.to_vec())
    }

    fn judge(
        &self,
        current: &[u64],
        back: &[u64],
        cancelled: bool,
        trouble: Option<&onoffice::Error>,
    ) -> End {
        let label = &self.address_label;
        let seen = change(self.estate, self.address, current, back);
        if back.first() == Some(&self.address) {
            End::recorded(Outcome::Applied, self.first_now(), seen)
        } else if cancelled {
            End::recorded(Outcome::Conflict, text!("Abgebrochen: {label} ist verknüpft, die bisherigen Ansprechpartner stehen aber noch davor.", "Cancelled: {label} is linked, but the previous contact persons still stand in front."), seen)
        } else if let Some(e) = trouble {
            let (o, t) = trouble_outcome(e);
            End::recorded(o, t, seen)
        } else {
            End::recorded(
                Outcome::Conflict,
                Text::new(
                    "Nach dem Speichern ist ein anderer Ansprechpartner erster. Bitte prüfen.",
                    "After saving, another contact person is first. Please check.",
                ),
                seen,
            )
        }
    }

    fn readback_lost(&self, current: &[u64], now: &[u64]) -> End {
        // The new link stands (read back before); whether the old ones went is unknown.
        End::recorded(
            Outcome::Unknown,
            readback_lost(),
            change(self.estate, self.address, current, now),
        )
    }
}

/// Restores the order before a fix (`before`), if the listing still holds what the fix left (`after`) or the
/// person insists (`force`). Contact persons others added since are kept, behind the restored ones.
pub struct RestoreOrder {
    pub estate: u64,
    pub address: u64,
    pub before: Vec<u64>,
    pub after: Vec<u64>,
    pub force: bool,
}

fn names(ids: &[u64]) -> String {
    ids.iter()
        .map(|a| format!("#{a}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl RestoreOrder {
    /// The order to reach from `current`: the old brokers, then the ones others added since.
    fn target(&self, current: &[u64]) -> Vec<u64> {
        let mut target = self.before.clone();
        target.extend(current.iter().filter(|c| {
            !self.before.contains(c) && !self.after.contains(c) && **c != self.address
        }));
        target
    }

    fn seen(&self, current: &[u64], back: &[u64]) -> Change {
        change(self.estate, self.address, current, back)
    }
}

impl ListingOp for RestoreOrder {
    fn estate(&self) -> u64 {
        self.estate
    }

    fn links_to_create(&self, current: &[u64]) -> Result<Vec<u64>, End> {
        if !self.force && current != self.after && current != self.before {
            return Err(changed_since(&names(&self.after), &names(current)));
        }
        let target = self.target(current);
        if current == target {
            return Err(End::recorded(
                Outcome::AlreadyDone,
                Text::new(
                    "Die Ansprechpartner sind bereits wie vorher.",
                    "The contact persons are already as before.",
                ),
                self.seen(current, current),
            ));
        }
        Ok(target
            .into_iter()
            .filter(|c| !current.contains(c))
            .collect())
    }

    fn links_to_remove(
        &self,
        current: &[u64],
        now: &[u64],
        link_error: Option<&onoffice::Error>,
    ) -> Result<Vec<u64>, End> {
        if link_error.is_some() {
            // Not every old broker stands again: nothing is removed.
            return Err(self.judge(current, now, false, link_error));
        }
        let target = self.target(current);
        Ok(current
            .iter()
            .filter(|c| !target.contains(c))
            .copied()
            .collect())
    }

    fn links_to_move(&self, current: &[u64], back: &[u64]) -> Vec<u64> {
        let target = self.target(current);
        let mut a = back.to_vec();
        let mut b = target.clone();
        a.sort_unstable();
        b.sort_unstable();
        if back == target || a != b {
            return Vec::new();
        }
        // New links land behind the others: from the first one out of place, each goes to the end in the old order.
        let first_wrong = back
            .iter()
            .zip(target.iter())
            .take_while(|(x, y)| x == y)
            .count();
        target[first_wrong..].to_vec()
    }

    fn judge(
        &self,
        current: &[u64],
        back: &[u64],
        cancelled: bool,
        trouble: Option<&onoffice::Error>,
    ) -> End {
        if back == self.target(current) {
            return End::recorded(Outcome::Applied, undone_text(), self.seen(current, back));
        }
        let (o, t) = match trouble {
            Some(e) => trouble_outcome(e),
            None if cancelled => (
                Outcome::Conflict,
                Text::new(
                    "Abgebrochen: die Ansprechpartner sind erst teilweise wie vorher. Bitte prüfen.",
                    "Cancelled: the contact persons are only partly as before. Please check.",
                ),
            ),
            None => (
                Outcome::Conflict,
                Text::new(
                    "Die Ansprechpartner haben sich gleichzeitig geändert. Bitte prüfen.",
                    "The contact persons changed at the same time. Please check.",
                ),
            ),
        };
        if back == current {
            End::Closed(o, t)
        } else {
            End::recorded(o, t, self.seen(current, back))
        }
    }

    fn readback_lost(&self, _current: &[u64], _now: &[u64]) -> End {
        End::Closed(Outcome::Unknown, readback_lost())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restore(before: &[u64], after: &[u64]) -> RestoreOrder {
        RestoreOrder {
            estate: 1,
            address: 7,
            before: before.to_vec(),
            after: after.to_vec(),
            force: false,
        }
    }

    #[test]
    fn restoring_links_the_old_brokers_removes_the_fixs_and_keeps_a_colleagues() {
        let r = restore(&[3, 7, 5], &[7, 5]);
        // A colleague added 9 since the fix: with force it stays, behind the restored order.
        let forced = RestoreOrder {
            force: true,
            ..restore(&[3, 7, 5], &[7, 5])
        };
        assert_eq!(forced.target(&[7, 5, 9]), [3, 7, 5, 9]);
        assert_eq!(r.links_to_create(&[7, 5]).unwrap(), [3]);
        assert_eq!(
            r.links_to_remove(&[7, 5], &[7, 5, 3], None).unwrap(),
            Vec::<u64>::new()
        );
        assert_eq!(r.links_to_move(&[7, 5], &[7, 5, 3]), [3, 7, 5]);
        let r = restore(&[3], &[7]);
        assert_eq!(r.links_to_create(&[7]).unwrap(), [3]);
        assert_eq!(r.links_to_remove(&[7], &[7, 3], None).unwrap(), [7]);
        assert!(r.links_to_move(&[7], &[3]).is_empty());
        assert!(matches!(
            r.judge(&[7], &[3], false, None),
            End::Recorded(Outcome::Applied, ..)
        ));
    }

    #[test]
    fn a_restore_that_did_not_finish_says_whether_it_was_cancelled() {
        let r = restore(&[3], &[7]);
        // The old broker is back but the fix's one is still in front.
        for (cancelled, word) in [(false, "gleichzeitig"), (true, "Abgebrochen")] {
            match r.judge(&[7], &[7, 3], cancelled, None) {
                End::Recorded(Outcome::Conflict, t, _) => assert!(t.de.contains(word), "{}", t.de),
                other => panic!("{other:?}"),
            }
        }
        // Nothing changed at all: closed, no undone entry.
        assert!(matches!(
            r.judge(&[7], &[7], false, None),
            End::Closed(Outcome::Conflict, _)
        ));
    }

    #[test]
    fn restoring_stops_at_a_colleagues_change_and_at_a_failed_link() {
        let r = restore(&[3], &[7]);
        match r.links_to_create(&[7, 9]) {
            Err(End::Closed(Outcome::Conflict, t)) => assert!(t.de.contains("#7"), "{}", t.de),
            other => panic!("{other:?}"),
        }
        let e = onoffice::Error::Api {
            code: 500,
            message: "x".into(),
        };
        assert!(matches!(
            r.links_to_remove(&[7], &[7], Some(&e)),
            Err(End::Closed(Outcome::Failed { .. }, _))
        ));
        assert!(matches!(
            r.links_to_create(&[3]),
            Err(End::Recorded(Outcome::AlreadyDone, ..))
        ));
    }

    fn make_first() -> MakeFirst {
        MakeFirst {
            estate: 1,
            address: 7,
            address_label: "Anna".into(),
            remove: vec![3],
            create: true,
        }
    }

    fn closed(end: Result<Vec<u64>, End>) -> (Outcome, String) {
        match end {
            Err(End::Closed(o, t)) => (o, t.de),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_link_that_did_not_land_says_why() {
        let m = make_first();
        let api = |code| onoffice::Error::Api {
            code,
            message: String::new(),
        };
        let (o, t) = closed(m.links_to_remove(&[3], &[3], Some(&api(263))));
        assert_eq!(o, Outcome::Conflict);
        assert!(t.contains("Makler"), "{t}");
        let (o, t) = closed(m.links_to_remove(&[3], &[3], Some(&api(183))));
        assert_eq!(o, failed(&api(183)).0);
        assert!(!t.contains("Makler"), "{t}");
        let lost = onoffice::Error::UnknownOutcome {
            detail: String::new(),
        };
        let (o, t) = closed(m.links_to_remove(&[3], &[3], Some(&lost)));
        assert_eq!(
            o,
            Outcome::Failed {
                class: ErrorClass::Transient,
                code: None
            }
        );
        assert!(t.contains("nicht verknüpft"), "{t}");
        let (o, t) = closed(m.links_to_remove(&[3], &[3], None));
        assert_eq!(o, Outcome::Conflict);
        assert!(t.contains("gleichzeitig"), "{t}");
    }

    #[test]
    fn the_ending_after_removing_names_what_happened() {
        let m = make_first();
        match m.judge(&[3], &[7], false, None) {
            End::Recorded(Outcome::Applied, t, _) => {
                assert!(t.de.contains("Anna ist jetzt erster"), "{}", t.de)
            }
            other => panic!("{other:?}"),
        }
        let lost = onoffice::Error::UnknownOutcome {
            detail: String::new(),
        };
        // A removal whose answer was lost, and the old broker is still in front: failed, never "unknown".
        match m.judge(&[3], &[3, 7], false, Some(&lost)) {
            End::Recorded(o, _, _) => assert_eq!(
                o,
                Outcome::Failed {
                    class: ErrorClass::Transient,
                    code: None
                }
            ),
            other => panic!("{other:?}"),
        }
        let refused = onoffice::Error::Api {
            code: 183,
            message: String::new(),
        };
        match m.judge(&[3], &[3, 7], false, Some(&refused)) {
            End::Recorded(o, _, _) => assert_eq!(o, failed(&refused).0),
            other => panic!("{other:?}"),
        }
        match m.judge(&[3], &[3, 7], true, None) {
            End::Recorded(Outcome::Conflict, t, _) => {
                assert!(t.de.starts_with("Abgebrochen"), "{}", t.de)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn making_first_removes_only_the_previewed_brokers_in_front() {
        let m = MakeFirst {
            estate: 1,
            address: 7,
            address_label: "Anna".into(),
            remove: vec![3],
            create: true,
        };
        assert_eq!(m.links_to_create(&[3]).unwrap(), [7]);
        assert_eq!(m.links_to_remove(&[3], &[3, 7], None).unwrap(), [3]);
        assert!(matches!(
            m.links_to_remove(&[3], &[4, 3, 7], None),
            Err(End::Recorded(Outcome::Conflict, ..))
        ));
        assert!(matches!(
            m.links_to_create(&[4, 3]),
            Err(End::Closed(Outcome::Conflict, _))
        ));
        assert!(matches!(
            m.judge(&[3], &[7], false, None),
            End::Recorded(Outcome::Applied, ..)
        ));
    }
}
