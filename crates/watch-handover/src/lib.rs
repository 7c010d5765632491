//! What the desktop app (`agent-check`) and its tray helper (`agent-check-tray`) share, so both read and write the
//! same: the local wall clock as the watch keeps it (`clock`) and who of the two watches (`handover`). Standard
//! library and jiff only: the helper links no Tauri and no webview.

pub mod clock;
pub mod handover;
