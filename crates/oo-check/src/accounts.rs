//! Support's accounts file: the customers' names and API addresses (never a token or secret), and where each one's
//! token and secret come from: environment variables (named in the file, or `ONOFFICE_TOKEN_<NAME>` and
//! `ONOFFICE_SECRET_<NAME>`), else the OS keychain (service `de.agentcheck.oo-check`, the account's name as entry,
//! stored with `oo-check store-credentials`). `--all-accounts` runs each account on its own (`runs.rs`), so one
//! failing account never stops the others.

use std::path::{Path, PathBuf};

use onoffice_protocol::accounts_file;
use serde::{Deserialize, Serialize};

/// One line of the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountLine {
    pub name: String,
    #[serde(default = "default_url")]
    pub api_url: String,
    /// The environment variable holding the token (default `ONOFFICE_TOKEN_<NAME>`).
    #[serde(default)]
    pub token_env: Option<String>,
    #[serde(default)]
    pub secret_env: Option<String>,
}

fn default_url() -> String {
    onoffice::DEFAULT_BASE_URL.to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    accounts: Vec<AccountLine>,
}

/// The keychain service `oo-check` keeps credentials under.
pub const KEYCHAIN_SERVICE: &str = "de.agentcheck.oo-check";

pub use onoffice_protocol::accounts_file::slug;

/// Reads the file; a token or secret in it, an unknown field, no accounts or an account without a name are refused
/// with what to do (two lines of one name are read; see [`repeated`]).
pub fn read(path: &Path) -> Result<Vec<AccountLine>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{} kann nicht gelesen werden / cannot be read: {e}",
            path.display()
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} ist kein JSON / is no JSON: {e}", path.display()))?;
    let secrets_inside = value["accounts"].as_array().is_some_and(|a| {
        a.iter()
            .any(|l| l.get("token").is_some() || l.get("secret").is_some())
    });
    if secrets_inside {
        return Err(format!(
            "{}: Token und Secret gehören nicht in die Kontendatei; bitte entfernen und per Umgebungsvariable oder \
             „oo-check store-credentials“ geben / token and secret do not belong in the accounts file; please remove \
             them and give them by environment variable or \"oo-check store-credentials\"",
            path.display()
        ));
    }
    let file: AccountsFile = serde_json::from_value(value).map_err(|e| {
        format!(
            "{}: {e} (erwartet / expected: {{\"accounts\": [{{\"name\": \"…\", \"api_url\": \"…\"}}]}})",
            path.display()
        )
    })?;
    if file.accounts.is_empty() {
        return Err(format!("{}: keine Konten / no accounts", path.display()));
    }
    if let Some(a) = file.accounts.iter().find(|a| slug(&a.name).is_empty()) {
        return Err(format!(
            "{}: jedes Konto braucht einen Namen / every account needs a name (\"{}\")",
            path.display(),
            a.name
        ));
    }
    Ok(file.accounts)
}

/// The lines whose name an earlier line already has (case and spelling of umlauts ignored): `--all-accounts`
/// checks the first and gives these a line saying so.
pub fn repeated(lines: &[AccountLine]) -> std::collections::BTreeSet<usize> {
    let mut seen = std::collections::BTreeSet::new();
    (0..lines.len())
        .filter(|i| !seen.insert(slug(&lines[*i].name)))
        .collect()
}

/// The line of the account named `name` (case and spelling of umlauts ignored; the first of that name).
pub fn find<'a>(lines: &'a [AccountLine], name: &str) -> Result<&'a AccountLine, String> {
    lines
        .iter()
        .find(|l| slug(&l.name) == slug(name))
        .ok_or_else(|| {
            format!(
                "Kein Konto „{name}“ in der Kontendatei / no account \"{name}\" in the accounts file; vorhanden / there: {}",
                lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
}

#[derive(Serialize, Deserialize)]
struct Stored {
    token: String,
    secret: String,
}

/// Token and secret of an account: its environment variables, else its keychain entry.
pub fn credentials(line: &AccountLine) -> Result<(String, String), String> {
    let token_var = line
        .token_env
        .clone()
        .unwrap_or_else(|| accounts_file::token_var(&line.name));
    let secret_var = line
        .secret_env
        .clone()
        .unwrap_or_else(|| accounts_file::secret_var(&line.name));
    let env = |v: &str| std::env::var(v).ok().filter(|x| !x.trim().is_empty());
    if let (Some(t), Some(sec)) = (env(&token_var), env(&secret_var)) {
        return Ok((t, sec));
    }
    let missing = || {
        format!(
            "Für „{}“ fehlen Token und Secret: {token_var} und {secret_var} setzen oder „oo-check store-credentials \
             --account \"{}\"“ / token and secret of \"{}\" are missing: set {token_var} and {secret_var} or run \
             \"oo-check store-credentials --account …\"",
            line.name, line.name, line.name
        )
    };
    let entry = keyring::Entry::new(KEYCHAIN_SERVICE, &line.name).map_err(|_| missing())?;
    match entry.get_password() {
        Ok(text) => {
            let stored: Stored = serde_json::from_str(&text).map_err(|_| {
                format!(
                    "Der Schlüsselbund-Eintrag von „{}“ ist beschädigt / the keychain entry of \"{}\" is damaged",
                    line.name, line.name
                )
            })?;
            Ok((stored.token, stored.secret))
        }
        Err(_) => Err(missing()),
    }
}

/// Keeps token and secret of an account in the OS keychain.
pub fn store(line: &AccountLine, token: &str, secret: &str) -> Result<(), String> {
    let text = serde_json::to_string(&Stored {
        token: token.trim().to_string(),
        secret: secret.trim().to_string(),
    })
    .map_err(|e| format!("Schlüsselbund / keychain: {e}"))?;
    keyring::Entry::new(KEYCHAIN_SERVICE, &line.name)
        .and_then(|e| e.set_password(&text))
        .map_err(|e| format!("Schlüsselbund / keychain: {e}"))
}

/// The file an account's run uses when the option named a folder (several accounts): `<folder>/<NAME>.<ext>`.
pub fn per_account(dir: &Path, name: &str, ext: &str) -> PathBuf {
    dir.join(format!("{}.{ext}", slug(name).to_lowercase()))
}

/// The exit code of several runs: an error (1) before an incomplete check (3) before news (10) before fine (0).
pub fn overall(codes: &[i32]) -> i32 {
    let rank = |c: i32| match c {
        0 => 0,
        10 => 1,
        3 => 2,
        _ => 3,
    };
    codes
        .iter()
        .copied()
        .max_by_key(|c| rank(*c))
        .map(|c| if rank(c) == 3 { 1 } else { c })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_variable_and_file_names() {
        assert_eq!(
            per_account(Path::new("out"), "Nordlicht Immobilien", "json"),
            Path::new("out").join("nordlicht_immobilien.json")
        );
    }

    #[test]
    fn the_worst_outcome_decides_the_exit_code() {
        assert_eq!(overall(&[]), 0);
        assert_eq!(overall(&[0, 0]), 0);
        assert_eq!(overall(&[0, 10, 0]), 10);
        assert_eq!(overall(&[10, 3]), 3);
        assert_eq!(overall(&[3, 1, 10]), 1);
        assert_eq!(
            overall(&[0, 2]),
            1,
            "a wrong call in one account is an error of the run"
        );
    }

    fn file(text: &str) -> Result<Vec<AccountLine>, String> {
        let p = std::env::temp_dir().join(format!(
            "oo-accounts-{}-{}.json",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&p, text).unwrap();
        let r = read(&p);
        let _ = std::fs::remove_file(&p);
        r
    }

    #[test]
    fn the_file_holds_names_and_addresses_never_secrets() {
        let ok = file(r#"{"accounts": [{"name": "Isar"}, {"name": "Nord", "api_url": "https://x/api.php", "token_env": "NT"}]}"#).unwrap();
        assert_eq!(ok[0].api_url, onoffice::DEFAULT_BASE_URL);
        assert_eq!(ok[1].token_env.as_deref(), Some("NT"));
        assert!(find(&ok, "nord").is_ok());
        assert!(find(&ok, "Süd").unwrap_err().contains("Isar, Nord"));
        let e = file(r#"{"accounts": [{"name": "Isar", "token": "abc"}]}"#).unwrap_err();
        assert!(e.contains("gehören nicht"), "{e}");
        assert!(file(r#"{"accounts": []}"#)
            .unwrap_err()
            .contains("keine Konten"));
        let twice = file(r#"{"accounts": [{"name": "Isar"}, {"name": "Nord"}, {"name": "isar"}]}"#)
            .unwrap();
        assert_eq!(
            repeated(&twice),
            [2].into(),
            "the second Isar is the repeated one"
        );
        assert!(file(r#"{"accounts": [{"name": " & "}]}"#)
            .unwrap_err()
            .contains("braucht einen Namen"));
        assert!(file(r#"{"accounts": [{"nam": "Isar"}]}"#).is_err());
        assert!(file("nope").unwrap_err().contains("kein JSON"));
    }

    /// `store-credentials` into the OS keychain (on Linux through scripts/with-keyring.sh), read back when the
    /// environment has none.
    #[test]
    fn credentials_kept_in_the_keychain_are_found_without_the_environment() {
        let line = AccountLine {
            name: format!("Keychain Test {}", std::process::id()),
            api_url: default_url(),
            token_env: None,
            secret_env: None,
        };
        assert!(credentials(&line).is_err(), "nothing kept yet");
        store(&line, &format!(" {} ", "t".repeat(32)), &"s".repeat(64))
            .expect("the OS keychain is usable here; on Linux run the tests through scripts/with-keyring.sh");
        assert_eq!(
            credentials(&line).unwrap(),
            ("t".repeat(32), "s".repeat(64)),
            "kept trimmed"
        );
        keyring::Entry::new(KEYCHAIN_SERVICE, &line.name)
            .unwrap()
            .delete_credential()
            .unwrap();
        assert!(credentials(&line).is_err());
    }

    #[test]
    fn credentials_come_from_the_named_environment_variables() {
        let line = AccountLine {
            name: format!("Env Test {}", std::process::id()),
            api_url: default_url(),
            token_env: Some(format!("OO_TEST_T_{}", std::process::id())),
            secret_env: Some(format!("OO_TEST_S_{}", std::process::id())),
        };
        std::env::set_var(line.token_env.as_ref().unwrap(), "t".repeat(32));
        std::env::set_var(line.secret_env.as_ref().unwrap(), "s".repeat(64));
        assert_eq!(
            credentials(&line).unwrap(),
            ("t".repeat(32), "s".repeat(64))
        );
        std::env::remove_var(line.secret_env.as_ref().unwrap());
        let e = credentials(&line).unwrap_err();
        assert!(e.contains("fehlen Token und Secret"), "{e}");
    }
}
