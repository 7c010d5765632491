//! `oo-check store-credentials`: an account's token and secret from the environment (or the flags) into the OS
//! keychain, so later runs of that account of the accounts file find them there.

use onoffice::Credentials;

use crate::accounts;
use crate::cli::Account;
use crate::output::{fail, usage_error};

/// `store-credentials`: token and secret (from ONOFFICE_TOKEN and ONOFFICE_SECRET, or --token/--secret) into the OS
/// keychain for an account of the file; their shape is checked first.
pub fn run(a: &Account) {
    let (Some(file), Some(name)) = (&a.accounts, &a.account) else {
        usage_error("store-credentials braucht / needs --accounts FILE --account NAME");
    };
    let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
    let line = accounts::find(&lines, name).unwrap_or_else(|e| usage_error(&e));
    let present = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let token = present(&a.token)
        .unwrap_or_else(|| usage_error("--token oder/or ONOFFICE_TOKEN fehlt / missing"));
    let secret = present(&a.secret)
        .unwrap_or_else(|| usage_error("--secret oder/or ONOFFICE_SECRET fehlt / missing"));
    if let Err(e) = Credentials::new(&token, &secret) {
        fail(&e);
    }
    if let Err(e) = accounts::store(line, &token, &secret) {
        eprintln!("Fehler / error: {e}");
        std::process::exit(1);
    }
    println!(
        "Token und Secret für „{}“ im Schlüsselbund abgelegt / kept in the OS keychain.",
        line.name
    );
}
