//! One module per command of `oo-check`, each with its `run`: it connects to the account, does the work and prints
//! the outcome, and ends the program with the command's exit code where that is not 0.

pub mod audit;
mod contact;
pub mod credentials;
pub mod diagnose;
pub mod explain;
pub mod fix;
pub mod report;
pub mod undo;
