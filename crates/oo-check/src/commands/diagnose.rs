//! `oo-check diagnose`: the connection and every assumption about the account, in words or as JSON, optionally
//! saved for support; exit code 3 when an assumption fails.

use std::path::PathBuf;

use crate::cli::Account;
use crate::connect::connect;
use crate::output;

pub async fn run(account: &Account, json: bool, out: Option<&PathBuf>) {
    let (auditor, _sandbox) = connect(account).await;
    let d = auditor.diagnose().await;
    let text = || {
        serde_json::to_string_pretty(&d)
            .unwrap_or_else(|e| output::error(format!("Diagnose / diagnosis: {e}")))
    };
    if json {
        println!("{}", text());
    } else {
        output::print_diagnosis(&d);
    }
    if let Some(path) = out {
        if let Err(e) = std::fs::write(path, text()) {
            eprintln!("Diagnose kann nicht gespeichert werden / cannot save the diagnosis: {e}");
            std::process::exit(1);
        }
        eprintln!("Diagnose gespeichert: {}", path.display());
    }
    if !d.all_hold() {
        std::process::exit(3);
    }
}
