//! What is new since a check the person saw: findings keep their identity (kind + subject) across checks, so a later
//! check is compared with a baseline, the findings of the earlier check and those that were there once and went
//! away. New: not in the baseline at all; regressed ("wieder aufgetreten"): fixed once, back again; fixed: gone since.
//! An incomplete check (an assumption failed, a read broke off) is never compared: partial data must not say "new"
//! or "fixed". The app's scheduled checks and `oo-check audit --new-since` use the same comparison.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::finding::FindingKind;
use crate::history::FindingRef;

/// What a later check is compared with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The findings of the check the baseline was taken from.
    pub present: BTreeSet<FindingRef>,
    /// Findings that were there at an earlier check and are gone: back again, they are "regressed", not "new".
    #[serde(default)]
    pub resolved: BTreeSet<FindingRef>,
}

impl Baseline {
    /// The baseline after a complete check with findings `now`: what is gone joins the resolved, what is back
    /// leaves them.
    pub fn after(&self, now: &BTreeSet<FindingRef>) -> Baseline {
        Baseline {
            present: now.clone(),
            resolved: self
                .resolved
                .union(&self.present)
                .filter(|f| !now.contains(f))
                .copied()
                .collect(),
        }
    }
}

/// How a check differs from its baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub new: Vec<FindingRef>,
    pub regressed: Vec<FindingRef>,
    pub fixed: Vec<FindingRef>,
}

impl Changes {
    /// Whether there is something to tell the person (fixed findings alone are no news).
    pub fn has_news(&self) -> bool {
        !self.new.is_empty() || !self.regressed.is_empty()
    }
}

/// Findings that arise from the person's own doing, never news: a listing waiting for the re-transfer a fix asked for.
fn is_news_kind(kind: FindingKind) -> bool {
    kind != FindingKind::PortalTransferPending
}

/// Compares a check (`now`, and whether it was `complete`) with a baseline; `None` for an incomplete check.
pub fn compare(base: &Baseline, now: &BTreeSet<FindingRef>, complete: bool) -> Option<Changes> {
    if !complete {
        return None;
    }
    let mut changes = Changes::default();
    for f in now.iter().filter(|f| !base.present.contains(f)) {
        if !is_news_kind(f.kind) {
            continue;
        }
        if base.resolved.contains(f) {
            changes.regressed.push(*f);
        } else {
            changes.new.push(*f);
        }
    }
    changes.fixed = base.present.difference(now).copied().collect();
    Some(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::Subject;

    fn f(kind: FindingKind, estate: u64) -> FindingRef {
        FindingRef {
            kind,
            subject: Subject::Estate(estate),
        }
    }
    fn set(items: &[FindingRef]) -> BTreeSet<FindingRef> {
        items.iter().copied().collect()
    }

    #[test]
    fn new_regressed_and_fixed_are_told_apart() {
        let a = f(FindingKind::NoContact, 1);
        let b = f(FindingKind::NoContact, 2);
        let c = f(FindingKind::ContactNotSystemUser, 3);
        let d = f(FindingKind::NoContact, 4);
        let base = Baseline {
            present: set(&[a, b]),
            resolved: set(&[c]),
        };
        let changes = compare(&base, &set(&[a, c, d]), true).unwrap();
        assert_eq!(changes.new, vec![d]);
        assert_eq!(changes.regressed, vec![c]);
        assert_eq!(changes.fixed, vec![b]);
        assert!(changes.has_news());
    }

    #[test]
    fn nothing_new_is_no_news_even_with_fixes() {
        let a = f(FindingKind::NoContact, 1);
        let b = f(FindingKind::NoContact, 2);
        let base = Baseline {
            present: set(&[a, b]),
            resolved: BTreeSet::new(),
        };
        let same = compare(&base, &set(&[a, b]), true).unwrap();
        assert_eq!(same, Changes::default());
        assert!(!same.has_news());
        let fewer = compare(&base, &set(&[a]), true).unwrap();
        assert_eq!(fewer.fixed, vec![b]);
        assert!(!fewer.has_news());
    }

    #[test]
    fn an_incomplete_check_is_never_compared() {
        let base = Baseline::default();
        assert_eq!(
            compare(&base, &set(&[f(FindingKind::NoContact, 1)]), false),
            None
        );
    }

    #[test]
    fn a_re_transfer_the_person_caused_is_no_news() {
        let t = f(FindingKind::PortalTransferPending, 1);
        let changes = compare(&Baseline::default(), &set(&[t]), true).unwrap();
        assert!(!changes.has_news(), "{changes:?}");
    }

    #[test]
    fn the_baseline_remembers_what_went_away_until_it_is_back() {
        let a = f(FindingKind::NoContact, 1);
        let b = f(FindingKind::NoContact, 2);
        let c = f(FindingKind::NoContact, 3);
        let base = Baseline {
            present: set(&[a, b]),
            resolved: set(&[c]),
        };
        let next = base.after(&set(&[a]));
        assert_eq!(next.present, set(&[a]));
        assert_eq!(next.resolved, set(&[b, c]));
        // b comes back: regressed once, then present again and no longer among the resolved.
        assert_eq!(
            compare(&next, &set(&[a, b]), true).unwrap().regressed,
            vec![b]
        );
        let again = next.after(&set(&[a, b]));
        assert_eq!(again.resolved, set(&[c]));
    }
}
