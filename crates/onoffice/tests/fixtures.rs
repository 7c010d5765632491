//! Recorded-shape fixtures through the real client, in the style of octocrab: a local stub server answers with JSON
//! in the shapes onOffice's own code and recorded answers show (docs/protocol.md), one test per shape. The stub
//! fails loudly on a request it does not expect.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use onoffice::api::{actions, parse_multiselect, RELATION_CONTACT_PERSON};
use onoffice::{
    email_entries, Action, ActionKind, Client, Credentials, EmailEntryKind, Error, ErrorClass,
    FieldCatalog, Filter, RelationSide,
};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

type Answer = Arc<dyn Fn(&[Value]) -> (StatusCode, String) + Send + Sync>;

/// A stub onOffice on loopback: `answer` gets the actions of each request. Returns the API URL and counters of
/// API requests and of hits on any other path (which a client must never reach).
async fn stub(answer: Answer) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let strays = Arc::new(AtomicUsize::new(0));
    let (r, s) = (requests.clone(), strays.clone());
    let app = Router::new()
        .route(
            "/api/stable/api.php",
            post(move |body: Bytes| {
                let answer = answer.clone();
                let r = r.clone();
                async move {
                    r.fetch_add(1, Ordering::SeqCst);
                    let v: Value = serde_json::from_slice(&body).expect("the client sends JSON");
                    let list = v["request"]["actions"].as_array().expect("actions").clone();
                    let (status, body) = answer(&list);
                    let content = if body.starts_with('{') {
                        "application/json"
                    } else {
                        "text/html"
                    };
                    (status, [(header::CONTENT_TYPE, content)], body).into_response()
                }
            }),
        )
        .fallback(move || {
            let s = s.clone();
            async move {
                s.fetch_add(1, Ordering::SeqCst);
                (StatusCode::OK, fixture("read_user_recorded.json")).into_response()
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        format!("http://{addr}/api/stable/api.php"),
        requests,
        strays,
    )
}

fn client(url: &str) -> onoffice::ClientBuilder {
    let creds = Credentials::new(
        "0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    Client::builder(creds)
        .base_url(url)
        .backoff(Duration::from_millis(2))
        .timeout(Duration::from_secs(5))
}

fn always(body: String) -> Answer {
    Arc::new(move |_| (StatusCode::OK, body.clone()))
}

/// One result of a read in the recorded shape.
fn read_result(resource: &str, total: Value, records: Vec<Value>) -> Value {
    json!({"actionid": ActionKind::Read.urn(), "resourceid": "", "resourcetype": resource, "cacheable": true,
           "identifier": "", "data": {"meta": {"cntabsolute": total}, "records": records},
           "status": {"errorcode": 0, "message": "OK"}})
}

fn ok_envelope(results: Vec<Value>) -> String {
    json!({"status": {"code": 200, "errorcode": 0, "message": "OK"}, "response": {"results": results}})
        .to_string()
}

#[tokio::test]
async fn address_reads_with_numbers_pipes_arrays_and_three_email_lists() {
    let (url, _, _) = stub(always(fixture("read_address_recorded.json"))).await;
    let c = client(&url).build().unwrap();
    let records = c
        .read_addresses(&Filter::new(), &["ArtDaten", "email"])
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    // Ids and numbers come as numbers or strings.
    assert_eq!(records[0].numeric_id(), Some(10505));
    assert_eq!(records[1].numeric_id(), Some(10506));
    assert_eq!(records[0].text("KdNr").as_deref(), Some("51"));
    // Multiselects as pipe string and as JSON list.
    assert_eq!(
        parse_multiselect(&records[0].elements()["ArtDaten"]),
        ["Systembenutzer", "Makler"]
    );
    assert_eq!(
        parse_multiselect(&records[1].elements()["ArtDaten"]),
        ["Systembenutzer", "Kunde"]
    );
    // Every e-mail list, no remark taken for an address (one remark contains an address).
    let entries = email_entries(&records[0]);
    let kinds: Vec<EmailEntryKind> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EmailEntryKind::Business,
            EmailEntryKind::Private,
            EmailEntryKind::Plain
        ]
    );
    assert!(entries.iter().all(|e| e.address != "anna@alt.de"));
    assert_eq!(email_entries(&records[1])[0].address, "joerg@gmx.de");
}

#[tokio::test]
async fn user_reads_without_a_total_page_until_a_short_page() {
    for total in [5usize, 4, 0] {
        let answer: Answer = Arc::new(move |list: &[Value]| {
            let results = list
                .iter()
                .map(|a| {
                    assert_eq!(a["resourcetype"], "user", "unexpected request {a}");
                    let offset = a["parameters"]["listoffset"].as_u64().unwrap() as usize;
                    let limit = a["parameters"]["listlimit"].as_u64().unwrap() as usize;
                    let records = (offset..total.min(offset + limit))
                        .map(|i| json!({"id": 17 + i, "type": "user", "elements": {"Nr": 17 + i, "Name": format!("u{i}")}}))
                        .collect();
                    read_result("user", Value::Null, records)
                })
                .collect();
            (StatusCode::OK, ok_envelope(results))
        });
        let (url, _, _) = stub(answer).await;
        let c = client(&url).page_size(2).max_in_flight(2).build().unwrap();
        let users = c.read_users(&["Nr", "Name"]).await.unwrap();
        assert_eq!(users.len(), total, "{total} users");
        let nrs: Vec<u64> = users.iter().filter_map(|u| u.numeric_id()).collect();
        assert_eq!(nrs, (0..total as u64).map(|i| 17 + i).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn relation_lists_keep_the_order_onoffice_sends() {
    let (url, _, _) = stub(always(fixture("idsfromrelation_unsorted.json"))).await;
    let c = client(&url).build().unwrap();
    let map = c
        .ids_from_relation(
            RELATION_CONTACT_PERSON,
            RelationSide::Parents,
            &[2001, 2002, 2003],
        )
        .await
        .unwrap();
    assert_eq!(map[&2001], vec![5533, 5539, 5545, 15, 1078, 1087, 14]);
    assert!(map[&2002].is_empty());
    assert_eq!(map[&2003], vec![77]);
}

#[tokio::test]
async fn root_97_leaves_the_verdict_to_each_action() {
    let (url, requests, _) = stub(always(fixture("root_97.json"))).await;
    let c = client(&url).max_in_flight(1).build().unwrap();
    // Each action's result is read through its own handle, whatever the order of taking.
    let mut batch = onoffice::Batch::new();
    let estates = batch.add(actions::read_estates(&Filter::new(), &["vermarktungsart"]));
    let addresses = batch.add(actions::read_addresses(&Filter::new(), &["EmailPrivat"]));
    let mut answers = c.send(batch).await;
    assert_eq!(answers.take(addresses).unwrap_err().code(), Some(75));
    let estate = answers.take(estates).unwrap();
    assert_eq!(estate.records[0].text("status").as_deref(), Some("1"));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_error_envelope_with_http_500_is_read_not_retried_as_lost() {
    let body = fixture("error_envelope.json");
    let (url, requests, _) = stub(Arc::new(move |_| {
        (StatusCode::INTERNAL_SERVER_ERROR, body.clone())
    }))
    .await;
    let c = client(&url).max_retries(3).build().unwrap();
    let e = c.read_users(&["Nr"]).await.unwrap_err();
    assert_eq!(e.code(), Some(22));
    assert_eq!(e.class(), ErrorClass::Credentials);
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_answer_without_an_envelope_is_lost_reads_retry_writes_stay_unknown() {
    let (url, requests, _) = stub(Arc::new(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "<html>500</html>".to_string(),
        )
    }))
    .await;
    let c = client(&url).max_retries(2).build().unwrap();
    let e = c.read_users(&["Nr"]).await.unwrap_err();
    assert_eq!(e.class(), ErrorClass::Transient);
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    let e = c
        .modify_address(1, &onoffice::AddressChanges::new().field("Vorname", "A"))
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::UnknownOutcome);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        4,
        "a write is never resent"
    );
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let (url, requests, strays) = stub(Arc::new(|_| (StatusCode::OK, String::new()))).await;
    // A second stub that redirects every request to the first one's other paths.
    let target = url.replace("/api/stable/api.php", "/elsewhere");
    let redirecting = Router::new().fallback(move || {
        let target = target.clone();
        async move {
            Response::builder()
                .status(StatusCode::TEMPORARY_REDIRECT)
                .header(header::LOCATION, target)
                .body(axum::body::Body::empty())
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, redirecting).await;
    });
    let c = client(&format!("http://{addr}/api/stable/api.php"))
        .build()
        .unwrap();
    let e = c.read_users(&["Nr"]).await.unwrap_err();
    assert!(matches!(e, Error::Redirect { status: 307 }), "{e:?}");
    assert_eq!(e.class(), ErrorClass::Configuration);
    assert!(e.message_de().contains("Umleitung"));
    assert_eq!(strays.load(Ordering::SeqCst), 0);
    assert_eq!(requests.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn field_metadata_as_real_accounts_send_it() {
    let (url, _, _) = stub(always(fixture("get_fields_recorded.json"))).await;
    let c = client(&url).build().unwrap();
    let catalog: FieldCatalog = c
        .get_fields(&["address", "estate"], true, &[])
        .await
        .unwrap();
    assert!(catalog
        .field("address", "Vorname")
        .unwrap()
        .permitted
        .is_empty());
    let status = catalog.field("address", "Status").unwrap();
    assert_eq!(status.field_type, "singleselect");
    assert_eq!(status.permitted.len(), 2);
    let art = catalog.field("address", "ArtDaten").unwrap();
    let makler = art.permitted.iter().find(|p| p.key == "Makler").unwrap();
    assert_eq!(makler.label.as_deref(), Some("Mitarbeiter"));
    assert_eq!(
        catalog.field("estate", "benutzer").unwrap().field_type,
        "text"
    );
    assert!(catalog.field("estate", "status").is_none());
}

#[tokio::test]
async fn error_15_halves_the_batch_and_remembers_it() {
    let answer: Answer = Arc::new(|list: &[Value]| {
        if list.len() > 2 {
            let refused = json!({"status": {"code": 400, "errorcode": 15, "message": "Missing or invalid element: actions"}, "response": {"results": []}});
            return (StatusCode::INTERNAL_SERVER_ERROR, refused.to_string());
        }
        let results = list
            .iter()
            .map(|_| read_result("estate", json!(0), vec![]))
            .collect();
        (StatusCode::OK, ok_envelope(results))
    });
    let (url, requests, _) = stub(answer).await;
    let c = client(&url)
        .max_actions_per_request(8)
        .max_in_flight(1)
        .build()
        .unwrap();
    let reads: Vec<Action> = (0..8)
        .map(|_| actions::read_estates(&Filter::new(), &["Id"]))
        .collect();
    assert!(c.execute(reads.clone()).await.iter().all(|r| r.is_ok()));
    assert_eq!(c.batch_limit(), 2);
    let before = requests.load(Ordering::SeqCst);
    assert!(c.execute(reads).await.iter().all(|r| r.is_ok()));
    assert_eq!(requests.load(Ordering::SeqCst) - before, 4);
    // One action alone that is still refused says so, in words that do not speak of a change.
    let single: Answer = Arc::new(|_| {
        (
            StatusCode::OK,
            json!({"status": {"code": 400, "errorcode": 15, "message": "x"}}).to_string(),
        )
    });
    let (url, _, _) = stub(single).await;
    let e = client(&url)
        .build()
        .unwrap()
        .read_users(&["Nr"])
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(15));
    assert!(!e.message_de().contains("Änderung"));
}

/// Reading one page ahead: lists that end on their second page cost one action each, not `max_in_flight`; a list
/// that goes on is read a page per round until a short page, and nothing is lost or read twice.
#[tokio::test]
async fn reading_one_page_ahead_asks_only_for_the_next_page() {
    let pages = Arc::new(std::sync::Mutex::new(Vec::<(u64, u64)>::new()));
    let seen = pages.clone();
    let answer: Answer = Arc::new(move |list: &[Value]| {
        let results = list
            .iter()
            .map(|a| {
                let total = a["parameters"]["estateid"][0].as_u64().unwrap() as usize;
                let offset = a["parameters"]["listoffset"].as_u64().unwrap() as usize;
                let limit = a["parameters"]["listlimit"].as_u64().unwrap() as usize;
                seen.lock().unwrap().push((total as u64, offset as u64));
                let records = (offset..total.min(offset + limit))
                    .map(|i| json!({"id": i, "type": "agentslog", "elements": {"Nr": i}}))
                    .collect();
                read_result("agentslog", Value::Null, records)
            })
            .collect();
        (StatusCode::OK, ok_envelope(results))
    });
    let (url, _, _) = stub(answer).await;
    let c = client(&url).page_size(2).max_in_flight(4).build().unwrap();
    // Three lists of 3, 2 and 7 entries (the "listing id" says how many).
    let lists: Vec<onoffice::Action> = [3u64, 2, 7]
        .iter()
        .map(|&n| actions::read_agents_log(&[n], &Filter::new(), &["Nr"]))
        .collect();
    let firsts = c
        .execute(
            lists
                .iter()
                .map(|a| onoffice::client::paged(a, 2, 0))
                .collect(),
        )
        .await;
    let got = c.read_remaining_ahead(&lists, firsts, 1).await;
    let lens: Vec<usize> = got.iter().map(|r| r.as_ref().unwrap().len()).collect();
    assert_eq!(lens, [3, 2, 7]);
    let asked = pages.lock().unwrap().clone();
    let after_first: Vec<(u64, u64)> = asked.into_iter().filter(|(_, o)| *o > 0).collect();
    let mut sorted = after_first.clone();
    sorted.sort();
    // The list of 3: page 2 only; the list of 2 (full first page): page 2, empty; the list of 7: pages 2, 3, 4.
    assert_eq!(sorted, [(2, 2), (3, 2), (7, 2), (7, 4), (7, 6)]);
}

#[tokio::test]
async fn json_without_an_envelope_is_lost_on_a_server_error_and_unexpected_otherwise() {
    // (HTTP status, body, error class, requests for a read with two retries, words the error's detail holds)
    let cases = [
        (
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"error":"busy"}"#,
            ErrorClass::Transient,
            3,
            "",
        ),
        (
            StatusCode::TOO_MANY_REQUESTS,
            r#"{"error":"slow down"}"#,
            ErrorClass::Transient,
            3,
            "",
        ),
        (
            StatusCode::NOT_FOUND,
            r#"{"error":"no"}"#,
            ErrorClass::Unexpected,
            1,
            "404 Not Found without an onOffice answer",
        ),
        (
            StatusCode::NOT_FOUND,
            "Not Found",
            ErrorClass::Unexpected,
            1,
            "404 Not Found without a JSON body",
        ),
        (
            StatusCode::OK,
            r#"{"hello":1}"#,
            ErrorClass::Unexpected,
            1,
            "response.results is missing",
        ),
        (
            StatusCode::OK,
            "[1, 2]",
            ErrorClass::Unexpected,
            1,
            "response is not a JSON object",
        ),
        // Cut off, or a value no parse can read: no answer at all, sent again.
        (
            StatusCode::OK,
            r#"{"status":{"code":200,"errorcode":0},"response":{"res"#,
            ErrorClass::Transient,
            3,
            "",
        ),
        (
            StatusCode::OK,
            r#"{"status":{"code":200,"errorcode":0},"response":{"results":[{"data":{"records":[{"id":1,"elements":{"Nr":1e400}}]}}]}}"#,
            ErrorClass::Transient,
            3,
            "",
        ),
        (
            StatusCode::NOT_FOUND,
            r#"{"status":{"code":200},"response":{"results":[{"data":{"records":[{"id":1,"elements":{"Nr":"\ud800"}}]}}]}}"#,
            ErrorClass::Unexpected,
            1,
            "404 Not Found without a JSON body",
        ),
    ];
    for (status, body, class, sent, words) in cases {
        let (url, requests, _) = stub(Arc::new(move |_| (status, body.to_string()))).await;
        let c = client(&url).max_retries(2).build().unwrap();
        let e = c.read_users(&["Nr"]).await.unwrap_err();
        assert_eq!(e.class(), class, "{status} {body}: {e:?}");
        assert_eq!(requests.load(Ordering::SeqCst), sent, "{status} {body}");
        if let Error::Unexpected { detail } = &e {
            assert!(detail.contains(words), "{status} {body}: {detail}");
        }
    }
}

#[tokio::test]
async fn a_clock_off_by_an_hour_signs_with_the_hour_added() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let log = seen.clone();
    let body = fixture("read_user_recorded.json");
    let (url, _, _) = stub(Arc::new(move |actions| {
        let mut log = log.lock().unwrap();
        log.extend(actions.iter().filter_map(|a| a["timestamp"].as_i64()));
        (StatusCode::OK, body.clone())
    }))
    .await;
    let c = client(&url).clock_skew_secs(3600).build().unwrap();
    c.read_users(&["Nr"]).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let stamps = seen.lock().unwrap().clone();
    assert!(
        !stamps.is_empty() && stamps.iter().all(|t| (t - (now + 3600)).abs() <= 5),
        "{stamps:?} against {now} + 3600"
    );
}
