//! Unit tests of `evidence`: the rules with the moment passed in, and the reading of odd Maklerbuch entries.

use super::*;
use serde_json::json;

fn at(s: &str) -> DateTime {
    parse_date(s).unwrap()
}

fn now() -> DateTime {
    at("2026-12-01 10:00:00")
}

/// Mailboxes with their listings; `since` holds every listing's start.
fn judged(
    boxes: &[(&str, &[u64])],
    since: &[(u64, &str)],
    log: &AgentsLog,
) -> BTreeMap<String, BookingEvidence> {
    let since: BTreeMap<u64, DateTime> = since.iter().map(|(e, d)| (*e, at(d))).collect();
    let mailboxes: BTreeMap<String, MailboxListings> = boxes
        .iter()
        .map(|(m, l)| {
            (
                m.to_string(),
                MailboxListings {
                    listings: l,
                    since: &since,
                },
            )
        })
        .collect();
    judge(&mailboxes, Some(log), now())
}

fn booked(entries: &[(u64, &str)]) -> AgentsLog {
    let mut log = AgentsLog::default();
    for (e, d) in entries {
        log.booked.entry(*e).or_default().push(d.to_string());
    }
    log
}

#[test]
fn booked_enquiries_silence_and_no_evidence() {
    let since = [
        (1, "2026-09-01 09:00:00"),
        (2, "2026-11-17 10:00:00"), // exactly 14 days: old enough
        (3, "2026-11-17 10:00:01"), // a second short of 14 days: new
        (4, "2026-10-01 09:00:00"),
    ];
    let log = booked(&[
        (1, "2026-11-28 09:12:00"),
        (1, "2026-11-02 10:00:00"),
        (1, "2026-10-31 09:59:59"), // a second outside the 30 days
    ]);
    let v = judged(
        &[
            ("works@x.de", &[1]),
            ("silent@x.de", &[2, 4]),
            ("new@x.de", &[3]),
            ("none@x.de", &[]),
        ],
        &since,
        &log,
    );
    assert_eq!(
        v["works@x.de"],
        BookingEvidence::Booked {
            count: 2,
            last: "2026-11-28".into()
        }
    );
    assert_eq!(
        v["silent@x.de"],
        BookingEvidence::Silent {
            listings: 2,
            days: 61
        }
    );
    assert_eq!(
        v["new@x.de"],
        BookingEvidence::Unknown {
            why: NoEvidence::OnlyNew
        }
    );
    assert_eq!(
        v["none@x.de"],
        BookingEvidence::Unknown {
            why: NoEvidence::NoListings
        }
    );
}

#[test]
fn silence_needs_others_that_are_booked_and_readable_listings() {
    let since = [(1, "2026-09-01 09:00:00"), (2, "2026-09-01 09:00:00")];
    // Nobody gets booked enquiries: no verdict about anyone.
    let v = judged(&[("a@x.de", &[1]), ("b@x.de", &[2])], &since, &booked(&[]));
    for m in ["a@x.de", "b@x.de"] {
        assert_eq!(
            v[m],
            BookingEvidence::Unknown {
                why: NoEvidence::NothingBookedAnywhere
            }
        );
    }
    // Its own enquiries do not count as "the others".
    let v = judged(
        &[("a@x.de", &[1]), ("b@x.de", &[2])],
        &since,
        &booked(&[(1, "2026-11-30 08:00:00")]),
    );
    assert!(matches!(v["b@x.de"], BookingEvidence::Silent { .. }));
    assert!(matches!(
        v["a@x.de"],
        BookingEvidence::Booked { count: 1, .. }
    ));
    // A listing whose entries could not be read: no "silent".
    let mut log = booked(&[(1, "2026-11-30 08:00:00")]);
    log.undecidable.insert(2);
    let v = judged(&[("a@x.de", &[1]), ("b@x.de", &[2])], &since, &log);
    assert_eq!(
        v["b@x.de"],
        BookingEvidence::Unknown {
            why: NoEvidence::Unreadable
        }
    );
    // A listing without a start date counts as new.
    let v = judged(
        &[("a@x.de", &[1]), ("b@x.de", &[9])],
        &since,
        &booked(&[(1, "2026-11-30 08:00:00")]),
    );
    assert_eq!(
        v["b@x.de"],
        BookingEvidence::Unknown {
            why: NoEvidence::OnlyNew
        }
    );
    // A refused read or none at all: not read, for everyone.
    let mut refused = booked(&[(1, "2026-11-30 08:00:00")]);
    refused.refused = Some("no right".into());
    let since_map: BTreeMap<u64, DateTime> = BTreeMap::new();
    let one: BTreeMap<String, MailboxListings> = [(
        "a@x.de".to_string(),
        MailboxListings {
            listings: &[1],
            since: &since_map,
        },
    )]
    .into();
    for log in [Some(&refused), None] {
        assert_eq!(
            judge(&one, log, now())["a@x.de"],
            BookingEvidence::Unknown {
                why: NoEvidence::NotRead
            }
        );
    }
}

fn record(elements: serde_json::Value) -> Record {
    Record::new(
        "1",
        Some("agentslog"),
        elements.as_object().unwrap().clone(),
    )
}

#[test]
fn odd_entries_are_counted_and_never_make_a_mailbox_silent() {
    let since = at("2026-11-01 10:00:00");
    let good = |objekt: serde_json::Value, date: &str| {
        record(
            json!({"Objekt_nr": objekt, "Aktionsart": "Email", "Aktionstyp": "Eingang", "Datum": date}),
        )
    };
    let chunks = vec![vec![10, 11], vec![20], vec![30], vec![40], vec![50]];
    let results = vec![
        Ok(vec![
            good(json!(["10"]), "2026-11-20 08:00:00"),
            // A string instead of an array, and a number: read the same.
            good(json!("11"), "2026-11-21 08:00:00"),
            good(json!(10), "2026-11-22"),
            // Noise the reader must skip: outgoing mail, a call.
            record(
                json!({"Objekt_nr": ["10"], "Aktionsart": "Email", "Aktionstyp": "Ausgang", "Datum": "2026-11-23 08:00:00"}),
            ),
            record(
                json!({"Objekt_nr": ["11"], "Aktionsart": "Telefonat", "Aktionstyp": "Eingang", "Datum": "2026-11-23 08:00:00"}),
            ),
            // Older than the window.
            good(json!(["10"]), "2026-10-01 08:00:00"),
        ]),
        // No listing, an unknown listing, a date in another form: odd.
        Ok(vec![record(
            json!({"Aktionsart": "Email", "Aktionstyp": "Eingang", "Datum": "2026-11-20 08:00:00"}),
        )]),
        Ok(vec![good(json!(["999"]), "2026-11-20 08:00:00")]),
        Ok(vec![good(json!(["40"]), "20.11.2026 08:00")]),
        // A read that failed.
        Err(onoffice::Error::Api {
            code: 500,
            message: "Internal error".into(),
        }),
    ];
    let log = collect(&chunks, results, since);
    assert_eq!(log.booked[&10].len(), 2);
    assert_eq!(log.booked[&11].len(), 1);
    // Every e-mail in the window, both ways, with its addresses (none here): the reply on 10 too.
    assert_eq!(log.mails[&10].len(), 3);
    assert_eq!(log.mails[&10].iter().filter(|m| !m.incoming).count(), 1);
    assert!(log.mails[&10].iter().all(|m| m.addresses.is_empty()));
    assert_eq!(log.odd_entries, 3);
    assert_eq!(log.failed_reads, 1);
    assert_eq!(
        log.undecidable,
        [20, 30, 40, 50].into_iter().collect::<BTreeSet<u64>>()
    );
    assert!(log.refused.is_none());
    // A refused right is said once, for the account.
    let denied = || {
        Err(onoffice::Error::Api {
            code: 170,
            message: "No read permission".into(),
        })
    };
    let log = collect(&[vec![1], vec![2]], vec![denied(), denied()], since);
    assert!(log.refused.is_some() && log.failed_reads == 0);
}

#[test]
fn the_reads_ask_for_booked_enquiries_in_the_window_two_hundred_listings_at_a_time() {
    let rentals: Vec<u64> = (1..=450).collect();
    let (chunks, actions) = first_pages(&rentals, at("2026-11-01 10:00:00"), 500);
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        [200, 200, 50]
    );
    let p = &actions[0].parameters;
    assert_eq!(p["estateid"].as_array().unwrap().len(), 200);
    assert_eq!(p["filter"]["Aktionsart"][0]["val"], "Email");
    // Both directions in one read: the type is sorted out by the reader, and the enquirer comes along.
    assert!(p["filter"].get("Aktionstyp").is_none());
    assert!(p["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "Adress_nr"));
    assert_eq!(p["filter"]["Datum"][0]["op"], ">=");
    assert_eq!(p["filter"]["Datum"][0]["val"], "2026-11-01 10:00:00");
    assert_eq!(p["listlimit"], 500);
    assert_eq!(window_start(now()), at("2026-11-01 10:00:00"));
}

#[test]
fn the_enquirer_comes_as_an_array_a_string_a_number_or_not_at_all() {
    let since = at("2026-11-01 10:00:00");
    let mail = |addr: serde_json::Value, kind_type: &str| {
        record(
            json!({"Objekt_nr": ["10"], "Adress_nr": addr, "Aktionsart": "Email", "Aktionstyp": kind_type, "Datum": "2026-11-20 08:00:00"}),
        )
    };
    let results = vec![Ok(vec![
        mail(json!(["7", "8"]), "Eingang"),
        mail(json!("9"), "Eingang"),
        mail(json!(11), "Ausgang"),
        mail(json!(null), "Ausgang"),
        record(
            json!({"Objekt_nr": ["10"], "Aktionsart": "Email", "Aktionstyp": "Eingang", "Datum": "2026-11-20 08:00:00"}),
        ),
        // Another type of e-mail entry is neither: skipped, not odd.
        mail(json!("3"), "Entwurf"),
    ])];
    let log = collect(&[vec![10]], results, since);
    let got: Vec<(bool, Vec<u64>)> = log.mails[&10]
        .iter()
        .map(|m| (m.incoming, m.addresses.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (true, vec![7, 8]),
            (true, vec![9]),
            (false, vec![11]),
            (false, vec![]),
            (true, vec![])
        ]
    );
    assert_eq!(log.booked[&10].len(), 3);
    assert_eq!(log.odd_entries, 0);
    assert!(log.undecidable.is_empty());
}

#[test]
fn dates_read_and_written_without_a_format_interpreter_as_strptime_and_strftime_do() {
    let by_format = |t: &str| {
        DateTime::strptime("%Y-%m-%d %H:%M:%S", t.trim())
            .ok()
            .or_else(|| {
                jiff::civil::Date::strptime("%Y-%m-%d", t.trim())
                    .ok()
                    .map(|d| d.at(0, 0, 0, 0))
            })
    };
    let mut texts: Vec<String> = [
        "2026-11-05 10:00:00",
        " 2026-11-05 10:00:00 ",
        "2026-02-29 10:00:00",
        "2024-02-29 23:59:59",
        "2026-13-01 10:00:00",
        "2026-11-31 10:00:00",
        "2026-11-05 24:00:00",
        "2026-11-05 10:60:00",
        "2026-11-05 10:00:60",
        "0999-01-01 00:00:00",
        "2026-11-05",
        "2026-11-05T10:00:00",
        "2026-1-05 10:00:00",
        "2026-11-05 10:00:0x",
        "+026-11-05 10:00:00",
        "",
    ]
    .map(String::from)
    .to_vec();
    for step in 0..2_000u32 {
        let d = jiff::civil::date(2020, 1, 1).at(0, 0, 0, 0)
            + jiff::Span::new().minutes(i64::from(step) * 997);
        texts.push(d.strftime("%Y-%m-%d %H:%M:%S").to_string());
    }
    for t in &texts {
        assert_eq!(parse_date(t), by_format(t), "{t:?}");
        // The usual form is read by the fast path itself, not left to the format interpreter (a sign before the
        // year and a leap second are: strptime reads `+026` as 26 and :60 as :59).
        let usual = t.len() == 19 && !t.starts_with('+') && !t.ends_with(":60");
        if usual && by_format(t).is_some() {
            assert_eq!(canonical_date(t), by_format(t), "{t:?}");
        }
        if let Some(at) = parse_date(t) {
            assert_eq!(
                onoffice_date(at),
                at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                "{t:?}"
            );
        }
    }
    for year in [-1, 0, 7, 999, 9999] {
        let at = jiff::civil::date(year, 12, 31).at(23, 0, 5, 500_000_000);
        assert_eq!(
            onoffice_date(at),
            at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            "{year}"
        );
    }
}

/// `Objekt_nr` read as the rule was first written (before `onoffice::Ids`): strings and numbers, alone or in a list.
fn listing_ids_as_first_written(v: &serde_json::Value) -> Vec<u64> {
    use serde_json::Value;
    let one = |v: &Value| match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    match v {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// The one pass over an entry (`MailFields`) reads what a look-up of each field reads, for every shape the fields
/// may come in.
#[test]
fn an_entry_read_in_one_pass_reads_as_field_by_field() {
    let shapes = [
        json!(["10", "11"]),
        json!("10"),
        json!(10),
        json!([10, "x", -2, 2.5, ["3"], {"a": 1}, null, " 11 ", true]),
        json!(null),
        json!({"a": 1}),
        json!(true),
        json!(-1),
        json!(1.5),
        json!(" 12 "),
    ];
    for ids in shapes {
        for text in [
            json!("Email"),
            json!(7),
            json!(false),
            json!(null),
            json!(["Email"]),
            json!(" Eingang "),
        ] {
            let r = record(json!({
                "Objekt_nr": ids, "Adress_nr": ids, "Aktionsart": text, "Aktionstyp": text, "Datum": text, "Other": [1]
            }));
            let typed: MailFields = r.fields().unwrap();
            let looked = MailFields::looked_up(&r);
            assert_eq!(typed.listings, looked.listings, "{ids}");
            assert_eq!(
                typed.listings.0,
                listing_ids_as_first_written(&ids),
                "{ids}"
            );
            assert_eq!(typed.addresses, looked.addresses, "{ids}");
            assert_eq!(typed.kind, looked.kind, "{text}");
            assert_eq!(typed.direction, looked.direction, "{text}");
            assert_eq!(typed.date, looked.date, "{text}");
        }
    }
}

/// A field named twice cannot be read in one pass; the entry is read field by field instead (the last one counts,
/// as in a map), never dropped.
#[test]
fn an_entry_with_a_field_named_twice_is_still_read() {
    let body = br#"{"response": {"results": [{"data": {"records": [{"id": 1, "elements":
        {"Objekt_nr": ["99"], "Objekt_nr": ["10"], "Adress_nr": ["5"], "Aktionsart": "Email",
         "Aktionstyp": "Eingang", "Datum": "2026-11-20 08:00:00"}}]}}]}}"#;
    let r = onoffice::envelope::parse_answer(body, 1)
        .unwrap()
        .remove(0)
        .unwrap()
        .records
        .remove(0);
    assert!(r.fields::<MailFields>().is_err());
    match read_mail(&r, &[10]) {
        Entry::Mail(listings, mail) => {
            assert_eq!(listings, [10]);
            assert_eq!(mail.addresses, [5]);
            assert!(mail.incoming);
            assert_eq!(mail.at, "2026-11-20 08:00:00");
        }
        _ => panic!("not read as a mail"),
    }
}
