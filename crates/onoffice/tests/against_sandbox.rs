//! The real client against the sandbox over loopback HTTP: paging, batching, every error class, retries under
//! injected faults, and the typed calls the audit uses.

use std::collections::BTreeSet;
use std::time::Duration;

use onoffice::api::{
    parse_multiselect, RELATION_CONTACT_PERSON, RELATION_CONTACT_PERSON_ALL, RELATION_USER_ADDRESS,
};
use onoffice::{
    AddressChanges, Client, ClientBuilder, Credentials, ErrorClass, Filter, RelationSide,
};
use onoffice_sandbox::{FaultKind, GenConfig, Knobs, MaklerVariant, Sandbox, SandboxConfig};

async fn sandbox(users: usize, estates: usize) -> Sandbox {
    sandbox_with(SandboxConfig {
        generate: GenConfig {
            seed: 11,
            users,
            estates,
            makler_variant: Some(MaklerVariant::Standard),
            tenant: None,
        },
        ..SandboxConfig::default()
    })
    .await
}

async fn sandbox_with(cfg: SandboxConfig) -> Sandbox {
    Sandbox::start(cfg).await.expect("sandbox starts")
}

fn builder(sb: &Sandbox) -> ClientBuilder {
    let c = &sb.connection;
    Client::builder(Credentials::new(&c.token, &c.secret).unwrap())
        .base_url(&c.url)
        .backoff(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
}

#[tokio::test(flavor = "multi_thread")]
async fn paging_reads_every_record_in_two_round_trips() {
    let sb = sandbox(12, 1234).await;
    let client = builder(&sb).build().unwrap();
    let estates = client
        .read_estates(&Filter::new(), &["Id", "vermarktungsart"])
        .await
        .unwrap();
    assert_eq!(estates.len(), 1234);
    let ids: BTreeSet<u64> = estates.iter().filter_map(|r| r.numeric_id()).collect();
    assert_eq!(ids.len(), 1234);
    assert_eq!(ids, sb.account().estates.keys().copied().collect());
    // First page alone, then the two remaining pages together, spread over requests in flight at once.
    assert_eq!(sb.stats(), (3, 3));

    // A filtered read pages on the filtered count.
    let rentals = client
        .read_estates(
            &Filter::new().with("vermarktungsart", "=", "miete"),
            &["vermarktungsart"],
        )
        .await
        .unwrap();
    let expected = sb
        .account()
        .estates
        .values()
        .filter(|e| e.marketing_type == "miete")
        .count();
    assert_eq!(rentals.len(), expected);
    assert!(rentals
        .iter()
        .all(|r| r.text("vermarktungsart").as_deref() == Some("miete")));
}

/// Reads side by side each send up to `max_in_flight` requests; `request_cap` holds them all to the cap together
/// (support's runs of many accounts share one cap this way).
#[tokio::test(flavor = "multi_thread")]
async fn the_request_cap_holds_across_reads_side_by_side() {
    use std::sync::atomic::Ordering;
    let sb = sandbox(12, 3000).await;
    sb.set_knobs(Knobs {
        latency: Duration::from_millis(40),
        ..Knobs::default()
    });
    let peak = |client: &Client| {
        let client = client.clone();
        let shared = sb.shared.clone();
        async move {
            shared.peak_in_flight.store(0, Ordering::SeqCst);
            let filter = Filter::new();
            let read = || client.read_estates(&filter, &["Id"]);
            let (a, b, c) = tokio::join!(read(), read(), read());
            assert_eq!(a.unwrap().len() + b.unwrap().len() + c.unwrap().len(), 9000);
            shared.peak_in_flight.load(Ordering::SeqCst)
        }
    };
    let free = builder(&sb).max_in_flight(4).build().unwrap();
    assert!(
        peak(&free).await > 4,
        "three reads of four each go over four"
    );
    let capped = builder(&sb)
        .max_in_flight(4)
        .request_cap(2)
        .build()
        .unwrap();
    assert_eq!(
        peak(&capped).await,
        2,
        "never more than the cap, and the cap is used"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn batching_respects_the_action_limit_and_keeps_order() {
    let sb = sandbox_with(SandboxConfig {
        generate: GenConfig {
            seed: 5,
            users: 40,
            estates: 600,
            makler_variant: Some(MaklerVariant::Standard),
            tenant: None,
        },
        knobs: Knobs {
            max_actions: 3,
            ..Knobs::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    let client = builder(&sb)
        .max_actions_per_request(3)
        .max_in_flight(2)
        .page_size(25)
        .build()
        .unwrap();
    let estates = client.read_estates(&Filter::new(), &["Id"]).await.unwrap();
    assert_eq!(estates.len(), 600);
    let ids: Vec<u64> = estates.iter().filter_map(|r| r.numeric_id()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "pages come back in order");
    // 24 pages: the first alone, then 23 in requests of at most 3.
    assert_eq!(sb.stats(), (1 + 8, 24));

    // A client above the limit is refused with error 15 for the whole request: it halves its batches, tries
    // again, and keeps the smaller size for the rest of the session.
    let greedy = builder(&sb)
        .max_actions_per_request(10)
        .max_in_flight(1)
        .page_size(25)
        .build()
        .unwrap();
    let (r0, _) = sb.stats();
    let all = greedy.read_estates(&Filter::new(), &["Id"]).await.unwrap();
    assert_eq!(all.len(), 600);
    assert!(greedy.batch_limit() <= 3, "{}", greedy.batch_limit());
    let (r1, _) = sb.stats();
    let again = greedy.read_estates(&Filter::new(), &["Id"]).await.unwrap();
    assert_eq!(again.len(), 600);
    let (r2, _) = sb.stats();
    // The second read needs no refused request: 1 first page + 23 pages in requests of the learnt size.
    assert_eq!(r2 - r1, 1 + 23u64.div_ceil(greedy.batch_limit() as u64));
    assert!(r1 - r0 > r2 - r1, "the first read paid for the refusals");
}

#[tokio::test(flavor = "multi_thread")]
async fn error_classes() {
    let sb = sandbox(12, 20).await;
    let c = &sb.connection;
    let good_shape_token = "0123456789abcdef0123456789abcdef";
    let wrong_token = Client::builder(Credentials::new(good_shape_token, &c.secret).unwrap())
        .base_url(&c.url)
        .build()
        .unwrap();
    let e = wrong_token
        .read_estates(&Filter::new(), &["Id"])
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.class()), (Some(22), ErrorClass::Credentials));

    let mut other_secret = c.secret.clone();
    other_secret.replace_range(
        0..1,
        if other_secret.starts_with('a') {
            "b"
        } else {
            "a"
        },
    );
    let wrong_secret = Client::builder(Credentials::new(&c.token, &other_secret).unwrap())
        .base_url(&c.url)
        .build()
        .unwrap();
    let e = wrong_secret
        .read_estates(&Filter::new(), &["Id"])
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.class()), (Some(137), ErrorClass::Credentials));

    let skewed = builder(&sb)
        .clock_skew_secs(-3600)
        .max_retries(1)
        .build()
        .unwrap();
    let e = skewed
        .read_estates(&Filter::new(), &["Id"])
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.class()), (Some(136), ErrorClass::Clock));
    assert!(e.message_de().starts_with("Die Uhrzeit dieses PCs weicht"));

    let client = builder(&sb).build().unwrap();
    let e = client
        .modify_address(999_999, &AddressChanges::new().field("Ort", "Bonn"))
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::NotFound);

    let e = client
        .read_addresses(&Filter::new().with("Kontaktart", "=", "Makler"), &["Name"])
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.class()), (Some(75), ErrorClass::Validation));

    // 263: a customer address cannot become a contact person.
    let account = sb.account();
    let customer = account
        .addresses
        .values()
        .find(|a| a.contact_types.iter().any(|t| t == "Eigentümer"))
        .unwrap();
    let estate = *account.estates.keys().next().unwrap();
    let e = client
        .create_relation(RELATION_CONTACT_PERSON, estate, customer.id)
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.class()), (Some(263), ErrorClass::Validation));
    assert_eq!(
        sb.account().contacts,
        account.contacts,
        "a refused write changes nothing"
    );

    let unreachable = Client::builder(Credentials::new(&c.token, &c.secret).unwrap())
        .base_url("http://127.0.0.1:9/api/stable/api.php")
        .max_retries(2)
        .backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    let e = unreachable
        .read_estates(&Filter::new(), &["Id"])
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::Transient);
    // Nothing was sent, so even a write may be tried again and ends as a plain network error.
    let e = unreachable
        .modify_address(1000, &AddressChanges::new().field("Ort", "Bonn"))
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::Transient);

    let e = Client::builder(Credentials::new(&c.token, &c.secret).unwrap())
        .base_url("http://api.onoffice.de/api/stable/api.php")
        .build()
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::Configuration);
}

#[tokio::test(flavor = "multi_thread")]
async fn permission_error_without_user_right() {
    let sb = sandbox_with(SandboxConfig {
        generate: GenConfig {
            seed: 2,
            users: 10,
            estates: 5,
            makler_variant: None,
            tenant: None,
        },
        without_user_read_right: true,
        ..SandboxConfig::default()
    })
    .await;
    let e = builder(&sb)
        .build()
        .unwrap()
        .read_users(&["Nr"])
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::Permission);
    assert!(e.message_de().contains("Benutzerdaten über API auslesen"));
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_recover_from_injected_faults() {
    let sb = sandbox(30, 1600).await;
    let clean = builder(&sb).page_size(100).build().unwrap();
    let expected = clean
        .read_estates(&Filter::new(), &["Id", "benutzer"])
        .await
        .unwrap();
    sb.set_knobs(Knobs {
        fault_rate: 0.35,
        stall: Duration::from_millis(1500),
        ..Knobs::default()
    });
    let flaky = builder(&sb)
        .page_size(100)
        .max_actions_per_request(2)
        .timeout(Duration::from_millis(700))
        .max_retries(12)
        .build()
        .unwrap();
    let (before, _) = sb.stats();
    let got = flaky
        .read_estates(&Filter::new(), &["Id", "benutzer"])
        .await
        .unwrap();
    assert_eq!(got, expected);
    let users = flaky.read_users(&["Nr", "Name"]).await.unwrap();
    assert_eq!(users.len(), 30);
    let (after, _) = sb.stats();
    // Without faults this takes 10 requests (1 + 8 for the estates, 1 for the users).
    println!("requests under faults: {}", after - before);
    assert!(
        after - before > 10,
        "faults forced retries: {} requests",
        after - before
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_are_not_retried_blindly() {
    let sb = sandbox(12, 10).await;
    let client = builder(&sb)
        .timeout(Duration::from_millis(500))
        .max_retries(5)
        .build()
        .unwrap();
    let target = sb.account().addresses.keys().copied().next().unwrap();
    for fault in [
        FaultKind::Http500,
        FaultKind::Drop,
        FaultKind::NotJson,
        FaultKind::Stall,
    ] {
        sb.set_knobs(Knobs {
            fault_rate: 1.0,
            faults: vec![fault],
            stall: Duration::from_millis(1200),
            ..Knobs::default()
        });
        let (before, _) = sb.stats();
        let old_city = sb.account().addresses[&target].city.clone();
        let new_city = format!("Ort-{fault:?}");
        let e = client
            .modify_address(
                target,
                &AddressChanges::new().field("Ort", new_city.as_str()),
            )
            .await
            .unwrap_err();
        assert_eq!(e.class(), ErrorClass::UnknownOutcome, "{fault:?}");
        assert_eq!(sb.stats().0 - before, 1, "{fault:?}: sent exactly once");
        // The record either has the new value or the old one, never anything else.
        let city = sb.account().addresses[&target].city.clone();
        assert!(city == old_city || city == new_city, "{city}");
    }
    // A clock refusal means onOffice did not run the write: signing again is safe, and it gets through.
    sb.set_knobs(Knobs {
        fault_rate: 0.5,
        faults: vec![FaultKind::Clock],
        ..Knobs::default()
    });
    let client = builder(&sb).max_retries(20).build().unwrap();
    for i in 0..5 {
        client
            .modify_address(
                target,
                &AddressChanges::new().field("Ort", format!("Bonn{i}")),
            )
            .await
            .unwrap();
        assert_eq!(sb.account().addresses[&target].city, format!("Bonn{i}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_calls_for_the_audit() {
    let sb = sandbox(25, 300).await;
    let client = builder(&sb).build().unwrap();
    let account = sb.account();

    let users = client
        .read_users(&["Nr", "Name", "email", "adrId:adressen.ID", "online"])
        .await
        .unwrap();
    assert_eq!(users.len(), 25);
    let linked: BTreeSet<u64> = users
        .iter()
        .filter_map(|u| u.text("adrId:adressen.ID").and_then(|s| s.parse().ok()))
        .collect();
    assert_eq!(
        linked,
        account
            .users
            .values()
            .filter_map(|u| u.address_id)
            .collect()
    );

    let system = client
        .read_addresses(
            &Filter::new().any_of("ArtDaten", &["Systembenutzer"]),
            &["ArtDaten", "defaultemail", "Vorname", "Name"],
        )
        .await
        .unwrap();
    let expected: BTreeSet<u64> = account
        .addresses
        .values()
        .filter(|a| a.contact_types.iter().any(|t| t == "Systembenutzer"))
        .map(|a| a.id)
        .collect();
    assert_eq!(
        system
            .iter()
            .filter_map(|r| r.numeric_id())
            .collect::<BTreeSet<_>>(),
        expected
    );
    for r in &system {
        let keys = parse_multiselect(&r.elements()["ArtDaten"]);
        assert!(keys.contains(&"Systembenutzer".to_string()));
        let a = &account.addresses[&r.numeric_id().unwrap()];
        assert_eq!(keys, a.contact_types);
        assert_eq!(
            r.text("defaultemail").unwrap_or_default(),
            a.default_email()
                .map(|e| e.address.clone())
                .unwrap_or_default()
        );
    }

    // Multiselect write: the full merged list replaces the stored one.
    let target = system[0].numeric_id().unwrap();
    let mut keys = parse_multiselect(&system[0].elements()["ArtDaten"]);
    keys.retain(|k| k != "Makler");
    keys.push("Makler".into());
    keys.push("Kunde".into());
    client
        .modify_address(
            target,
            &AddressChanges::new().multiselect("ArtDaten", &keys),
        )
        .await
        .unwrap();
    let back = client
        .read_addresses_by_id(&[target], &["ArtDaten"])
        .await
        .unwrap();
    assert_eq!(parse_multiselect(&back[0].elements()["ArtDaten"]), keys);

    // E-mail add as default.
    client
        .modify_address(
            target,
            &AddressChanges::new().add_email("neu@example.de", true),
        )
        .await
        .unwrap();
    let back = client
        .read_addresses_by_id(&[target], &["defaultemail", "email"])
        .await
        .unwrap();
    assert_eq!(
        back[0].text("defaultemail").as_deref(),
        Some("neu@example.de")
    );
    assert!(back[0].elements().keys().any(|k| k.starts_with("email__")));

    // Relations both ways, with more than 500 ids split into several actions.
    let estate_ids: Vec<u64> = (1500..2400).collect();
    let contacts = client
        .ids_from_relation(
            RELATION_CONTACT_PERSON_ALL,
            RelationSide::Parents,
            &estate_ids,
        )
        .await
        .unwrap();
    assert_eq!(contacts.len(), estate_ids.len());
    for (estate, list) in &contacts {
        assert_eq!(
            list,
            &account.contacts_of(*estate, false),
            "estate {estate}"
        );
    }
    let by_user = client
        .ids_from_relation(
            RELATION_USER_ADDRESS,
            RelationSide::Parents,
            &account.users.keys().copied().collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    for u in account.users.values() {
        assert_eq!(by_user[&u.nr], u.address_id.into_iter().collect::<Vec<_>>());
    }
    let estate = 2000;
    client
        .create_relation(RELATION_CONTACT_PERSON, estate, target)
        .await
        .unwrap();
    let of_target = client
        .ids_from_relation(
            RELATION_CONTACT_PERSON_ALL,
            RelationSide::Children,
            &[target],
        )
        .await
        .unwrap();
    assert!(of_target[&target].contains(&estate));
    client
        .delete_relation(RELATION_CONTACT_PERSON_ALL, estate, target)
        .await
        .unwrap();
    assert!(!sb.account().contacts_of(estate, false).contains(&target));

    // Field metadata with and without labels.
    let with = client
        .get_fields(&["address"], true, &["ArtDaten"])
        .await
        .unwrap();
    let art = with.field("address", "ArtDaten").unwrap();
    assert_eq!(art.field_type, "multiselect");
    assert!(art
        .permitted
        .iter()
        .any(|p| p.key == "Makler" && p.label.as_deref() == Some("Makler")));
    let without = client
        .get_fields(&["address"], false, &["ArtDaten"])
        .await
        .unwrap();
    assert!(without
        .field("address", "ArtDaten")
        .unwrap()
        .permitted
        .iter()
        .all(|p| p.label.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn renamed_label_keeps_the_key() {
    let sb = sandbox_with(SandboxConfig {
        generate: GenConfig {
            seed: 3,
            users: 10,
            estates: 5,
            makler_variant: None,
            tenant: None,
        },
        ..SandboxConfig::default()
    })
    .await;
    let fields = builder(&sb)
        .build()
        .unwrap()
        .get_fields(&["address"], true, &[])
        .await
        .unwrap();
    let art = fields.field("address", "ArtDaten").unwrap();
    assert!(art
        .permitted
        .iter()
        .any(|p| p.key == "Makler" && p.label.as_deref() == Some("Mitarbeiter")));
}

/// Each retry signs again with a fresh timestamp: seen on the wire by a server that fails the first attempt.
#[tokio::test(flavor = "multi_thread")]
async fn retries_sign_again() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let log = seen.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/api/stable/api.php",
        axum::routing::post(move |body: String| {
            let log = log.clone();
            async move {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                let n = {
                    let mut l = log.lock().unwrap();
                    l.push(v);
                    l.len()
                };
                if n == 1 {
                    (axum::http::StatusCode::BAD_GATEWAY, String::from("bad gateway"))
                } else {
                    (
                        axum::http::StatusCode::OK,
                        r#"{"status":{"code":200,"errorcode":0,"message":"OK"},"response":{"results":[{"data":{"meta":{"cntabsolute":0},"records":[]},"status":{"errorcode":0,"message":"OK"}}]}}"#.to_string(),
                    )
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder(
        Credentials::new("0123456789abcdef0123456789abcdef", &"s".repeat(64)).unwrap(),
    )
    .base_url(&format!("http://{addr}/api/stable/api.php"))
    .backoff(Duration::from_millis(1100))
    .build()
    .unwrap();
    assert!(client
        .read_estates(&Filter::new(), &["Id"])
        .await
        .unwrap()
        .is_empty());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let a = &seen[0]["request"]["actions"][0];
    let b = &seen[1]["request"]["actions"][0];
    assert_ne!(a["timestamp"], b["timestamp"]);
    assert_ne!(a["hmac"], b["hmac"]);
}
