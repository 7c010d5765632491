//! `oo-check explain LISTING`: one listing's whole chain (contact person, mailbox, enquiries and answers, the last
//! portal transfer, every finding on the way), as the app's search shows it, for support to read out on the phone.

use audit::explain::{plain, search};

use crate::cli::Account;
use crate::connect::connect;
use crate::output::{fail, progress};

/// Checks the account, then shows the chain of the listing `query` names.
pub async fn run(account: &Account, query: &str, json: bool) {
    let (auditor, _sandbox) = connect(account).await;
    let report = auditor
        .audit(&progress(json))
        .await
        .unwrap_or_else(|e| fail(&e));
    show(&auditor, &report, query, json).await
}

/// Finds the listing by its number, record number or a part of its title, and prints its chain; several matches are
/// listed so the caller can be more precise (exit code 2), none is an error (exit code 2).
async fn show(auditor: &audit::Auditor, report: &audit::AuditReport, query: &str, json: bool) {
    let hits = search(report, query, 20);
    // An exact listing or record number comes first in the hits.
    let exact = hits.first().filter(|h| {
        let r = &report.snapshot.rentals[&h.estate_id];
        r.external_no.eq_ignore_ascii_case(query.trim()) || r.id.to_string() == query.trim()
    });
    let hit = match (exact, hits.as_slice()) {
        (Some(h), _) | (None, [h]) => h,
        (None, []) => {
            eprintln!(
                "Kein aktives Vermietungsobjekt passt zu „{query}“ / no active rental listing matches \"{query}\""
            );
            std::process::exit(2);
        }
        (None, many) => {
            eprintln!(
                "{} Objekte passen zu „{query}“, bitte genauer / {} listings match, please be more precise:",
                many.len(),
                many.len()
            );
            for h in many {
                eprintln!("  {}", h.label);
            }
            std::process::exit(2);
        }
    };
    let Some(chain) = auditor.explain(report, hit.estate_id).await else {
        std::process::exit(2);
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&chain).unwrap_or_default()
        );
    } else {
        print!("{}", plain(&chain, true));
    }
}
