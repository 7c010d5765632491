//! Several accounts in one app, through the commands on the mock runtime against real sandboxes over loopback: a fix
//! and an undo in one account never write to the other and each journal names its own account; switching while a
//! fix runs is refused; the same token twice is one account; credentials deleted outside the app; removing with and
//! without history; the move from the single connection of the version before (settings, keychain entry, journal,
//! also under its oldest name); a damaged accounts list.

use std::sync::Arc;

use serde_json::json;
use tauri::Manager;

use super::*;
use crate::secrets::{slot, KeyringStore, StoredCredentials, LEGACY_SLOT};

fn sandbox(rt: &tokio::runtime::Runtime, seed: u64) -> onoffice_sandbox::Sandbox {
    rt.block_on(onoffice_sandbox::Sandbox::start(
        onoffice_sandbox::SandboxConfig {
            generate: onoffice_sandbox::GenConfig {
                seed,
                users: 8,
                estates: 30,
                makler_variant: None,
                tenant: None,
            },
            ..Default::default()
        },
    ))
    .unwrap()
}

fn connect(
    w: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    sb: &onoffice_sandbox::Sandbox,
) -> Value {
    let c = &sb.connection;
    invoke(
        w,
        "connect",
        json!({"input": {"token": c.token, "secret": c.secret, "api_url": c.url}}),
    )
    .unwrap()
}

fn writes(sb: &onoffice_sandbox::Sandbox) -> u64 {
    sb.action_kinds()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "read" | "get"))
        .map(|(_, n)| n)
        .sum()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "agent-check-{name}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Fixes the first "not Makler" finding of the account the window shows; returns the journal entry's seq.
fn fix_one(w: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Value {
    let view = invoke(w, "run_audit", json!({})).unwrap();
    let f = view["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "user.not_makler")
        .cloned()
        .expect("every sandbox plants a user without Makler");
    let plan = invoke(
        w,
        "plan_fixes",
        json!({"request": {"findings": [{"kind": "user.not_makler", "subject": f["subject"]}], "choices": {"emails": {}, "contacts": {}}}}),
    )
    .unwrap();
    let applied = invoke(w, "apply_fixes", json!({"items": [plan["items"][0]["id"]]})).unwrap();
    assert_eq!(applied["results"][0]["outcome"]["outcome"], "applied");
    applied
}

#[test]
fn a_fix_and_an_undo_in_one_account_never_write_to_the_other() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = (sandbox(&rt, 11), sandbox(&rt, 16));
    let dir = temp_dir("two");
    let store = Arc::new(MemoryStore::default());
    let (_app, w) = app_in(store.clone(), dir.clone(), None);
    let id_a = connect(&w, &a)["account_id"].as_str().unwrap().to_string();
    let id_b = connect(&w, &b)["account_id"].as_str().unwrap().to_string();
    assert_ne!(id_a, id_b);
    assert_eq!(store.slots().len(), 2, "one keychain entry per account");
    let list = invoke(&w, "list_accounts", json!({})).unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["accounts"][1]["current"], true,
        "the account added last is open"
    );

    // A fix in B, then switch to A (one click) and fix and undo there.
    fix_one(&w);
    let b_writes = writes(&b);
    assert!(b_writes > 0);
    let status = invoke(&w, "switch_account", json!({"id": id_a})).unwrap();
    assert_eq!(status["account_id"], id_a.as_str());
    let a_before = writes(&a);
    let applied = fix_one(&w);
    assert!(writes(&a) > a_before);
    let history = invoke(&w, "fix_history", json!({})).unwrap();
    let seq = history[0]["seq"].clone();
    let undone = invoke(&w, "undo_change", json!({"seq": seq})).unwrap();
    assert_eq!(undone["results"][0]["outcome"]["outcome"], "applied");
    assert_eq!(
        writes(&b),
        b_writes,
        "nothing written to B while A was fixed and undone"
    );
    assert!(applied["audit"]["account"].is_string());

    // Each journal names its own account, and each history shows only its own changes.
    for (id, undos) in [(&id_a, true), (&id_b, false)] {
        let text = std::fs::read_to_string(crate::state::journal_path(&dir, id)).unwrap();
        let entries: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(
            entries.iter().all(|e| e["account"] == id.as_str()),
            "{text}"
        );
        let applied = entries.iter().filter(|e| e["event"] == "applied").count();
        assert_eq!(applied, 1, "{text}");
        let undo = entries
            .iter()
            .any(|e| e["event"].as_str().unwrap().starts_with("undo"));
        assert_eq!(undo, undos, "{text}");
    }
    let history_a = invoke(&w, "fix_history", json!({})).unwrap();
    invoke(&w, "switch_account", json!({"id": id_b})).unwrap();
    let history_b = invoke(&w, "fix_history", json!({})).unwrap();
    assert_ne!(history_a, history_b);
    assert_eq!(history_b.as_array().unwrap().len(), 1);
    // The header names the account it shows: each its own company.
    let view_b = invoke(&w, "run_audit", json!({})).unwrap();
    invoke(&w, "switch_account", json!({"id": id_a})).unwrap();
    let view_a = invoke(&w, "run_audit", json!({})).unwrap();
    assert_eq!(view_a["account"], a.account().agency.as_str());
    assert_eq!(view_b["account"], b.account().agency.as_str());
    let names: Vec<Value> = invoke(&w, "list_accounts", json!({})).unwrap()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(
        names,
        [json!(a.account().agency), json!(b.account().agency)],
        "named by the company the check found"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn switching_while_a_fix_is_written_is_refused_and_nothing_is_half_done() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = (sandbox(&rt, 21), sandbox(&rt, 26));
    let (app, w) = app_in(Arc::new(MemoryStore::default()), temp_dir("switch"), None);
    let id_a = connect(&w, &a)["account_id"].as_str().unwrap().to_string();
    let id_b = connect(&w, &b)["account_id"].as_str().unwrap().to_string();
    invoke(&w, "switch_account", json!({"id": id_a})).unwrap();
    let view = invoke(&w, "run_audit", json!({})).unwrap();
    let f = view["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "user.not_makler")
        .cloned()
        .unwrap();
    let plan = invoke(&w, "plan_fixes", json!({"request": {"findings": [{"kind": "user.not_makler", "subject": f["subject"]}], "choices": {"emails": {}, "contacts": {}}}})).unwrap();
    // Every answer of A now takes a while: the fix is still being written when the person clicks the other account.
    a.set_knobs(onoffice_sandbox::Knobs {
        latency: std::time::Duration::from_millis(400),
        ..a.knobs()
    });
    let fixing = {
        let w = w.clone();
        let item = plan["items"][0]["id"].clone();
        std::thread::spawn(move || invoke(&w, "apply_fixes", json!({"items": [item]})))
    };
    let state = app.state::<AppState>();
    let start = std::time::Instant::now();
    while !state.writing.busy() && start.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(state.writing.busy(), "the fix is being written");
    let refused = invoke(&w, "switch_account", json!({"id": id_b})).unwrap_err();
    assert_eq!(refused["code"], "conflict");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Bitte warten"),
        "{refused}"
    );
    let refused = invoke(
        &w,
        "remove_account",
        json!({"id": id_a, "keepHistory": true}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "conflict");
    let done = fixing.join().unwrap().unwrap();
    assert_eq!(done["results"][0]["outcome"]["outcome"], "applied");
    assert!(
        done["audit"]["report"].is_object(),
        "the check after the fix is A's, shown in A"
    );
    assert_eq!(
        invoke(&w, "connection_status", json!({})).unwrap()["account_id"],
        id_a.as_str()
    );
    assert!(!state.writing.busy());
    // Once written, switching works.
    assert_eq!(
        invoke(&w, "switch_account", json!({"id": id_b})).unwrap()["account_id"],
        id_b.as_str()
    );
}

#[test]
fn the_same_token_twice_is_one_account_and_missing_credentials_are_named() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = (sandbox(&rt, 31), sandbox(&rt, 32));
    let store = Arc::new(MemoryStore::default());
    let (_app, w) = app_in(store.clone(), temp_dir("same"), None);
    let id_a = connect(&w, &a)["account_id"].as_str().unwrap().to_string();
    let id_b = connect(&w, &b)["account_id"].as_str().unwrap().to_string();
    let again = connect(&w, &a);
    assert_eq!(again["account_id"], id_a.as_str());
    assert!(
        again["said"]["de"]
            .as_str()
            .unwrap()
            .contains("schon in der App"),
        "{again}"
    );
    assert_eq!(invoke(&w, "list_accounts", json!({})).unwrap()["total"], 2);

    // A's entry deleted outside the app: A says so, B works.
    store.delete(&slot(&id_a)).unwrap();
    let list = invoke(&w, "list_accounts", json!({})).unwrap();
    let missing: Vec<bool> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["credentials_missing"].as_bool().unwrap())
        .collect();
    assert_eq!(missing, [true, false]);
    invoke(&w, "switch_account", json!({"id": id_b})).unwrap();
    let err = invoke(&w, "switch_account", json!({"id": id_a})).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("Zugangsdaten fehlen"),
        "{err}"
    );
    assert_eq!(
        invoke(&w, "connection_status", json!({})).unwrap()["account_id"],
        id_b.as_str(),
        "still on B"
    );
    assert!(invoke(&w, "run_audit", json!({})).is_ok());
    // Search by name.
    invoke(
        &w,
        "rename_account",
        json!({"id": id_b, "name": "Nordlicht Immobilien"}),
    )
    .unwrap();
    let found = invoke(&w, "list_accounts", json!({"query": "nordLICHT"})).unwrap();
    assert_eq!(found["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(found["total"], 2);
    assert_eq!(
        invoke(&w, "connection_status", json!({})).unwrap()["label"],
        "Nordlicht Immobilien"
    );
}

#[test]
fn removing_deletes_the_credentials_and_keeps_the_history_readable_if_asked() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = (sandbox(&rt, 41), sandbox(&rt, 46));
    let dir = temp_dir("remove");
    let store = Arc::new(MemoryStore::default());
    let (_app, w) = app_in(store.clone(), dir.clone(), None);
    let id_a = connect(&w, &a)["account_id"].as_str().unwrap().to_string();
    fix_one(&w);
    let id_b = connect(&w, &b)["account_id"].as_str().unwrap().to_string();
    fix_one(&w);
    invoke(
        &w,
        "remove_account",
        json!({"id": id_a, "keepHistory": true}),
    )
    .unwrap();
    assert_eq!(store.slots(), [slot(&id_b)]);
    let list = invoke(&w, "list_accounts", json!({})).unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["removed"][0]["id"], id_a.as_str());
    let kept = invoke(&w, "removed_history", json!({"id": id_a})).unwrap();
    assert_eq!(kept.as_array().unwrap().len(), 1);
    assert_eq!(
        kept[0]["undoable"], false,
        "readable, not undoable without the account"
    );
    // B, the account the window shows, stays open.
    assert_eq!(
        invoke(&w, "connection_status", json!({})).unwrap()["account_id"],
        id_b.as_str()
    );
    invoke(
        &w,
        "remove_account",
        json!({"id": id_b, "keepHistory": false}),
    )
    .unwrap();
    assert!(store.slots().is_empty());
    assert!(
        !crate::state::journal_path(&dir, &id_b).exists(),
        "history not kept: the journal is gone"
    );
    assert!(crate::state::journal_path(&dir, &id_a).exists());
    assert_eq!(
        invoke(&w, "connection_status", json!({})).unwrap()["mode"],
        "none"
    );
    assert!(invoke(&w, "removed_history", json!({"id": id_b})).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

/// The settings file as the version before several accounts wrote it (tauri-plugin-store: `{"settings": …}`).
fn settings_of_the_version_before(account: &str) -> Value {
    json!({"settings": {
        "language": "de",
        "makler_key": "7",
        "mail_booking": {"vermietung@isar-wohnwerte.de": "2026-11-20"},
        "watch": {
            "schedule": {"enabled": true, "days": [1, 2, 3, 4, 5], "time": "08:00"},
            "offered": true, "auto_assign": false, "close_hint_shown": true,
            "state": {"account": account, "last_run": "2026-12-01T08:00:00", "news": [], "regressed": [],
                      "seen_at": "2026-12-01T07:00:00Z", "failure": null, "last_outcome": null}
        }
    }})
}

/// Starts the new version on a data folder and keychain written by the one before: the one connection becomes the
/// first account without asking for anything, with its keychain entry (moved to the account's slot in the OS
/// keychain), its settings, its watch memory, its journal and so its history.
#[test]
fn the_version_before_becomes_the_first_account_without_asking_again() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = sandbox(&rt, 51);
    let c = sb.connection.clone();
    let dir = temp_dir("upgrade");
    // What the version before left: the keychain entry `onoffice-api`, a journal with a fix, the settings.
    let service = format!("de.agentcheck.desktop.test-upgrade-{}", std::process::id());
    let keychain = Arc::new(KeyringStore::named(&service));
    let credentials = StoredCredentials {
        token: c.token.clone(),
        secret: onoffice::Secret::new(&c.secret).unwrap(),
        api_url: c.url.clone(),
    };
    keychain
        .save(LEGACY_SLOT, &credentials)
        .expect("the OS keychain (scripts/with-keyring.sh on Linux)");
    let id = {
        let (_app, w) = app_in(keychain.clone(), dir.clone(), None);
        let state = _app.state::<AppState>();
        let id = state.account_id(&credentials).unwrap();
        // A fix as the version before made it: its journal is journal-<id>.jsonl.
        *rt.block_on(state.session.lock()) = state.account_session(&credentials).unwrap();
        fix_one(&w);
        id
    };
    keychain.delete(&slot(&id)).unwrap();
    assert!(crate::state::journal_path(&dir, &id).exists());
    let saved = settings_of_the_version_before(&id);
    let (data, notes) = crate::settings::SettingsData::from_saved(&saved["settings"]);
    assert!(notes.is_empty() && data.accounts.is_none());

    // The new version starts.
    let settings = Arc::new(AppSettings::new(data, Box::new(|_| {})));
    let (app, w) = app_with(keychain.clone(), settings.clone(), dir.clone(), None);
    let notes = crate::accounts::migrate(&app.state::<AppState>());
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        keychain.load(LEGACY_SLOT).unwrap(),
        None,
        "the old entry moved"
    );
    assert_eq!(
        keychain.load(&slot(&id)).unwrap(),
        Some(credentials.clone())
    );
    let status = invoke(&w, "connection_status", json!({})).unwrap();
    assert_eq!(
        status["mode"], "account",
        "connected without asking for the credentials"
    );
    assert_eq!(status["account_id"], id.as_str());
    let d = settings.get();
    let account = d.accounts().get(&id).cloned().unwrap();
    assert_eq!(account.makler_key.as_deref(), Some("7"));
    assert_eq!(
        account
            .mail_booking
            .get("vermietung@isar-wohnwerte.de")
            .map(String::as_str),
        Some("2026-11-20")
    );
    assert_eq!(
        account.watch.seen_at.as_deref(),
        Some("2026-12-01T07:00:00Z"),
        "the watch memory came along"
    );
    assert!(
        d.makler_key.is_none() && d.mail_booking.is_empty(),
        "the top level is the demo's now"
    );
    assert!(d.watch.schedule.enabled, "watching stays on");
    assert_eq!(
        d.watch.state.last_run.as_deref(),
        Some("2026-12-01T08:00:00"),
        "the schedule's last run stays"
    );
    let history = invoke(&w, "fix_history", json!({})).unwrap();
    assert_eq!(
        history.as_array().unwrap().len(),
        1,
        "the history carried over"
    );
    assert_eq!(history[0]["undoable"], true);
    // A second start moves nothing again.
    assert!(crate::accounts::migrate(&app.state::<AppState>()).is_empty());
    assert_eq!(settings.get().accounts().list.len(), 1);
    keychain.delete(&slot(&id)).unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_oldest_journal_name_is_taken_over_and_a_keychain_that_refuses_moves_nothing() {
    let token = "a".repeat(32);
    let credentials = StoredCredentials {
        token: token.clone(),
        secret: onoffice::Secret::new(&"b".repeat(64)).unwrap(),
        api_url: onoffice::DEFAULT_BASE_URL.into(),
    };
    let dir = temp_dir("oldest");
    let line = r#"{"seq":1,"at":"2026-11-27T10:00:00Z","label":"Anna Berg","affected_estates":[],"event":"intent","op":{"op":"add_contact_type","address":1,"before":[],"after":["Makler"]}}"#;
    std::fs::write(dir.join("journal-aaaaaaaa.jsonl"), format!("{line}\n")).unwrap();
    let store = Arc::new(MemoryStore::default());
    store.save(LEGACY_SLOT, &credentials).unwrap();
    let (app, _w) = app_in(store.clone(), dir.clone(), None);
    let state = app.state::<AppState>();
    assert!(crate::accounts::migrate(&state).is_empty());
    let id = state.account_id(&credentials).unwrap();
    assert!(!dir.join("journal-aaaaaaaa.jsonl").exists());
    assert!(
        std::fs::read_to_string(crate::state::journal_path(&dir, &id))
            .unwrap()
            .contains("Anna Berg")
    );
    assert_eq!(store.slots(), [slot(&id)]);

    // A keychain entry that cannot be read as ours: nothing moves, the app starts with no account and tries again.
    let store = Arc::new(MemoryStore::default());
    store.put_raw(LEGACY_SLOT, "not ours");
    let (app, _w) = app_in(store.clone(), temp_dir("refuse"), None);
    let state = app.state::<AppState>();
    assert!(crate::accounts::migrate(&state).is_empty());
    assert!(
        state.settings.get().accounts.is_none(),
        "tried again at the next start"
    );
    assert_eq!(
        store.slots(),
        [LEGACY_SLOT.to_string()],
        "the entry is not lost"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_damaged_accounts_list_names_the_damage_and_finds_the_accounts_again() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = (sandbox(&rt, 61), sandbox(&rt, 66));
    let dir = temp_dir("damaged");
    let store = Arc::new(MemoryStore::default());
    let (id_a, id_b) = {
        let (_app, w) = app_in(store.clone(), dir.clone(), None);
        let id_a = connect(&w, &a)["account_id"].as_str().unwrap().to_string();
        fix_one(&w);
        let id_b = connect(&w, &b)["account_id"].as_str().unwrap().to_string();
        (id_a, id_b)
    };
    // The file is cut off in the middle: no JSON at all.
    std::fs::write(
        dir.join("settings.json"),
        "{\"settings\": {\"accounts\": {\"list\": [{\"id\": \"",
    )
    .unwrap();
    let notes = crate::settings::keep_aside_if_unreadable(&dir);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].de.contains("beschädigt"));
    assert!(!dir.join("settings.json").exists(), "put aside");
    assert!(std::fs::read_dir(&dir).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("settings.damaged-")));
    let settings = Arc::new(AppSettings::new(
        crate::settings::SettingsData {
            accounts: Some(Default::default()),
            ..Default::default()
        },
        Box::new(|_| {}),
    ));
    let (app, w) = app_with(store.clone(), settings, dir.clone(), None);
    let state = app.state::<AppState>();
    assert_eq!(
        crate::accounts::recover(&state),
        1,
        "the account with a journal came back"
    );
    assert_eq!(store.slots().len(), 2, "no keychain entry lost");
    let list = invoke(&w, "list_accounts", json!({})).unwrap();
    assert_eq!(list["accounts"][0]["id"], id_a.as_str());
    invoke(&w, "switch_account", json!({"id": id_a})).unwrap();
    assert_eq!(
        invoke(&w, "fix_history", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // B had no journal; adding it again with the same credentials finds its entry.
    assert_eq!(connect(&w, &b)["account_id"], id_b.as_str());

    // One damaged entry in an otherwise readable list costs only that entry.
    let good = serde_json::to_value(audit::accounts::AccountEntry::new(
        &id_a,
        &a.connection.url,
        "Isar",
    ))
    .unwrap();
    let (data, notes) = crate::settings::SettingsData::from_saved(&json!({
        "language": "de", "accounts": {"list": [good, {"name": 3}], "current": id_a}
    }));
    assert_eq!(data.accounts().list.len(), 1);
    assert_eq!(notes.len(), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<audit::watch::Notice>>);

impl crate::platform::Background for Recorder {
    fn notify(&self, notice: &audit::watch::Notice) -> bool {
        self.0.lock().unwrap().push(notice.clone());
        true
    }
    fn tooltip(&self, _: &audit::Text) {}
    fn watching(&self, _: bool) {}
}

/// The scheduled check goes through every watched account in turn; one notification names the accounts with news;
/// a failing account never stops the others; an account not watched is left out.
#[test]
fn watching_several_accounts_names_each_with_news_in_one_notification() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (a, b, c) = (sandbox(&rt, 71), sandbox(&rt, 76), sandbox(&rt, 81));
    let (app, w) = app_in(
        Arc::new(MemoryStore::default()),
        temp_dir("watch-all"),
        None,
    );
    let rec = Arc::new(Recorder::default());
    let _ = app.state::<AppState>().background.set(rec.clone());
    let ids: Vec<String> = [&a, &b, &c]
        .iter()
        .map(|sb| connect(&w, sb)["account_id"].as_str().unwrap().to_string())
        .collect();
    invoke(
        &w,
        "set_watch",
        json!({"schedule": {"enabled": true, "days": [1, 2, 3, 4, 5], "time": "08:00"}}),
    )
    .unwrap();
    invoke(&w, "watch_check_now", json!({})).unwrap();
    assert!(
        rec.0.lock().unwrap().is_empty(),
        "the first check of each account is its baseline"
    );
    let names: Vec<String> = invoke(&w, "list_accounts", json!({})).unwrap()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names[0],
        a.account().agency,
        "named by the company the scheduled check found"
    );

    // Days pass in A and B; C is unchanged.
    a.advance(3);
    b.advance(3);
    invoke(&w, "watch_check_now", json!({})).unwrap();
    let notices = rec.0.lock().unwrap().clone();
    assert_eq!(notices.len(), 1, "one notification per run: {notices:?}");
    let body = &notices[0].body.de;
    assert!(
        body.contains(&format!("{}: ", names[0])) && body.contains(&format!("{}: ", names[1])),
        "{body}"
    );
    assert!(body.contains(" neu") && body.contains(" · "), "{body}");
    assert!(!body.contains(&names[2]), "nothing new in C: {body}");

    // C goes away (network down), A changes again: A is told, C's failure too (once), B says nothing.
    drop(c);
    a.advance(2);
    invoke(&w, "watch_check_now", json!({})).unwrap();
    let notices = rec.0.lock().unwrap().clone();
    assert_eq!(notices.len(), 2);
    let body = &notices[1].body.de;
    assert!(body.contains(&format!("{}: ", names[0])), "{body}");
    assert!(
        body.contains(&format!("{}: Prüfung fehlgeschlagen", names[2])),
        "{body}"
    );
    assert!(!body.contains(&names[1]), "{body}");
    // "Alle Konten": each account as its last check left it, the failed one first; opening it reads nothing.
    let a_reads = a.stats().0;
    let overview = invoke(&w, "fleet_overview", json!({})).unwrap();
    assert_eq!(a.stats().0, a_reads, "the overview sends no request");
    let items = overview["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["row"]["name"], names[2].as_str());
    assert_eq!(items[0]["row"]["standing"], "failed");
    assert_eq!(items[0]["row"]["failure"], "network");
    assert_eq!(items[0]["id"], ids[2].as_str());
    for item in &items[1..] {
        assert_eq!(item["row"]["standing"], "news", "{item}");
        assert!(item["row"]["news"].as_u64().unwrap() > 0);
        assert!(item["row"]["left"]["app"].as_u64().is_some());
    }
    let headline = overview["headline"]["de"].as_str().unwrap();
    assert_eq!(headline, "3 Konten: 1 Prüfung fehlgeschlagen, 2 Neues");
    // The failure is not said again; B left out of the watch is not checked.
    invoke(
        &w,
        "set_account_watched",
        json!({"id": ids[1], "on": false}),
    )
    .unwrap();
    let b_reads = b.stats().0;
    invoke(&w, "watch_check_now", json!({})).unwrap();
    assert_eq!(b.stats().0, b_reads, "an account not watched is not read");
    assert_eq!(
        rec.0.lock().unwrap().len(),
        2,
        "nothing new, the failure already said"
    );
}

/// "Alle Konten" says what the window says: after a confirmed mailbox (the checklist evaluated again without asking
/// onOffice) the account's row counts what the finish line counts.
#[test]
fn the_overview_row_follows_every_checklist_the_window_shows() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = sandbox(&rt, 91);
    let (_app, w) = app_in(
        Arc::new(MemoryStore::default()),
        temp_dir("overview-row"),
        None,
    );
    connect(&w, &sb);
    let view = invoke(&w, "run_audit", json!({"recheck": true})).unwrap();
    let row = |w: &_| invoke(w, "fleet_overview", json!({})).unwrap()["items"][0]["row"].clone();
    let parts = ["app", "choice", "confirm", "on_office", "agent", "portals"];
    let same = |view: &Value, row: &Value| {
        for p in parts {
            assert_eq!(view["report"]["left"][p]["count"], row["left"][p], "{p}");
        }
        assert_eq!(view["report"]["left"]["said"], row["said"]);
    };
    same(&view, &row(&w));
    let waiting: Vec<Value> = view["report"]["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["verdict"]["verdict"] == "to_confirm")
        .map(|m| m["email"].clone())
        .collect();
    assert!(!waiting.is_empty(), "seed 91 has a mailbox to confirm");
    let after = invoke(
        &w,
        "confirm_mail_booking",
        json!({"emails": [waiting[0]], "confirmed": true}),
    )
    .unwrap();
    assert_ne!(
        after["report"]["left"]["confirm"]["count"],
        view["report"]["left"]["confirm"]["count"]
    );
    same(&after, &row(&w));
}
