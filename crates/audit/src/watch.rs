//! What is new since a check the person saw: findings keep their identity (kind + subject) across checks, so a later
//! check is compared with a baseline, the findings of the earlier check and those that were there once and went
//! away. New: not in the baseline at all; regressed ("wieder aufgetreten"): fixed once, back again; fixed: gone since.
//! An incomplete check (an assumption failed, a read broke off) is never compared: partial data must not say "new"
//! or "fixed". The app's scheduled checks and `oo-check audit --new-since` use the same comparison.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::finding::FindingKind;
use crate::history::FindingRef;
use crate::text::Text;

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

/// What the watch remembers of an account between scheduled checks (persisted with its settings).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchState {
    /// The account this memory belongs to (the journal's account id); another account starts afresh.
    #[serde(default)]
    pub account: String,
    /// When the last scheduled check started (local time, "YYYY-MM-DDTHH:MM:SS"), or when watching was switched on.
    #[serde(default)]
    pub last_run: Option<String>,
    /// The last check the person saw: what is new is new against this.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub seen: Option<Baseline>,
    /// What is new or back again since `seen` (as of the last scheduled check), for the "Neu seit …" list.
    #[serde(default)]
    pub news: Vec<FindingRef>,
    #[serde(default)]
    pub regressed: Vec<FindingRef>,
    /// When `seen` was taken (UTC, RFC 3339): "Neu seit …".
    #[serde(default)]
    pub seen_at: Option<String>,
    /// News already notified: a later check notifies only what came since.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub notified: BTreeSet<FindingRef>,
    /// The kind of failure last notified; cleared by a check that works. Each kind is notified once.
    #[serde(default)]
    pub failure: Option<String>,
    /// How the last scheduled check ended, in words (the tray's tooltip).
    #[serde(default)]
    pub last_outcome: Option<Text>,
    /// The account's row in "Alle Konten", as its last check (scheduled or in the window) left it.
    #[serde(default)]
    pub last_check: Option<crate::fleet::AccountRow>,
}

/// What to tell the person after a scheduled check: nothing, or one notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: Text,
    pub body: Text,
}

impl WatchState {
    /// Makes this the memory of `account`: another account's baseline, news and failures are dropped (the time of
    /// the last run stays: it belongs to the schedule).
    pub fn for_account(&mut self, account: &str) {
        if self.account != account {
            *self = WatchState {
                account: account.to_string(),
                last_run: self.last_run.take(),
                ..WatchState::default()
            };
        }
    }

    /// The person saw a checklist in the window: it becomes the baseline, unless news the person has not marked as
    /// seen is waiting (the "Neu seit …" list stays until "Gesehen"). Incomplete checks are never a baseline.
    pub fn shown(&mut self, now: &BTreeSet<FindingRef>, complete: bool, at: &str) {
        if complete && self.news.is_empty() && self.regressed.is_empty() {
            self.seen_now(now, at);
        }
    }

    /// The person looked at this check: it becomes what later checks are compared with.
    pub fn seen_now(&mut self, now: &BTreeSet<FindingRef>, at: &str) {
        let base = self.seen.clone().unwrap_or_default().after(now);
        self.seen = Some(base);
        self.seen_at = Some(at.to_string());
        self.news.clear();
        self.regressed.clear();
        self.notified.clear();
    }

    /// After a scheduled check that ran to the end: what is new since the person last looked, and a notice for
    /// what was not notified before (none when nothing new came). An incomplete check changes nothing and says
    /// nothing. The first check ever becomes the baseline without news.
    pub fn after_check(
        &mut self,
        now: &BTreeSet<FindingRef>,
        complete: bool,
        at: &str,
    ) -> Option<Notice> {
        self.after_check_named(now, complete, at, &BTreeMap::new())
    }

    /// `after_check` with the findings' names (`history::labels`): the notice names the listings whose enquiries
    /// go unanswered ("Anfragen ohne Antwort auf 2 Objekten: Helle 3-Zimmer-Wohnung in Leipzig, …").
    pub fn after_check_named(
        &mut self,
        now: &BTreeSet<FindingRef>,
        complete: bool,
        at: &str,
        names: &BTreeMap<FindingRef, String>,
    ) -> Option<Notice> {
        self.failure = None;
        let Some(seen) = self.seen.clone() else {
            if complete {
                self.seen_now(now, at);
            }
            return None;
        };
        let changes = compare(&seen, now, complete)?;
        self.news = changes.new.clone();
        self.regressed = changes.regressed.clone();
        let fresh: Vec<FindingRef> = changes
            .new
            .iter()
            .chain(&changes.regressed)
            .filter(|f| !self.notified.contains(f))
            .copied()
            .collect();
        // What is gone is no longer news; what is left stays notified.
        let still: BTreeSet<FindingRef> = changes
            .new
            .iter()
            .chain(&changes.regressed)
            .copied()
            .collect();
        self.notified.retain(|f| still.contains(f));
        if fresh.is_empty() {
            return None;
        }
        self.notified.extend(fresh.iter().copied());
        let regressed: Vec<FindingRef> = fresh
            .iter()
            .filter(|f| changes.regressed.contains(f))
            .copied()
            .collect();
        let new: Vec<FindingRef> = fresh
            .iter()
            .filter(|f| !changes.regressed.contains(f))
            .copied()
            .collect();
        Some(Notice {
            title: Text::new(
                "Agent-Check: Neues in onOffice",
                "Agent-Check: something new in onOffice",
            ),
            body: named_news_text(&new, &regressed, names),
        })
    }

    /// After a scheduled check that failed (`kind`: the failure's kind, e.g. "credentials", `text`: what to do):
    /// a notice the first time this kind fails, none while it keeps failing the same way.
    pub fn after_failure(&mut self, kind: &str, text: &Text) -> Option<Notice> {
        if self.failure.as_deref() == Some(kind) {
            return None;
        }
        self.failure = Some(kind.to_string());
        Some(Notice {
            title: Text::new(
                "Agent-Check: automatische Prüfung fehlgeschlagen",
                "Agent-Check: scheduled check failed",
            ),
            body: text.clone(),
        })
    }
}

/// A kind as a count of things in the person's words: singular and plural, German and English.
fn phrase(kind: FindingKind, n: usize) -> Text {
    let (one_de, many_de, one_en, many_en) = match kind {
        FindingKind::NoContact => (
            "neues Vermietungsobjekt ohne Ansprechpartner",
            "neue Vermietungsobjekte ohne Ansprechpartner",
            "new rental listing without contact person",
            "new rental listings without contact person",
        ),
        FindingKind::ContactNotSystemUser => (
            "Vermietungsobjekt mit einem Ansprechpartner, der kein Systembenutzer ist",
            "Vermietungsobjekte mit einem Ansprechpartner, der kein Systembenutzer ist",
            "rental listing whose contact person is no system user",
            "rental listings whose contact person is no system user",
        ),
        FindingKind::ContactNotReady => (
            "Vermietungsobjekt, dessen Ansprechpartner noch nicht bereit ist",
            "Vermietungsobjekte, deren Ansprechpartner noch nicht bereit sind",
            "rental listing whose contact person is not ready",
            "rental listings whose contact persons are not ready",
        ),
        FindingKind::NotMakler => (
            "neuer Benutzer ohne Makler",
            "neue Benutzer ohne Makler",
            "new user without Makler",
            "new users without Makler",
        ),
        FindingKind::NoEmail => (
            "Benutzer ohne Standard-E-Mail",
            "Benutzer ohne Standard-E-Mail",
            "user without default e-mail",
            "users without default e-mail",
        ),
        FindingKind::MailboxExternal => (
            "Benutzer mit externem Postfach",
            "Benutzer mit externem Postfach",
            "user with an external mailbox",
            "users with an external mailbox",
        ),
        FindingKind::UserAddressMissing => (
            "Benutzer ohne Systembenutzer-Adresse",
            "Benutzer ohne Systembenutzer-Adresse",
            "user without a system user address",
            "users without a system user address",
        ),
        FindingKind::MailBookingSilent => (
            "Postfach, dessen Anfragen offenbar nicht verbucht werden",
            "Postfächer, deren Anfragen offenbar nicht verbucht werden",
            "mailbox whose enquiries are apparently not booked",
            "mailboxes whose enquiries are apparently not booked",
        ),
        FindingKind::MailBookingUnconfirmed => (
            "Postfach, dessen Mailverbuchung zu bestätigen ist",
            "Postfächer, deren Mailverbuchung zu bestätigen ist",
            "mailbox whose mail booking needs confirming",
            "mailboxes whose mail booking needs confirming",
        ),
        other => {
            let t = other.title();
            return Text::new(format!("{n} × {}", t.de), format!("{n} × {}", t.en));
        }
    };
    if n == 1 {
        Text::new(format!("1 {one_de}"), format!("1 {one_en}"))
    } else {
        Text::new(format!("{n} {many_de}"), format!("{n} {many_en}"))
    }
}

/// "2 neue Vermietungsobjekte ohne Ansprechpartner, 1 neuer Benutzer ohne Makler"; what is back again follows
/// ("wieder aufgetreten: …").
pub fn news_text(new: &[FindingRef], regressed: &[FindingRef]) -> Text {
    let counted = |list: &[FindingRef]| {
        let mut counts: Vec<(FindingKind, usize)> = Vec::new();
        // The listings first: they are what the rental agent loses enquiries on.
        let listings = [
            FindingKind::NoContact,
            FindingKind::ContactNotSystemUser,
            FindingKind::ContactNotReady,
        ];
        let order = listings.into_iter().chain(
            FindingKind::ALL
                .into_iter()
                .filter(|k| !listings.contains(k)),
        );
        for kind in order {
            let n = list.iter().filter(|f| f.kind == kind).count();
            if n > 0 {
                counts.push((kind, n));
            }
        }
        let parts: Vec<Text> = counts.into_iter().map(|(k, n)| phrase(k, n)).collect();
        Text::new(
            parts
                .iter()
                .map(|t| t.de.clone())
                .collect::<Vec<_>>()
                .join(", "),
            parts
                .iter()
                .map(|t| t.en.clone())
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    let (a, b) = (counted(new), counted(regressed));
    match (new.is_empty(), regressed.is_empty()) {
        (false, true) => a,
        (true, false) => Text::new(
            format!("Wieder aufgetreten: {}", b.de),
            format!("Back again: {}", b.en),
        ),
        _ => Text::new(
            format!("{}; wieder aufgetreten: {}", a.de, b.de),
            format!("{}; back again: {}", a.en, b.en),
        ),
    }
}

/// Whether a finding says enquiries go unanswered (read from the Maklerbuch).
fn is_unanswered(f: &FindingRef) -> bool {
    matches!(
        f.kind,
        FindingKind::EnquiriesUnanswered | FindingKind::MailboxUnanswered
    )
}

/// `news_text` with the listings and mailboxes whose enquiries go unanswered named first, by `names`
/// ("Anfragen ohne Antwort (Anzeichen): Helle 3-Zimmer-Wohnung in Leipzig (M-10022), Julia Schmid, …").
pub fn named_news_text(
    new: &[FindingRef],
    regressed: &[FindingRef],
    names: &BTreeMap<FindingRef, String>,
) -> Text {
    let unanswered: Vec<String> = new
        .iter()
        .chain(regressed)
        .filter(|f| is_unanswered(f))
        .map(|f| names.get(f).cloned().unwrap_or_else(|| f.kind.title().de))
        .collect();
    let rest = |list: &[FindingRef]| -> Vec<FindingRef> {
        list.iter().filter(|f| !is_unanswered(f)).copied().collect()
    };
    let (new_rest, back_rest) = (rest(new), rest(regressed));
    let others =
        (!new_rest.is_empty() || !back_rest.is_empty()).then(|| news_text(&new_rest, &back_rest));
    if unanswered.is_empty() {
        return others.unwrap_or_default();
    }
    let shown = unanswered
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if unanswered.len() > 3 { ", …" } else { "" };
    let first = Text::new(
        format!("Anfragen ohne Antwort (Anzeichen): {shown}{more}"),
        format!("Enquiries without a reply (a sign): {shown}{more}"),
    );
    match others {
        None => first,
        Some(o) => Text::new(
            format!("{}; {}", first.de, o.de),
            format!("{}; {}", first.en, o.en),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::Subject;

    #[test]
    fn unanswered_enquiries_are_notified_once_by_name_and_an_answer_clears_them() {
        let listing = f(FindingKind::EnquiriesUnanswered, 7);
        let other = f(FindingKind::NoContact, 8);
        let names: BTreeMap<FindingRef, String> = [
            (
                listing,
                "Helle 3-Zimmer-Wohnung in Leipzig (M-10022)".to_string(),
            ),
            (other, "Dachgeschoss in Köln".to_string()),
        ]
        .into();
        let mut w = WatchState::default();
        assert_eq!(w.after_check_named(&set(&[]), true, "t0", &names), None);
        let n = w
            .after_check_named(&set(&[listing, other]), true, "t1", &names)
            .unwrap();
        assert_eq!(
            n.body.de,
            "Anfragen ohne Antwort (Anzeichen): Helle 3-Zimmer-Wohnung in Leipzig (M-10022); 1 neues Vermietungsobjekt ohne Ansprechpartner"
        );
        // Still unanswered at the next check: not told again.
        assert_eq!(
            w.after_check_named(&set(&[listing, other]), true, "t2", &names),
            None
        );
        // Answered: gone, and nothing to tell.
        assert_eq!(
            w.after_check_named(&set(&[other]), true, "t3", &names),
            None
        );
        assert!(!w.news.contains(&listing));
        // Four at once: three named, the rest left out.
        let many: Vec<FindingRef> = (10..14)
            .map(|e| f(FindingKind::EnquiriesUnanswered, e))
            .collect();
        let text = named_news_text(&many, &[], &BTreeMap::new());
        assert!(text.de.ends_with(", …"), "{}", text.de);
        assert_eq!(
            named_news_text(&[other], &[], &names),
            news_text(&[other], &[])
        );
    }

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
    fn new_alone_or_regressed_alone_is_news() {
        let x = f(FindingKind::NoContact, 1);
        let only_new = Changes {
            new: vec![x],
            ..Changes::default()
        };
        let only_back = Changes {
            regressed: vec![x],
            ..Changes::default()
        };
        assert!(only_new.has_news() && only_back.has_news());
        assert!(!Changes::default().has_news());
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
    fn one_notice_per_news_and_silence_when_nothing_new() {
        let a = f(FindingKind::NoContact, 1);
        let b = f(FindingKind::NoContact, 2);
        let u = FindingRef {
            kind: FindingKind::NotMakler,
            subject: Subject::Address(9),
        };
        let mut w = WatchState::default();
        // The first check is the baseline: nothing is "new".
        assert_eq!(w.after_check(&set(&[a]), true, "t0"), None);
        assert_eq!(w.seen_at.as_deref(), Some("t0"));
        // Nothing changed: no notice.
        assert_eq!(w.after_check(&set(&[a]), true, "t1"), None);
        // Two new listings and a new user: one notice naming counts and kinds.
        let c = f(FindingKind::NoContact, 3);
        let n = w.after_check(&set(&[a, b, c, u]), true, "t2").unwrap();
        assert_eq!(
            n.body.de,
            "2 neue Vermietungsobjekte ohne Ansprechpartner, 1 neuer Benutzer ohne Makler"
        );
        assert_eq!(
            n.body.en,
            "2 new rental listings without contact person, 1 new user without Makler"
        );
        assert_eq!(w.news, vec![u, b, c], "in the order of finding kinds");
        // The same news the next morning: no second notice, the list still shows them.
        assert_eq!(w.after_check(&set(&[a, b, c, u]), true, "t3"), None);
        assert_eq!(w.news.len(), 3);
        // An incomplete check: nothing said, nothing changed.
        assert_eq!(w.after_check(&set(&[a]), false, "t4"), None);
        assert_eq!(w.news.len(), 3);
        // The person looks: the list empties, and the same findings are not news any more.
        w.seen_now(&set(&[a, b, c, u]), "t5");
        assert!(w.news.is_empty() && w.notified.is_empty());
        assert_eq!(w.after_check(&set(&[a, b, c, u]), true, "t6"), None);
        // b fixed, then back: "wieder aufgetreten".
        assert_eq!(w.after_check(&set(&[a, c, u]), true, "t7"), None);
        w.seen_now(&set(&[a, c, u]), "t8");
        let back = w.after_check(&set(&[a, b, c, u]), true, "t9").unwrap();
        assert_eq!(
            back.body.de,
            "Wieder aufgetreten: 1 neues Vermietungsobjekt ohne Ansprechpartner"
        );
        assert_eq!(w.regressed, vec![b]);
    }

    #[test]
    fn another_account_starts_afresh_and_a_shown_checklist_is_the_baseline_unless_news_waits() {
        let a = f(FindingKind::NoContact, 1);
        let b = f(FindingKind::NoContact, 2);
        let mut w = WatchState::default();
        w.for_account("acc-1");
        w.shown(&set(&[a]), true, "t0");
        assert_eq!(w.seen.as_ref().unwrap().present, set(&[a]));
        // Not from an incomplete check.
        w.shown(&set(&[]), false, "t1");
        assert_eq!(w.seen.as_ref().unwrap().present, set(&[a]));
        assert!(w.after_check(&set(&[a, b]), true, "t2").is_some());
        // News waits: showing the checklist does not swallow it.
        w.shown(&set(&[a, b]), true, "t3");
        assert_eq!(w.news, vec![b]);
        w.last_run = Some("2026-12-01T08:00:00".into());
        w.failure = Some("network".into());
        w.for_account("acc-1");
        assert_eq!(w.news, vec![b], "the same account keeps its memory");
        w.for_account("acc-2");
        assert!(w.news.is_empty() && w.seen.is_none() && w.failure.is_none());
        assert_eq!(w.last_run.as_deref(), Some("2026-12-01T08:00:00"));
        assert_eq!(w.account, "acc-2");
    }

    #[test]
    fn a_failure_is_notified_once_per_kind_until_a_check_works() {
        let mut w = WatchState::default();
        let why = Text::new("Zugangsdaten prüfen", "check the credentials");
        assert!(w.after_failure("credentials", &why).is_some());
        assert!(w.after_failure("credentials", &why).is_none());
        assert!(
            w.after_failure("network", &why).is_some(),
            "another kind is told"
        );
        assert!(w.after_failure("network", &why).is_none());
        w.after_check(&BTreeSet::new(), true, "t");
        assert!(
            w.after_failure("network", &why).is_some(),
            "again after a check that worked"
        );
    }

    #[test]
    fn news_of_both_kinds_in_one_line() {
        let t = news_text(
            &[f(FindingKind::ContactNotSystemUser, 1)],
            &[f(FindingKind::NoContact, 2), f(FindingKind::NoContact, 3)],
        );
        assert_eq!(
            t.de,
            "1 Vermietungsobjekt mit einem Ansprechpartner, der kein Systembenutzer ist; wieder aufgetreten: 2 neue Vermietungsobjekte ohne Ansprechpartner"
        );
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
