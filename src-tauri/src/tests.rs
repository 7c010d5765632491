//! Command tests on Tauri's mock runtime: the real commands, state and audit engine against the demo sandbox,
//! with an in-memory keychain and settings.

use std::sync::Arc;

use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::WebviewWindowBuilder;

use crate::secrets::{MemoryStore, SecretStore};
use crate::settings::AppSettings;
use crate::state::{AppConfig, AppState};

mod accounts;
mod platform;
mod watch;

fn app(
    secrets: Arc<dyn SecretStore>,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    app_saving_to(secrets, None)
}

/// The app; `export_dir`: where files go without the save dialog (the test hook).
fn app_saving_to(
    secrets: Arc<dyn SecretStore>,
    export_dir: Option<std::path::PathBuf>,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let dir = std::env::temp_dir().join(format!(
        "agent-check-test-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    app_in(secrets, dir, export_dir)
}

/// The app with its data folder (journals) at `data_dir`.
fn app_in(
    secrets: Arc<dyn SecretStore>,
    data_dir: std::path::PathBuf,
    export_dir: Option<std::path::PathBuf>,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    app_with(
        secrets,
        Arc::new(AppSettings::in_memory()),
        data_dir,
        export_dir,
    )
}

/// The app with these settings (as read at start) and data folder.
fn app_with(
    secrets: Arc<dyn SecretStore>,
    settings: Arc<AppSettings>,
    data_dir: std::path::PathBuf,
    export_dir: Option<std::path::PathBuf>,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let state = AppState::new(
        secrets,
        settings,
        AppConfig {
            data_dir,
            export_dir,
            ..AppConfig::default()
        },
    );
    let app = crate::create_app(mock_builder(), state);
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, window)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

/// The origin the app's own pages have: `http://tauri.localhost` on Windows, `tauri://localhost` elsewhere.
const APP_URL: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

fn invoke(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: APP_URL.parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn demo_audit_fix_undo_and_report() {
    let dir = std::env::temp_dir().join(format!("agent-check-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (_app, w) = app_saving_to(Arc::new(MemoryStore::default()), Some(dir.clone()));
    assert_eq!(
        invoke(&w, "connection_status", json!({})).unwrap()["mode"],
        "none"
    );
    let err = invoke(&w, "run_audit", json!({})).unwrap_err();
    assert_eq!(err["code"], "not_connected");

    let status = invoke(&w, "start_demo", json!({})).unwrap();
    assert_eq!(status["mode"], "demo");
    assert!(status["label"].as_str().unwrap().starts_with("Demo: "));

    let view = invoke(&w, "run_audit", json!({})).unwrap();
    let findings = view["report"]["findings"].as_array().unwrap().clone();
    assert!(
        view["report"].get("snapshot").is_none(),
        "the raw snapshot stays in the backend"
    );
    let not_makler = findings
        .iter()
        .find(|f| f["kind"] == "user.not_makler")
        .unwrap()
        .clone();
    let plan = invoke(
        &w,
        "plan_fixes",
        json!({"request": {"findings": [{"kind": "user.not_makler", "subject": not_makler["subject"]}], "choices": {"emails": {}, "contacts": {}}}}),
    )
    .unwrap();
    let item = &plan["items"][0];
    assert_eq!(item["op"]["op"], "add_contact_type");
    assert!(item["op"]["after"]
        .as_array()
        .unwrap()
        .contains(&json!("Makler")));

    let applied = invoke(&w, "apply_fixes", json!({"items": [item["id"]]})).unwrap();
    assert_eq!(applied["results"][0]["outcome"]["outcome"], "applied");
    let after = &applied["audit"];
    assert!(after["fixed_since_last"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"] == not_makler["subject"] && f["kind"] == "user.not_makler"));

    // The listings that broker is the contact of wait for their re-transfer; ticking one off answers with the
    // checklist (evaluated again, no request) and names the listing in the history as the checklist does.
    let pending = after["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "estate.portal_transfer_pending")
        .cloned()
        .expect("a fixed broker leaves listings to re-transfer");
    {
        let estate: u32 = pending["subject"].as_str().unwrap()["estate:".len()..]
            .parse()
            .unwrap();
        let view = invoke(&w, "confirm_transfer", json!({"estate": estate})).unwrap();
        assert!(!view["report"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["subject"] == pending["subject"] && f["kind"] == pending["kind"]));
        let history = invoke(&w, "fix_history", json!({})).unwrap();
        assert_eq!(history[0]["event"], "transfer_done");
        assert_eq!(history[0]["label"], pending["subject_label"]);
        assert_eq!(history[0]["undoable"], false);
    }
    let history = invoke(&w, "fix_history", json!({})).unwrap();
    let history: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["event"] != "transfer_done")
        .collect();
    assert_eq!(history[0]["event"], "applied");
    assert_eq!(history[0]["undoable"], true);
    let undone = invoke(&w, "undo_change", json!({"seq": history[0]["seq"]})).unwrap();
    assert_eq!(undone["results"][0]["outcome"]["outcome"], "applied");
    assert!(undone["audit"]["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"] == not_makler["subject"] && f["kind"] == "user.not_makler"));

    // The webview names a file, never a folder: a path in the name is dropped.
    let saved = invoke(
        &w,
        "export_report",
        json!({"format": "csv", "fileName": "../../elsewhere/bericht.csv", "checkedAt": "27.11.2026, 14:05 (Europe/Berlin)"}),
    )
    .unwrap();
    let path = dir.join("bericht.csv");
    assert_eq!(saved, json!(path.to_string_lossy()));
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.contains("Kontaktart „Makler“ fehlt") && csv.contains("Demo: "));
    assert!(
        csv.contains("27.11.2026, 14:05 (Europe/Berlin)"),
        "{}",
        &csv[..200]
    );
    let html_path = dir.join("bericht.html");
    invoke(
        &w,
        "export_report",
        json!({"format": "html", "fileName": "bericht.html"}),
    )
    .unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<h2>Systembenutzer</h2>"));
    // Printable on A4 with repeated table headers; statuses in words, not only symbols; the time zone named.
    assert!(html.contains("size:A4") && html.contains("thead{display:table-header-group}"));
    assert!(
        html.contains("🔴 Problem")
            || html.contains("🟡 Anzeichen, zu bestätigen oder nicht prüfbar")
    );
    assert!(html.contains("Was noch offen ist:"));
    assert!(
        html.contains("(UTC)"),
        "without the UI's local time the report says UTC"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn credentials_go_to_the_keychain_and_never_come_back() {
    let store = Arc::new(MemoryStore::default());
    let (_app, w) = app(store.clone());
    // Bad shapes are refused before any request, with the field named.
    let err = invoke(
        &w,
        "test_connection",
        json!({"input": {"token": "abc", "secret": "x".repeat(64), "api_url": null}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "credentials");
    assert!(err["message"].as_str().unwrap().contains("Token"));
    // Not https and not loopback: refused.
    let err = invoke(&w, "connect", json!({"input": {"token": "a".repeat(32), "secret": "b".repeat(64), "api_url": "http://example.com/api.php"}})).unwrap_err();
    assert_eq!(err["code"], "configuration");
    assert!(
        store.slots().is_empty(),
        "nothing stored after a failed connect"
    );

    // A sandbox as the account: connect stores the credentials, and no command returns the secret.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(Default::default()))
        .unwrap();
    let c = sb.connection.clone();
    let ok = invoke(
        &w,
        "test_connection",
        json!({"input": {"token": c.token, "secret": c.secret, "api_url": c.url}}),
    )
    .unwrap();
    assert!(ok["users"].as_u64().unwrap() > 0);
    let wrong = invoke(
        &w,
        "connect",
        json!({"input": {"token": c.token, "secret": "z".repeat(64), "api_url": c.url}}),
    )
    .unwrap_err();
    assert_eq!(wrong["code"], "credentials");
    assert!(store.slots().is_empty());
    let status = invoke(&w, "connect", json!({"input": {"token": format!("  {}\n", c.token), "secret": c.secret, "api_url": c.url}})).unwrap();
    assert_eq!(status["mode"], "account");
    let id = status["account_id"].as_str().unwrap().to_string();
    assert_eq!(
        store.slots(),
        [crate::secrets::slot(&id)],
        "one entry, keyed by the account's id"
    );
    let saved = store.load(&crate::secrets::slot(&id)).unwrap().unwrap();
    assert_eq!(saved.token, c.token, "pasted whitespace trimmed");
    for cmd in ["connection_status", "get_settings", "list_accounts"] {
        let out = invoke(&w, cmd, json!({})).unwrap().to_string();
        assert!(
            !out.contains(&c.secret) && !out.contains(&c.token),
            "{cmd} leaks a credential"
        );
    }
    let view = invoke(&w, "run_audit", json!({})).unwrap();
    assert!(!view.to_string().contains(&c.secret));
    assert_eq!(invoke(&w, "disconnect", json!({})).unwrap()["mode"], "none");
    assert_eq!(
        store.slots().len(),
        1,
        "leaving an account keeps it and its credentials"
    );
    invoke(&w, "remove_account", json!({"id": id, "keepHistory": true})).unwrap();
    assert!(
        store.slots().is_empty(),
        "removing the account deletes its credentials"
    );
    drop(sb);
}

#[test]
fn connection_check_and_diagnosis_file_on_the_demo() {
    let dir = std::env::temp_dir().join(format!("agent-check-diag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (_app, w) = app_saving_to(Arc::new(MemoryStore::default()), Some(dir.clone()));
    let err = invoke(&w, "check_connection", json!({})).unwrap_err();
    assert_eq!(err["code"], "not_connected");
    invoke(&w, "start_demo", json!({})).unwrap();
    let d = invoke(&w, "check_connection", json!({})).unwrap();
    let assumptions = d["assumptions"].as_array().unwrap();
    assert_eq!(assumptions.len(), 8);
    assert!(assumptions.iter().all(|a| a["state"] == "holds"), "{d}");
    let path = dir.join("diagnose.json");
    let written = invoke(&w, "save_diagnosis", json!({"fileName": "diagnose.json"})).unwrap();
    assert_eq!(written, json!(path.to_string_lossy()));
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.contains("\"users_readable\""));
    assert!(!file.contains('@'), "no e-mail address in the diagnosis");
    let _ = std::fs::remove_dir_all(dir);
    // The audit after the check is complete on the demo.
    let view = invoke(&w, "run_audit", json!({})).unwrap();
    assert_eq!(view["report"]["complete"], true);
}

/// "Seit der letzten Prüfung" counts from the checklist the person last asked for: confirmations (and the checks the
/// app runs after them) add up; "Erneut prüfen" starts the count again.
#[test]
fn the_count_since_the_last_check_adds_up_over_confirmations() {
    let (_app, w) = app(Arc::new(MemoryStore::default()));
    invoke(&w, "start_demo", json!({})).unwrap();
    let first = invoke(&w, "run_audit", json!({"recheck": true})).unwrap();
    assert!(first["fixed_since_last"].as_array().unwrap().is_empty());
    let unconfirmed: Vec<Value> = first["report"]["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        // The mailboxes waiting for the person's tick: no Maklerbuch evidence either way, not external.
        .filter(|m| {
            m["confirmed"].is_null()
                && m["kind"]["kind"] != "external"
                && m["evidence"]["verdict"] == "unknown"
        })
        .cloned()
        .collect();
    assert!(unconfirmed.len() >= 2, "{}", unconfirmed.len());
    let mut view = first.clone();
    for (n, m) in unconfirmed.iter().take(2).enumerate() {
        // A confirmation answers with the checklist, evaluated again without asking onOffice.
        view = invoke(
            &w,
            "confirm_mail_booking",
            json!({"emails": [m["email"]], "confirmed": true}),
        )
        .unwrap();
        assert_eq!(
            view["report"]["stats"], first["report"]["stats"],
            "no new requests"
        );
        assert!(view["report"]["mailboxes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["email"] == m["email"] && x["confirmed"].is_string()));
        let fixed = view["fixed_since_last"].as_array().unwrap();
        let booking = fixed
            .iter()
            .filter(|f| f["kind"] == "user.mail_booking_unconfirmed")
            .count();
        assert!(booking > n, "after {} confirmations: {fixed:?}", n + 1);
    }
    let again = invoke(&w, "run_audit", json!({"recheck": true})).unwrap();
    assert!(again["fixed_since_last"].as_array().unwrap().is_empty());
    assert!(!view["fixed_since_last"].as_array().unwrap().is_empty());
}

/// A listing is found by its number over the last check, and its whole chain names its contact, mailbox, enquiries
/// and what was found; the demo's unanswered listings carry the sign.
#[test]
fn a_listing_is_looked_up_and_its_whole_chain_told() {
    let (_app, w) = app(Arc::new(MemoryStore::default()));
    assert!(
        invoke(&w, "search_listings", json!({"query": "M-1"})).is_err(),
        "no check yet"
    );
    invoke(&w, "start_demo", json!({})).unwrap();
    let view = invoke(&w, "run_audit", json!({"recheck": true})).unwrap();
    let unanswered: Vec<&serde_json::Value> = view["report"]["listings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "estate.enquiries_unanswered")
        })
        .collect();
    assert!(!unanswered.is_empty(), "the demo's agent skips listings");
    let number = unanswered[0]["external_no"].as_str().unwrap();
    let hits = invoke(&w, "search_listings", json!({"query": number})).unwrap();
    let estate = hits[0]["estate_id"].as_u64().unwrap();
    assert_eq!(estate, unanswered[0]["estate_id"].as_u64().unwrap());
    let chain = invoke(&w, "explain_listing", json!({"estate": estate})).unwrap();
    let text = chain.to_string();
    assert!(text.contains("Ansprechpartner für die Portale"), "{text}");
    assert!(text.contains("keine Antwort im Maklerbuch"), "{text}");
    assert!(text.contains("Anfragen offenbar ohne Antwort"), "{text}");
    assert!(invoke(&w, "explain_listing", json!({"estate": 1})).is_err());
}

/// Every command a domain declares answers (none is missing from the handler or the capability's set), and an
/// undeclared one is refused.
#[test]
fn every_declared_command_is_registered_and_permitted() {
    let (_app, w) = app(Arc::new(MemoryStore::default()));
    let names = crate::commands::all();
    assert_eq!(names.len(), 35, "{names:?}");
    for name in &names {
        let answer = invoke(&w, name, json!({}));
        if let Err(e) = &answer {
            let text = e.to_string();
            assert!(
                !text.contains("not found") && !text.contains("not allowed"),
                "{name}: {text}"
            );
        }
    }
    let unknown = invoke(&w, "read_the_secret", json!({}))
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("not found") || unknown.contains("not allowed"),
        "{unknown}"
    );
}

/// The handler serves exactly the commands of src-tauri/commands.txt, in the list's order.
#[test]
fn the_handler_serves_the_command_list() {
    let listed: Vec<&str> = include_str!("../commands.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('['))
        .collect();
    assert_eq!(crate::commands::all(), listed);
}

/// The UI's `Command` type: the names `api.ts` may call, from the same lists (checked like the ts-rs bindings).
#[test]
fn export_command_names_for_the_ui() {
    let dir = std::env::var("TS_RS_EXPORT_DIR").expect("set in .cargo/config.toml");
    let names: Vec<String> = crate::commands::all()
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect();
    let text = format!(
        "// Generated by src-tauri/src/tests.rs from the commands the domains declare. Do not edit.\n\n\
         export type Command = {};\n",
        names.join(" | ")
    );
    std::fs::write(std::path::Path::new(&dir).join("Command.ts"), text).unwrap();
}
