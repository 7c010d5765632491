//! What is left, and who acts next: every open finding of a report belongs to exactly one part (Agent-Check in one
//! click, a choice the person makes, a confirmation only the person can give, onOffice, the rental agent, the
//! portals). Every number a
//! surface shows (the header, "Alle beheben", the preview, the result, the tray, the reports, `oo-check`) is a
//! part's `count` from here. Pure: no I/O, the report is all it needs.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingKind};
use crate::fix::PlanChoices;
use crate::history::FindingRef;
use crate::snapshot::MaklerKey;
use crate::subject::Subject;
use crate::text::Text;
use crate::{text, AuditReport};

/// Who acts next on an open finding.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Agent-Check writes it with one click ("Alle beheben").
    App,
    /// A choice the person makes in the app first (which contact person, which e-mail, which Makler value).
    Choice,
    /// A confirmation only the person can give (the blue tick of a mailbox).
    Confirm,
    /// Only onOffice can do it: a click path, support, or sales.
    OnOffice,
    /// The rental agent's setup or its support: listings or mailboxes whose enquiries go unanswered.
    Agent,
    /// The listings to re-transfer to the portals.
    Portals,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::App,
        Part::Choice,
        Part::Confirm,
        Part::OnOffice,
        Part::Agent,
        Part::Portals,
    ];

    /// What is left of this part, in one phrase that names who acts ("2 warten auf Ihre Wahl").
    pub fn open(self, n: usize) -> Text {
        match (self, n) {
            (Part::App, 1) => Text::new(
                "1 Änderung schreibt Agent-Check mit einem Klick",
                "1 change Agent-Check writes in one click",
            ),
            (Part::App, n) => text!(
                "{n} Änderungen schreibt Agent-Check mit einem Klick",
                "{n} changes Agent-Check writes in one click"
            ),
            (Part::Choice, 1) => Text::new("1 wartet auf Ihre Wahl", "1 waits for your choice"),
            (Part::Choice, n) => text!("{n} warten auf Ihre Wahl", "{n} wait for your choice"),
            (Part::Confirm, 1) => Text::new(
                "1 Postfach wartet auf Ihre Bestätigung",
                "1 mailbox waits for your confirmation",
            ),
            (Part::Confirm, n) => text!(
                "{n} Postfächer warten auf Ihre Bestätigung",
                "{n} mailboxes wait for your confirmation"
            ),
            (Part::OnOffice, 1) => Text::new(
                "1 Punkt nur in onOffice zu lösen",
                "1 point only onOffice can resolve",
            ),
            (Part::OnOffice, n) => text!(
                "{n} Punkte nur in onOffice zu lösen",
                "{n} points only onOffice can resolve"
            ),
            (Part::Agent, 1) => Text::new(
                "1 Anzeichen beim Mietagenten zu klären",
                "1 sign to clear up with the rental agent",
            ),
            (Part::Agent, n) => text!(
                "{n} Anzeichen beim Mietagenten zu klären",
                "{n} signs to clear up with the rental agent"
            ),
            (Part::Portals, 1) => Text::new(
                "1 Objekt neu an die Portale übertragen",
                "1 listing to re-transfer to the portals",
            ),
            (Part::Portals, n) => text!(
                "{n} Objekte neu an die Portale übertragen",
                "{n} listings to re-transfer to the portals"
            ),
        }
    }
}

/// One part: what surfaces count, the findings someone acts on, and those that go by themselves once they are done.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLeft {
    /// The number every surface shows: for `app` the changes "Alle beheben" writes, for `confirm` the mailboxes, for
    /// `agent` the listings and mailboxes with a sign (a shared mailbox once), for the others the findings in `act`.
    pub count: usize,
    /// The findings someone acts on in this part.
    pub act: Vec<FindingRef>,
    /// Findings that follow: a listing whose contact person is not ready goes once its contact is put right.
    pub follow: Vec<FindingRef>,
    /// What is left of it in words ([`Part::open`]), for the screens; empty when `count` is 0.
    pub said: Text,
}

/// What is left of a report, by who acts next. Every open finding is in exactly one part's `act` or `follow`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Left {
    pub app: PartLeft,
    pub choice: PartLeft,
    pub confirm: PartLeft,
    pub on_office: PartLeft,
    /// Unanswered enquiries: the rental agent's setup (older reports have none).
    #[serde(default)]
    pub agent: PartLeft,
    pub portals: PartLeft,
    /// The finish line in one sentence ([`Left::summary`]), for the screens.
    pub said: Text,
}

impl Left {
    pub fn part(&self, part: Part) -> &PartLeft {
        match part {
            Part::App => &self.app,
            Part::Choice => &self.choice,
            Part::Confirm => &self.confirm,
            Part::OnOffice => &self.on_office,
            Part::Agent => &self.agent,
            Part::Portals => &self.portals,
        }
    }

    fn part_mut(&mut self, part: Part) -> &mut PartLeft {
        match part {
            Part::App => &mut self.app,
            Part::Choice => &mut self.choice,
            Part::Confirm => &mut self.confirm,
            Part::OnOffice => &mut self.on_office,
            Part::Agent => &mut self.agent,
            Part::Portals => &mut self.portals,
        }
    }

    pub fn count(&self, part: Part) -> usize {
        self.part(part).count
    }

    /// Nothing left in any part: the only state in which "Alles erledigt" may be said.
    pub fn all_done(&self) -> bool {
        Part::ALL.iter().all(|p| self.count(*p) == 0)
    }

    /// The part a finding belongs to.
    pub fn part_of(&self, finding: FindingRef) -> Option<Part> {
        Part::ALL.into_iter().find(|p| {
            let part = self.part(*p);
            part.act.contains(&finding) || part.follow.contains(&finding)
        })
    }

    /// The finish line in one sentence: "Alles erledigt." only when every part is zero, otherwise what is left and
    /// who acts ("27 Änderungen schreibt Agent-Check mit einem Klick · 2 warten auf Ihre Wahl").
    pub fn summary(&self) -> Text {
        let open: Vec<Text> = Part::ALL
            .into_iter()
            .filter(|p| self.count(*p) > 0)
            .map(|p| p.open(self.count(p)))
            .collect();
        if open.is_empty() {
            return Text::new("Alles erledigt.", "All done.");
        }
        let join = |f: fn(&Text) -> &String| {
            open.iter()
                .map(|t| f(t).as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        };
        Text::new(join(|t| &t.de), join(|t| &t.en))
    }
}

/// Sorts the findings of a report into the parts (see [`Left`]).
pub fn of(report: &AuditReport) -> Left {
    let waiting = waiting_for_choice(report);
    let mut left = Left::default();
    let mut mailboxes: BTreeSet<String> = BTreeSet::new();
    let mut agent_signs: BTreeSet<String> = BTreeSet::new();
    let part_of = |f: &Finding| direct_part(f, &report.makler, &waiting);
    for f in &report.findings {
        let r = FindingRef {
            kind: f.kind,
            subject: f.subject,
        };
        if f.kind == FindingKind::ContactNotReady {
            if let Some(part) = blocker_part(report, f.subject, &part_of) {
                left.part_mut(part).follow.push(r);
                continue;
            }
        }
        // Without a Makler value no fix can make a broker: what waits for it follows the value's part (the
        // person's choice among look-alikes, or onOffice's support when there is none).
        if waiting.contains(&r) && report.makler.key().is_none() {
            left.part_mut(makler_part(&report.makler)).follow.push(r);
            continue;
        }
        let part = part_of(f);
        if f.kind == FindingKind::MailBookingUnconfirmed {
            mailboxes
                .insert(mailbox_of(report, f.subject).unwrap_or_else(|| f.subject.to_string()));
        }
        // A mailbox two system users share is one sign, not two.
        if matches!(
            f.kind,
            FindingKind::EnquiriesUnanswered | FindingKind::MailboxUnanswered
        ) {
            agent_signs
                .insert(mailbox_of(report, f.subject).unwrap_or_else(|| f.subject.to_string()));
        }
        left.part_mut(part).act.push(r);
    }
    left.app.count = changes_in_one_click(report);
    left.choice.count = left.choice.act.len();
    left.confirm.count = mailboxes.len();
    left.on_office.count = left.on_office.act.len();
    left.agent.count = agent_signs.len();
    left.portals.count = left.portals.act.len();
    for part in Part::ALL {
        let n = left.count(part);
        if n > 0 {
            left.part_mut(part).said = part.open(n);
        }
    }
    left.said = left.summary();
    left
}

/// The plan "Alle beheben" makes without any answer from the person.
fn one_click_plan(report: &AuditReport) -> crate::FixPlan {
    let fixable: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind.is_fixable())
        .collect();
    crate::fix::plan(&report.snapshot, &fixable, &PlanChoices::default())
}

/// How many changes "Alle beheben" writes.
pub fn changes_in_one_click(report: &AuditReport) -> usize {
    one_click_plan(report).items.len()
}

/// The fixable findings that wait for the person's answer before a plan can fix them.
fn waiting_for_choice(report: &AuditReport) -> BTreeSet<FindingRef> {
    one_click_plan(report)
        .needs_input
        .iter()
        .map(|n| FindingRef {
            kind: n.kind,
            subject: n.subject,
        })
        .collect()
}

/// Who provides a missing Makler value: the person, choosing among values that read like one, else onOffice.
fn makler_part(makler: &MaklerKey) -> Part {
    match makler {
        MaklerKey::Missing { candidates } if candidates.is_empty() => Part::OnOffice,
        _ => Part::Choice,
    }
}

/// The part of a finding by its own kind (a listing whose contact is not ready goes with its contact instead).
fn direct_part(f: &Finding, makler: &MaklerKey, waiting: &BTreeSet<FindingRef>) -> Part {
    let r = FindingRef {
        kind: f.kind,
        subject: f.subject,
    };
    match f.kind {
        _ if f.kind.is_fixable() && waiting.contains(&r) => Part::Choice,
        _ if f.kind.is_fixable() => Part::App,
        FindingKind::MaklerKeyMissing => makler_part(makler),
        FindingKind::MailBookingUnconfirmed => Part::Confirm,
        FindingKind::PortalTransferPending => Part::Portals,
        FindingKind::EnquiriesUnanswered | FindingKind::MailboxUnanswered => Part::Agent,
        _ => Part::OnOffice,
    }
}

/// Who puts right the contact person a not-ready listing waits for: onOffice if any of the contact's open points
/// needs onOffice, else the person's choice, else Agent-Check. `None`: the contact has no open point of its own.
fn blocker_part(
    report: &AuditReport,
    listing: Subject,
    part_of: &dyn Fn(&Finding) -> Part,
) -> Option<Part> {
    let Subject::Estate(estate) = listing else {
        return None;
    };
    let contact = report
        .listings
        .iter()
        .find(|l| l.estate_id == estate)?
        .first_contact_id?;
    let parts: BTreeSet<Part> = report
        .findings
        .iter()
        .filter(|f| f.subject == Subject::Address(contact))
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::NotMakler | FindingKind::NoEmail | FindingKind::MailboxExternal
            )
        })
        .map(part_of)
        .collect();
    [Part::OnOffice, Part::Choice, Part::App]
        .into_iter()
        .find(|p| parts.contains(p))
}

/// The mailbox (lower-case e-mail) of a system user address, as the report's mailbox list has it.
fn mailbox_of(report: &AuditReport, subject: Subject) -> Option<String> {
    let Subject::Address(address) = subject else {
        return None;
    };
    let by_address: BTreeMap<u64, &str> = report
        .mailboxes
        .iter()
        .flat_map(|m| m.addresses.iter().map(move |a| (*a, m.email.as_str())))
        .collect();
    by_address.get(&address).map(|e| e.trim().to_lowercase())
}

#[cfg(test)]
pub(crate) mod tests;
