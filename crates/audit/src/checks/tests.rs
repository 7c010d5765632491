//! Tests of the rules on hand-made snapshots.

use super::*;
use crate::finding::Resolution;
use crate::settings::MemorySettings;
use crate::snapshot::{AddressInfo, UserInfo};

fn user(nr: u64, username: &str, name: &str, email: &str, address_id: Option<u64>) -> UserInfo {
    UserInfo {
        nr,
        username: username.into(),
        name: name.into(),
        email: email.into(),
        address_id,
        status: "active".into(),
        active: true,
    }
}

fn address_info(id: u64, name: &str, contact_types: &[&str], email: Option<&str>) -> AddressInfo {
    AddressInfo {
        id,
        name: name.into(),
        contact_types: contact_types.iter().map(|t| t.to_string()).collect(),
        default_email: email.map(str::to_string),
        emails: email.into_iter().map(str::to_string).collect(),
    }
}

/// An active rental in Köln with this Betreuer.
fn listing(s: &mut Snapshot, id: u64, title: &str, external_no: &str, officer: u64) {
    s.rentals.insert(
        id,
        crate::snapshot::RentalInfo {
            id,
            title: title.into(),
            external_no: external_no.into(),
            city: "Köln".into(),
            officer: Some(officer),
            listed_since: None,
        },
    );
}

fn snapshot(kind: MailboxKind) -> Snapshot {
    let mut s = Snapshot {
        makler: Some(MaklerKey::Found {
            key: "Makler".into(),
            label: "Makler".into(),
        }),
        ..Snapshot::default()
    };
    s.users.insert(
        7,
        user(7, "aweber", "Anna Weber", "anna@firma.de", Some(100)),
    );
    s.system_addresses.insert(
        100,
        address_info(
            100,
            "Anna Weber",
            &["Systembenutzer", "Makler"],
            Some("anna@firma.de"),
        ),
    );
    s.mailboxes.insert("firma.de".into(), kind);
    s
}

#[test]
fn dns_failure_is_shown_not_alarmed() {
    let settings = MemorySettings::default();
    let e = evaluate(
        &snapshot(MailboxKind::CouldNotCheck {
            reason: "timeout".into(),
        }),
        &settings,
        &BTreeSet::new(),
    );
    assert!(!e
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::MailboxExternal));
    let row = &e.users[0];
    let mailbox = row
        .checks
        .iter()
        .find(|c| c.name == CheckName::Mailbox)
        .unwrap();
    assert_eq!(mailbox.state, CheckState::Unknown);
    assert_eq!(mailbox.detail.de, "Konnte nicht geprüft werden");
    // The same address on an external provider is a finding.
    let e = evaluate(
        &snapshot(MailboxKind::External {
            provider: "IONOS".into(),
        }),
        &settings,
        &BTreeSet::new(),
    );
    assert!(e
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::MailboxExternal && f.subject == "address:100"));
    assert_eq!(e.users[0].light, Light::Red);
}

#[test]
fn a_listing_whose_first_broker_is_not_ready_names_the_open_point_and_the_user() {
    let settings = MemorySettings::default();
    let mut s = snapshot(MailboxKind::External {
        provider: "GMX".into(),
    });
    listing(&mut s, 1, "Objekt 1", "", 7);
    s.contacts.insert(1, vec![100]);
    s.brokers.insert(1, vec![100]);
    let e = evaluate(&s, &settings, &BTreeSet::new());
    let f = e
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ContactNotReady)
        .unwrap();
    assert!(
        f.seen.de.contains("ist nicht bereit: externes Postfach."),
        "{}",
        f.seen.de
    );
    assert!(
        f.seen.en.contains("is not ready: external mailbox."),
        "{}",
        f.seen.en
    );
    assert_eq!(e.listings[0].first_contact_id, Some(100));
}

#[test]
fn the_first_broker_counts_and_skipped_contacts_are_named() {
    use crate::snapshot::RentalInfo;
    let settings = MemorySettings::default();
    settings.set_mail_booking_confirmed("anna@firma.de", Some("2026-11-27".into()));
    let mut s = snapshot(MailboxKind::Microsoft365);
    s.other_contacts.insert(
        200,
        address_info(200, "Erika Privat", &["Privatkontakt"], None),
    );
    for id in [1, 2, 3] {
        s.rentals.insert(
            id,
            RentalInfo {
                id,
                title: format!("Objekt {id}"),
                external_no: String::new(),
                city: "Köln".into(),
                officer: Some(7),
                listed_since: None,
            },
        );
    }
    // 1: a non-broker in front of a ready broker: the portals get the broker, no finding.
    s.contacts.insert(1, vec![200, 100]);
    s.brokers.insert(1, vec![100]);
    // 2: only a non-broker: nobody is sent, and the finding names who stands there.
    s.contacts.insert(2, vec![200]);
    s.brokers.insert(2, vec![]);
    // 3: nothing at all.
    let e = evaluate(&s, &settings, &BTreeSet::new());
    let subjects: Vec<(Subject, FindingKind)> =
        e.findings.iter().map(|f| (f.subject, f.kind)).collect();
    assert_eq!(
        subjects,
        [
            (Subject::Estate(2), FindingKind::NoContact),
            (Subject::Estate(3), FindingKind::NoContact)
        ]
    );
    let two = &e.findings[0];
    assert!(two.seen.de.contains("„Erika Privat“"), "{}", two.seen.de);
    assert!(
        two.seen.de.contains("niemand an die Portale"),
        "{}",
        two.seen.de
    );
    assert!(!e.findings[1].seen.de.contains("Eingetragen"));
    let row = e.listings.iter().find(|l| l.estate_id == 2).unwrap();
    assert_eq!(row.skipped_contacts, ["Erika Privat"]);
    assert_eq!(row.first_contact, None);
    assert!(!e.listings.iter().any(|l| l.estate_id == 1));
}

#[test]
fn an_external_mailbox_is_not_asked_for_a_blue_tick() {
    let settings = MemorySettings::default();
    let e = evaluate(
        &snapshot(MailboxKind::External {
            provider: "GMX".into(),
        }),
        &settings,
        &BTreeSet::new(),
    );
    let kinds: Vec<FindingKind> = e.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::MailboxExternal), "{kinds:?}");
    assert!(
        !kinds.contains(&FindingKind::MailBookingUnconfirmed),
        "{kinds:?}"
    );
    let booking = e.users[0]
        .checks
        .iter()
        .find(|c| c.name == CheckName::Booking)
        .unwrap();
    assert_eq!(booking.state, CheckState::Problem);
    assert!(
        booking.detail.de.contains("extern"),
        "{}",
        booking.detail.de
    );
}

#[test]
fn confirmed_blue_tick_turns_the_row_green() {
    let settings = MemorySettings::default();
    let s = snapshot(MailboxKind::Microsoft365);
    assert_eq!(
        evaluate(&s, &settings, &BTreeSet::new()).users[0].light,
        Light::Yellow
    );
    settings.set_mail_booking_confirmed("Anna@Firma.de", Some("2026-11-27".into()));
    let e = evaluate(&s, &settings, &BTreeSet::new());
    assert_eq!(e.users[0].light, Light::Green);
    assert!(e.findings.is_empty());
}

/// Two system users who are not ready for different reasons: a listing names the open point of its own first
/// broker, not the other's.
#[test]
fn a_not_ready_contact_names_its_own_open_points() {
    let settings = MemorySettings::default();
    let mut s = snapshot(MailboxKind::Microsoft365);
    // Anna (100) lacks the Makler key; Ben (101) lacks an e-mail.
    s.system_addresses.get_mut(&100).unwrap().contact_types = vec!["Systembenutzer".into()];
    s.users
        .insert(9, user(9, "bberg", "Ben Berg", "ben@firma.de", Some(101)));
    s.system_addresses.insert(
        101,
        address_info(101, "Ben Berg", &["Systembenutzer", "Makler"], None),
    );
    listing(&mut s, 5, "Altbau", "M-5", 9);
    s.contacts.insert(5, vec![101]);
    s.brokers.insert(5, vec![101]);
    let e = evaluate(&s, &settings, &BTreeSet::new());
    let f = e
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ContactNotReady)
        .unwrap();
    assert_eq!(f.subject_label, "Altbau (M-5)");
    assert!(
        f.seen
            .de
            .ends_with("„Ben Berg“ ist nicht bereit: keine E-Mail-Adresse."),
        "{}",
        f.seen.de
    );
    assert!(
        f.seen
            .en
            .ends_with("\"Ben Berg\" is not ready: no e-mail address."),
        "{}",
        f.seen.en
    );
    // Anna's point, worded for a listing, and the suggestion in the user's finding.
    let open = [
        FindingKind::NotMakler,
        FindingKind::NoEmail,
        FindingKind::MailboxExternal,
    ];
    let said = wording::contact_not_ready("Anna", &open, &Text::default());
    assert!(said.seen.de.ends_with(
        "nicht bereit: Kontaktart „Makler“ fehlt, keine E-Mail-Adresse, externes Postfach."
    ));
    let no_email = e
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NoEmail)
        .unwrap();
    assert!(
        no_email.seen.de.contains("Vorschlag: ben@firma.de"),
        "{}",
        no_email.seen.de
    );
}

/// A deactivated user's address is nobody's row: the user is gone, the address is not "without user" either.
#[test]
fn a_deactivated_users_address_is_no_row() {
    let settings = MemorySettings::default();
    let mut s = snapshot(MailboxKind::Microsoft365);
    let anna = s.users.get_mut(&7).unwrap();
    anna.active = false;
    anna.status = "deactivated".into();
    let e = evaluate(&s, &settings, &BTreeSet::new());
    assert!(e.users.is_empty(), "{:?}", e.users);
    assert!(e.findings.is_empty(), "{:?}", e.findings);
}

/// Where each manual finding sends the person, and the cells' words.
#[test]
fn click_paths_and_cells_say_where_and_what() {
    let settings = MemorySettings::default();
    let mut s = snapshot(MailboxKind::Microsoft365);
    // A user without an address, and an address without a user.
    s.users.insert(11, user(11, "cneu", "Clara Neu", "", None));
    s.system_addresses.insert(
        102,
        address_info(102, "Dora Alt", &["Systembenutzer"], None),
    );
    listing(&mut s, 6, "Loft", "", 7);
    s.contacts.insert(6, vec![100]);
    s.brokers.insert(6, vec![100]);
    let e = evaluate(&s, &settings, &BTreeSet::from([6]));
    let path = |kind: FindingKind| match &e
        .findings
        .iter()
        .find(|f| f.kind == kind)
        .unwrap()
        .resolution
    {
        Resolution::Manual { click_path, .. } => click_path.de.clone(),
        other => panic!("{other:?}"),
    };
    assert!(path(FindingKind::UserAddressMissing)
        .ends_with("Adressdatensatz über das Pfeil-Symbol verknüpfen"));
    assert!(path(FindingKind::AddressUserMissing).starts_with("Extras > Einstellungen > Benutzer"));
    assert_eq!(
        path(FindingKind::MailBookingUnconfirmed),
        "Extras > Einstellungen > Grundeinstellungen > Reiter „E-Mail“ > Postfach anna@firma.de > kleiner blauer Haken"
    );
    assert_eq!(
        path(FindingKind::PortalTransferPending),
        "Objekt öffnen > Reiter „Vermarktung“ > „Objekte aktualisieren“"
    );
    let transfer = e
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::PortalTransferPending)
        .unwrap();
    assert_eq!(transfer.subject_label, "Loft");
    let clara = e.users.iter().find(|u| u.user_nr == Some(11)).unwrap();
    assert_eq!(clara.checks[0].detail.de, "Benutzer „cneu“ ohne Adresse");
    let dora = e.users.iter().find(|u| u.address_id == Some(102)).unwrap();
    assert_eq!(dora.checks[0].detail.de, "Kein Benutzer verknüpft");
    let anna = e.users.iter().find(|u| u.address_id == Some(100)).unwrap();
    let cells: Vec<&str> = anna.checks.iter().map(|c| c.detail.de.as_str()).collect();
    assert_eq!(
        cells,
        [
            "Verknüpft mit Benutzer „aweber“",
            "„Makler“ gesetzt",
            "anna@firma.de",
            "Microsoft 365",
            "Bitte bestätigen"
        ]
    );
}

/// Anna (100, anna@firma.de) is the first broker of listing 1, on the market since September; Ben (101,
/// ben@firma.de) of listing 2, whose enquiries are booked. The check ran on 1 December 2026.
fn with_evidence(anna_booked: bool) -> Snapshot {
    let mut s = snapshot(MailboxKind::Microsoft365);
    s.users
        .insert(8, user(8, "bkoch", "Ben Koch", "ben@firma.de", Some(101)));
    s.system_addresses.insert(
        101,
        address_info(
            101,
            "Ben Koch",
            &["Systembenutzer", "Makler"],
            Some("ben@firma.de"),
        ),
    );
    listing(&mut s, 1, "Objekt 1", "M-1", 7);
    listing(&mut s, 2, "Objekt 2", "M-2", 8);
    for id in [1, 2] {
        s.rentals.get_mut(&id).unwrap().listed_since = Some("2026-09-01 09:00:00".into());
    }
    s.brokers.insert(1, vec![100]);
    s.brokers.insert(2, vec![101]);
    s.contacts = s.brokers.clone();
    let mut log = crate::evidence::AgentsLog::default();
    log.booked.insert(2, vec!["2026-11-28 09:30:00".into()]);
    if anna_booked {
        log.booked.insert(
            1,
            vec!["2026-11-20 09:30:00".into(), "2026-11-25 10:00:00".into()],
        );
    }
    s.agents_log = Some(log);
    s.read_at = "2026-12-01T10:00:00Z".into();
    s
}

fn booking_cell(e: &Evaluation, address: u64) -> (CheckState, String) {
    let row = e
        .users
        .iter()
        .find(|u| u.address_id == Some(address))
        .unwrap();
    let c = row
        .checks
        .iter()
        .find(|c| c.name == CheckName::Booking)
        .unwrap();
    (c.state, c.detail.de.clone())
}

#[test]
fn the_maklerbuch_decides_mail_booking_and_a_fresh_tick_is_trusted_for_14_days() {
    let settings = MemorySettings::default();
    // Booked enquiries: no confirmation asked, the cell says how many and when.
    let e = evaluate(&with_evidence(true), &settings, &BTreeSet::new());
    assert_eq!(
        booking_cell(&e, 100),
        (
            CheckState::Ok,
            "Anfragen werden verbucht: 2 in 30 Tagen, zuletzt am 25.11.2026".into()
        )
    );
    assert_eq!(
        booking_cell(&e, 101),
        (
            CheckState::Ok,
            "Anfragen werden verbucht: 1 in 30 Tagen, am 28.11.2026".into()
        )
    );
    assert!(e.findings.is_empty(), "{:?}", e.findings);

    // Silent: a finding that must be fixed in onOffice, worded as a sign.
    let s = with_evidence(false);
    let e = evaluate(&s, &settings, &BTreeSet::new());
    let silent: Vec<&Finding> = e
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::MailBookingSilent)
        .collect();
    assert_eq!(silent.len(), 1);
    assert_eq!(silent[0].subject, Subject::Address(100));
    assert!(
        silent[0].seen.de.contains("seit 91 Tagen am Markt")
            && silent[0].seen.de.contains("anna@firma.de")
    );
    assert!(silent[0].expected.de.contains("Anzeichen, kein Beweis"));
    assert!(matches!(
        &silent[0].resolution,
        Resolution::Manual {
            support: Some(_),
            ..
        }
    ));
    assert_eq!(booking_cell(&e, 100).0, CheckState::Sign);
    // A sign, not proof: the row is yellow, and Anna stays a ready contact for her listings.
    assert_eq!(
        e.users
            .iter()
            .find(|u| u.address_id == Some(100))
            .unwrap()
            .light,
        Light::Yellow
    );
    assert!(!e
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::ContactNotReady));

    // A tick younger than 14 days is trusted until then.
    settings.set_mail_booking_confirmed("anna@firma.de", Some("2026-11-18".into()));
    let e = evaluate(&s, &settings, &BTreeSet::new());
    assert!(e.findings.is_empty(), "{:?}", e.findings);
    // One verdict: the tick, with what happens next (the sign returns after 01.12.2026 without a booked enquiry).
    assert_eq!(
        booking_cell(&e, 100),
        (
            CheckState::Ok,
            "Haken bestätigt am 18.11.2026, trotz Anzeichen; wird bis 01.12.2026 keine Anfrage verbucht, \
             erscheint das Anzeichen wieder"
                .into()
        )
    );
    // Exactly 14 days old: the evidence decides, and says the tick is contradicted.
    settings.set_mail_booking_confirmed("anna@firma.de", Some("2026-11-17".into()));
    let e = evaluate(&s, &settings, &BTreeSet::new());
    assert_eq!(
        booking_cell(&e, 100),
        (
            CheckState::Sign,
            "Bestätigt am 17.11.2026, aber seitdem keine Anfrage verbucht (Anzeichen)".into()
        )
    );
    let f = e
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::MailBookingSilent)
        .unwrap();
    assert!(f
        .seen
        .de
        .contains("am 17.11.2026 bestätigt, aber seitdem wurde keine Anfrage verbucht"));

    // Without evidence either way an old tick is accepted, and no tick asks for one.
    let mut quiet = with_evidence(false);
    quiet.rentals.get_mut(&1).unwrap().listed_since = Some("2026-11-25 09:00:00".into());
    let e = evaluate(&quiet, &settings, &BTreeSet::new());
    assert_eq!(booking_cell(&e, 100).0, CheckState::Ok);
    settings.set_mail_booking_confirmed("anna@firma.de", None);
    let e = evaluate(&quiet, &settings, &BTreeSet::new());
    assert_eq!(booking_cell(&e, 100).0, CheckState::Manual);
    assert!(e.findings.iter().any(
        |f| f.kind == FindingKind::MailBookingUnconfirmed && f.subject == Subject::Address(100)
    ));
    // A tick from the future (a wrong clock) is not "fresh".
    assert!(!super::system_user::tick_is_fresh(
        "2026-12-05",
        s.read_at()
    ));
    assert!(super::system_user::tick_is_fresh("2026-12-01", s.read_at()));
    assert!(!super::system_user::tick_is_fresh("kaputt", s.read_at()));
    assert!(!super::system_user::tick_is_fresh("2026-12-01", None));
}
