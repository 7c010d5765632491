//! What the app asks of the platform while it watches (`Background`): notifications, the tray's tooltip, the tray
//! and start at login. The installed app implements it with Tauri's plugins (`background::Platform`), the command
//! tests with a recorder.

use audit::watch::Notice;
use audit::Text;

/// The platform side of the watch.
pub trait Background: Send + Sync {
    /// Shows a desktop notification; false when it could not be shown (permission refused, no notification
    /// service).
    fn notify(&self, notice: &Notice) -> bool;
    /// The tray icon's tooltip: the watch's state in a few words.
    fn tooltip(&self, text: &Text);
    /// Watching was switched on or off: the tray icon and start at login follow.
    fn watching(&self, on: bool);
    /// A check of several accounts goes on to the `at`-th of `of` (1-based), for the window's progress.
    fn checking(&self, _at: usize, _of: usize, _name: &str) {}
}
