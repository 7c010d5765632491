//! `oo-check` as a support person uses it: audit with JSON output, fix with a journal, undo, and clear errors.

use std::process::Command;

fn oo_check(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oo-check"))
        .args(args)
        .current_dir(dir)
        .env_remove("ONOFFICE_TOKEN")
        .env_remove("ONOFFICE_SECRET")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn audit_fix_undo_on_the_demo() {
    let dir = std::env::temp_dir().join(format!("oo-check-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, _) = oo_check(&["audit", "--demo", "--json"], &dir);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["kind"] == "user.not_makler"));
    assert!(findings
        .iter()
        .all(|f| f["subject"].is_string() && f["kind"].is_string()));
    assert!(v["stats"]["requests"].as_u64().unwrap() >= 3);

    let (code, out, _) = oo_check(&["audit", "--demo"], &dir);
    assert_eq!(code, 0);
    assert!(
        out.contains("Systembenutzer:") && out.contains("Kontaktart „Makler“ fehlt"),
        "{out}"
    );

    let (code, out, _) = oo_check(
        &[
            "fix",
            "--demo",
            "--kind",
            "user.not_makler",
            "--yes",
            "--journal",
            "j.jsonl",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("erledigt"), "{out}");
    let journal = std::fs::read_to_string(dir.join("j.jsonl")).unwrap();
    assert!(journal.lines().count() >= 1 && journal.contains("\"event\":\"applied\""));
    // Undo re-reads first: the demo starts fresh each time, so the key it would remove is not there any more.
    let (code, out, _) = oo_check(&["undo", "--demo", "--journal", "j.jsonl"], &dir);
    assert_eq!(code, 0);
    assert!(out.contains("bereits entfernt"), "{out}");
    // Without --yes the tool asks and, with no answer, changes nothing.
    let (code, out, _) = oo_check(&["fix", "--demo", "--journal", "k.jsonl"], &dir);
    assert_eq!(code, 0);
    assert!(out.contains("Abgebrochen"), "{out}");
    assert!(
        !dir.join("k.jsonl").exists()
            || std::fs::read_to_string(dir.join("k.jsonl"))
                .unwrap()
                .is_empty()
    );

    let (code, _, err) = oo_check(&["audit", "--token", "short", "--secret", "x"], &dir);
    assert_eq!(code, 1);
    assert!(err.contains("Der Token hat 5 statt 32 Zeichen"), "{err}");
    let (code, _, err) = oo_check(
        &[
            "audit",
            "--url",
            "http://example.com/api.php",
            "--token",
            &"a".repeat(32),
            "--secret",
            &"b".repeat(64),
        ],
        &dir,
    );
    assert_eq!(code, 1);
    assert!(err.contains("nur https"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}
