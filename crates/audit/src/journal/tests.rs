//! Unit tests of `journal`.

use super::*;

#[test]
fn dates() {
    let at = |secs: i64| jiff::Timestamp::from_second(secs).unwrap();
    assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(at(1_646_228_220)), "2022-03-02T13:37:00Z");
    assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
    // Fractions of a second are cut, not shown.
    assert_eq!(
        rfc3339(jiff::Timestamp::new(951_782_400, 999_999_999).unwrap()),
        "2000-02-29T00:00:00Z"
    );
    assert_eq!(
        utc_label("2026-11-27T14:05:09Z"),
        "2026-11-27 14:05:09 (UTC)"
    );
    assert_eq!(utc_label("kaputt"), "kaputt");
    let now = rfc3339_now();
    assert_eq!(now.len(), 20);
    assert!(now.ends_with('Z'));
    assert_eq!(today(), now[..10]);
}

#[test]
fn account_ids_tell_accounts_apart_and_stay_stable() {
    let url = "https://api.onoffice.de/api/stable/api.php";
    let a = account_id(url, "0123456789abcdef0123456789abcdef");
    assert_eq!(a.len(), 16);
    assert_eq!(
        a,
        account_id(&format!("{url}/ "), "0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        a,
        account_id(&url.to_uppercase(), "0123456789abcdef0123456789abcdef")
    );
    let others = [
        account_id(url, "0123456789abcdef0123456789abcdee"),
        account_id(
            "https://api.onoffice.de/api/latest/api.php",
            "0123456789abcdef0123456789abcdef",
        ),
        account_id(url, ""),
    ];
    for o in &others {
        assert_ne!(&a, o);
    }
    // FNV-1a of the empty input with its separator byte only: a fixed value, so the ids of saved journals
    // never change between versions.
    assert_eq!(account_id("", ""), "af63bd4c8601b7df");
}

#[test]
fn sequence_numbers_grow_by_one_and_a_clean_file_gets_no_blank_lines() {
    let dir = std::env::temp_dir().join(format!("journal-seq-{}", std::process::id()));
    let path = dir.join("journal.jsonl");
    let _ = std::fs::remove_file(&path);
    let j = Journal::open(&path, "acc").unwrap();
    let batch = |n: u64| {
        (0..n)
            .map(|e| ("x".to_string(), vec![], Event::TransferDone { estate: e }))
            .collect::<Vec<_>>()
    };
    j.append_all(batch(3)).unwrap();
    j.append_all(batch(2)).unwrap();
    let again = Journal::open(&path, "acc").unwrap();
    again.append_all(batch(2)).unwrap();
    let seqs: Vec<u64> = Journal::open(&path, "acc")
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("\n\n"), "no blank line in a clean file");
    assert!(again.warnings().is_empty());
    // Something that is not a journal file at all (a folder) is an error, not an empty journal.
    assert!(Journal::open(&dir, "acc").is_err());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_damaged_middle_line_in_a_torn_file_is_named_by_its_number() {
    let dir = std::env::temp_dir().join(format!("journal-both-{}", std::process::id()));
    let path = dir.join("journal.jsonl");
    let _ = std::fs::remove_file(&path);
    let j = Journal::open(&path, "acc").unwrap();
    j.append("A", vec![], Event::TransferDone { estate: 1 })
        .unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"kaputt\n{\"seq\":3,\"at").unwrap();
    drop(f);
    let again = Journal::open(&path, "acc").unwrap();
    let w: Vec<&str> = again.warnings().iter().map(|t| t.de.as_str()).collect();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("Zeile 2"), "{w:?}");
    assert!(w[1].contains("letzte Zeile"), "{w:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unknown_outcome_stays_open_for_the_next_start_and_a_decided_one_closes() {
    let dir = std::env::temp_dir().join(format!("journal-open-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let j = Journal::open(&dir.join("journal.jsonl"), "acc").unwrap();
    let change = Change::ContactType {
        address: 1,
        key: "Makler".into(),
        before: vec![],
        after: vec!["Makler".into()],
    };
    let intent = |j: &Journal| {
        j.append(
            "Anna",
            vec![],
            Event::Intent {
                change: change.clone(),
            },
        )
        .unwrap()
        .seq
    };
    let unknown = intent(&j);
    j.append(
        "Anna",
        vec![],
        Event::Unknown {
            intent: unknown,
            reason: "read-back failed".into(),
        },
    )
    .unwrap();
    let refused = intent(&j);
    j.append(
        "Anna",
        vec![],
        Event::NotApplied {
            intent: refused,
            reason: "failed".into(),
        },
    )
    .unwrap();
    let applied = intent(&j);
    j.append(
        "Anna",
        vec![],
        Event::Applied {
            change: change.clone(),
            intent: Some(applied),
        },
    )
    .unwrap();
    let open: Vec<u64> = j.open_intents().iter().map(|e| e.seq).collect();
    assert_eq!(open, [unknown]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn survives_restart_and_torn_line() {
    let dir = std::env::temp_dir().join(format!("journal-test-{}", std::process::id()));
    let path = dir.join("journal.jsonl");
    let _ = std::fs::remove_file(&path);
    let j = Journal::open(&path, "acc").unwrap();
    let change = Change::ContactType {
        address: 1,
        key: "Makler".into(),
        before: vec![],
        after: vec!["Makler".into()],
    };
    let a = j
        .append(
            "Anna",
            vec![7],
            Event::Applied {
                change: change.clone(),
                intent: None,
            },
        )
        .unwrap();
    j.append("Anna", vec![], Event::Undone { of: a.seq, change })
        .unwrap();
    j.append("Objekt", vec![], Event::TransferDone { estate: 7 })
        .unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"seq\":4,\"at\"")
        .unwrap();
    let again = Journal::open(&path, "acc").unwrap();
    assert_eq!(again.entries().len(), 3);
    again
        .append("Objekt", vec![], Event::TransferDone { estate: 8 })
        .unwrap();
    assert_eq!(
        Journal::open(&path, "acc").unwrap().entries().len(),
        4,
        "an append after a torn line is kept"
    );
    assert!(again.undoable().is_empty());
    assert!(again.pending_transfers().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

/// A journal where Windows keeps app data for a person whose name has a space and umlauts
/// (`C:\Users\Jürgen Müller\AppData\Roaming\…`), written, edited by a Windows editor (CRLF line ends, a damaged line),
/// and read again: every entry survives, the damaged line is named with the exact path, and appends go on cleanly.
#[test]
fn a_journal_in_a_profile_folder_with_spaces_and_umlauts_and_crlf_lines() {
    let root = std::env::temp_dir().join(format!("journal-profile-{}", std::process::id()));
    let dir = root
        .join("Jürgen Müller")
        .join("AppData")
        .join("Roaming")
        .join("de.agentcheck.desktop");
    let path = dir.join("journal-0123456789abcdef.jsonl");
    let _ = std::fs::remove_dir_all(&root);
    if cfg!(windows) {
        // On Windows (also under Wine) this is a drive-letter path with backslashes: what the test is about.
        let shown = path.display().to_string();
        assert!(
            shown.as_bytes()[1] == b':' && shown.contains(r"\Jürgen Müller\AppData\Roaming\"),
            "{shown}"
        );
    }
    let j = Journal::open(&path, "acc").unwrap();
    j.append("Jürgen", vec![], Event::TransferDone { estate: 1 })
        .unwrap();
    j.append("Jürgen", vec![], Event::TransferDone { estate: 2 })
        .unwrap();
    // A Windows editor saves it with CRLF and a line that is no entry.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(1, "kaputt");
    std::fs::write(&path, lines.join("\r\n") + "\r\n").unwrap();

    let again = Journal::open(&path, "acc").unwrap();
    let estates: Vec<u64> = again
        .entries()
        .iter()
        .map(|e| match e.event {
            Event::TransferDone { estate } => estate,
            _ => 0,
        })
        .collect();
    assert_eq!(estates, [1, 2], "CRLF lines are entries like LF lines");
    let warnings: Vec<&str> = again.warnings().iter().map(|t| t.de.as_str()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("Zeile 2") && warnings[0].contains(&path.display().to_string()),
        "the warning names the line and the file as the person's system writes it: {warnings:?}"
    );
    assert_eq!(again.pending_transfers().len(), 0);
    again
        .append("Jürgen", vec![], Event::TransferDone { estate: 3 })
        .unwrap();
    let after = Journal::open(&path, "acc").unwrap();
    assert_eq!(after.entries().len(), 3);
    assert_eq!(
        after.entries()[2].seq,
        3,
        "numbers go on after the CRLF lines"
    );
    let _ = std::fs::remove_dir_all(root);
}
