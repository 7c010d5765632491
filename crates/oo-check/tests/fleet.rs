//! Support at scale: `oo-check --all-accounts` against the sandbox's fleet (`onoffice-sandbox --accounts N`, here
//! in-process): accounts checked in parallel, lines in the file's order, the overview naming exactly the accounts the
//! fleet planted as failing (with the failure's kind in words) and every other one as not ready, the accounts that
//! need someone first, what is new since the previous run, and bad accounts files that still finish.

mod common;

use std::collections::BTreeMap;

use onoffice_sandbox::{Fleet, FleetConfig, Knobs, TenantFailure};

fn oo_check(
    args: &[&str],
    dir: &std::path::Path,
    env: &BTreeMap<String, String>,
) -> (i32, String, String) {
    common::run_oo_check(args, dir, env)
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("oo-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The overview's rows: account name → its cells by column head.
fn overview(csv: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let cells = |l: &str| -> Vec<String> {
        l.trim_matches('"')
            .split("\";\"")
            .map(str::to_string)
            .collect()
    };
    let heads = cells(lines.next().unwrap());
    lines
        .map(|l| heads.iter().cloned().zip(cells(l)).collect())
        .collect()
}

#[test]
fn the_overview_names_exactly_the_failing_and_not_ready_accounts_needing_someone_first() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fleet = rt
        .block_on(Fleet::start(FleetConfig {
            accounts: 20,
            seed: 3,
            knobs: Knobs {
                stall: std::time::Duration::from_secs(3),
                ..Knobs::default()
            },
            ..FleetConfig::default()
        }))
        .unwrap();
    let dir = temp("fleet");
    std::fs::write(dir.join("konten.json"), fleet.accounts_file().to_string()).unwrap();
    let env = fleet.env();
    let dns = fleet.dns_addr.to_string();
    let common = [
        "--accounts",
        "konten.json",
        "--dns",
        &dns,
        "--timeout",
        "1",
        "--jobs",
        "4",
    ];
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(common);
        oo_check(&all, &dir, &env)
    };

    let (code, out, err) = run(&[
        "report",
        "--all-accounts",
        "--format",
        "csv",
        "--out",
        "heute",
    ]);
    assert_eq!(
        code, 1,
        "failing accounts make the run an error: {out}{err}"
    );
    // One line per account, in the file's order, though they ran four at a time.
    let lines: Vec<&str> = out.lines().skip(1).take(20).collect();
    for (line, tenant) in lines.iter().zip(fleet.tenants.iter()) {
        assert!(line.contains(&tenant.name), "{line} / {}", tenant.name);
        let failed = line.starts_with("  ✖");
        assert_eq!(failed, tenant.plan.failure.is_some(), "{line}");
    }
    let csv = std::fs::read_to_string(dir.join("heute/_uebersicht.csv")).unwrap();
    let rows = overview(&csv);
    assert_eq!(rows.len(), 20);
    for tenant in fleet.tenants.iter() {
        let row = rows.iter().find(|r| r["Konto"] == tenant.name).unwrap();
        let (stand, said) = (&row["Stand"], &row["Was noch offen ist"]);
        let expected = match tenant.plan.failure {
            Some(TenantFailure::RevokedToken) => "widerrufen",
            Some(TenantFailure::MissingRight) => "fehlt ein Recht",
            Some(TenantFailure::MissingCredentials) => "Token und Secret fehlen",
            Some(TenantFailure::Hangs) => "nicht erreichbar",
            None => {
                assert!(!tenant.shared.planted.read().unwrap().is_empty());
                assert!(
                    stand == "offen" || stand == "unvollständig",
                    "{}: {stand}",
                    tenant.name
                );
                assert!(
                    said.contains("Agent-Check") || said.contains("onOffice"),
                    "{said}"
                );
                continue;
            }
        };
        assert_eq!(stand, "Prüfung fehlgeschlagen", "{}", tenant.name);
        assert!(said.contains(expected), "{}: {said}", tenant.name);
    }
    // Whoever needs someone first: the failed checks, then the incomplete ones, then the most left.
    let standings: Vec<&str> = rows.iter().map(|r| r["Stand"].as_str()).collect();
    let first_open = standings.iter().position(|s| *s == "offen").unwrap();
    assert!(
        standings[..4]
            .iter()
            .all(|s| *s == "Prüfung fehlgeschlagen"),
        "{standings:?}"
    );
    assert!(
        standings[first_open..].iter().all(|s| *s == "offen"),
        "{standings:?}"
    );
    let app: Vec<u32> = rows[first_open..]
        .iter()
        .map(|r| r["In der App"].parse().unwrap())
        .collect();
    let left: Vec<u32> = rows[first_open..]
        .iter()
        .map(|r| {
            [
                "In der App",
                "Ihre Wahl",
                "Zu bestätigen",
                "In onOffice",
                "Mietagent",
                "Portale",
            ]
            .iter()
            .map(|h| r[*h].parse::<u32>().unwrap())
            .sum()
        })
        .collect();
    assert!(
        left.windows(2).all(|w| w[0] >= w[1]),
        "most left first: {left:?}"
    );
    assert!(app.iter().any(|n| *n > 0));
    let html = std::fs::read_to_string(dir.join("heute/_uebersicht.html")).unwrap();
    assert!(
        html.contains("20 Konten: 4 Prüfung fehlgeschlagen"),
        "{html}"
    );
    assert!(
        !html.contains(&fleet.tenants[0].given.as_ref().unwrap().0),
        "no token in the overview"
    );

    // Days pass: the next morning's run names what is new against this one.
    rt.block_on(async {
        for t in fleet.tenants.iter() {
            t.shared.advance(2);
        }
    });
    let (_, out, err) = run(&[
        "report",
        "--all-accounts",
        "--format",
        "csv",
        "--out",
        "morgen",
        "--new-since",
        "heute",
    ]);
    let rows = overview(&std::fs::read_to_string(dir.join("morgen/_uebersicht.csv")).unwrap());
    let news: Vec<&BTreeMap<String, String>> =
        rows.iter().filter(|r| r["Stand"] == "Neues").collect();
    assert!(!news.is_empty(), "{out}{err}");
    assert!(news
        .iter()
        .all(|r| r["Neu seit letztem Lauf"].parse::<u32>().unwrap() > 0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An accounts file of 1,000 lines with a repeated name and accounts without credentials: every line gets its
/// line, in order, and the run finishes with the worst outcome.
#[test]
fn a_thousand_lines_with_repeats_and_missing_credentials_all_get_their_line() {
    let dir = temp("thousand");
    let mut accounts: Vec<serde_json::Value> = (0..999)
        .map(|i| serde_json::json!({"name": format!("Agentur {i}"), "api_url": "http://127.0.0.1:9/api/stable/api.php"}))
        .collect();
    accounts.push(serde_json::json!({"name": "agentur 7"}));
    std::fs::write(
        dir.join("konten.json"),
        serde_json::json!({ "accounts": accounts }).to_string(),
    )
    .unwrap();
    let (code, out, err) = oo_check(
        &[
            "audit",
            "--all-accounts",
            "--accounts",
            "konten.json",
            "--jobs",
            "8",
        ],
        &dir,
        &BTreeMap::new(),
    );
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), 1000, "{out}");
    assert!(
        lines[0].contains("Agentur 0:") && lines[0].contains("fehlen Token und Secret"),
        "{}",
        lines[0]
    );
    assert!(lines[998].contains("Agentur 998:"));
    assert!(
        lines[999].contains("agentur 7") && lines[999].contains("Doppelt"),
        "{}",
        lines[999]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
