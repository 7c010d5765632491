//! `oo-check` as a support person uses it: audit with JSON output, fix with a journal, undo, and clear errors.

mod common;

use std::process::Command;

fn oo_check(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    oo_check_env(args, dir, &[])
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

/// The demo account of a seed, as `--demo --seed N` starts it.
fn demo_truth(seed: u64) -> onoffice_sandbox::Generated {
    onoffice_sandbox::generate::generate(&onoffice_sandbox::GenConfig {
        seed,
        ..Default::default()
    })
}

fn kinds_and_subjects(v: &serde_json::Value) -> std::collections::BTreeSet<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] != "estate.portal_transfer_pending")
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The account has no key `Makler` (seed 2: a customer key labelled "Mitarbeiter"): the candidates are offered,
/// the person picks once, and audit and fix then use that key.
#[test]
fn the_chosen_makler_key_is_used_by_audit_and_fix() {
    let dir = std::env::temp_dir().join(format!("oo-check-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let truth = demo_truth(2);
    assert_eq!(
        truth.account.makler_variant,
        onoffice_sandbox::MaklerVariant::CustomKey
    );
    let (code, out, _) = oo_check(&["audit", "--demo", "--seed", "2", "--json"], &dir);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["makler"]["status"], "missing");
    assert_eq!(
        v["makler"]["candidates"],
        serde_json::json!([{"key": "indMulti1966Select5844", "label": "Mitarbeiter"}])
    );
    let planted: std::collections::BTreeSet<(String, String)> = truth
        .planted
        .iter()
        .map(|p| (p.kind.clone(), p.subject.clone()))
        .collect();
    assert_eq!(kinds_and_subjects(&v), planted);
    assert_eq!(
        v["complete"], false,
        "without a broker value the check is incomplete"
    );

    let key = "indMulti1966Select5844";
    let (code, out, _) = oo_check(
        &[
            "audit",
            "--demo",
            "--seed",
            "2",
            "--makler-key",
            key,
            "--json",
        ],
        &dir,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["makler"]["status"], "chosen");
    assert_eq!(v["complete"], true);
    let after_choice: std::collections::BTreeSet<(String, String)> = truth
        .planted_after_choice
        .iter()
        .map(|p| (p.kind.clone(), p.subject.clone()))
        .collect();
    assert!(after_choice.iter().any(|(k, _)| k == "user.not_makler"));
    assert_eq!(kinds_and_subjects(&v), after_choice);

    let (code, out, _) = oo_check(
        &[
            "fix",
            "--demo",
            "--seed",
            "2",
            "--makler-key",
            key,
            "--kind",
            "user.not_makler",
            "--yes",
            "--journal",
            "k.jsonl",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("„Mitarbeiter“ ergänzt"), "{out}");
    let journal = std::fs::read_to_string(dir.join("k.jsonl")).unwrap();
    assert!(journal.contains(key), "the fix wrote the chosen key");

    // An account without any broker value offers nothing to pick.
    let (_, out, _) = oo_check(&["audit", "--demo", "--seed", "4", "--json"], &dir);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["makler"]["candidates"], serde_json::json!([]));
}

#[test]
fn diagnose_writes_a_file_for_support() {
    let dir = std::env::temp_dir().join(format!("oo-check-diag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, err) = oo_check(&["diagnose", "--demo", "--out", "diag.json"], &dir);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("✔ Benutzer lesbar"), "{out}");
    let file = std::fs::read_to_string(dir.join("diag.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert_eq!(v["assumptions"].as_array().unwrap().len(), 8);
    assert!(out.contains("✔ Maklerbuch lesbar"), "{out}");
    assert!(v["agents_log_counts"]["Email / Eingang"].as_u64().unwrap() > 0);
    assert!(!file.contains('@'));
    // Seed 4 has no broker value: the check says so and exits non-zero.
    let (code, out, _) = oo_check(&["diagnose", "--demo", "--seed", "4"], &dir);
    assert_eq!(code, 3);
    assert!(out.contains("✖ Kontaktart „Makler“ vorhanden"), "{out}");
}

/// A DNS server that does not answer: every mailbox that needs it is "could not check", said out loud.
#[test]
fn unreachable_dns_is_reported_not_hidden() {
    let dir = std::env::temp_dir().join(format!("oo-check-dns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(Default::default()))
        .unwrap();
    let c = sb.connection.clone();
    let args = |json: bool| {
        let mut a = vec![
            "audit".to_string(),
            "--url".into(),
            c.url.clone(),
            "--token".into(),
            c.token.clone(),
            "--secret".into(),
            c.secret.clone(),
            "--dns".into(),
            "127.0.0.1:9".into(),
        ];
        if json {
            a.push("--json".into());
        }
        a
    };
    let run = |json: bool| {
        let a = args(json);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        oo_check(&refs, &dir)
    };
    let (code, out, _) = run(true);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let free_mail = ["gmx.de", "web.de", "gmail.com", "t-online.de"];
    let mailboxes = v["mailboxes"].as_array().unwrap();
    let needs_dns: Vec<&serde_json::Value> = mailboxes
        .iter()
        .filter(|m| {
            let email = m["email"].as_str().unwrap();
            !free_mail.iter().any(|d| email.ends_with(&format!("@{d}")))
        })
        .collect();
    assert!(!needs_dns.is_empty());
    for m in &needs_dns {
        assert_eq!(m["kind"]["kind"], "could_not_check", "{m}");
    }
    assert_eq!(
        v["stats"]["mailboxes_not_checked"].as_u64().unwrap() as usize,
        needs_dns.len()
    );
    let (code, out, _) = run(false);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "Postfach-Art konnte nicht geprüft werden ({})",
            needs_dns.len()
        )),
        "{out}"
    );
    drop(sb);
}

fn connection_args(c: &onoffice_sandbox::Connection, dns: std::net::SocketAddr) -> Vec<String> {
    vec![
        "--url".into(),
        c.url.clone(),
        "--token".into(),
        c.token.clone(),
        "--secret".into(),
        c.secret.clone(),
        "--dns".into(),
        dns.to_string(),
    ]
}

fn run_args(
    cmd: &str,
    conn: &[String],
    extra: &[&str],
    dir: &std::path::Path,
) -> (i32, String, String) {
    let mut args: Vec<&str> = vec![cmd];
    args.extend(conn.iter().map(String::as_str));
    args.extend(extra);
    oo_check(&args, dir)
}

/// `oo-check undo` against a real (sandbox) account: the key the fix added is gone again. Run from, and journaling
/// into, a folder of a person whose name has a space and umlauts, given as a full path (on Windows
/// `C:\Users\Jürgen Müller\…`: drive letter, backslashes, non-ASCII in the arguments and the working folder).
#[test]
fn undo_reverts_a_real_change() {
    let dir = std::env::temp_dir()
        .join(format!("oo-check-undo-{}", std::process::id()))
        .join("Jürgen Müller")
        .join("Documents")
        .join("Agent Check");
    std::fs::create_dir_all(&dir).unwrap();
    let journal_path = dir.join("Änderungen.jsonl");
    let journal = journal_path.to_str().unwrap();
    if cfg!(windows) {
        assert!(
            journal.as_bytes()[1] == b':' && journal.contains(r"\Jürgen Müller\Documents\"),
            "{journal}"
        );
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(
            onoffice_sandbox::SandboxConfig {
                generate: onoffice_sandbox::GenConfig {
                    seed: 61,
                    users: 14,
                    estates: 40,
                    makler_variant: Some(onoffice_sandbox::MaklerVariant::Standard),
                    tenant: None,
                },
                ..Default::default()
            },
        ))
        .unwrap();
    let conn = connection_args(&sb.connection, sb.dns_addr);
    let missing = |sb: &onoffice_sandbox::Sandbox| {
        let a = sb.account();
        sb.planted()
            .iter()
            .filter(|p| p.kind == "user.not_makler")
            .filter(|p| {
                let id: u64 = p.subject["address:".len()..].parse().unwrap();
                !a.addresses[&id].contact_types.iter().any(|k| k == "Makler")
            })
            .count()
    };
    let before = missing(&sb);
    assert!(before > 0);
    let (code, out, _) = run_args(
        "fix",
        &conn,
        &["--kind", "user.not_makler", "--yes", "--journal", journal],
        &dir,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(missing(&sb), 0);
    let (code, out, _) = run_args("undo", &conn, &["--journal", journal], &dir);
    assert_eq!(code, 0);
    assert!(out.contains("erledigt"), "{out}");
    assert_eq!(missing(&sb), 1, "the newest change was undone in onOffice");
    let (code, out, _) = run_args("undo", &conn, &["--all", "--journal", journal], &dir);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains("erledigt")).count(),
        before - 1,
        "{out}"
    );
    assert_eq!(missing(&sb), before, "every change of the fix was undone");
    let (_, out, _) = run_args("undo", &conn, &["--all", "--journal", journal], &dir);
    assert!(out.contains("nichts rückgängig"), "{out}");
    let entries = std::fs::read_to_string(&journal_path).unwrap();
    assert!(
        entries.lines().any(|l| l.contains("\"undone\"")),
        "the journal at that path holds the undo"
    );
}

/// The process is killed (SIGKILL) at several points of a large fix, then started again: every change in onOffice
/// has a journal entry, no announced change stays open, and no listing that had a broker is left without one.
#[test]
fn killed_mid_fix_then_restarted_nothing_is_unjournaled_and_no_listing_loses_its_broker() {
    use audit::journal::{Change, Event, Journal};
    let dir = std::env::temp_dir().join(format!("oo-check-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(
            onoffice_sandbox::SandboxConfig {
                generate: onoffice_sandbox::GenConfig {
                    seed: 31,
                    users: 30,
                    estates: 300,
                    makler_variant: Some(onoffice_sandbox::MaklerVariant::Standard),
                    tenant: None,
                },
                knobs: onoffice_sandbox::Knobs {
                    latency: std::time::Duration::from_millis(40),
                    ..Default::default()
                },
                ..Default::default()
            },
        ))
        .unwrap();
    let conn = connection_args(&sb.connection, sb.dns_addr);
    let before = sb.account();
    let with_broker: Vec<u64> = before
        .estates
        .keys()
        .copied()
        .filter(|e| !before.contacts_of(*e, true).is_empty())
        .collect();
    // Kill right after the pipeline announces a round (its progress goes to stderr as "[k/6] …"), a little later
    // each time, so the kill lands while writes are in flight.
    for (round, wait_ms) in [(2u8, 0u64), (4, 10), (6, 20), (2, 30), (4, 45), (6, 60)] {
        use std::io::BufRead;
        let mut args: Vec<String> = vec!["fix".into()];
        args.extend(conn.iter().cloned());
        args.extend(["--yes", "--journal", "k.jsonl"].map(String::from));
        let mut child = Command::new(env!("CARGO_BIN_EXE_oo-check"))
            .args(&args)
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let marker = format!("[{round}/6]");
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        for line in stderr.lines() {
            if line.map(|l| l.starts_with(&marker)).unwrap_or(true) {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = sb.account();
        for e in &with_broker {
            assert!(
                !now.contacts_of(*e, true).is_empty(),
                "listing {e} lost its broker (killed in round {round})"
            );
        }
    }
    // The next start reconciles what the killed runs announced.
    let (code, _, err) = run_args("audit", &conn, &["--json", "--journal", "k.jsonl"], &dir);
    assert_eq!(code, 0, "{err}");
    let account = audit::journal::account_id(&sb.connection.url, &sb.connection.token);
    let journal = Journal::open(&dir.join("k.jsonl"), &account).unwrap();
    assert!(
        journal.open_intents().is_empty(),
        "{:?}",
        journal.open_intents()
    );
    let mut journaled_addresses = std::collections::BTreeSet::new();
    let mut journaled_estates = std::collections::BTreeSet::new();
    for e in journal.entries() {
        if let Event::Applied { change, .. } = e.event {
            match change {
                Change::ContactType { address, .. } | Change::DefaultEmail { address, .. } => {
                    journaled_addresses.insert(address);
                }
                Change::ContactPersons { estate, .. } => {
                    journaled_estates.insert(estate);
                }
            }
        }
    }
    let after = sb.account();
    let mut changed = 0;
    for (id, a) in &before.addresses {
        let b = &after.addresses[id];
        let emails = |x: &onoffice_sandbox::model::Address| {
            x.emails
                .iter()
                .map(|e| (e.address.clone(), e.default))
                .collect::<Vec<_>>()
        };
        if a.contact_types != b.contact_types || emails(a) != emails(b) {
            changed += 1;
            assert!(
                journaled_addresses.contains(id),
                "address {id} changed without a journal entry"
            );
        }
    }
    for id in before.estates.keys() {
        if before.contacts_of(*id, false) != after.contacts_of(*id, false) {
            changed += 1;
            assert!(
                journaled_estates.contains(id),
                "listing {id} changed without a journal entry"
            );
        }
    }
    assert!(changed > 0, "the runs got far enough to change something");
    // Some kills landed between an announcement and its confirmation, and the restart settled them.
    let reconciled = journal
        .entries()
        .iter()
        .filter(|e| match &e.event {
            Event::NotApplied { reason, .. } => reason.starts_with("reconciled"),
            Event::Applied {
                intent: Some(i), ..
            } => journal
                .entries()
                .iter()
                .filter(|x| x.seq > *i && x.seq < e.seq)
                .any(|x| matches!(x.event, Event::Intent { .. })),
            _ => false,
        })
        .count();
    assert!(reconciled > 0, "no kill landed mid-pipeline");
}

/// Every subcommand answers `--help` with its own options; a wrong finding kind is answered with the valid ones.
#[test]
fn help_on_every_subcommand_and_the_valid_kinds_on_a_wrong_one() {
    let dir = std::env::temp_dir().join(format!("oo-check-help-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (cmd, own) in [
        ("audit", "--new-since"),
        ("fix", "--kind"),
        ("undo", "--all"),
        ("diagnose", "--out"),
        ("report", "--format"),
        ("explain", "OBJEKT"),
    ] {
        let (code, out, _) = oo_check(&[cmd, "--help"], &dir);
        assert_eq!(code, 0, "{cmd}");
        assert!(out.contains(own) && out.contains("--demo"), "{cmd}: {out}");
        assert!(out.contains("ONOFFICE_SECRET"), "{cmd}: {out}");
    }
    // Every exit code is written in the help.
    let (_, out, _) = oo_check(&["--help"], &dir);
    for code in ["0 ", "1 ", "2 ", "3 ", "10 "] {
        assert!(
            out.contains(&format!("\n  {code}")),
            "exit code {code}in: {out}"
        );
    }
    let (code, _, err) = oo_check(&["fix", "--demo", "--kind", "user.nicht_makler"], &dir);
    assert_eq!(code, 2);
    assert!(
        err.contains("user.nicht_makler")
            && err.contains("user.not_makler")
            && err.contains("estate.no_contact"),
        "{err}"
    );
    let (code, _, err) = oo_check(&["audit"], &dir);
    assert_eq!(code, 2);
    assert!(err.contains("ONOFFICE_TOKEN"), "{err}");
    let (code, _, err) = oo_check(&["audit", "--seed", "3"], &dir);
    assert_eq!(code, 2, "the demo's size only with --demo: {err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `oo-check report` writes the same CSV the app writes: one row per finding of the audit.
#[test]
fn report_writes_the_apps_csv() {
    let dir = std::env::temp_dir().join(format!("oo-check-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, _) = oo_check(&["audit", "--demo", "--json"], &dir);
    assert_eq!(code, 0);
    let audit = serde_json::from_str::<serde_json::Value>(&out).unwrap();
    let findings = audit["findings"].as_array().unwrap().len();
    let rates = audit["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["answers"].is_null())
        .count();
    let (code, _, err) = oo_check(
        &["report", "--demo", "--format", "csv", "--out", "r.csv"],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(dir.join("r.csv")).unwrap();
    // Title, what is left (the model's sentence, as in the app), each mailbox's answers, header, one line per finding.
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    let answers = lines
        .iter()
        .filter(|l| l.starts_with("\"Antworten auf Anfragen\""))
        .count();
    assert!(rates > 0);
    assert_eq!(answers, rates);
    assert_eq!(lines.len(), findings + 3 + rates);
    assert!(csv.contains("\"Was noch offen ist\";\""));
    assert!(csv.contains("\"Agent-Check für onOffice\""));
    let (code, _, _) = oo_check(&["report", "--demo", "--out", "r.html"], &dir);
    assert_eq!(code, 0);
    assert!(std::fs::read_to_string(dir.join("r.html"))
        .unwrap()
        .starts_with("<!doctype html>"));
    let _ = std::fs::remove_dir_all(dir);
}

/// `oo-check audit --new-since` as the Windows task scheduler or launchd would run it, against a sandbox a colleague
/// edits between runs: nothing new exits 0; a listing that lost its contact person is new (exit 10, and `--json`
/// holds only it); fixed and back again it is "wieder aufgetreten"; a damaged PREVIOUS is a usage error; an
/// incomplete check compares nothing (exit 3) and leaves the saved baseline as it was.
#[test]
fn audit_new_since_says_only_what_is_new_or_back_and_exits_10_then() {
    let dir = std::env::temp_dir().join(format!("oo-check-new-since-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(onoffice_sandbox::Sandbox::start(
            onoffice_sandbox::SandboxConfig {
                generate: onoffice_sandbox::GenConfig {
                    seed: 62,
                    users: 12,
                    estates: 40,
                    makler_variant: Some(onoffice_sandbox::MaklerVariant::Standard),
                    tenant: None,
                },
                ..Default::default()
            },
        ))
        .unwrap();
    let conn = connection_args(&sb.connection, sb.dns_addr);
    let run = |extra: &[&str]| run_args("audit", &conn, extra, &dir);

    let (code, out, err) = run(&["--json", "--save", "base.json"]);
    assert_eq!(code, 0, "{err}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("base.json")).unwrap()).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(saved["findings"], printed["findings"]);
    assert!(saved["checked_at"].is_string());

    let (code, out, err) = run(&["--new-since", "base.json", "--save", "base.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("Nichts Neues seit "), "{out}");

    // A colleague takes the contact person off a listing that was fine.
    let planted: std::collections::BTreeSet<String> =
        sb.planted().iter().map(|p| p.subject.clone()).collect();
    let (estate, links) = sb.edit(|a| {
        let estate = a
            .estates
            .values()
            .filter(|e| e.marketing_type == "miete" && e.status == 1 && e.sold == 0)
            .map(|e| e.id)
            .find(|e| {
                !planted.contains(&format!("estate:{e}")) && !a.contacts_of(*e, true).is_empty()
            })
            .unwrap();
        let links: Vec<_> = a
            .contacts
            .iter()
            .filter(|c| c.estate == estate)
            .cloned()
            .collect();
        a.contacts.retain(|c| c.estate != estate);
        (estate, links)
    });
    let subject = format!("estate:{estate}");
    let (code, out, err) = run(&["--new-since", "base.json", "--json", "--save", "base.json"]);
    assert_eq!(code, 10, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let news: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().into(),
                f["subject"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        news,
        vec![("estate.no_contact".to_string(), subject.clone())]
    );
    assert_eq!(v["regressed"], serde_json::json!([]));

    // Put back: fixed, no news; the saved baseline remembers it as resolved.
    sb.edit(|a| a.contacts.extend(links.iter().cloned()));
    let (code, out, _) = run(&["--new-since", "base.json", "--save", "base.json"]);
    assert_eq!(code, 0, "{out}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("base.json")).unwrap()).unwrap();
    assert!(saved["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["subject"] == subject.as_str()));

    // Taken off again: back again, not new.
    sb.edit(|a| a.contacts.retain(|c| c.estate != estate));
    let (code, out, _) = run(&["--new-since", "base.json"]);
    assert_eq!(code, 10, "{out}");
    assert!(
        out.contains("Wieder aufgetreten seit ") && !out.contains("\nNeu seit"),
        "{out}"
    );
    assert!(
        out.contains("Kein Ansprechpartner") || out.contains("Ansprechpartner"),
        "{out}"
    );

    // A damaged PREVIOUS: a usage error, before anything is read.
    std::fs::write(dir.join("kaputt.json"), "{\"findings\": 3").unwrap();
    let (code, _, err) = run(&["--new-since", "kaputt.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("kaputt.json"), "{err}");

    // An incomplete check (an estate field the audit relies on no longer comes back): nothing compared, the
    // baseline kept.
    let before = std::fs::read_to_string(dir.join("base.json")).unwrap();
    sb.edit(|a| a.unreadable_fields.insert("benutzer".into()));
    let (code, _, err) = run(&["--new-since", "base.json", "--save", "base.json"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("unvollständig"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("base.json")).unwrap(),
        before
    );
    drop(sb);
    let _ = std::fs::remove_dir_all(dir);
}

fn oo_check_env(
    args: &[&str],
    dir: &std::path::Path,
    env: &[(String, String)],
) -> (i32, String, String) {
    common::run_oo_check(args, dir, env.iter().map(|(k, v)| (k, v)))
}

/// Support's accounts file with three sandboxes, one of them down: one command checks all, one line per account,
/// the failing one never stops the others, and the worst outcome is the exit code; one account by name; per-account
/// files for reports and `--new-since`; a token in the file is refused.
#[test]
fn every_account_of_the_file_in_one_command_and_a_failing_one_never_stops_the_others() {
    let dir = std::env::temp_dir().join(format!("oo-check-accounts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let start = |seed| {
        rt.block_on(onoffice_sandbox::Sandbox::start(
            onoffice_sandbox::SandboxConfig {
                generate: onoffice_sandbox::GenConfig {
                    seed,
                    users: 8,
                    estates: 30,
                    makler_variant: None,
                    tenant: None,
                },
                ..Default::default()
            },
        ))
        .unwrap()
    };
    let (a, b, c) = (start(121), start(126), start(131));
    let names = [
        "Isar Wohnwerte München",
        "Nordlicht Immobilien",
        "Alpen Wohnbau",
    ];
    let file = serde_json::json!({"accounts": [
        {"name": names[0], "api_url": a.connection.url},
        {"name": names[1], "api_url": b.connection.url},
        {"name": names[2], "api_url": c.connection.url, "token_env": "ALPEN_T", "secret_env": "ALPEN_S"},
    ]});
    std::fs::write(dir.join("konten.json"), file.to_string()).unwrap();
    let env = vec![
        (
            "ONOFFICE_TOKEN_ISAR_WOHNWERTE_MUENCHEN".to_string(),
            a.connection.token.clone(),
        ),
        (
            "ONOFFICE_SECRET_ISAR_WOHNWERTE_MUENCHEN".to_string(),
            a.connection.secret.clone(),
        ),
        (
            "ONOFFICE_TOKEN_NORDLICHT_IMMOBILIEN".to_string(),
            b.connection.token.clone(),
        ),
        (
            "ONOFFICE_SECRET_NORDLICHT_IMMOBILIEN".to_string(),
            b.connection.secret.clone(),
        ),
        ("ALPEN_T".to_string(), c.connection.token.clone()),
        ("ALPEN_S".to_string(), c.connection.secret.clone()),
    ];
    let dns = a.dns_addr.to_string();
    drop(c);
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--accounts", "konten.json", "--dns", dns.as_str()]);
        oo_check_env(&all, &dir, &env)
    };

    let (code, out, err) = run(&["audit", "--all-accounts"]);
    assert_eq!(
        code, 1,
        "the account that is down makes the run an error: {out}{err}"
    );
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].contains(names[0]) && lines[0].contains("Agent-Check mit einem Klick"),
        "{out}"
    );
    assert!(
        lines[1].contains(names[1]) && lines[1].contains("Agent-Check mit einem Klick"),
        "{out}"
    );
    assert!(
        lines[2].contains(names[2]) && lines[2].contains("Fehler"),
        "{out}"
    );
    assert!(!out.contains(&a.connection.token) && !out.contains(&a.connection.secret));

    let (code, out, _) = run(&["audit", "--all-accounts", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["exit_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [0, 0, 1]);
    assert!(!v[0]["result"]["findings"].as_array().unwrap().is_empty());
    assert!(!v[2]["error"].as_str().unwrap().is_empty());

    // Baselines per account, then nothing new (the account that is down stays an error).
    let (_, _, err) = run(&["audit", "--all-accounts", "--save", "base"]);
    assert!(
        dir.join("base/isar_wohnwerte_muenchen.json").exists(),
        "{err}"
    );
    assert!(dir.join("base/nordlicht_immobilien.json").exists());
    let (code, out, _) = run(&[
        "audit",
        "--all-accounts",
        "--new-since",
        "base",
        "--save",
        "base",
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("nichts Neues").count(), 2, "{out}");
    // Days pass in Nordlicht: news there only, exit 10 once the broken account is gone from the file.
    b.advance(3);
    let two = serde_json::json!({"accounts": [file["accounts"][0], file["accounts"][1]]});
    std::fs::write(dir.join("konten.json"), two.to_string()).unwrap();
    let (code, out, _) = run(&["audit", "--all-accounts", "--new-since", "base"]);
    assert_eq!(code, 10, "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains(names[1]) && l.contains("neu")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains(names[0]) && l.contains("nichts Neues")),
        "{out}"
    );

    // One account by name (case and umlaut spelling ignored), reports per account, the diagnosis.
    let (code, out, _) = run(&["audit", "--account", "isar wohnwerte muenchen", "--json"]);
    assert_eq!(code, 0);
    assert!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["findings"].is_array());
    let (code, out, _) = run(&[
        "report",
        "--all-accounts",
        "--format",
        "csv",
        "--out",
        "berichte",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        std::fs::read_to_string(dir.join("berichte/nordlicht_immobilien.csv"))
            .unwrap()
            .contains("Prüfung")
    );
    let (code, out, _) = run(&["diagnose", "--all-accounts"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("alle Annahmen treffen zu").count(), 2, "{out}");
    let (code, _, err) = run(&["audit", "--account", "Süd"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("Isar Wohnwerte München, Nordlicht Immobilien"),
        "{err}"
    );
    let (code, _, err) = run(&["fix", "--all-accounts"]);
    assert_eq!(code, 2, "{err}");

    // A token in the file is refused before anything is read.
    let bad = serde_json::json!({"accounts": [{"name": "X", "token": a.connection.token}]});
    std::fs::write(dir.join("konten.json"), bad.to_string()).unwrap();
    let (code, _, err) = run(&["audit", "--all-accounts"]);
    assert_eq!(code, 2);
    assert!(err.contains("gehören nicht in die Kontendatei"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `fix --contact`: a listing that waits for a choice of contact person gets the one named on the command line (by
/// name); a user who can never be ready, an unknown user or listing are refused before anything is written.
#[test]
fn fix_contact_gives_a_waiting_listing_the_named_system_user() {
    let dir = std::env::temp_dir().join(format!("oo-check-contact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (_, out, _) = oo_check(&["audit", "--demo", "--json"], &dir);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let user = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "user.not_makler")
        .map(|f| f["subject_label"].as_str().unwrap().to_string())
        .unwrap();
    let external = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "user.mailbox_external")
        .map(|f| f["subject_label"].as_str().unwrap().to_string())
        .unwrap();
    // Without a choice the listing waits.
    let (code, out, _) = oo_check(
        &[
            "fix",
            "--demo",
            "--yes",
            "--kind",
            "estate.no_contact",
            "--journal",
            "j.jsonl",
        ],
        &dir,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("offen: Penthouse mit Dachterrasse in Aachen (M-10098)"),
        "{out}"
    );
    assert!(out.contains("--contact OBJEKTNR=BENUTZER"), "{out}");
    let contact = format!("M-10098={user}");
    let (code, out, err) = oo_check(
        &[
            "fix",
            "--demo",
            "--yes",
            "--kind",
            "estate.no_contact",
            "--contact",
            &contact,
            "--journal",
            "j.jsonl",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("offen: Penthouse mit Dachterrasse in Aachen (M-10098)"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("(M-10098)") && l.contains("erledigt")),
        "{out}"
    );
    for (bad, why) in [
        (format!("m-10098={external}"), "außerhalb von onOffice"),
        ("M-10098=Niemand Bekannt".to_string(), "kein Systembenutzer"),
        (format!("M-99999={user}"), "kein Objekt"),
        ("M-10098".to_string(), "erwartet"),
    ] {
        let (code, _, err) = oo_check(&["fix", "--demo", "--yes", "--contact", &bad], &dir);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(why), "{bad}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `oo-check explain` on the demo: the chain of a listing the agent skips, found by its number; a part of a title
/// that matches several lists them; one that matches none says so. The audit's JSON says whether answers are shown.
#[test]
fn explain_a_listing_on_the_demo() {
    let dir = std::env::temp_dir().join(format!("oo-check-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, _) = oo_check(&["audit", "--demo", "--json"], &dir);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["answers"]["seen"], "shown", "{}", v["answers"]);
    let unanswered = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "estate.enquiries_unanswered")
        .expect("the demo's agent skips a listing");
    let label = unanswered["subject_label"].as_str().unwrap();
    let number = label.rsplit_once('(').unwrap().1.trim_end_matches(')');

    let (code, out, err) = oo_check(&["explain", "--demo", number], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(label), "{out}");
    for section in [
        "Ansprechpartner für die Portale:",
        "Verbuchte Anfragen (30 Tage):",
        "Portalübertragung:",
        "Was Agent-Check dazu gefunden hat:",
    ] {
        assert!(out.contains(section), "{section}: {out}");
    }
    assert!(out.contains("keine Antwort im Maklerbuch"), "{out}");
    assert!(out.contains("Anfragen offenbar ohne Antwort"), "{out}");

    let (code, out, _) = oo_check(&["explain", "--demo", number, "--json"], &dir);
    assert_eq!(code, 0);
    let chain: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(chain["sections"].as_array().unwrap().len(), 5);

    let (code, _, err) = oo_check(&["explain", "--demo", "Wohnung"], &dir);
    assert_eq!(code, 2);
    assert!(err.contains("bitte genauer"), "{err}");
    let (code, _, err) = oo_check(&["explain", "--demo", "Nirgendwo-Straße"], &dir);
    assert_eq!(code, 2);
    assert!(err.contains("Kein aktives Vermietungsobjekt"), "{err}");
}
