//! Saving a file the person asked for: the native save dialog runs here, on the Rust side, so a file is written
//! only where the person chose (the webview names a file, never a folder). End-to-end tests, which cannot click a
//! native dialog, name a folder through `AGENT_CHECK_EXPORT_DIR` in debug builds.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::state::AppConfig;

/// The suggested file name without any folder part (the webview cannot steer where a file goes).
fn bare_name(suggested: &str, fallback: &str) -> String {
    Path::new(suggested)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.'))
        .unwrap_or(fallback)
        .to_string()
}

/// Where to save: the path the person picked in the save dialog, or `None` when they cancelled.
pub async fn ask_save_path<R: Runtime>(
    app: &AppHandle<R>,
    config: &AppConfig,
    suggested: &str,
    filter: &str,
    extension: &str,
) -> Option<PathBuf> {
    let name = bare_name(suggested, &format!("agent-check.{extension}"));
    if let Some(dir) = &config.export_dir {
        return Some(dir.join(name));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(name)
        .add_filter(filter, &[extension])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    rx.await.ok().flatten()?.into_path().ok()
}

/// Whether files are saved without asking (the test hook); then nothing is opened either.
pub fn unattended(config: &AppConfig) -> bool {
    config.export_dir.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_file_name_is_taken_from_the_webview() {
        assert_eq!(bare_name("bericht.csv", "x"), "bericht.csv");
        assert_eq!(bare_name("../../etc/passwd", "x"), "passwd");
        assert_eq!(bare_name("/tmp/a/b.html", "x"), "b.html");
        assert_eq!(bare_name("..", "x"), "x");
        assert_eq!(bare_name("", "x"), "x");
        assert_eq!(bare_name(".bashrc", "x"), "x");
    }
}
