//! The desktop shell: thin glue between the Tauri runtime and the Tauri-free crates (client, sandbox).
//! It must never hand the API secret to the webview.

use serde::Serialize;
use tauri::{Runtime, State};

/// What the window shows in its title bar and about box.
#[derive(Clone, Debug, Serialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub demo: bool,
}

/// Process-wide state of the app.
pub struct AppState {
    pub demo: bool,
}

#[tauri::command]
fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        name: "Agent-Check".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        demo: state.demo,
    }
}

/// Builds the app on any runtime, so tests can use the mock runtime.
pub fn create_app<R: Runtime>(builder: tauri::Builder<R>, demo: bool) -> tauri::App<R> {
    builder
        .manage(AppState { demo })
        .invoke_handler(tauri::generate_handler![app_info])
        .build(tauri::generate_context!())
        .expect("the app can be built")
}

pub fn run() {
    let demo = std::env::args().any(|a| a == "--demo");
    let app = create_app(tauri::Builder::default(), demo);
    app.run(|_, _| {});
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
    use tauri::WebviewWindowBuilder;

    #[test]
    fn window_opens_and_answers() {
        let app = create_app(mock_builder(), true);
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let response = get_ipc_response(
            &window,
            tauri::webview::InvokeRequest {
                cmd: "app_info".into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::default(),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
        .unwrap();
        assert_eq!(response["name"], "Agent-Check");
        assert_eq!(response["demo"], true);
    }
}
