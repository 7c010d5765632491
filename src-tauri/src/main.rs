//! Entry point of the desktop app; everything else is in the library so tests can build the app too.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    agent_check_lib::run();
}
