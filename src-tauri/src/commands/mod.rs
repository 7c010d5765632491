//! The commands the webview may call, one file per domain. Their one list is src-tauri/commands.txt, grouped by
//! domain: build.rs makes from it each domain's `commands!` call (which the domain's file includes at its end), the
//! app manifest and the capability's permission set; the UI's `Command` type is written from it too. Bodies are thin: they lock the session, call the audit engine, and turn its results
//! into the DTOs the UI's generated types describe.

use tauri::ipc::Invoke;
use tauri::Runtime;

/// A domain's commands (its group of src-tauri/commands.txt): their names and Tauri's handler for them.
macro_rules! commands {
    ($($name:ident),+ $(,)?) => {
        /// This domain's commands, by name.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),+];

        /// Tauri's handler for this domain's commands.
        pub fn handler<R: tauri::Runtime>(
        ) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),+]
        }
    };
}

pub mod accounts;
pub mod audit;
pub mod connection;
pub mod fixes;
pub mod report;
pub mod settings;
pub mod watch;

/// Every command of the app, by domain.
pub fn all() -> Vec<&'static str> {
    [
        connection::COMMANDS,
        accounts::COMMANDS,
        audit::COMMANDS,
        fixes::COMMANDS,
        report::COMMANDS,
        settings::COMMANDS,
        watch::COMMANDS,
    ]
    .concat()
}

/// The app's handler: each call goes to the domain that declares it; an unknown name is refused.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    let connection = connection::handler::<R>();
    let accounts = accounts::handler::<R>();
    let audit = audit::handler::<R>();
    let fixes = fixes::handler::<R>();
    let report = report::handler::<R>();
    let settings = settings::handler::<R>();
    let watch = watch::handler::<R>();
    move |invoke| {
        let name = invoke.message.command();
        if connection::COMMANDS.contains(&name) {
            connection(invoke)
        } else if accounts::COMMANDS.contains(&name) {
            accounts(invoke)
        } else if audit::COMMANDS.contains(&name) {
            audit(invoke)
        } else if fixes::COMMANDS.contains(&name) {
            fixes(invoke)
        } else if report::COMMANDS.contains(&name) {
            report(invoke)
        } else if settings::COMMANDS.contains(&name) {
            settings(invoke)
        } else if watch::COMMANDS.contains(&name) {
            watch(invoke)
        } else {
            false
        }
    }
}
