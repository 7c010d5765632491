//! `oo-check`: the audit engine on the command line, for support staff. Audit, fix, undo, diagnose and the same
//! reports the app writes, for one account or every account of support's accounts file (`accounts.rs`). It never
//! prints the API secret; token and secret are best given through ONOFFICE_TOKEN and ONOFFICE_SECRET (or per account
//! of the file, or the OS keychain) so they stay out of the shell history.

mod accounts;
mod all_accounts;
mod baseline;
mod cli;
mod commands;
mod connect;
mod memory;
mod output;
mod runs;
mod saved;

use clap::Parser;

use cli::{Cli, Command};
use commands::report::ReportFiles;

fn main() {
    memory::give_back_freed_memory();
    let cli = Cli::parse();
    if cli.command.account().all_accounts {
        all_accounts::run(&cli.command);
    }
    if let Command::Report { account, .. } = &cli.command {
        if let (true, Some(name)) = (account.fleet_row, &account.account) {
            output::print_rows_for(name);
        }
    }
    // One thread: the work waits on onOffice, not on the CPU, and one thread keeps one heap (a large account's
    // memory stays well under 150 MiB).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| output::error(e));
    runtime.block_on(run(&cli.command));
}

/// Hands the command to its module.
async fn run(command: &Command) {
    match command {
        Command::Audit {
            account,
            json,
            new_since,
            save,
        } => commands::audit::run(account, *json, new_since.as_ref(), save.as_ref()).await,
        Command::Fix {
            account,
            kinds,
            contacts,
            yes,
        } => commands::fix::run(account, kinds, contacts, *yes).await,
        Command::StoreCredentials { account } => commands::credentials::run(account),
        Command::Undo { account, all } => commands::undo::run(account, *all).await,
        Command::Diagnose { account, json, out } => {
            commands::diagnose::run(account, *json, out.as_ref()).await
        }
        Command::Report {
            account,
            format,
            out,
            new_since,
            save,
        } => {
            let files = ReportFiles {
                out,
                new_since: new_since.as_deref(),
                save: save.as_deref(),
            };
            commands::report::run(account, *format, files).await
        }
        Command::Explain {
            account,
            listing,
            json,
        } => commands::explain::run(account, listing, *json).await,
    }
}
