//! The commands the webview may call, one file per domain. Bodies are thin: they lock the session, call the audit
//! engine, and turn its results into the DTOs the UI's generated types describe.

pub mod audit;
pub mod connection;
pub mod fixes;
pub mod report;
pub mod settings;
