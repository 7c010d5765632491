//! Build script of the desktop app: Tauri's code generation, with the capabilities under src-tauri/ and an app
//! manifest listing every command, so the capability file can allow exactly these.
fn main() {
    let commands = &[
        "connection_status",
        "test_connection",
        "connect",
        "start_demo",
        "disconnect",
        "check_connection",
        "save_diagnosis",
        "run_audit",
        "cancel_audit",
        "choose_makler_key",
        "confirm_mail_booking",
        "confirm_transfer",
        "plan_fixes",
        "apply_fixes",
        "fix_history",
        "undo_change",
        "export_target",
        "export_report",
        "get_settings",
        "set_language",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build step");
}
