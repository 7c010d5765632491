//! The finish line's sentence and the part lookup of `left`.

use super::*;

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
