//! Runs the built `oo-check` in a folder with the given environment, never with the caller's own credentials or
//! accounts file: the exit code, stdout and stderr.

use std::ffi::OsStr;
use std::process::Command;

pub fn run_oo_check<K: AsRef<OsStr>, V: AsRef<OsStr>>(
    args: &[&str],
    dir: &std::path::Path,
    env: impl IntoIterator<Item = (K, V)>,
) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oo-check"))
        .args(args)
        .current_dir(dir)
        .env_remove("ONOFFICE_TOKEN")
        .env_remove("ONOFFICE_SECRET")
        .env_remove("OO_CHECK_ACCOUNTS")
        .envs(env)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
