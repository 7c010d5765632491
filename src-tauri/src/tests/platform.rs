//! Where the app keeps its files on each system, and that nothing breaks on the paths Windows users have: the data
//! folder under `%APPDATA%`, and a journal in a profile folder with a space and umlauts. Runs on Linux and, through
//! `scripts/test-windows.sh`, as a Windows program under Wine.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use tauri::Manager;

use super::{app, app_in, invoke};
use crate::secrets::{MemoryStore, SecretStore};

/// The folder the README names for settings and journals ("Wo die Daten liegen").
#[test]
fn the_data_folder_is_where_the_readme_says() {
    let (app, _w) = app(Arc::new(MemoryStore::default()));
    let dir = app.path().app_data_dir().unwrap();
    let env = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let expected = if cfg!(windows) {
        env("APPDATA").unwrap().join("de.agentcheck.desktop")
    } else if cfg!(target_os = "macos") {
        env("HOME")
            .unwrap()
            .join("Library/Application Support/de.agentcheck.desktop")
    } else {
        env("XDG_DATA_HOME")
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| env("HOME").unwrap().join(".local/share"))
            .join("de.agentcheck.desktop")
    };
    assert_eq!(dir, expected);
    if cfg!(windows) {
        let shown = dir.display().to_string();
        assert!(
            shown.as_bytes()[1] == b':'
                && shown.ends_with(r"\AppData\Roaming\de.agentcheck.desktop"),
            "{shown}"
        );
    }
}

/// A person named Jürgen Müller: the data folder is `C:\Users\Jürgen Müller\AppData\Roaming\de.agentcheck.desktop`
/// on Windows. A fix is journaled there, and after a restart the history (and its undo) comes back from that file.
#[test]
fn an_accounts_journal_lives_in_a_profile_folder_with_spaces_and_umlauts() {
    let root = std::env::temp_dir().join(format!("agent-check-profile-{}", std::process::id()));
    let data_dir = root
        .join("Jürgen Müller")
        .join("AppData")
        .join("Roaming")
        .join("de.agentcheck.desktop");
    let _ = std::fs::remove_dir_all(&root);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(Default::default()))
        .unwrap();
    let c = sb.connection.clone();
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let connect = |w: &tauri::WebviewWindow<tauri::test::MockRuntime>| {
        let status = invoke(
            w,
            "connect",
            json!({"input": {"token": c.token, "secret": c.secret, "api_url": c.url}}),
        )
        .unwrap();
        assert_eq!(status["mode"], "account");
    };

    let seq = {
        let (_app, w) = app_in(store.clone(), data_dir.clone(), None);
        connect(&w);
        let view = invoke(&w, "run_audit", json!({})).unwrap();
        let finding = view["report"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "user.not_makler")
            .unwrap()
            .clone();
        let plan = invoke(
            &w,
            "plan_fixes",
            json!({"request": {"findings": [{"kind": "user.not_makler", "subject": finding["subject"]}], "choices": {"emails": {}, "contacts": {}}}}),
        )
        .unwrap();
        let applied = invoke(
            &w,
            "apply_fixes",
            json!({"items": [plan["items"][0]["id"]]}),
        )
        .unwrap();
        assert_eq!(applied["results"][0]["outcome"]["outcome"], "applied");
        let history = invoke(&w, "fix_history", json!({})).unwrap();
        history[0]["seq"].as_u64().unwrap()
    };

    let journals: Vec<PathBuf> = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    assert_eq!(journals.len(), 1, "{journals:?}");
    let text = std::fs::read_to_string(&journals[0]).unwrap();
    assert!(text.contains("\"event\":\"applied\""), "{text}");

    // Started again: the same folder, the same history, still undoable.
    let (_app, w) = app_in(store, data_dir, None);
    connect(&w);
    let history = invoke(&w, "fix_history", json!({})).unwrap();
    let entry = history
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["seq"] == seq)
        .expect("the fix is in the history after a restart");
    assert_eq!(entry["undoable"], true);
    let undone = invoke(&w, "undo_change", json!({"seq": seq})).unwrap();
    assert_eq!(undone["results"][0]["outcome"]["outcome"], "applied");
    drop(sb);
    let _ = std::fs::remove_dir_all(root);
}
