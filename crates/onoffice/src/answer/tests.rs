//! Unit tests of `answer`: every shape the envelope, results, data, records and elements may come in.

use super::*;
use crate::envelope::parse_answer;
use serde_json::json;

/// One action's result from a body with one result.
fn one(result: Value) -> Result<ActionResult, Error> {
    let body = json!({"status": {"code": 200, "errorcode": 0}, "response": {"results": [result]}});
    parse_answer(body.to_string().as_bytes(), 1)
        .unwrap()
        .remove(0)
}

fn detail(e: Error) -> String {
    match e {
        Error::Unexpected { detail } => detail,
        other => panic!("not unexpected: {other:?}"),
    }
}

#[test]
fn each_shape_of_data_reads_as_before() {
    assert_eq!(one(json!({"data": []})).unwrap(), ActionResult::default());
    assert_eq!(one(json!({"data": null})).unwrap(), ActionResult::default());
    assert_eq!(one(json!({})).unwrap(), ActionResult::default());
    assert_eq!(one(json!("odd")).unwrap(), ActionResult::default());
    assert_eq!(one(json!([1])).unwrap(), ActionResult::default());
    assert_eq!(one(json!({"data": {}})).unwrap(), ActionResult::default());
    for odd in [json!([1]), json!("x"), json!(3), json!(true)] {
        let e = one(json!({"data": odd})).unwrap_err();
        assert_eq!(detail(e), "data is neither an object nor empty");
    }
    let counted = |meta: Value| {
        one(json!({"data": {"meta": meta, "records": []}}))
            .unwrap()
            .cnt_absolute
    };
    assert_eq!(counted(json!({"cntabsolute": [12]})), Some(12));
    assert_eq!(counted(json!({"cntabsolute": "7"})), Some(7));
    assert_eq!(counted(json!({"cntabsolute": -3})), Some(0));
    assert_eq!(counted(json!({"cntabsolute": null})), None);
    assert_eq!(counted(json!({})), None);
}

#[test]
fn records_come_as_a_list_or_keyed_and_a_bad_one_fails_its_action_only() {
    let records = |records: Value| one(json!({"data": {"records": records}}));
    // Keyed by id: in the answer's own order (text, since `json!` would sort the keys).
    let body = r#"{"response": {"results": [{"data": {"records": {"b": {"id": 2, "elements": {}}, "a": {"id": "1"}}}}]}}"#;
    let keyed = parse_answer(body.as_bytes(), 1).unwrap().remove(0).unwrap();
    let ids: Vec<&str> = keyed.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["2", "1"]);
    assert!(records(json!(null)).unwrap().records.is_empty());
    assert_eq!(
        detail(records(json!("x")).unwrap_err()),
        "records is not a list"
    );
    assert_eq!(
        detail(records(json!(5)).unwrap_err()),
        "records is not a list"
    );
    for odd in [json!(5), json!(null), json!(["id"])] {
        let e = records(json!([{"id": 1}, odd, {"id": 3}])).unwrap_err();
        assert_eq!(detail(e), "record is not an object");
    }
    let body = json!({"response": {"results": [
        {"data": {"records": [7]}},
        {"data": {"records": [{"id": 8, "type": "estate", "elements": {"a": 1}}]}}
    ]}});
    let mut rs = parse_answer(body.to_string().as_bytes(), 2).unwrap();
    let second = rs.pop().unwrap().unwrap();
    assert_eq!(second.records[0].record_type.as_deref(), Some("estate"));
    assert_eq!(second.records[0].text("a").as_deref(), Some("1"));
    assert!(rs.pop().unwrap().is_err());
}

#[test]
fn elements_of_each_shape_become_one_object() {
    let elements = |elements: Value| {
        one(json!({"data": {"records": [{"id": 1, "type": "", "elements": elements}]}}))
            .map(|mut r| r.records.remove(0))
    };
    let merged = elements(json!([{"a": 1}, {"b": "x"}, 5])).unwrap();
    assert_eq!(
        merged.elements(),
        json!({"a": 1, "b": "x"}).as_object().unwrap().clone()
    );
    assert_eq!(merged.record_type, None);
    assert!(elements(json!([])).unwrap().elements().is_empty());
    assert!(elements(json!(null)).unwrap().elements().is_empty());
    assert_eq!(
        detail(elements(json!("x")).unwrap_err()),
        "elements is neither an object nor a list"
    );
    assert_eq!(
        detail(elements(json!(1)).unwrap_err()),
        "elements is neither an object nor a list"
    );
    let plain = elements(json!({"Name": "Berg"})).unwrap();
    assert_eq!(plain.text("Name").as_deref(), Some("Berg"));
}

#[test]
fn an_action_error_wins_over_its_data_whatever_the_order() {
    for result in [
        json!({"data": {"records": [{"id": 1}]}, "status": {"errorcode": 80, "message": "Unknown record"}}),
        json!({"status": {"errorcode": "80", "message": "Unknown record"}, "data": []}),
    ] {
        let e = one(result).unwrap_err();
        assert_eq!(e.code(), Some(80));
    }
    assert!(one(json!({"status": {"errorcode": 0}, "data": []})).is_ok());
    assert!(one(json!({"status": "odd", "data": []})).is_ok());
}

#[test]
fn the_envelope_is_onoffices_only_with_a_status_object_or_a_response() {
    let read = |body: &str| {
        serde_json::from_str::<Envelope>(body)
            .unwrap()
            .is_onoffice()
    };
    assert!(read(r#"{"status": {"code": 200}}"#));
    assert!(read(r#"{"response": null}"#));
    assert!(read(r#"{"response": 5}"#));
    assert!(!read(r#"{"status": 5}"#));
    assert!(!read(r#"{"error": "proxy"}"#));
    let results = |body: &str| serde_json::from_str::<Envelope>(body).unwrap().results(1);
    for missing in [
        r#"{"response": null}"#,
        r#"{"response": {"results": {}}}"#,
        r#"{"response": [1]}"#,
        r#"{"response": {}}"#,
    ] {
        assert_eq!(
            detail(results(missing).unwrap_err()),
            "response.results is missing"
        );
    }
    assert_eq!(
        detail(results(r#"{"response": {"results": [{}, {}]}}"#).unwrap_err()),
        "2 results for 1 actions"
    );
    assert!(parse_answer(b"[1, 2]", 1).is_err());
    assert!(parse_answer(b"  {\"response\": {\"results\": [{}]}}", 1).is_ok());
    assert!(parse_answer(b"{\"response\"", 1).is_err());
}

#[test]
fn a_body_is_an_envelope_other_json_or_no_json_as_a_full_parse_would_say() {
    let kind = |body: &str| match Body::read(body.as_bytes()) {
        Body::Envelope(_) => "envelope",
        Body::OtherJson => "other",
        Body::Unreadable(_) => "unreadable",
    };
    let record = |elements: &str| {
        format!(
            r#"{{"response": {{"results": [{{"data": {{"records": [{{"id": 1, "elements": {elements}}}]}}}}]}}}}"#
        )
    };
    assert_eq!(kind(&record(r#"{"a": 1e3, "b": "\u00e4"}"#)), "envelope");
    for bad in [
        r#"{"a": 1e400}"#,
        r#"{"a": "\ud800"}"#,
        r#"{"a": [1e999]}"#,
        r#"{"\ud800": 1}"#,
    ] {
        assert_eq!(kind(&record(bad)), "unreadable", "{bad}");
    }
    assert_eq!(kind(r#"{"response""#), "unreadable");
    assert_eq!(kind("<html>proxy</html>"), "unreadable");
    assert_eq!(kind("[1, 2]"), "other");
    assert_eq!(kind(r#""text""#), "other");
    assert_eq!(kind(" {}"), "envelope");
}

#[test]
fn a_root_key_named_twice_counts_the_last_time_as_below_it() {
    let body = r#"{"status": {"code": 400, "errorcode": 22}, "status": {"code": 200, "errorcode": 0},
        "response": {"results": [{}, {}]}, "response": {"results": [{"data": []}]}}"#;
    let results = parse_answer(body.as_bytes(), 1).unwrap();
    assert_eq!(results.len(), 1);
    let body = r#"{"status": {"code": 200, "errorcode": 0}, "status": {"code": 400, "errorcode": 22},
        "response": {"results": [{}]}}"#;
    assert_eq!(
        parse_answer(body.as_bytes(), 1).unwrap_err().code(),
        Some(22)
    );
}

#[test]
fn the_root_status_fails_the_request_unless_it_defers_to_the_actions() {
    let root = |status: Value| {
        let body = json!({"status": status, "response": {"results": [{"data": []}]}});
        parse_answer(body.to_string().as_bytes(), 1).map(|_| ())
    };
    assert_eq!(
        root(json!({"code": 400, "errorcode": 0}))
            .unwrap_err()
            .code(),
        Some(400)
    );
    assert_eq!(
        root(json!({"code": 200, "errorcode": 22}))
            .unwrap_err()
            .code(),
        Some(22)
    );
    assert!(root(json!({"code": 500, "errorcode": 97})).is_ok());
    assert!(root(json!({"code": 200, "errorcode": 97})).is_ok());
    assert!(root(json!({"code": 299})).is_ok());
    assert_eq!(root(json!({"code": 300})).unwrap_err().code(), Some(300));
}

#[test]
fn results_of_another_shape_are_missing_not_unreadable() {
    for body in [
        r#"{"response": {"results": {"a": [1, {"b": 2}], "c": 3}}}"#,
        r#"{"response": {"results": "x", "other": {"d": [4]}}}"#,
    ] {
        let e = parse_answer(body.as_bytes(), 1).unwrap_err();
        assert_eq!(detail(e), "response.results is missing", "{body}");
    }
}
