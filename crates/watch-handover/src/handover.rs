//! The hand-over between the window app and the tray helper: exactly one of them watches. The app watches while it
//! runs with a window; closed (or started at login) while watching, it hands over to `agent-check-tray`, a small
//! program with the tray icon and the timer but no webview, which starts the app for each check (`--watch-check`,
//! no window) and to open the window. Who runs is told by exclusive locks on two files in the data folder, which the
//! operating system releases also when a process dies.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Held by the app while it has (or had) a window: the helper ends when it sees it held.
pub const WINDOW_LOCK: &str = "window.lock";
/// Held by the helper: a second helper ends at once.
pub const TRAY_LOCK: &str = "tray.lock";
/// The helper's program, beside the app's (`agent-check-tray.exe` on Windows).
pub const TRAY_PROGRAM: &str = "agent-check-tray";
/// The app's program.
pub const APP_PROGRAM: &str = "agent-check";
/// The app, started by the helper for one scheduled check: no window, no tray; it ends after the check unless the
/// window was opened meanwhile.
pub const CHECK_FLAG: &str = "--watch-check";
/// The helper's argument: the app's data folder (settings and locks).
pub const DATA_DIR_FLAG: &str = "--data-dir";

/// An exclusive lock on a file in the data folder, held until dropped or the process ends.
#[derive(Debug)]
pub struct Held {
    /// Kept open only for its lock, which closing the file gives back.
    _file: File,
}

/// Why a lock is not ours.
#[derive(Debug, PartialEq, Eq)]
pub enum NotHeld {
    /// Another process holds it.
    Elsewhere,
    /// The lock file cannot be opened (no data folder, no rights).
    Unusable,
}

/// Takes the lock `name` in `dir`, if nobody else holds it.
pub fn hold(dir: &Path, name: &str) -> Result<Held, NotHeld> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(name))
        .map_err(|_| NotHeld::Unusable)?;
    match file.try_lock() {
        Ok(()) => Ok(Held { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(NotHeld::Elsewhere),
        Err(std::fs::TryLockError::Error(_)) => Err(NotHeld::Unusable),
    }
}

/// Whether another process holds the lock `name` (looking takes it for a moment and gives it back).
pub fn held_elsewhere(dir: &Path, name: &str) -> bool {
    matches!(hold(dir, name), Err(NotHeld::Elsewhere))
}

/// The program `name` beside the running one (same folder: `/usr/bin`, the install folder on Windows, the app
/// bundle's `Contents/MacOS`, `target/<profile>` in development).
pub fn sibling(name: &str) -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    Some(me.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("handover-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_held_lock_is_seen_and_given_back_when_dropped() {
        let d = dir("held");
        assert!(!held_elsewhere(&d, WINDOW_LOCK), "nobody holds it yet");
        let held = hold(&d, WINDOW_LOCK).unwrap();
        assert!(held_elsewhere(&d, WINDOW_LOCK));
        assert_eq!(hold(&d, WINDOW_LOCK).unwrap_err(), NotHeld::Elsewhere);
        assert!(
            !held_elsewhere(&d, TRAY_LOCK),
            "the other lock is independent"
        );
        drop(held);
        assert!(!held_elsewhere(&d, WINDOW_LOCK));
        // Looking did not leave it held.
        assert!(hold(&d, WINDOW_LOCK).is_ok());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_missing_folder_is_unusable_not_held() {
        let d = std::env::temp_dir().join(format!("handover-none-{}/x/y", std::process::id()));
        assert_eq!(hold(&d, TRAY_LOCK).unwrap_err(), NotHeld::Unusable);
        assert!(!held_elsewhere(&d, TRAY_LOCK));
    }

    #[test]
    fn the_sibling_is_in_the_running_programs_folder() {
        let me = std::env::current_exe().unwrap();
        let s = sibling(TRAY_PROGRAM).unwrap();
        assert_eq!(s.parent(), me.parent());
        assert!(s
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("agent-check-tray"));
    }
}
