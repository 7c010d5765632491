//! The finish line's sentence and the part lookup of `left`.

use super::*;
use std::collections::BTreeSet;

fn r(kind: FindingKind, id: u64) -> FindingRef {
    FindingRef {
        kind,
        subject: Subject::Estate(id),
    }
}

#[test]
fn all_done_only_when_every_part_is_zero() {
    let mut left = Left::default();
    assert!(left.all_done());
    assert_eq!(left.summary(), Text::new("Alles erledigt.", "All done."));
    for part in Part::ALL {
        let mut l = Left::default();
        l.part_mut(part).count = 1;
        assert!(!l.all_done(), "{part:?}");
        assert!(!l.summary().de.contains("erledigt"), "{part:?}");
    }
    left.portals.count = 34;
    left.app.count = 1;
    left.choice.count = 2;
    assert_eq!(
        left.summary().de,
        "1 Änderung schreibt Agent-Check mit einem Klick · 2 warten auf Ihre Wahl · \
         34 Objekte neu an die Portale übertragen"
    );
    assert_eq!(
        left.summary().en,
        "1 change Agent-Check writes in one click · 2 wait for your choice · \
         34 listings to re-transfer to the portals"
    );
}

#[test]
fn every_part_names_who_acts_in_both_languages() {
    for part in Part::ALL {
        for n in [1, 7] {
            let t = part.open(n);
            assert!(t.de.starts_with(&n.to_string()), "{t:?}");
            assert!(t.en.starts_with(&n.to_string()), "{t:?}");
            assert_ne!(t.de, t.en);
        }
        assert_ne!(part.open(1), part.open(2));
    }
    assert!(Part::Confirm.open(8).de.contains("Postfächer"));
    assert!(Part::OnOffice.open(3).de.contains("onOffice"));
}

#[test]
fn part_of_finds_acted_on_and_following_findings() {
    let mut left = Left::default();
    left.app.act.push(r(FindingKind::NoContact, 1));
    left.on_office
        .follow
        .push(r(FindingKind::ContactNotReady, 2));
    assert_eq!(left.part_of(r(FindingKind::NoContact, 1)), Some(Part::App));
    assert_eq!(
        left.part_of(r(FindingKind::ContactNotReady, 2)),
        Some(Part::OnOffice)
    );
    assert_eq!(left.part_of(r(FindingKind::NoContact, 3)), None);
    for part in Part::ALL {
        left.part_mut(part).count = 5;
        assert_eq!(left.count(part), 5);
        assert_eq!(left.part(part).count, 5);
    }
}

#[test]
fn a_missing_makler_value_is_the_persons_choice_only_when_values_look_like_one() {
    let none = MaklerKey::Missing { candidates: vec![] };
    assert_eq!(makler_part(&none), Part::OnOffice);
    let some = MaklerKey::Missing {
        candidates: vec![crate::snapshot::KeyChoice {
            key: "Mitarbeiter".into(),
            label: "Mitarbeiter".into(),
        }],
    };
    assert_eq!(makler_part(&some), Part::Choice);
}

/// A small report as the engine serialises it: two system users sharing one mailbox, both unconfirmed, a user
/// without the Makler key whose listing waits for it, and an external mailbox's user with a listing.
pub(crate) fn report() -> AuditReport {
    let finding = |kind: &str, subject: &str, label: &str, fix: bool| {
        let resolution = if fix {
            serde_json::json!({"type": "fix", "fix": "add_makler_key"})
        } else {
            serde_json::json!({"type": "manual", "click_path": {"de": "", "en": ""}, "steps": [], "support": null, "help_url": null})
        };
        serde_json::json!({
            "kind": kind, "subject": subject, "subject_label": label, "severity": "error",
            "title": {"de": "", "en": ""}, "seen": {"de": "", "en": ""}, "expected": {"de": "", "en": ""},
            "resolution": resolution,
        })
    };
    let listing = |id: u64, contact: u64, kind: &str| {
        serde_json::json!({
            "estate_id": id, "title": "Wohnung", "external_no": "M-1", "city": "Köln", "officer": null,
            "first_contact": "X", "first_contact_id": contact, "skipped_contacts": [], "findings": [kind],
        })
    };
    let mailbox = serde_json::json!({
        "email": "Team@Firma.de", "kind": {"kind": "microsoft365"}, "addresses": [1, 2], "names": ["A", "B"],
        "confirmed": null, "evidence": {"verdict": "unknown", "why": "no_listings"}, "verdict": {"verdict": "to_confirm"},
    });
    serde_json::from_value(serde_json::json!({
        "findings": [
            finding("user.mail_booking_unconfirmed", "address:1", "Anna", false),
            finding("user.mail_booking_unconfirmed", "address:2", "Bernd", false),
            finding("user.not_makler", "address:3", "Carla", true),
            finding("user.mailbox_external", "address:4", "Dieter", false),
            finding("estate.contact_not_ready", "estate:10", "Wohnung bei Carla", false),
            finding("estate.contact_not_ready", "estate:11", "Wohnung bei Dieter", false),
        ],
        "users": [], "user_checks": [], "mailboxes": [mailbox],
        "listings": [listing(10, 3, "estate.contact_not_ready"), listing(11, 4, "estate.contact_not_ready")],
        "makler": {"status": "found", "key": "Makler", "label": "Makler"},
        "stats": {"elapsed_ms": 0, "requests": 0, "actions": 0, "users": 0, "system_addresses": 0, "rentals": 0,
                  "mailboxes_not_checked": 0},
        "assumptions": [], "complete": true,
    }))
    .unwrap()
}

#[test]
fn one_mailbox_counts_once_and_a_not_ready_listing_follows_its_contact() {
    let mut report = report();
    report.snapshot.makler = Some(report.makler.clone());
    let left = of(&report);
    // Two users, one mailbox: one confirmation.
    assert_eq!(left.confirm.act.len(), 2);
    assert_eq!(left.confirm.count, 1);
    assert_eq!(
        mailbox_of(&report, Subject::Address(2)),
        Some("team@firma.de".into())
    );
    assert_eq!(mailbox_of(&report, Subject::Address(9)), None);
    // Carla's listing goes with Agent-Check's fix of Carla; Dieter's with onOffice (his external mailbox).
    assert_eq!(
        left.part_of(r(FindingKind::ContactNotReady, 10)),
        Some(Part::App)
    );
    assert!(left
        .app
        .follow
        .contains(&r(FindingKind::ContactNotReady, 10)));
    assert!(left
        .on_office
        .follow
        .contains(&r(FindingKind::ContactNotReady, 11)));
    assert_eq!(left.on_office.count, 1, "Dieter's mailbox, not his listing");
    assert_eq!(
        blocker_part(&report, Subject::Estate(11), &|f| direct_part(
            f,
            &report.makler,
            &BTreeSet::new()
        )),
        Some(Part::OnOffice)
    );
    assert_eq!(
        blocker_part(&report, Subject::Address(3), &|_| Part::App),
        None
    );
    // Whom each finding is about, by name.
    let labels = crate::history::labels(&report);
    assert_eq!(labels.len(), 6);
    assert_eq!(
        labels.get(&FindingRef {
            kind: FindingKind::NotMakler,
            subject: Subject::Address(3)
        }),
        Some(&"Carla".to_string())
    );
}

#[test]
fn a_missing_makler_value_finding_goes_to_whoever_can_provide_it() {
    let report = report();
    let mut f = report.findings[0].clone();
    f.kind = FindingKind::MaklerKeyMissing;
    f.subject = Subject::Account;
    let some = MaklerKey::Missing {
        candidates: vec![crate::snapshot::KeyChoice {
            key: "Mitarbeiter".into(),
            label: "Mitarbeiter".into(),
        }],
    };
    let none = MaklerKey::Missing { candidates: vec![] };
    assert_eq!(direct_part(&f, &some, &BTreeSet::new()), Part::Choice);
    assert_eq!(direct_part(&f, &none, &BTreeSet::new()), Part::OnOffice);
}

#[test]
fn unanswered_enquiries_go_to_the_rental_agent() {
    let report = report();
    let none = MaklerKey::Missing { candidates: vec![] };
    for kind in [
        FindingKind::EnquiriesUnanswered,
        FindingKind::MailboxUnanswered,
    ] {
        let mut f = report.findings[0].clone();
        f.kind = kind;
        assert_eq!(direct_part(&f, &none, &BTreeSet::new()), Part::Agent);
    }
    assert!(Part::Agent.open(1).de.contains("Mietagenten"));
    assert_eq!(
        Part::Agent.open(2).de,
        "2 Anzeichen beim Mietagenten zu klären"
    );
    let mut left = Left::default();
    left.agent.count = 1;
    assert!(!left.all_done());
    assert!(left.summary().de.contains("Mietagenten"));
}

#[test]
fn a_mailbox_two_people_share_is_one_sign_for_the_rental_agent() {
    let mut report = report();
    let mut sign = |kind: FindingKind, subject: Subject| {
        let mut f = report.findings[0].clone();
        f.kind = kind;
        f.subject = subject;
        report.findings.push(f);
    };
    sign(FindingKind::MailboxUnanswered, Subject::Address(1));
    sign(FindingKind::MailboxUnanswered, Subject::Address(2));
    sign(FindingKind::EnquiriesUnanswered, Subject::Estate(12));
    let left = of(&report);
    assert_eq!(left.agent.act.len(), 3);
    assert_eq!(left.agent.count, 2, "one mailbox (shared) and one listing");
    assert_eq!(left.agent.said.de, "2 Anzeichen beim Mietagenten zu klären");
}
