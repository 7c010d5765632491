//! Unit tests of `answers`: pairing odd entries, the account's visibility, gaps, and the signs with the moment
//! passed in.

use super::*;

fn at(s: &str) -> DateTime {
    parse_date(s).unwrap()
}

fn now() -> DateTime {
    at("2026-12-01 10:00:00")
}

fn mail(at: &str, incoming: bool, addresses: &[u64]) -> Mail {
    Mail {
        at: at.into(),
        incoming,
        addresses: addresses.to_vec(),
    }
}

fn enquiry(listing: u64, day: &str, reply_after: Option<i64>) -> Enquiry {
    Enquiry {
        listing,
        at: at(day),
        from: vec![listing * 100],
        reply_after,
    }
}

#[test]
fn a_reply_is_the_first_mail_to_the_same_address_on_the_same_listing_at_or_after_the_enquiry() {
    let mut mails = BTreeMap::new();
    mails.insert(
        1,
        vec![
            // Out of order, as a server may send them.
            mail("2026-11-20 10:04:00", false, &[7]),
            mail("2026-11-20 10:00:00", true, &[7]),
            // A mail to someone else is no reply; one before the enquiry neither.
            mail("2026-11-20 10:01:00", false, &[8]),
            mail("2026-11-20 09:00:00", false, &[9]),
            mail("2026-11-20 10:00:00", true, &[9]),
            // No address: counted, never paired.
            mail("2026-11-21 10:00:00", true, &[]),
            // Two addresses: either one answers.
            mail("2026-11-22 10:00:00", true, &[5, 6]),
            mail("2026-11-23 12:00:00", false, &[6]),
            // Not a date: left out.
            mail("gestern", true, &[4]),
        ],
    );
    // The same address on another listing is no reply.
    mails.insert(2, vec![mail("2026-11-20 10:02:00", false, &[9])]);
    let p = pair(&mails);
    assert_eq!(p.without_address, 1);
    let got: Vec<(u64, Vec<u64>, Option<i64>)> = p
        .enquiries
        .iter()
        .map(|e| (e.listing, e.from.clone(), e.reply_after))
        .collect();
    assert_eq!(
        got,
        [
            (1, vec![7], Some(4)),
            (1, vec![9], None),
            (1, vec![5, 6], Some(26 * 60)),
        ]
    );
    assert!(p.enquiries[0].answered());
    assert!(!p.enquiries[2].answered(), "26 hours is not within 24");
}

#[test]
fn the_rate_counts_only_enquiries_older_than_a_day_and_says_the_median() {
    let es = [
        enquiry(1, "2026-11-20 10:00:00", Some(3)),
        enquiry(1, "2026-11-21 10:00:00", Some(5)),
        enquiry(1, "2026-11-22 10:00:00", Some(24 * 60)),
        enquiry(1, "2026-11-23 10:00:00", Some(24 * 60 + 1)),
        enquiry(1, "2026-11-24 10:00:00", None),
        // Exactly a day old: judged; a second younger: not yet.
        enquiry(2, "2026-11-30 10:00:00", None),
        enquiry(2, "2026-11-30 10:00:01", Some(1)),
    ];
    let r = AnswerRate::of(&es, now());
    assert_eq!(
        r,
        AnswerRate {
            enquiries: 6,
            answered: 3,
            median_minutes: Some(5)
        }
    );
    assert_eq!(
        r.words().de,
        "beantwortet: 3 von 6 in 30 Tagen, meist nach 5 Minuten"
    );
    assert_eq!(
        AnswerRate::default().words().en,
        "answered: 0 of 0 in 30 days"
    );
    assert_eq!(duration_words(0).0, "weniger als einer Minute");
    assert_eq!(duration_words(1).0, "1 Minute");
    assert_eq!(duration_words(119).0, "119 Minuten");
    assert_eq!(duration_words(120).0, "2 Stunden");
    assert_eq!(duration_words(150).1, "3 hours");
}

#[test]
fn an_account_shows_answers_with_enough_enquiries_and_a_clear_majority_answered() {
    let rate = |enquiries, answered| AnswerRate {
        enquiries,
        answered,
        median_minutes: None,
    };
    assert!(matches!(
        AnswersSeen::of(rate(9, 9)),
        AnswersSeen::TooFew { .. }
    ));
    assert!(AnswersSeen::of(rate(10, 6)).shown());
    assert!(matches!(
        AnswersSeen::of(rate(10, 5)),
        AnswersSeen::NotShown { .. }
    ));
    assert!(AnswersSeen::of(rate(10, 6)).sentence().is_none());
    let s = AnswersSeen::of(rate(40, 2)).sentence().unwrap();
    assert!(
        s.de.contains("nicht zu sehen") && s.de.contains("2 von 40"),
        "{}",
        s.de
    );
    assert!(AnswersSeen::NotRead.sentence().is_some());
    assert!(AnswersSeen::of(rate(3, 0))
        .sentence()
        .unwrap()
        .de
        .contains("erst 3"));
}

fn boxes(pairs: &[(u64, &str)]) -> BTreeMap<u64, String> {
    pairs.iter().map(|(l, m)| (*l, m.to_string())).collect()
}

#[test]
fn a_listing_whose_enquiries_stay_unanswered_while_others_are_answered_is_a_sign() {
    let mb = boxes(&[(1, "a@x.de"), (2, "a@x.de"), (3, "b@x.de")]);
    let es = vec![
        enquiry(1, "2026-11-10 10:00:00", None),
        enquiry(2, "2026-11-10 12:00:00", Some(4)),
        enquiry(1, "2026-11-20 10:00:00", None),
        enquiry(3, "2026-11-25 10:00:00", Some(2)),
        enquiry(2, "2026-11-26 10:00:00", Some(2)),
    ];
    let s = signs(&es, &mb, &BTreeSet::new(), now());
    assert!(s.mailboxes.is_empty());
    assert_eq!(
        s.listings[&1],
        Unanswered {
            listings: vec![1],
            count: 2,
            since: "2026-11-10 10:00:00".into(),
            last: "2026-11-20 10:00:00".into()
        }
    );
    assert_eq!(s.listings.len(), 1);
    // A listing whose entries could not all be read gets none.
    let skip: BTreeSet<u64> = [1].into();
    assert!(signs(&es, &mb, &skip, now()).listings.is_empty());
    // Nobody else answered since: no sign (the agent may be down for all).
    let alone = vec![
        enquiry(2, "2026-11-01 10:00:00", Some(4)),
        enquiry(1, "2026-11-10 10:00:00", None),
    ];
    assert!(signs(&alone, &mb, &BTreeSet::new(), now())
        .listings
        .is_empty());
}

#[test]
fn an_answer_clears_the_sign_and_a_young_enquiry_waits() {
    let mb = boxes(&[(1, "a@x.de"), (3, "b@x.de")]);
    let base = vec![
        enquiry(1, "2026-11-20 10:00:00", None),
        enquiry(3, "2026-11-25 10:00:00", Some(2)),
    ];
    assert_eq!(signs(&base, &mb, &BTreeSet::new(), now()).listings.len(), 1);
    // A reply after the last unanswered one, even a late one by hand: no sign.
    let mut answered = base.clone();
    answered[0].reply_after = Some(3 * 24 * 60);
    assert!(signs(&answered, &mb, &BTreeSet::new(), now())
        .listings
        .is_empty());
    // A newer enquiry already answered, though younger than a day: the listing is answered again.
    let mut newer = base.clone();
    newer.push(enquiry(1, "2026-12-01 09:00:00", Some(3)));
    assert!(signs(&newer, &mb, &BTreeSet::new(), now())
        .listings
        .is_empty());
    // A newer one not yet answered and younger than a day changes nothing: the older one still counts.
    let mut young = base.clone();
    young.push(enquiry(1, "2026-12-01 09:00:00", None));
    let s = signs(&young, &mb, &BTreeSet::new(), now());
    assert_eq!(s.listings[&1].count, 1);
    // Only a young unanswered enquiry: nothing to judge.
    let only_young = vec![
        enquiry(1, "2026-12-01 09:00:00", None),
        enquiry(3, "2026-11-25 10:00:00", Some(2)),
    ];
    assert!(signs(&only_young, &mb, &BTreeSet::new(), now())
        .listings
        .is_empty());
}

#[test]
fn a_mailbox_whose_every_listing_goes_unanswered_is_one_sign_on_the_mailbox() {
    let mb = boxes(&[
        (1, "lost@x.de"),
        (2, "lost@x.de"),
        (3, "ok@x.de"),
        (4, "ok@x.de"),
    ]);
    let es = vec![
        enquiry(1, "2026-11-01 10:00:00", Some(3)),
        enquiry(1, "2026-11-26 10:00:00", None),
        enquiry(2, "2026-11-27 08:00:00", None),
        enquiry(3, "2026-11-28 10:00:00", Some(2)),
        enquiry(4, "2026-11-28 15:00:00", None),
        enquiry(4, "2026-11-29 15:00:00", Some(9)),
    ];
    let s = signs(&es, &mb, &BTreeSet::new(), now());
    assert!(s.listings.is_empty(), "{:?}", s.listings);
    assert_eq!(
        s.mailboxes["lost@x.de"],
        Unanswered {
            listings: vec![1, 2],
            count: 2,
            since: "2026-11-26 10:00:00".into(),
            last: "2026-11-27 08:00:00".into()
        }
    );
    // One listing of the mailbox still answered since: signs per listing, not on the mailbox.
    let mut one_answered = es.clone();
    one_answered.push(Enquiry {
        listing: 5,
        ..enquiry(5, "2026-11-27 09:00:00", Some(1))
    });
    let mb5 = {
        let mut m = mb.clone();
        m.insert(5, "lost@x.de".into());
        m
    };
    let s = signs(&one_answered, &mb5, &BTreeSet::new(), now());
    assert!(s.mailboxes.is_empty());
    assert_eq!(s.listings.keys().copied().collect::<Vec<_>>(), [1, 2]);
    // Listings without a mailbox are never folded together.
    let none = boxes(&[(3, "ok@x.de")]);
    let s = signs(&es, &none, &BTreeSet::new(), now());
    assert!(s.mailboxes.is_empty());
    assert_eq!(s.listings.len(), 2);
}

#[test]
fn a_day_the_agent_answered_nobody_is_a_gap_for_everyone_not_a_sign() {
    let mb = boxes(&[(1, "a@x.de"), (2, "b@x.de"), (3, "c@x.de")]);
    let down = vec![
        enquiry(3, "2026-11-10 10:00:00", Some(3)),
        enquiry(1, "2026-11-20 08:00:00", None),
        enquiry(2, "2026-11-20 12:00:00", None),
        enquiry(3, "2026-11-20 19:00:00", None),
        enquiry(3, "2026-11-25 10:00:00", Some(2)),
    ];
    assert_eq!(
        gaps(&down, &mb, now()),
        [1, 2, 3].into_iter().collect::<BTreeSet<usize>>()
    );
    let s = signs(&down, &mb, &BTreeSet::new(), now());
    assert!(s.listings.is_empty() && s.mailboxes.is_empty(), "{s:?}");
    // Two are too few for a gap; one mailbox alone is no gap; an answer in the window ends it.
    assert!(gaps(&down[1..3], &mb, now()).is_empty());
    let one_box = boxes(&[(1, "a@x.de"), (2, "a@x.de"), (3, "a@x.de")]);
    assert!(gaps(&down, &one_box, now()).is_empty());
    let mut answered = down.clone();
    answered[2].reply_after = Some(5);
    assert!(gaps(&answered, &mb, now()).is_empty());
    // 12 hours either side counts, a second more does not.
    let edge = vec![
        enquiry(1, "2026-11-20 00:00:00", None),
        enquiry(2, "2026-11-20 12:00:00", None),
        enquiry(3, "2026-11-21 00:00:00", None),
    ];
    assert_eq!(gaps(&edge, &mb, now()), [1].into_iter().collect());
    let mut late = edge.clone();
    late[2].at = at("2026-11-21 00:00:01");
    assert!(gaps(&late, &mb, now()).is_empty());
}

#[test]
fn judge_names_signs_only_where_the_account_shows_answers() {
    let mb = boxes(&[(1, "a@x.de"), (2, "b@x.de")]);
    let mut mails: BTreeMap<u64, Vec<Mail>> = BTreeMap::new();
    for d in 10..22 {
        let day = format!("2026-11-{d} 10:00:00");
        let reply = format!("2026-11-{d} 10:04:00");
        let from = 1000 + d;
        mails.entry(2).or_default().push(mail(&day, true, &[from]));
        mails
            .entry(2)
            .or_default()
            .push(mail(&reply, false, &[from]));
    }
    mails.insert(1, vec![mail("2026-11-15 10:00:00", true, &[5])]);
    let a = judge(Some(&mails), &mb, &BTreeSet::new(), now());
    assert!(a.seen.shown());
    assert_eq!(a.per_mailbox["b@x.de"].answered, 12);
    assert_eq!(a.per_mailbox["b@x.de"].median_minutes, Some(4));
    assert_eq!(a.per_mailbox["a@x.de"].enquiries, 1);
    assert_eq!(a.signs.listings.keys().copied().collect::<Vec<_>>(), [1]);
    // Without replies in the Maklerbuch: no sign at all.
    for list in mails.values_mut() {
        list.retain(|m| m.incoming);
    }
    let a = judge(Some(&mails), &mb, &BTreeSet::new(), now());
    assert!(matches!(a.seen, AnswersSeen::NotShown { .. }));
    assert!(a.signs.listings.is_empty());
    assert_eq!(
        judge(None, &mb, &BTreeSet::new(), now()).seen,
        AnswersSeen::NotRead
    );
}

#[test]
fn the_diagnosis_counts_both_ways_and_what_could_not_be_read() {
    use onoffice::{ActionResult, Record};
    let rec =
        |v: serde_json::Value| Record::new("1", Some("agentslog"), v.as_object().unwrap().clone());
    let e = |kind_type: &str, addr: &str, at: &str| {
        rec(
            serde_json::json!({"Objekt_nr": ["1"], "Adress_nr": [addr], "Aktionsart": "Email", "Aktionstyp": kind_type, "Datum": at}),
        )
    };
    let result = Ok(ActionResult {
        records: vec![
            e("Eingang", "5", "2026-11-20 10:00:00"),
            e("Ausgang", "5", "2026-11-20 10:20:00"),
            e("Eingang", "6", "2026-11-21 10:00:00"),
            e("Ausgang", "6", "2026-11-21 14:00:00"),
            e("Eingang", "7", "2026-11-22 10:00:00"),
            rec(
                serde_json::json!({"Objekt_nr": ["1"], "Aktionsart": "Email", "Aktionstyp": "Eingang", "Datum": "gestern"}),
            ),
        ],
        ..ActionResult::default()
    });
    let since = at("2026-11-01 10:00:00");
    let c = AnswerCounts::of_read(Some(&result), &[1], since, now());
    assert_eq!(
        c,
        AnswerCounts {
            incoming: 3,
            outgoing: 2,
            enquiries_with_address: 3,
            replied_within_1h: 1,
            replied_within_24h: 2,
            median_minutes: Some(240),
            unreadable_entries: 1,
            read_failed: false,
            first_page_only: false,
        }
    );
    let failed: onoffice::Result<ActionResult> = Err(onoffice::Error::Api {
        code: 500,
        message: "x".into(),
    });
    assert!(AnswerCounts::of_read(Some(&failed), &[1], since, now()).read_failed);
    // A missing right is a failed read as well.
    let refused: onoffice::Result<ActionResult> = Err(onoffice::Error::Api {
        code: 170,
        message: "No read permission".into(),
    });
    assert!(AnswerCounts::of_read(Some(&refused), &[1], since, now()).read_failed);
    // The median takes every answered enquiry, the youngest too (replies within the last day count).
    let young = Ok(ActionResult {
        records: vec![
            e("Eingang", "5", "2026-12-01 08:00:00"),
            e("Ausgang", "5", "2026-12-01 08:07:00"),
        ],
        ..ActionResult::default()
    });
    let c = AnswerCounts::of_read(Some(&young), &[1], since, now());
    assert_eq!((c.replied_within_1h, c.median_minutes), (1, Some(7)));
    assert_eq!(
        AnswerCounts::of_read(None, &[1], since, now()),
        AnswerCounts::default()
    );
}

#[test]
fn listings_without_a_mailbox_make_no_gap_and_an_unreadable_listing_keeps_its_mailbox_unfolded() {
    // Three unanswered around one time, but two of them on listings without a system user's mailbox: no gap.
    let mb = boxes(&[(1, "a@x.de"), (3, "c@x.de")]);
    let es = vec![
        enquiry(1, "2026-11-20 08:00:00", None),
        enquiry(2, "2026-11-20 10:00:00", None),
        enquiry(4, "2026-11-20 12:00:00", None),
        enquiry(3, "2026-11-25 10:00:00", Some(2)),
    ];
    assert!(gaps(&es, &mb, now()).is_empty());
    assert!(signs(&es, &mb, &BTreeSet::new(), now())
        .listings
        .contains_key(&1));
    // The mailbox of 1 and 2 would be one sign, but listing 5 of it could not be read: signs per listing.
    let lost = boxes(&[
        (1, "lost@x.de"),
        (2, "lost@x.de"),
        (5, "lost@x.de"),
        (3, "ok@x.de"),
    ]);
    let es = vec![
        enquiry(1, "2026-11-26 10:00:00", None),
        enquiry(2, "2026-11-27 08:00:00", None),
        enquiry(3, "2026-11-28 10:00:00", Some(2)),
    ];
    assert_eq!(
        signs(&es, &lost, &BTreeSet::new(), now()).mailboxes.len(),
        1
    );
    let s = signs(&es, &lost, &[5].into(), now());
    assert!(s.mailboxes.is_empty());
    assert_eq!(s.listings.keys().copied().collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn a_full_page_says_the_counts_are_cut_off() {
    use onoffice::{ActionResult, Record};
    let records = (0..500)
        .map(|i| {
            Record::new(
                i.to_string(),
                Some("agentslog"),
                serde_json::json!({"Objekt_nr": ["1"], "Adress_nr": ["5"], "Aktionsart": "Notiz", "Aktionstyp": "", "Datum": "2026-11-20 10:00:00"})
                    .as_object()
                    .unwrap()
                    .clone(),
            )
        })
        .collect();
    let full = Ok(ActionResult {
        records,
        ..ActionResult::default()
    });
    let c = AnswerCounts::of_read(Some(&full), &[1], at("2026-11-01 10:00:00"), now());
    assert!(c.first_page_only);
    assert_eq!(c.incoming, 0);
}

/// The rule of `gaps` as first written, every enquiry against every other: what the windowed one must equal.
fn gaps_by_every_pair(
    enquiries: &[Enquiry],
    mailbox_of: &BTreeMap<u64, String>,
    now: DateTime,
) -> BTreeSet<usize> {
    let judged: Vec<(usize, &Enquiry)> = enquiries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.judged_at(now))
        .collect();
    let mut out = BTreeSet::new();
    for (i, e) in judged.iter().filter(|(_, e)| !e.answered()) {
        let around: Vec<&Enquiry> = judged
            .iter()
            .map(|(_, o)| *o)
            .filter(|o| mailbox_of.contains_key(&o.listing))
            .filter(|o| o.at.duration_since(e.at).abs().as_secs() <= GAP_HOURS * 3600)
            .collect();
        let boxes: BTreeSet<&String> = around.iter().map(|o| &mailbox_of[&o.listing]).collect();
        if around.len() >= GAP_MIN_ENQUIRIES
            && boxes.len() >= 2
            && around.iter().all(|o| !o.answered())
        {
            out.insert(*i);
        }
    }
    out
}

#[test]
fn gaps_look_only_at_their_own_hours_and_find_what_every_pair_finds() {
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mb = boxes(&[(1, "a@x.de"), (2, "b@x.de"), (3, "b@x.de"), (4, "c@x.de")]);
    let mut found = 0;
    for round in 0..60 {
        let start = at("2026-11-01 00:00:00");
        let count = 5 + next(60) as usize;
        let spread_minutes = 60 * (2 + next(24 * 20)) as i64;
        let es: Vec<Enquiry> = (0..count)
            .map(|_| Enquiry {
                // Listing 5 has no mailbox: it never reaches the agent.
                listing: 1 + next(5),
                // Some exactly 12 hours apart, some a fraction of a second more.
                at: start
                    + (next(spread_minutes as u64) as i64).minutes()
                    + (next(2) as i64 * 43_200).seconds()
                    + (next(3) as i64 * 400).milliseconds(),
                from: vec![1],
                reply_after: (next(10) < 2 + round % 3).then(|| next(3000) as i64),
            })
            .collect();
        let expected = gaps_by_every_pair(&es, &mb, now());
        found += expected.len();
        assert_eq!(gaps(&es, &mb, now()), expected, "round {round}: {es:?}");
    }
    assert!(found > 20, "the rounds must hold gaps to compare ({found})");
    // Half a second past 12 hours is still 12 hours by the rule's whole seconds.
    let mut edge = vec![
        enquiry(1, "2026-11-20 00:00:00", None),
        enquiry(2, "2026-11-20 12:00:00", None),
        enquiry(3, "2026-11-21 00:00:00", None),
    ];
    edge[2].at += 500.milliseconds();
    assert_eq!(
        gaps(&edge, &mb, now()),
        gaps_by_every_pair(&edge, &mb, now())
    );
    assert_eq!(gaps(&edge, &mb, now()), [1].into_iter().collect());
}
