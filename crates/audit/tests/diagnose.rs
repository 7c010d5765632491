//! The compatibility check against the sandbox: every assumption holds on a standard account (and the check only
//! reads); each broken assumption becomes one account-level finding and marks the checklist incomplete; the saved
//! diagnosis holds no secret, no name and no e-mail address.

mod common;

use audit::{AssumptionId, AssumptionState, FindingKind, ProgressSink};
use common::*;
use onoffice_sandbox::{GenConfig, MaklerVariant, Sandbox, SandboxConfig};

fn state(d: &audit::Diagnosis, id: AssumptionId) -> AssumptionState {
    d.assumptions.iter().find(|a| a.id == id).unwrap().state
}

#[tokio::test(flavor = "multi_thread")]
async fn every_assumption_holds_on_the_demo_and_the_file_holds_nothing_personal() {
    let sb = sandbox(1, 20, 200, Some(MaklerVariant::Standard)).await;
    let auditor = auditor(&sb);
    let d = auditor.diagnose().await;
    for a in &d.assumptions {
        assert_eq!(a.state, AssumptionState::Holds, "{a:?}");
    }
    assert_eq!(d.assumptions.len(), 8);
    // What real accounts write into their Maklerbuch, as names and counts.
    assert!(d.action_kinds["Email"].contains(&"Eingang".to_string()));
    assert!(d.agents_log_counts["Email / Eingang"] > 0);
    // The rental agent's replies, as counts: e-mails both ways, replies within an hour and a day, the median.
    let a = &d.answer_counts;
    assert!(a.incoming > 0 && a.outgoing > 0, "{a:?}");
    assert!(a.enquiries_with_address > 0 && a.enquiries_with_address <= a.incoming);
    assert!(a.replied_within_1h > 0 && a.replied_within_1h <= a.replied_within_24h);
    assert!(a.replied_within_24h <= a.enquiries_with_address);
    assert!(
        a.median_minutes.is_some_and(|m| (1..=30).contains(&m)),
        "{a:?}"
    );
    assert!(!a.read_failed && a.unreadable_entries == 0);
    // Names and counts only: no address, no date, no text of an entry in the file.
    let file = serde_json::to_string(&d).unwrap();
    assert!(!file.contains("Anfrage über"), "no entry text");
    // Where the demo's Maklerbuch logs portal transfers (seed 1: a type of its "Export" kind), and that a kind that
    // only mentions portals is not taken for one.
    assert_eq!(
        d.transfer_kinds,
        vec!["Export › Portal-Aktualisierung".to_string()]
    );
    assert!(d
        .agents_log_counts
        .keys()
        .any(|k| k.starts_with("Telefonat")));
    assert!(d.requests <= 2 * 4, "two round trips: {}", d.requests);
    assert_eq!(
        sb.action_kinds().into_keys().collect::<Vec<_>>(),
        ["get", "read"]
    );
    assert!(d.value_keys["address.ArtDaten"].contains(&"Makler".to_string()));
    assert!(d.fields["estate"].contains(&"vermarktungsart".to_string()));

    let file = serde_json::to_string_pretty(&d).unwrap();
    let account = sb.account();
    let mut forbidden = vec![sb.connection.token.clone(), sb.connection.secret.clone()];
    for u in account.users.values() {
        forbidden.extend([
            u.first_name.clone(),
            u.last_name.clone(),
            u.username.clone(),
            u.email.clone(),
        ]);
    }
    for a in account.addresses.values() {
        forbidden.extend([a.first_name.clone(), a.last_name.clone()]);
        forbidden.extend(a.emails.iter().map(|e| e.address.clone()));
    }
    for word in forbidden.iter().filter(|w| w.len() > 2) {
        assert!(
            !file.contains(word.as_str()),
            "the diagnosis contains {word:?}"
        );
    }
    assert!(!file.contains('@'), "no e-mail address of any kind");

    // The audit of an account whose assumptions hold is complete and has no assumption finding.
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(report.complete);
    assert!(report
        .findings_of(FindingKind::ApiAssumption)
        .next()
        .is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_assumptions_become_account_findings_and_an_incomplete_checklist() {
    let sb = sandbox(2, 16, 80, Some(MaklerVariant::Standard)).await;
    sb.edit(|a| {
        a.contact_type_values.retain(|(k, _)| k != "Systembenutzer");
        a.unreadable_fields.insert("benutzer".into());
        for u in a.users.values_mut() {
            u.address_id = None;
        }
    });
    let auditor = auditor(&sb);
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    assert!(!report.complete);
    let failed: Vec<String> = report
        .findings_of(FindingKind::ApiAssumption)
        .map(|f| f.subject.to_string())
        .collect();
    assert_eq!(
        failed,
        [
            "account:system_user_value",
            "account:estate_fields",
            "account:user_address_link"
        ]
    );
    let estate = report
        .findings_of(FindingKind::ApiAssumption)
        .find(|f| f.subject == "account:estate_fields")
        .unwrap();
    assert!(estate.seen.de.contains("Betreuer"), "{}", estate.seen.de);
    assert!(matches!(
        &estate.resolution,
        audit::Resolution::Manual {
            support: Some(_),
            ..
        }
    ));
    let d = auditor.last_diagnosis().unwrap();
    // The field's technical name is for support: in the diagnosis file, not in what the person reads.
    assert!(
        d.reads.iter().any(|r| r.what.contains("benutzer")),
        "{:?}",
        d.reads
    );
    assert_eq!(
        state(&d, AssumptionId::UsersReadable),
        AssumptionState::Holds
    );
    assert_eq!(state(&d, AssumptionId::RentalValue), AssumptionState::Holds);

    // No `miete` value: the rental assumption fails.
    sb.edit(|a| a.marketing_type_values.retain(|(k, _)| k != "miete"));
    let d = auditor.diagnose().await;
    assert_eq!(state(&d, AssumptionId::RentalValue), AssumptionState::Fails);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_user_right_the_check_names_it() {
    let sb = Sandbox::start(SandboxConfig {
        generate: GenConfig {
            seed: 4,
            users: 10,
            estates: 30,
            makler_variant: Some(MaklerVariant::Standard),
            tenant: None,
        },
        without_user_read_right: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let auditor = auditor(&sb);
    // The audit itself stops with the permission error; the check says which right is missing.
    let e = auditor.audit(&ProgressSink::default()).await.unwrap_err();
    assert_eq!(e.code(), Some(170));
    let d = auditor.last_diagnosis().expect("the check ran alongside");
    let users = d
        .assumptions
        .iter()
        .find(|a| a.id == AssumptionId::UsersReadable)
        .unwrap();
    assert_eq!(users.state, AssumptionState::Fails);
    assert!(users.todo.de.contains("Benutzerdaten über API auslesen"));
    assert_eq!(d.reads[1].error_code, Some(170));
    // The link cannot be judged without users.
    assert_eq!(
        state(&d, AssumptionId::UserAddressLink),
        AssumptionState::Unknown
    );
}
