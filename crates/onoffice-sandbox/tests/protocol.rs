//! The sandbox seen from the wire: requests built by hand (as the official PHP SDK sends them) are accepted, bad ones
//! get the real error codes, writes behave like onOffice's, and the DNS server answers MX queries.

use std::time::{SystemTime, UNIX_EPOCH};

/// An HTTP client for the raw protocol tests (rustls needs its crypto provider chosen first).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn get(url: String) -> reqwest::Result<reqwest::Response> {
    http().get(url).send().await
}

use onoffice_sandbox::server::hmac_v2;
use onoffice_sandbox::{GenConfig, MaklerVariant, Sandbox, SandboxConfig};
use serde_json::{json, Value};

const READ: &str = "urn:onoffice-de-ns:smart:2.5:smartml:action:read";
const MODIFY: &str = "urn:onoffice-de-ns:smart:2.5:smartml:action:modify";
const CREATE: &str = "urn:onoffice-de-ns:smart:2.5:smartml:action:create";
const GET: &str = "urn:onoffice-de-ns:smart:2.5:smartml:action:get";
const CONTACT: &str = "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:contactPerson";

async fn start() -> Sandbox {
    start_with(21, 15, 40, Some(MaklerVariant::Standard)).await
}

async fn start_with(
    seed: u64,
    users: usize,
    estates: usize,
    makler_variant: Option<MaklerVariant>,
) -> Sandbox {
    Sandbox::start(SandboxConfig {
        generate: GenConfig {
            seed,
            users,
            estates,
            makler_variant,
            tenant: None,
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// One action, signed with the sandbox's secret at `ts`.
fn action(
    sb: &Sandbox,
    action_id: &str,
    resource_type: &str,
    resource_id: Value,
    params: Value,
    ts: i64,
) -> Value {
    let c = &sb.connection;
    json!({
        "actionid": action_id, "identifier": "", "parameters": params, "resourceid": resource_id,
        "resourcetype": resource_type, "timestamp": ts, "hmac_version": "2",
        "hmac": hmac_v2(&c.secret, &c.token, &ts.to_string(), resource_type, action_id)
    })
}

/// Posts actions and returns the JSON envelope, whatever the HTTP status (errors may come with HTTP 500).
async fn post(sb: &Sandbox, actions: Vec<Value>) -> Value {
    post_with_status(sb, actions).await.1
}

async fn post_with_status(sb: &Sandbox, actions: Vec<Value>) -> (u16, Value) {
    let body = json!({"token": sb.connection.token, "request": {"actions": actions}});
    let r = http()
        .post(&sb.connection.url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    if v["status"]["errorcode"] == 0 {
        assert_eq!(status, 200, "{v}");
    } else {
        assert!(status == 200 || status == 500, "{status}");
    }
    (status, v)
}

fn code(result: &Value) -> i64 {
    result["status"]["errorcode"].as_i64().unwrap()
}

/// One read action, signed now, sent alone.
async fn read(sb: &Sandbox, resource: &str, params: Value) -> Value {
    post(
        sb,
        vec![action(sb, READ, resource, json!(""), params, now())],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn php_sdk_request_is_accepted() {
    let sb = start().await;
    let c = &sb.connection;
    let ts = now();
    let mac = hmac_v2(&c.secret, &c.token, &ts.to_string(), "address", READ);
    // Byte for byte the shape of the SDK's wire capture (docs/protocol.md, Transport): integer hmac_version,
    // identifier null, sorted parameters, JSON body under a form content type.
    let body = format!(
        r#"{{"token":"{}","request":{{"actions":[{{"actionid":"{READ}","identifier":null,"parameters":{{"data":["Name","Vorname"],"listlimit":5}},"resourceid":"","resourcetype":"address","timestamp":{ts},"hmac_version":2,"hmac":"{mac}"}}]}}}}"#,
        c.token
    );
    let url = reqwest::Url::parse(&c.url).unwrap();
    assert_eq!(url.path(), "/api/stable/api.php");
    let latest = c.url.replace("/stable/", "/latest/");
    for target in [c.url.as_str(), latest.as_str()] {
        let r = http()
            .post(target)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "*/*")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"]["code"], 200, "{v}");
        let result = &v["response"]["results"][0];
        assert_eq!(code(result), 0, "{v}");
        assert_eq!(result["data"]["records"].as_array().unwrap().len(), 5);
        assert_eq!(
            result["data"]["meta"]["cntabsolute"],
            sb.account().addresses.len()
        );
        assert_eq!(result["identifier"], "");
        let first = &result["data"]["records"][0];
        assert!(first["id"].is_u64());
        assert_eq!(first["type"], "address");
        assert_eq!(first["elements"].as_object().unwrap().len(), 2);
    }
    let other = c.url.replace("/stable/", "/v9/");
    let r = http().post(other).body(body).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn authentication_errors() {
    let sb = start().await;
    let c = sb.connection.clone();
    let ts = now();
    let mut tampered = action(&sb, READ, "estate", json!(""), json!({}), ts);
    tampered["hmac"] = json!(hmac_v2(
        &c.secret,
        &c.token,
        &ts.to_string(),
        "address",
        READ
    ));
    let stale = action(&sb, READ, "estate", json!(""), json!({}), ts - 121);
    let future = action(&sb, READ, "estate", json!(""), json!({}), ts + 600);
    let fine = action(&sb, READ, "estate", json!(""), json!({}), ts - 100);
    let v = post(&sb, vec![tampered, stale, future, fine]).await;
    let results = v["response"]["results"].as_array().unwrap();
    assert_eq!(
        results.iter().map(code).collect::<Vec<_>>(),
        vec![137, 136, 136, 0]
    );
    assert_eq!(results[0]["data"], json!([]));
    // Default list limit is 20.
    assert_eq!(results[3]["data"]["records"].as_array().unwrap().len(), 20);

    let body = json!({"token": "0123456789abcdef0123456789abcdef", "request": {"actions": [action(&sb, READ, "estate", json!(""), json!({}), ts)]}});
    let v: Value = http()
        .post(&c.url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"]["errorcode"], 22);
    let v: Value = http()
        .post(&c.url)
        .body("{not json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"]["errorcode"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_limits_and_relation_id_limit() {
    let sb = start_with(4, 10, 700, None).await;
    let ts = now();
    let big = action(
        &sb,
        READ,
        "estate",
        json!(""),
        json!({"listlimit": 2000}),
        ts,
    );
    let ids: Vec<u64> = (1..=501).collect();
    let too_many = action(
        &sb,
        GET,
        "idsfromrelation",
        json!(""),
        json!({"relationtype": CONTACT, "parentids": ids}),
        ts,
    );
    let v = post(&sb, vec![big, too_many]).await;
    let r = &v["response"]["results"];
    assert_eq!(r[0]["data"]["records"].as_array().unwrap().len(), 500);
    assert_eq!(r[0]["data"]["meta"]["cntabsolute"], 700);
    assert_eq!(code(&r[1]), 302);
}

#[tokio::test(flavor = "multi_thread")]
async fn multiselect_write_replaces_the_list() {
    let sb = start().await;
    let account = sb.account();
    let a = account
        .addresses
        .values()
        .find(|a| a.contact_types.len() >= 2)
        .unwrap();
    let ts = now();
    let write = action(
        &sb,
        MODIFY,
        "address",
        json!(a.id),
        json!({"ArtDaten": ["Kunde"]}),
        ts,
    );
    let v = post(&sb, vec![write]).await;
    assert_eq!(code(&v["response"]["results"][0]), 0, "{v}");
    assert_eq!(
        sb.account().addresses[&a.id].contact_types,
        vec!["Kunde".to_string()]
    );
    let read = action(
        &sb,
        READ,
        "address",
        json!(""),
        json!({"recordids": [a.id], "data": ["ArtDaten"]}),
        ts,
    );
    let v = post(&sb, vec![read]).await;
    assert_eq!(
        v["response"]["results"][0]["data"]["records"][0]["elements"]["ArtDaten"],
        "|Kunde|"
    );
    // An unknown key is refused and nothing changes.
    let bad = action(
        &sb,
        MODIFY,
        "address",
        json!(a.id),
        json!({"ArtDaten": ["Kunde", "Gibtsnicht"]}),
        ts,
    );
    let v = post(&sb, vec![bad]).await;
    assert_eq!(code(&v["response"]["results"][0]), 76);
    assert_eq!(
        sb.account().addresses[&a.id].contact_types,
        vec!["Kunde".to_string()]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn contact_person_needs_the_makler_key() {
    let sb = start().await;
    let account = sb.account();
    let estate = *account.estates.keys().next().unwrap();
    let customer = account
        .addresses
        .values()
        .find(|a| !account.is_broker(a.id))
        .unwrap()
        .id;
    let broker = account
        .addresses
        .values()
        .find(|a| account.is_broker(a.id))
        .unwrap()
        .id;
    let ts = now();
    let params =
        |child: u64| json!({"relationtype": CONTACT, "parentid": estate, "childid": child});
    let v = post(
        &sb,
        vec![
            action(&sb, CREATE, "relation", json!(""), params(customer), ts),
            action(&sb, CREATE, "relation", json!(""), params(broker), ts),
        ],
    )
    .await;
    let r = &v["response"]["results"];
    assert_eq!(code(&r[0]), 263);
    assert_eq!(
        r[0]["status"]["message"],
        "Address must be a real estate agent"
    );
    assert_eq!(code(&r[1]), 0);
    let contacts = sb.account().contacts_of(estate, false);
    assert_eq!(contacts.last(), Some(&broker));
    assert!(!contacts.contains(&customer));
}

#[tokio::test(flavor = "multi_thread")]
async fn fields_with_and_without_labels() {
    let sb = start_with(1, 5, 5, Some(MaklerVariant::Renamed)).await;
    let ts = now();
    let v = post(
        &sb,
        vec![
            action(
                &sb,
                GET,
                "fields",
                json!(""),
                json!({"labels": true, "modules": ["address"]}),
                ts,
            ),
            action(
                &sb,
                GET,
                "fields",
                json!(""),
                json!({"labels": false, "modules": ["address"]}),
                ts,
            ),
        ],
    )
    .await;
    let r = &v["response"]["results"];
    assert_eq!(r[0]["data"]["records"][0]["id"], "address");
    assert_eq!(
        r[0]["data"]["records"][0]["elements"]["ArtDaten"]["permittedvalues"]["Makler"],
        "Mitarbeiter"
    );
    let keys = r[1]["data"]["records"][0]["elements"]["ArtDaten"]["permittedvalues"]
        .as_array()
        .unwrap();
    assert!(keys.contains(&json!("Makler")));
}

#[tokio::test(flavor = "multi_thread")]
async fn inspection_routes() {
    let sb = start().await;
    let base = sb
        .connection
        .url
        .trim_end_matches("/api/stable/api.php")
        .to_string();
    let planted: Vec<Value> = get(format!("{base}/_sandbox/planted"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(planted
        .iter()
        .all(|p| p["kind"].is_string() && p["subject"].is_string()));
    assert_eq!(planted.len(), sb.planted().len());
    let state: Value = get(format!("{base}/_sandbox/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        state["addresses"].as_object().unwrap().len(),
        sb.account().addresses.len()
    );
    let _ = read(&sb, "estate", json!({})).await;
    let stats: Value = get(format!("{base}/_sandbox/stats"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats,
        json!({"requests": 1, "actions": 1, "by_kind": {"read": 1}})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dns_answers_mx_for_generated_domains() {
    use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
    use hickory_proto::rr::{Name, RData, RecordType};
    use std::str::FromStr;

    let sb = start().await;
    let ask_for = |name: &str, kind: RecordType| {
        let mut m = Message::new();
        m.set_id(4711)
            .set_message_type(MessageType::Query)
            .set_op_code(OpCode::Query);
        m.add_query(Query::query(Name::from_str(name).unwrap(), kind));
        m.to_vec().unwrap()
    };
    let ask = |name: &str| ask_for(name, RecordType::MX);
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut buf = vec![0u8; 2048];
    let account_domain = sb
        .account()
        .users
        .values()
        .next()
        .map(|u| u.email.split('@').nth(1).unwrap().to_string())
        .unwrap();
    sock.send_to(&ask(&format!("{account_domain}.")), sb.dns_addr)
        .await
        .unwrap();
    let n = sock.recv(&mut buf).await.unwrap();
    let answer = Message::from_vec(&buf[..n]).unwrap();
    assert_eq!(answer.id(), 4711);
    assert_eq!(answer.response_code(), ResponseCode::NoError);
    let hosts: Vec<String> = answer
        .answers()
        .iter()
        .filter_map(|r| match r.data() {
            RData::MX(mx) => Some(mx.exchange().to_string()),
            _ => None,
        })
        .collect();
    assert!(!hosts.is_empty());
    assert!(
        hosts.iter().all(|h| h.ends_with("outlook.com.")
            || h.ends_with(".mx.microsoft.")
            || h.ends_with("onoffice.de.")),
        "{hosts:?}"
    );

    // The filtered branch domain: a gateway as MX, Microsoft in SPF and autodiscover, as real domains publish.
    let filtered = sb
        .account()
        .addresses
        .values()
        .filter_map(|a| a.emails.first().map(|e| e.address.clone()))
        .find(|e| e.ends_with("-hausverwaltung.de"))
        .map(|e| e.split('@').nth(1).unwrap().to_string())
        .expect("a mailbox behind a filter");
    let mut answers = Vec::new();
    for (name, kind) in [
        (format!("{filtered}."), RecordType::MX),
        (format!("{filtered}."), RecordType::TXT),
        (format!("autodiscover.{filtered}."), RecordType::CNAME),
    ] {
        sock.send_to(&ask_for(&name, kind), sb.dns_addr)
            .await
            .unwrap();
        let n = sock.recv(&mut buf).await.unwrap();
        answers.extend(
            Message::from_vec(&buf[..n])
                .unwrap()
                .answers()
                .iter()
                .map(|r| r.data().to_string()),
        );
    }
    assert!(
        answers.iter().any(|a| a.contains("hornetsecurity.com"))
            && answers
                .iter()
                .any(|a| a.contains("include:spf.protection.outlook.com"))
            && answers.iter().any(|a| a == "autodiscover.outlook.com."),
        "{answers:?}"
    );

    sock.send_to(&ask("gmx.de."), sb.dns_addr).await.unwrap();
    let n = sock.recv(&mut buf).await.unwrap();
    let answer = Message::from_vec(&buf[..n]).unwrap();
    assert!(answer
        .answers()
        .iter()
        .any(|r| matches!(r.data(), RData::MX(mx) if mx.exchange().to_string().contains("gmx"))));

    sock.send_to(&ask("nicht-vorhanden.example."), sb.dns_addr)
        .await
        .unwrap();
    let n = sock.recv(&mut buf).await.unwrap();
    assert_eq!(
        Message::from_vec(&buf[..n]).unwrap().response_code(),
        ResponseCode::NXDomain
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn second_writer_changes_listed_addresses() {
    let sb = start().await;
    sb.set_knobs(onoffice_sandbox::Knobs {
        second_writer_rate: 1.0,
        ..Default::default()
    });
    let before = sb.account();
    let read = action(
        &sb,
        READ,
        "address",
        json!(""),
        json!({"filter": {"ArtDaten": [{"op": "=", "val": "Systembenutzer"}]}, "data": ["ArtDaten"], "listlimit": 500}),
        now(),
    );
    let v = post(&sb, vec![read]).await;
    let listed = v["response"]["results"][0]["data"]["records"]
        .as_array()
        .unwrap()
        .len();
    let after = sb.account();
    let changed = before
        .addresses
        .values()
        .filter(|a| after.addresses[&a.id].contact_types != a.contact_types)
        .count();
    assert_eq!(
        changed, listed,
        "every listed address was edited after the answer"
    );
    // The answer showed the state before the colleague's edits.
    let first = &v["response"]["results"][0]["data"]["records"][0];
    let id = first["id"].as_u64().unwrap();
    assert_eq!(
        first["elements"]["ArtDaten"],
        onoffice_sandbox::model::pipe_join(&before.addresses[&id].contact_types)
    );
    // System user and broker keys are never touched.
    for a in after.addresses.values() {
        assert_eq!(
            a.contact_types.iter().any(|k| k == "Systembenutzer"),
            before.addresses[&a.id]
                .contact_types
                .iter()
                .any(|k| k == "Systembenutzer")
        );
        assert_eq!(after.is_broker(a.id), before.is_broker(a.id));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn multiselect_equals_compares_the_whole_value_and_in_looks_inside() {
    let sb = start().await;
    let ts = now();
    let read = |op: &str, val: Value| {
        action(
            &sb,
            READ,
            "address",
            json!(""),
            json!({"data": ["ArtDaten"], "listlimit": 500, "filter": {"ArtDaten": [{"op": op, "val": val}]}}),
            ts,
        )
    };
    let v = post(
        &sb,
        vec![
            read("=", json!("Systembenutzer")),
            read("in", json!(["Systembenutzer"])),
        ],
    )
    .await;
    let ids = |i: usize| -> Vec<u64> {
        v["response"]["results"][i]["data"]["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect()
    };
    let account = sb.account();
    let with_key: Vec<u64> = account
        .addresses
        .values()
        .filter(|a| a.contact_types.iter().any(|k| k == "Systembenutzer"))
        .map(|a| a.id)
        .collect();
    let only_key: Vec<u64> = account
        .addresses
        .values()
        .filter(|a| a.contact_types == ["Systembenutzer"])
        .map(|a| a.id)
        .collect();
    assert_eq!(ids(1), with_key);
    assert_eq!(ids(0), only_key);
    assert!(
        only_key.len() < with_key.len(),
        "the harsher reading must bite"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn email_entries_come_in_three_lists_with_free_text_remarks() {
    let sb = start_with(3, 30, 20, Some(MaklerVariant::Standard)).await;
    let v = read(
        &sb,
        "address",
        json!({"data": ["email", "Email"], "listlimit": 500}),
    )
    .await;
    let mut prefixes = std::collections::BTreeSet::new();
    let mut remarks = std::collections::BTreeSet::new();
    for r in v["response"]["results"][0]["data"]["records"]
        .as_array()
        .unwrap()
    {
        for (k, val) in r["elements"].as_object().unwrap() {
            if let Some(prefix) = k.strip_suffix("__Comment") {
                remarks.insert(val.as_str().unwrap().to_string());
                let entry = prefix.to_string();
                assert!(r["elements"].get(&entry).is_some(), "{k} without its entry");
            } else if let Some((prefix, id)) = k.split_once("__") {
                assert!(id.parse::<u64>().is_ok(), "{k}");
                prefixes.insert(prefix.to_string());
            }
        }
    }
    assert_eq!(
        prefixes,
        ["email", "emailbusiness", "emailprivate"]
            .map(String::from)
            .into()
    );
    // Some remarks look like addresses themselves: a client must never take them for entries.
    assert!(remarks.iter().any(|r| r.contains('@')));
    assert!(remarks.len() > 3, "{remarks:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn user_reads_carry_no_total() {
    let sb = start().await;
    let v = read(&sb, "user", json!({"data": ["Nr", "Name"], "listlimit": 4})).await;
    let data = &v["response"]["results"][0]["data"];
    assert_eq!(data["meta"]["cntabsolute"], Value::Null);
    assert_eq!(data["records"].as_array().unwrap().len(), 4);
    // Numbers come as numbers in some elements.
    assert!(data["records"][0]["elements"]["Nr"].is_number());
}

#[tokio::test(flavor = "multi_thread")]
async fn field_metadata_as_recorded_dumps_show_it() {
    let sb = start().await;
    let get = |params: Value| action(&sb, GET, "fields", json!(""), params, now());
    let v = post(
        &sb,
        vec![
            get(json!({"labels": true, "modules": ["address", "estate", "user"]})),
            get(json!({"labels": true, "modules": ["estate"], "realDataTypes": true})),
        ],
    )
    .await;
    let records = &v["response"]["results"][0]["data"]["records"];
    let module = |id: &str| {
        records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["elements"]
            .clone()
    };
    let (address, estate, user) = (module("address"), module("estate"), module("user"));
    assert_eq!(address["Vorname"]["permittedvalues"], Value::Null);
    assert_eq!(address["Status"]["type"], "singleselect");
    assert_eq!(address["Status"]["permittedvalues"]["0"], "Archiviert");
    for absent in ["status", "verkauft"] {
        assert!(
            estate.get(absent).is_none(),
            "estate.{absent} is not listed"
        );
    }
    assert!(user.get("online").is_none());
    assert!(user.get("Aktiv_bis").is_some());
    assert_eq!(estate["benutzer"]["type"], "text");
    assert_eq!(
        v["response"]["results"][1]["data"]["records"][0]["elements"]["benutzer"]["type"],
        "user"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_action_marks_the_root_with_97_and_errors_may_come_as_http_500() {
    let sb = start().await;
    let mut statuses = std::collections::BTreeSet::new();
    for _ in 0..24 {
        let (status, v) = post_with_status(
            &sb,
            vec![
                action(
                    &sb,
                    READ,
                    "estate",
                    json!(""),
                    json!({"listlimit": 1}),
                    now(),
                ),
                action(&sb, READ, "nonsense", json!(""), json!({}), now()),
            ],
        )
        .await;
        assert_eq!(v["status"]["errorcode"], 97);
        assert_eq!(code(&v["response"]["results"][0]), 0);
        assert_eq!(code(&v["response"]["results"][1]), 25);
        statuses.insert(status);
    }
    assert_eq!(statuses, [200, 500].into(), "both ways, over many answers");
}

#[tokio::test(flavor = "multi_thread")]
async fn contact_person_lists_brokers_only_new_links_land_last_and_n_to_n_is_219() {
    let sb = start().await;
    let account = sb.account();
    // A listing with a broker, and a broker system user not on it yet.
    let (estate, first) = account
        .estates
        .keys()
        .find_map(|e| account.contacts_of(*e, true).first().map(|f| (*e, *f)))
        .unwrap();
    let newcomer = account
        .addresses
        .values()
        .find(|a| account.is_broker(a.id) && !account.contacts_of(estate, false).contains(&a.id))
        .unwrap()
        .id;
    let ts = now();
    let v = post(
        &sb,
        vec![action(
            &sb,
            CREATE,
            "relation",
            json!(""),
            json!({"relationtype": CONTACT, "parentid": estate, "childid": newcomer}),
            ts,
        )],
    )
    .await;
    assert_eq!(code(&v["response"]["results"][0]), 0, "{v}");
    let after = sb.account();
    assert_eq!(after.contacts_of(estate, true).first(), Some(&first));
    assert_eq!(after.contacts_of(estate, false).last(), Some(&newcomer));
    let all = "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:contactPersonAll";
    let v = post(
        &sb,
        vec![
            action(&sb, GET, "idsfromrelation", json!(""), json!({"relationtype": CONTACT, "parentids": [estate]}), ts),
            action(&sb, GET, "idsfromrelation", json!(""), json!({"relationtype": all, "parentids": [estate]}), ts),
            action(&sb, CREATE, "relation", json!(""), json!({"relationtype": CONTACT, "parentid": [estate, estate + 1], "childid": [newcomer, first]}), ts),
        ],
    )
    .await;
    let list = |i: usize| {
        v["response"]["results"][i]["data"]["records"][0]["elements"][estate.to_string()].clone()
    };
    let brokers: Vec<u64> = after.contacts_of(estate, true);
    assert_eq!(
        list(0),
        json!(brokers.iter().map(|b| b.to_string()).collect::<Vec<_>>())
    );
    assert_eq!(
        list(1).as_array().unwrap().len(),
        after.contacts_of(estate, false).len()
    );
    assert_eq!(code(&v["response"]["results"][2]), 219);
}

/// The Maklerbuch as the apidoc describes it: `read agentslog` by listing with a filter, newest first, `Objekt_nr` as
/// an array of strings, no total count, paging, the documented unfilterable fields refused, more listings than the
/// sandbox takes refused, a missing right refused; and `get actionkindtypes` with automatic types only on request.
#[tokio::test(flavor = "multi_thread")]
async fn the_agents_log_reads_by_listing_newest_first_and_lists_its_kinds() {
    let sb = start().await;
    let rentals: Vec<u64> = sb
        .account()
        .estates
        .values()
        .filter(|e| e.marketing_type == "miete" && e.status == 1 && e.sold == 0)
        .map(|e| e.id)
        .collect();
    let read = |params: Value| action(&sb, READ, "agentslog", json!(""), params, now());
    let booked = json!({"Aktionsart": [{"op": "=", "val": "Email"}], "Aktionstyp": [{"op": "=", "val": "Eingang"}]});
    let answer = post(
        &sb,
        vec![read(json!({
            "estateid": rentals, "filter": booked, "listlimit": 500,
            "data": ["Objekt_nr", "Aktionsart", "Aktionstyp", "Datum"]
        }))],
    )
    .await;
    let result = &answer["response"]["results"][0];
    assert_eq!(result["status"]["errorcode"], 0, "{result}");
    assert!(result["data"]["meta"]
        .get("cntabsolute")
        .is_none_or(Value::is_null));
    let records = result["data"]["records"].as_array().unwrap();
    assert!(!records.is_empty(), "booked enquiries on the rentals");
    let dates: Vec<&str> = records
        .iter()
        .map(|r| r["elements"]["Datum"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    for r in records {
        let el = &r["elements"];
        assert_eq!(
            (el["Aktionsart"].as_str(), el["Aktionstyp"].as_str()),
            (Some("Email"), Some("Eingang"))
        );
        let on: Vec<u64> = el["Objekt_nr"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().parse().unwrap())
            .collect();
        assert!(on.iter().all(|e| rentals.contains(e)), "{el}");
        assert!(el.get("Bemerkung").is_none(), "only what `data` asked for");
    }
    // The log holds more than booked enquiries: outgoing mails, calls, viewings.
    let all = post(
        &sb,
        vec![read(
            json!({"estateid": rentals, "listlimit": 500, "data": ["Aktionsart", "Aktionstyp"]}),
        )],
    )
    .await;
    let kinds: std::collections::BTreeSet<String> = all["response"]["results"][0]["data"]
        ["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["elements"]["Aktionsart"].as_str().unwrap(),
                r["elements"]["Aktionstyp"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        kinds.contains("Email/Ausgang") && kinds.contains("Telefonat/Eingang"),
        "{kinds:?}"
    );
    // Pages: two of one record each are the first two records.
    let page = |offset: u64| {
        read(
            json!({"estateid": rentals, "filter": booked, "listlimit": 1, "listoffset": offset, "data": ["Datum"]}),
        )
    };
    let pages = post(&sb, vec![page(0), page(1)]).await;
    for i in 0..2 {
        let first = &pages["response"]["results"][i]["data"]["records"][0];
        assert_eq!(first["id"], records[i]["id"]);
        // The one field asked for, and only it.
        assert_eq!(first["elements"], json!({"Datum": dates[i]}));
    }
    // A date window with `>=`.
    let since = dates[dates.len() / 2];
    let window = post(&sb, vec![read(json!({"estateid": rentals, "listlimit": 500, "data": ["Datum"],
        "filter": {"Aktionsart": [{"op": "=", "val": "Email"}], "Datum": [{"op": ">=", "val": since}]}}))]).await;
    assert!(window["response"]["results"][0]["data"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["elements"]["Datum"].as_str().unwrap() >= since));
    // Refusals.
    let refused = post(
        &sb,
        vec![
            read(json!({"estateid": rentals, "filter": {"Objekt_nr": [{"op": "=", "val": "1"}]}})),
            read(json!({"estateid": (1..=201).collect::<Vec<u64>>()})),
            read(json!({"estateid": (1..=200).collect::<Vec<u64>>()})),
        ],
    )
    .await;
    // 200 listings are the most a read takes, and they are taken.
    assert_eq!(refused["response"]["results"][2]["status"]["errorcode"], 0);
    assert_eq!(
        refused["response"]["results"][0]["status"]["errorcode"],
        257
    );
    assert_eq!(
        refused["response"]["results"][1]["status"]["errorcode"],
        302
    );
    sb.edit(|a| a.can_read_agents_log = false);
    let denied = post(&sb, vec![read(json!({"estateid": rentals}))]).await;
    assert_ne!(denied["response"]["results"][0]["status"]["errorcode"], 0);
    sb.edit(|a| a.can_read_agents_log = true);

    // Action kinds: Email's types are automatic and come only when asked for.
    let kinds = |params: Value| action(&sb, GET, "actionkindtypes", json!(""), params, now());
    let answer = post(
        &sb,
        vec![
            kinds(json!({"lang": "DEU"})),
            kinds(json!({"lang": "DEU", "allowAutomaticTypesForActionKind": ["Email"]})),
        ],
    )
    .await;
    let email = |i: usize| {
        answer["response"]["results"][i]["data"]["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["elements"]["key"] == "Email")
            .unwrap()["elements"]["types"]
            .clone()
    };
    assert_eq!(
        email(0),
        json!([]),
        "a kind without types is an empty array"
    );
    assert_eq!(email(1)["Eingang"], "Eingang");
}

/// Mail booking as onOffice does it: an enquiry is booked only while the first broker's mailbox has booking on; the
/// booking state itself is nowhere in the API.
#[tokio::test(flavor = "multi_thread")]
async fn an_enquiry_is_booked_only_while_the_brokers_mailbox_has_booking_on() {
    use onoffice_sandbox::model::MailBooking;
    let sb = start().await;
    let (estate, mailbox) = sb.edit(|a| {
        let e = a
            .estates
            .values()
            .filter(|e| e.marketing_type == "miete" && e.status == 1 && e.sold == 0)
            .map(|e| e.id)
            .find(|&e| a.booking_for(e).is_some())
            .unwrap();
        let first = a.contacts_of(e, true)[0];
        (
            e,
            a.addresses[&first]
                .default_email()
                .unwrap()
                .address
                .to_lowercase(),
        )
    });
    let at = onoffice_sandbox::generate::onoffice_date(onoffice_sandbox::generate::anchor());
    let booked = |state: MailBooking| {
        sb.edit(|a| {
            a.mail_booking.insert(mailbox.clone(), state);
            a.receive_enquiry(estate, None, &at)
        })
    };
    assert!(!booked(MailBooking::Off));
    assert!(!booked(MailBooking::OffNoQuota));
    assert!(booked(MailBooking::On));
    assert_eq!(
        sb.account().agents_log[0].estates,
        vec![estate],
        "the newest entry comes first"
    );
    // Nothing the API returns names the booking state.
    let fields = post(
        &sb,
        vec![action(
            &sb,
            GET,
            "fields",
            json!(""),
            json!({"modules": ["address"], "labels": true}),
            now(),
        )],
    )
    .await;
    assert!(
        !fields.to_string().contains("booking") && !fields.to_string().contains("Mailverbuchung")
    );
}

/// Portal transfers in the Maklerbuch: each account names their kind in its own way (as a kind of its own, a type of
/// an export kind, a type among others, or not at all), the transfer type is automatic (listed only on request), and
/// `/_sandbox/transfer` logs a job per listing in German time, as onOffice's job server does.
#[tokio::test(flavor = "multi_thread")]
async fn portal_transfers_are_logged_under_a_kind_each_account_names_its_own_way() {
    let mut names = std::collections::BTreeSet::new();
    for seed in [20, 21, 22, 23] {
        let sb = start_with(seed, 6, 12, Some(MaklerVariant::Standard)).await;
        let account = sb.account();
        let logging = account.transfer_logging.clone();
        let estate = *account.estates.keys().next().unwrap();
        let base = sb.connection.url.split("/api/").next().unwrap().to_string();
        let answer: Value = http()
            .post(format!("{base}/_sandbox/transfer"))
            .json(&json!({"estates": [estate]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let Some(logging) = logging else {
            assert_eq!(
                answer["job"],
                Value::Null,
                "seed {seed}: no transfers shown"
            );
            continue;
        };
        names.insert(logging.kind.clone());
        let job = answer["job"].as_u64().expect("a job number");
        let entry = sb
            .account()
            .agents_log
            .into_iter()
            .find(|e| e.note == format!("Job-ID {job}"))
            .expect("the transfer is in the Maklerbuch");
        assert_eq!(entry.estates, vec![estate]);
        assert_eq!(
            (entry.kind.as_str(), entry.kind_type.as_str()),
            (logging.kind.as_str(), logging.kind_type.as_str())
        );
        let german = onoffice_protocol::local_time::german_time(jiff::Timestamp::now());
        let written = onoffice_protocol::local_time::parse_onoffice_date(&entry.date).unwrap();
        assert!(
            (german - written).get_minutes().abs() < 2,
            "German time: {} vs {german}",
            entry.date
        );

        // The transfer type is an automatic one: only listed when asked for.
        let kinds = |params: Value| action(&sb, GET, "actionkindtypes", json!(""), params, now());
        let answer = post(
            &sb,
            vec![
                kinds(json!({"lang": "DEU"})),
                kinds(json!({"lang": "DEU", "allowAutomaticTypesForActionKind": [logging.kind]})),
            ],
        )
        .await;
        let types = |i: usize| {
            answer["response"]["results"][i]["data"]["records"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["elements"]["key"] == logging.kind.as_str())
                .unwrap()["elements"]["types"]
                .clone()
        };
        assert!(
            types(0).get(&logging.kind_type).is_none(),
            "seed {seed}: {}",
            types(0)
        );
        assert!(
            types(1).get(&logging.kind_type).is_some(),
            "seed {seed}: {}",
            types(1)
        );
    }
    assert_eq!(names.len(), 3, "three namings over four seeds: {names:?}");
}

/// `POST /_sandbox/advance`: days pass (1 to 60), the answer says what they brought, and the planted list follows.
#[tokio::test(flavor = "multi_thread")]
async fn advance_lets_days_pass_and_the_planted_list_follows() {
    let sb = start().await;
    let base = sb.connection.url.split("/api/").next().unwrap().to_string();
    let planted_before = sb.planted();
    let oldest = |sb: &Sandbox| {
        sb.account()
            .estates
            .values()
            .map(|e| e.created.clone())
            .min()
            .unwrap()
    };
    let created_before = oldest(&sb);
    for bad in [json!({"days": 0}), json!({"days": 61})] {
        let r = http()
            .post(format!("{base}/_sandbox/advance"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{bad}");
    }
    assert_eq!(
        sb.planted(),
        planted_before,
        "a refused advance changes nothing"
    );
    let done: Value = http()
        .post(format!("{base}/_sandbox/advance"))
        .json(&json!({"days": 3}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["days"], 3);
    let new: Vec<u64> = serde_json::from_value(done["new_listings"].clone()).unwrap();
    assert!(new.len() >= 3, "{done}");
    let account = sb.account();
    assert!(new.iter().all(|e| account.estates.contains_key(e)));
    assert!(oldest(&sb) < created_before, "the past moved back");
    let planted: Vec<Value> = get(format!("{base}/_sandbox/planted"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        planted.len() > planted_before.len(),
        "{} planted",
        planted.len()
    );
    // The first new listing of the first day comes without a contact person.
    assert!(planted
        .iter()
        .any(|p| p["kind"] == "estate.no_contact" && p["subject"] == format!("estate:{}", new[0])));
}
