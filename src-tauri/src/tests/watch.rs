//! The background watch through its commands on the mock runtime, with a recorder for what the platform would show:
//! one notification per check with something new and none without; the demo's day passing; the standing rule; a
//! failing check said once per kind of failure; credentials gone from the keychain stop the watch; two checks never
//! overlap; refused notifications are said in the tray instead.

use std::sync::{Arc, Mutex};

use audit::watch::Notice;
use audit::Text;
use serde_json::json;
use tauri::Manager;

use super::*;
use crate::platform::Background;
use crate::watch::Ran;

#[derive(Default)]
struct Recorder {
    notices: Mutex<Vec<Notice>>,
    tooltips: Mutex<Vec<Text>>,
    watching: Mutex<Vec<bool>>,
    refuse: bool,
}

impl Background for Recorder {
    fn notify(&self, notice: &Notice) -> bool {
        if self.refuse {
            return false;
        }
        self.notices.lock().unwrap().push(notice.clone());
        true
    }
    fn tooltip(&self, text: &Text) {
        self.tooltips.lock().unwrap().push(text.clone());
    }
    fn watching(&self, on: bool) {
        self.watching.lock().unwrap().push(on);
    }
}

fn recorded(app: &tauri::App<tauri::test::MockRuntime>, refuse: bool) -> Arc<Recorder> {
    let rec = Arc::new(Recorder {
        refuse,
        ..Recorder::default()
    });
    let _ = app.state::<AppState>().background.set(rec.clone());
    rec
}

fn on() -> Value {
    json!({"schedule": {"enabled": true, "days": [1, 2, 3, 4, 5], "time": "08:00"}})
}

#[test]
fn the_demo_day_passing_notifies_what_is_new_once_and_nothing_when_nothing_is() {
    let (app, w) = app(Arc::new(MemoryStore::default()));
    let rec = recorded(&app, false);
    invoke(&w, "start_demo", json!({})).unwrap();
    invoke(&w, "run_audit", json!({})).unwrap();
    let status = invoke(&w, "watch_status", json!({})).unwrap();
    assert_eq!(status["schedule"]["enabled"], false, "off by default");
    assert_eq!(status["offered"], false);
    // A time that is no time is refused, and nothing changes.
    let bad = invoke(
        &w,
        "set_watch",
        json!({"schedule": {"enabled": true, "days": [1], "time": "acht"}}),
    );
    assert_eq!(bad.unwrap_err()["code"], "validation");
    let status = invoke(&w, "set_watch", on()).unwrap();
    assert_eq!(status["schedule"]["enabled"], true);
    assert_eq!(status["offered"], true);
    assert!(status["next_run"].as_str().unwrap().ends_with("T08:00:00"));
    assert_eq!(
        *rec.watching.lock().unwrap(),
        vec![true],
        "tray and start at login follow"
    );
    invoke(&w, "watch_seen", json!({})).unwrap();

    // Nothing new: a check says nothing.
    let quiet = invoke(&w, "watch_check_now", json!({})).unwrap();
    assert_eq!(quiet["said"], Value::Null);
    assert!(rec.notices.lock().unwrap().is_empty());
    assert!(rec
        .tooltips
        .lock()
        .unwrap()
        .last()
        .unwrap()
        .de
        .contains("nichts Neues"));
    // The tray says what is left as the window does (the model's sentence), also after the window checks again;
    // Einstellungen keep the outcome with its time only.
    let view = invoke(&w, "run_audit", json!({})).unwrap();
    let left = view["report"]["left"]["said"]["de"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!left.is_empty());
    let tips = rec.tooltips.lock().unwrap().clone();
    assert!(tips.len() >= 2);
    for tip in &tips[tips.len() - 2..] {
        assert!(tip.de.ends_with(&format!(" – {left}")), "{tip:?}");
    }
    let status = invoke(&w, "watch_status", json!({})).unwrap();
    assert!(!status["last_outcome"]["de"]
        .as_str()
        .unwrap()
        .contains(&left));

    // A day passes: one notification naming counts and kinds; the "Neu seit …" list holds them.
    let day = invoke(&w, "demo_advance", json!({})).unwrap();
    let said = day["said"]["de"].as_str().unwrap().to_string();
    assert!(said.contains("Vermietungsobjekt"), "{said}");
    assert_eq!(rec.notices.lock().unwrap().len(), 1);
    let news = day["news"].as_array().unwrap();
    assert!(!news.is_empty());
    assert!(
        news.iter().any(|n| n["kind"] == "estate.no_contact"),
        "{news:?}"
    );
    // The same news at the next check: no second notification.
    let again = invoke(&w, "watch_check_now", json!({})).unwrap();
    assert_eq!(again["said"], Value::Null);
    assert_eq!(rec.notices.lock().unwrap().len(), 1);
    assert_eq!(again["news"], day["news"]);
    // Seen: the list empties.
    invoke(&w, "run_audit", json!({"recheck": true})).unwrap();
    let seen = invoke(&w, "watch_seen", json!({})).unwrap();
    assert!(seen["news"].as_array().unwrap().is_empty());
    assert!(seen["seen_at"].is_string());

    // Off: the tray goes.
    let mut off = on();
    off["schedule"]["enabled"] = json!(false);
    invoke(&w, "set_watch", off).unwrap();
    assert_eq!(*rec.watching.lock().unwrap(), vec![true, false]);
}

#[test]
fn the_standing_rule_assigns_new_listings_to_their_betreuer_through_the_journal() {
    let (app, w) = app(Arc::new(MemoryStore::default()));
    let rec = recorded(&app, false);
    invoke(&w, "start_demo", json!({})).unwrap();
    invoke(&w, "run_audit", json!({})).unwrap();
    invoke(&w, "set_watch", on()).unwrap();
    invoke(&w, "watch_seen", json!({})).unwrap();
    invoke(&w, "set_auto_assign", json!({"on": true})).unwrap();
    let day = invoke(&w, "demo_advance", json!({})).unwrap();
    let said = day["said"]["de"].as_str().unwrap();
    assert!(
        said.contains("automatisch seinem Betreuer zugeordnet")
            || said.contains("automatisch ihrem Betreuer zugeordnet"),
        "{said}"
    );
    assert!(said.contains("Portale"), "{said}");
    assert!(
        !day["news"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "estate.no_contact"),
        "the assigned listing is no news any more: {}",
        day["news"]
    );
    let history = invoke(&w, "fix_history", json!({})).unwrap();
    let auto: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["automatic"] == true)
        .collect();
    assert_eq!(auto.len(), 1, "{history}");
    assert!(auto[0]["label"]
        .as_str()
        .unwrap()
        .ends_with("· automatisch"));
    // The listing waits for its re-transfer, and the change is undone like any fix.
    let view = invoke(&w, "run_audit", json!({})).unwrap();
    assert!(view["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "estate.portal_transfer_pending"));
    let undone = invoke(&w, "undo_change", json!({"seq": auto[0]["seq"]})).unwrap();
    assert_eq!(undone["results"][0]["outcome"]["outcome"], "applied");
    assert_eq!(rec.notices.lock().unwrap().len(), 1);
}

#[test]
fn failures_are_told_once_per_kind_and_missing_credentials_stop_the_watch() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = Arc::new(MemoryStore::default());
    let (app, w) = app(store.clone());
    let rec = recorded(&app, false);
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(Default::default()))
        .unwrap();
    let c = sb.connection.clone();
    invoke(
        &w,
        "connect",
        json!({"input": {"token": c.token, "secret": c.secret, "api_url": c.url}}),
    )
    .unwrap();
    invoke(&w, "set_watch", on()).unwrap();
    invoke(&w, "watch_check_now", json!({})).unwrap();
    assert!(
        rec.notices.lock().unwrap().is_empty(),
        "the first check is the baseline"
    );
    // The account goes away (network down): told once, not at every check; the tray says it.
    drop(sb);
    invoke(&w, "watch_check_now", json!({})).unwrap();
    invoke(&w, "watch_check_now", json!({})).unwrap();
    assert_eq!(rec.notices.lock().unwrap().len(), 1);
    assert!(rec.notices.lock().unwrap()[0]
        .title
        .de
        .contains("fehlgeschlagen"));
    assert!(rec
        .tooltips
        .lock()
        .unwrap()
        .last()
        .unwrap()
        .de
        .contains("fehlgeschlagen"));

    // Started at login without a session, no account left with credentials: watching stops, said once.
    let id = invoke(&w, "connection_status", json!({})).unwrap()["account_id"].clone();
    invoke(&w, "remove_account", json!({"id": id, "keepHistory": true})).unwrap();
    assert!(store.slots().is_empty());
    let view = invoke(&w, "watch_check_now", json!({})).unwrap();
    assert!(
        view["said"]["de"]
            .as_str()
            .unwrap()
            .contains("Schlüsselbund"),
        "{view}"
    );
    assert_eq!(view["schedule"]["enabled"], false);
    assert_eq!(rec.watching.lock().unwrap().last(), Some(&false));
    assert_eq!(rec.notices.lock().unwrap().len(), 2);
}

#[test]
fn two_checks_never_overlap_and_refused_notifications_go_to_the_tray() {
    let (app, w) = app(Arc::new(MemoryStore::default()));
    let rec = recorded(&app, true);
    invoke(&w, "start_demo", json!({})).unwrap();
    invoke(&w, "run_audit", json!({})).unwrap();
    invoke(&w, "set_watch", on()).unwrap();
    invoke(&w, "watch_seen", json!({})).unwrap();
    let state = app.state::<AppState>();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let now = crate::watch::local_now();
    let (a, b) = rt.block_on(async {
        tokio::join!(
            crate::watch::scheduled_check(&state, now),
            crate::watch::scheduled_check(&state, now)
        )
    });
    assert!(
        matches!(
            (&a, &b),
            (Ran::Busy, Ran::Checked { .. }) | (Ran::Checked { .. }, Ran::Busy)
        ),
        "{a:?} {b:?}"
    );
    invoke(&w, "demo_advance", json!({})).unwrap();
    assert!(rec.notices.lock().unwrap().is_empty());
    assert!(
        rec.tooltips
            .lock()
            .unwrap()
            .iter()
            .any(|t| t.de.contains("Benachrichtigungen sind ausgeschaltet")),
        "the tray says it instead"
    );
}

#[test]
fn the_schedule_decides_from_the_last_run_persisted() {
    let (app, w) = app(Arc::new(MemoryStore::default()));
    recorded(&app, false);
    invoke(&w, "set_watch", on()).unwrap();
    let state = app.state::<AppState>();
    // Switching on counts as a run: the slot earlier today does not fire at once.
    assert!(!crate::watch::due(&state, crate::watch::local_now()));
    // A week later (the laptop was off): due, once.
    let later = crate::watch::local_now() + jiff::SignedDuration::from_hours(24 * 7);
    assert!(crate::watch::due(&state, later));
    state
        .settings
        .update(|d| d.watch.state.last_run = Some(later.strftime("%Y-%m-%dT%H:%M:%S").to_string()));
    assert!(!crate::watch::due(
        &state,
        later + jiff::SignedDuration::from_mins(1)
    ));
}

#[test]
fn credentials_deleted_outside_the_app_while_it_runs_stop_the_watch_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = Arc::new(MemoryStore::default());
    let (app, w) = app(store.clone());
    let rec = recorded(&app, false);
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(Default::default()))
        .unwrap();
    let c = sb.connection.clone();
    invoke(
        &w,
        "connect",
        json!({"input": {"token": c.token, "secret": c.secret, "api_url": c.url}}),
    )
    .unwrap();
    invoke(&w, "set_watch", on()).unwrap();
    store.delete(&store.slots()[0]).unwrap();
    let view = invoke(&w, "watch_check_now", json!({})).unwrap();
    assert_eq!(view["schedule"]["enabled"], false);
    assert!(
        view["said"]["de"]
            .as_str()
            .unwrap()
            .contains("Schlüsselbund"),
        "{view}"
    );
    assert_eq!(rec.notices.lock().unwrap().len(), 1);
    assert_eq!(rec.watching.lock().unwrap().last(), Some(&false));
    // Watching stopped, so no later run says it again; switched on again by the person without new credentials, the
    // next check tells it anew (and stops again).
    assert_eq!(
        invoke(&w, "watch_check_now", json!({})).unwrap()["said"],
        Value::Null
    );
    invoke(&w, "set_watch", on()).unwrap();
    invoke(&w, "watch_check_now", json!({})).unwrap();
    assert_eq!(rec.notices.lock().unwrap().len(), 2);
}
