//! What a scheduled check says: the standing rule's sentence, the one notification of a run over several accounts,
//! and the tray's words after it (kept as the last check's outcome).

use audit::watch::Notice;
use audit::Text;

use super::account::AccountRun;

/// The standing rule's sentence in front of what the account's notice says (a notice of its own when there was
/// none); the notice as it was when nothing was assigned.
pub(super) fn with_assigned(assigned: &[String], notice: Option<Notice>) -> Option<Notice> {
    if assigned.is_empty() {
        return notice;
    }
    let n = assigned.len();
    let did = if n == 1 {
        Text::new(
            format!("1 neues Vermietungsobjekt automatisch seinem Betreuer zugeordnet ({}); bitte neu an die Portale übertragen.", assigned[0]),
            format!("1 new rental listing assigned to its Betreuer automatically ({}); please re-transfer it to the portals.", assigned[0]),
        )
    } else {
        Text::new(
            format!("{n} neue Vermietungsobjekte automatisch ihrem Betreuer zugeordnet; bitte neu an die Portale übertragen."),
            format!("{n} new rental listings assigned to their Betreuer automatically; please re-transfer them to the portals."),
        )
    };
    let mut n = notice.unwrap_or(Notice {
        title: Text::new(
            "Agent-Check: automatisch zugeordnet",
            "Agent-Check: assigned automatically",
        ),
        body: Text::default(),
    });
    n.body = if n.body.de.is_empty() {
        did
    } else {
        Text::new(
            format!("{} {}", did.de, n.body.de),
            format!("{} {}", did.en, n.body.en),
        )
    };
    Some(n)
}

/// One notification for the whole run: one account's own words when only one has something to say, otherwise
/// one line naming the accounts ("Isar Wohnwerte: 2 neu · Nordlicht Immobilien: 1 neu").
pub(super) fn run_notice(runs: &[AccountRun]) -> Option<Notice> {
    let speaking: Vec<&AccountRun> = runs.iter().filter(|r| r.notice.is_some()).collect();
    match speaking.as_slice() {
        [] => None,
        [one] if runs.len() == 1 => one.notice.clone(),
        many => Some(Notice {
            title: Text::new(
                "Agent-Check: Neues in Ihren Konten",
                "Agent-Check: news in your accounts",
            ),
            body: Text::new(
                many.iter()
                    .map(|r| part(r, true))
                    .collect::<Vec<_>>()
                    .join(" · "),
                many.iter()
                    .map(|r| part(r, false))
                    .collect::<Vec<_>>()
                    .join(" · "),
            ),
        }),
    }
}

/// One account's part of the run's notification, in German (`de`) or English.
fn part(r: &AccountRun, de: bool) -> String {
    let name = if r.name.is_empty() {
        "Demo".to_string()
    } else {
        r.name.clone()
    };
    match (r.failed, de) {
        (true, true) => format!("{name}: Prüfung fehlgeschlagen"),
        (true, false) => format!("{name}: check failed"),
        (false, true) if r.assigned > 0 && r.news == 0 => {
            format!("{name}: {} automatisch zugeordnet", r.assigned)
        }
        (false, false) if r.assigned > 0 && r.news == 0 => {
            format!("{name}: {} assigned automatically", r.assigned)
        }
        (false, true) => format!("{name}: {} neu", r.news),
        (false, false) => format!("{name}: {} new", r.news),
    }
}

/// The tray's words after a run that ended at `time` ("HH:MM"); `all_failed`: no account could be checked.
pub(super) fn run_outcome(runs: &[AccountRun], all_failed: bool, time: &str) -> Text {
    let news: usize = runs.iter().map(|r| r.news).sum();
    let failed = runs.iter().filter(|r| r.failed).count();
    if all_failed {
        let why = runs.iter().find_map(|r| r.why.clone()).unwrap_or_default();
        Text::new(
            format!("Agent-Check: Prüfung fehlgeschlagen – {}", why.de),
            format!("Agent-Check: check failed – {}", why.en),
        )
    } else if runs.iter().any(|r| r.incomplete) {
        Text::new(
            format!("Agent-Check: zuletzt geprüft um {time}, unvollständig (Einstellungen › Verbindung prüfen)"),
            format!("Agent-Check: last checked at {time}, incomplete (Settings › check connection)"),
        )
    } else if failed > 0 {
        Text::new(
            format!("Agent-Check: zuletzt geprüft um {time}, {news} neu, {failed} Konto/Konten fehlgeschlagen"),
            format!("Agent-Check: last checked at {time}, {news} new, {failed} account(s) failed"),
        )
    } else if news == 0 {
        Text::new(
            format!("Agent-Check: zuletzt geprüft um {time}, nichts Neues"),
            format!("Agent-Check: last checked at {time}, nothing new"),
        )
    } else {
        Text::new(
            format!("Agent-Check: zuletzt geprüft um {time}, {news} neu"),
            format!("Agent-Check: last checked at {time}, {news} new"),
        )
    }
}

/// The tray's words with what is left, when one account was checked ("…, nichts Neues – 2 warten auf Ihre Wahl").
pub(super) fn with_left(text: Text, left: Option<&Text>) -> Text {
    match left {
        Some(left) => Text::new(
            format!("{} – {}", text.de, left.de),
            format!("{} – {}", text.en, left.en),
        ),
        None => text,
    }
}
