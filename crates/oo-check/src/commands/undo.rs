//! `oo-check undo`: undoes the newest change of the journal, or with `--all` every change, newest first.

use crate::cli::Account;
use crate::connect::connect;
use crate::output::{outcome_word, progress};

pub async fn run(account: &Account, all: bool) {
    let (auditor, _sandbox) = connect(account).await;
    let results = if all {
        auditor.undo_all(&progress(false)).await
    } else {
        auditor.undo_last().await.into_iter().collect()
    };
    if results.is_empty() {
        println!("Im Journal ist nichts rückgängig zu machen. / Nothing to undo in the journal.");
    }
    for r in &results {
        println!(
            "{} – {}: {}",
            r.label,
            outcome_word(&r.outcome),
            r.message.de
        );
    }
}
