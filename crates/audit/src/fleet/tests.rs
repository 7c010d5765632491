use super::*;
use crate::answers::AnswerRate;

fn checked(report: &AuditReport, name: &str, news: Option<u32>) -> AccountRow {
    AccountRow::checked(name, report, "2026-12-06T07:00:00Z", news)
}

/// The left model's report of the left tests: two unconfirmed users sharing one mailbox, a fixable user, two
/// listings following their contacts.
fn report() -> AuditReport {
    let mut r = crate::left::tests::report();
    r.snapshot.makler = Some(r.makler.clone());
    r.left = crate::left::of(&r);
    r
}

#[test]
fn a_checked_row_counts_each_part_as_the_model_does() {
    let r = report();
    let row = checked(&r, "Isar", None);
    for part in Part::ALL {
        assert_eq!(row.left.get(part) as usize, r.left.count(part), "{part:?}");
    }
    assert!(row.left.total() > 0);
    assert_eq!(row.standing, Standing::Open);
    assert_eq!(row.said, r.left.summary(), "the finish line's own sentence");
    assert_eq!(
        row.mailboxes,
        MailboxCounts {
            total: 1,
            to_confirm: 1,
            ..MailboxCounts::default()
        }
    );
    assert_eq!(row.mailboxes.said().de, "1 Postfach: 1 zu bestätigen");
    assert_eq!(row.answers, None, "answers not shown: no rate");
    assert_eq!(row.answers_said().de, "–");
    assert_eq!(row.checked_at.as_deref(), Some("2026-12-06T07:00:00Z"));
}

#[test]
fn the_rate_is_shown_only_where_the_account_shows_replies() {
    let mut r = report();
    let rate = AnswerRate {
        enquiries: 44,
        answered: 41,
        median_minutes: Some(4),
    };
    r.answers = AnswersSeen::NotShown { rate: rate.clone() };
    assert_eq!(checked(&r, "A", None).answers, None);
    r.answers = AnswersSeen::TooFew { rate: rate.clone() };
    assert_eq!(checked(&r, "A", None).answers, None);
    r.answers = AnswersSeen::Shown { rate: rate.clone() };
    let row = checked(&r, "A", None);
    assert_eq!(row.answers, Some(rate));
    assert_eq!(row.answers_said().de, "41 von 44 beantwortet");
    assert_eq!(row.answers_said().en, "41 of 44 answered");
}

#[test]
fn standing_follows_completeness_news_and_what_is_left() {
    let mut r = report();
    assert_eq!(checked(&r, "A", Some(0)).standing, Standing::Open);
    assert_eq!(checked(&r, "A", Some(2)).standing, Standing::News);
    assert_eq!(checked(&r, "A", Some(2)).news, Some(2));
    r.complete = false;
    assert_eq!(checked(&r, "A", Some(2)).standing, Standing::Incomplete);
    let mut done = report();
    done.findings.clear();
    done.mailboxes.clear();
    done.left = crate::left::of(&done);
    let row = checked(&done, "A", Some(0));
    assert_eq!(row.standing, Standing::Done);
    assert_eq!(row.left.total(), 0);
    assert_eq!(row.said.de, "Alles erledigt.");
    assert_eq!(row.mailboxes.said().de, "keine Postfächer");
}

#[test]
fn a_failed_row_says_what_failed_and_what_to_do() {
    let row = AccountRow::failed("Nord", FailureKind::Credentials, "2026-12-06T07:00:00Z");
    assert_eq!(row.standing, Standing::Failed);
    assert_eq!(row.failure, Some(FailureKind::Credentials));
    assert!(row.said.de.contains("widerrufen"), "{}", row.said.de);
    use onoffice::ErrorClass as C;
    assert_eq!(
        FailureKind::of_class(C::Credentials),
        FailureKind::Credentials
    );
    assert_eq!(
        FailureKind::of_class(C::Permission),
        FailureKind::Permission
    );
    assert_eq!(FailureKind::of_class(C::Clock), FailureKind::Clock);
    assert_eq!(FailureKind::of_class(C::Transient), FailureKind::Network);
    assert_eq!(
        FailureKind::of_class(C::UnknownOutcome),
        FailureKind::Network
    );
    assert_eq!(FailureKind::of_class(C::Unexpected), FailureKind::Other);
    let kinds = [
        FailureKind::Credentials,
        FailureKind::CredentialsMissing,
        FailureKind::Permission,
        FailureKind::Clock,
        FailureKind::Network,
        FailureKind::TimedOut,
        FailureKind::Repeated,
        FailureKind::Other,
    ];
    let words: std::collections::BTreeSet<String> = kinds.iter().map(|k| k.said().de).collect();
    assert_eq!(words.len(), kinds.len(), "each kind its own words");
    assert!(kinds.iter().all(|k| !k.said().en.is_empty()));
}

#[test]
fn the_accounts_that_need_someone_come_first() {
    let r = report();
    let mut done = report();
    done.findings.clear();
    done.left = crate::left::of(&done);
    let mut small = report();
    small.findings.truncate(1);
    small.left = crate::left::of(&small);
    let mut rows = vec![
        checked(&done, "A done", Some(0)),
        AccountRow::not_checked("B new"),
        checked(&small, "C small", None),
        checked(&r, "D big", None),
        checked(&r, "E news", Some(1)),
        AccountRow::failed("F failed", FailureKind::Network, "x"),
        {
            let mut inc = report();
            inc.complete = false;
            checked(&inc, "G incomplete", None)
        },
        checked(&r, "H big too", None),
    ];
    sort(&mut rows);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "F failed",
            "G incomplete",
            "E news",
            "D big",
            "H big too",
            "C small",
            "B new",
            "A done"
        ]
    );
    let line = headline(&rows);
    assert_eq!(
        line.de,
        "8 Konten: 1 Prüfung fehlgeschlagen, 1 unvollständig, 1 Neues, 3 offen, 1 noch nicht geprüft, 1 alles erledigt"
    );
    assert!(line.en.starts_with("8 accounts: 1 check failed"));
    let one = headline(&rows[..1]);
    assert_eq!(one.de, "1 Konto: 1 Prüfung fehlgeschlagen");
    assert_eq!(one.en, "1 account: 1 check failed");
}

#[test]
fn the_files_hold_one_row_per_account_in_the_given_order() {
    let r = report();
    let rows = vec![
        AccountRow::failed(
            "=HYPERLINK(\"x\")",
            FailureKind::Permission,
            "2026-12-06T07:00:00Z",
        ),
        checked(&r, "Müller <&> Söhne", Some(3)),
    ];
    let time = |t: &str| format!("am {t}");
    let csv = csv(&rows, &time);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "a head and one line per account");
    assert!(lines[0].contains("\"Konto\";\"Stand\";\"Was noch offen ist\";\"In der App\""));
    assert!(
        lines[1].starts_with("\"'=HYPERLINK"),
        "a formula is defused: {}",
        lines[1]
    );
    assert!(lines[1].contains("Recht"), "the failure in words");
    assert!(lines[1].ends_with("\"am 2026-12-06T07:00:00Z\""));
    assert!(
        lines[1].contains("\"–\";\"–\";\"–\";\"–\";\"–\";\"–\";\"–\""),
        "a failed check shows no counts: {}",
        lines[1]
    );
    let row = &rows[1];
    let expected_app = format!("\"{}\"", row.left.app);
    assert!(lines[2].contains(&expected_app));
    assert!(lines[2].contains("\"1 Postfach: 1 zu bestätigen\""));
    assert!(lines[2].contains(";\"3\";"), "new since the last run");
    let html = html(&rows, "06.12.2026", &time);
    assert!(html.contains("Müller &lt;&amp;&gt; Söhne"), "escaped");
    assert!(html.contains("<tr class=\"failed\">"));
    assert!(html.contains("2 Konten: 1 Prüfung fehlgeschlagen, 1 Neues"));
    assert_eq!(html.matches("<tr class=").count(), 2);
}

#[test]
fn mailboxes_are_counted_by_their_one_verdict() {
    let mut r = report();
    let one = r.mailboxes[0].clone();
    let verdicts = [
        serde_json::json!({"verdict": "booked"}),
        serde_json::json!({"verdict": "confirmed", "date": "2026-12-01"}),
        serde_json::json!({"verdict": "confirmed_despite_sign", "date": "2026-12-01", "until": "2026-12-15"}),
        serde_json::json!({"verdict": "sign", "confirmed": null}),
        serde_json::json!({"verdict": "sign", "confirmed": "2026-10-01"}),
        serde_json::json!({"verdict": "to_confirm"}),
        serde_json::json!({"verdict": "external"}),
    ];
    r.mailboxes = verdicts
        .iter()
        .map(|v| {
            let mut m = one.clone();
            m.verdict = serde_json::from_value(v.clone()).unwrap();
            m
        })
        .collect();
    let c = MailboxCounts::of(&r);
    assert_eq!(
        c,
        MailboxCounts {
            total: 7,
            booking: 3,
            signs: 2,
            to_confirm: 1,
            external: 1,
        }
    );
    assert_eq!(
        c.said().de,
        "7 Postfächer: 3 buchen, 2 Anzeichen, 1 zu bestätigen, 1 extern"
    );
    assert_eq!(
        c.said().en,
        "7 mailboxes: 3 booking, 2 signs, 1 to confirm, 1 external"
    );
}
