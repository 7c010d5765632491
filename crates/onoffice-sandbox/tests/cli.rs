//! The `onoffice-sandbox` command line: help, refused values, and the one JSON line it prints when it starts.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_onoffice-sandbox");

#[test]
fn help_and_refused_values() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for option in [
        "--latency-ms",
        "--fault-rate",
        "--max-actions",
        "--no-user-right",
        "--dns-port",
    ] {
        assert!(text.contains(option), "{option} in {text}");
    }
    let bad = Command::new(BIN)
        .args(["--fault-rate", "2"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("0.0 bis 1.0"));
    let unknown = Command::new(BIN).arg("--serve").output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn prints_how_to_reach_it() {
    let mut child = Command::new(BIN)
        .args(["--seed", "3", "--users", "12", "--estates", "30"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let c: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(c["url"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(c["token"].as_str().unwrap().len(), 32);
    assert_eq!(c["secret"].as_str().unwrap().len(), 64);
    assert!(c["dns"].as_str().unwrap().starts_with("127.0.0.1:"));
}
