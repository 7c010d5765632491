//! The local wall clock as the watch reads and keeps it (the system's time zone), so the app and the tray helper
//! (`agent-check-tray`) read and write the same form.

/// The local wall time (the system's time zone).
pub fn local_now() -> jiff::civil::DateTime {
    jiff::ZonedDateTime::now().datetime()
}

/// A local time as the watch keeps it: "YYYY-MM-DDTHH:MM:SS".
pub fn local_text(at: jiff::civil::DateTime) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}
