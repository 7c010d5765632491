//! `oo-check store-credentials`: an account's token and secret from the environment (or the flags) into the OS
//! keychain, so later runs of that account of the accounts file find them there.

use onoffice::Credentials;

use crate::accounts;
use crate::cli::Account;
use crate::connect::given_credentials;
use crate::output::{self, fail, usage_error};

/// `store-credentials`: token and secret (from ONOFFICE_TOKEN and ONOFFICE_SECRET, or --token/--secret) into the OS
/// keychain for an account of the file; their shape is checked first.
pub fn run(a: &Account) {
    let (Some(file), Some(name)) = (&a.accounts, &a.account) else {
        usage_error("store-credentials braucht / needs --accounts FILE --account NAME");
    };
    let lines = accounts::read(file).unwrap_or_else(|e| usage_error(&e));
    let line = accounts::find(&lines, name).unwrap_or_else(|e| usage_error(&e));
    let (token, secret) = given_credentials(a);
    if let Err(e) = Credentials::new(&token, &secret) {
        fail(&e);
    }
    if let Err(e) = accounts::store(line, &token, &secret) {
        output::error(e);
    }
    println!(
        "Token und Secret für „{}“ im Schlüsselbund abgelegt / kept in the OS keychain.",
        line.name
    );
}
