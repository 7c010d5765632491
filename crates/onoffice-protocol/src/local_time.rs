//! onOffice writes dates without a zone (`Datum` in the Maklerbuch: "Y-m-d H:i:s"). Its public documentation does not
//! say which zone; a German account's web interface shows them in German time, so the sandbox writes German time
//! (CET/CEST) and the client reads them as German time, taking the *earlier* instant where that reading is ambiguous.
//! If onOffice wrote UTC instead, this reading puts an entry one or two hours too early: an entry can then look older
//! than it is, never newer, so "a transfer after our change" is never claimed too soon. Only the EU summer-time rule
//! since 1996 is needed (last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC): no time zone database,
//! which Windows would not have anyway.

use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Timestamp};

/// The format onOffice writes dates in.
pub const ONOFFICE_DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The last Sunday of `month` in `year`, 01:00 UTC: where summer time begins (March) or ends (October).
fn switch(year: i16, month: i8) -> Timestamp {
    let last = Date::new(year, month, 31).expect("March and October have 31 days");
    let back = last.weekday().to_sunday_zero_offset() as i64;
    let sunday = last
        .checked_sub(jiff::Span::new().days(back))
        .expect("within range");
    jiff::tz::Offset::UTC
        .to_timestamp(sunday.at(1, 0, 0, 0))
        .expect("within range")
}

/// Whether German clocks show summer time (UTC+2) at this instant.
pub fn is_summer_time(at: Timestamp) -> bool {
    let year = jiff::tz::Offset::UTC.to_datetime(at).year();
    at >= switch(year, 3) && at < switch(year, 10)
}

/// German local time (CET/CEST) at an instant: what onOffice writes.
pub fn german_time(at: Timestamp) -> DateTime {
    let hours = if is_summer_time(at) { 2 } else { 1 };
    jiff::tz::Offset::constant(hours).to_datetime(at)
}

/// The instant a German local time names; where it names two (the October hour that repeats) or none (the March hour
/// that is skipped), the earlier reading.
pub fn from_german_time(local: DateTime) -> Timestamp {
    let as_utc = |hours: i64| {
        jiff::tz::Offset::UTC
            .to_timestamp(local)
            .ok()
            .and_then(|t| t.checked_sub(SignedDuration::from_hours(hours)).ok())
    };
    let (Some(summer), Some(winter)) = (as_utc(2), as_utc(1)) else {
        return Timestamp::MIN;
    };
    if is_summer_time(summer) || is_summer_time(winter) {
        // Summer time at the earlier reading (also the October hour that repeats), or the March hour that is skipped.
        summer
    } else {
        winter
    }
}

/// Parses "Y-m-d H:i:s" (also with a `T`, or without seconds) as onOffice writes a date.
pub fn parse_onoffice_date(text: &str) -> Option<DateTime> {
    let t = text.trim();
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| DateTime::strptime(f, t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Timestamp {
        s.parse().unwrap()
    }
    fn local(s: &str) -> DateTime {
        s.parse().unwrap()
    }

    #[test]
    fn summer_time_switches_on_the_last_sundays_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert!(!is_summer_time(utc("2026-03-29T00:59:59Z")));
        assert!(is_summer_time(utc("2026-03-29T01:00:00Z")));
        assert!(is_summer_time(utc("2026-10-25T00:59:59Z")));
        assert!(!is_summer_time(utc("2026-10-25T01:00:00Z")));
        // 2027: 28 March and 31 October (a month ending on a Sunday).
        assert!(is_summer_time(utc("2027-10-31T00:30:00Z")));
        assert!(!is_summer_time(utc("2027-10-31T01:00:00Z")));
        assert!(!is_summer_time(utc("2027-03-28T00:30:00Z")));
        assert!(is_summer_time(utc("2027-03-28T01:30:00Z")));
    }

    #[test]
    fn german_time_is_one_hour_ahead_in_winter_and_two_in_summer() {
        assert_eq!(
            german_time(utc("2026-12-01T10:31:00Z")),
            local("2026-12-01T11:31:00")
        );
        assert_eq!(
            german_time(utc("2026-07-01T10:31:00Z")),
            local("2026-07-01T12:31:00")
        );
    }

    #[test]
    fn german_time_reads_back_to_the_same_instant() {
        for at in [
            "2026-12-01T10:31:00Z",
            "2026-07-01T10:31:00Z",
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-10-25T02:30:00Z",
        ] {
            assert_eq!(from_german_time(german_time(utc(at))), utc(at), "{at}");
        }
    }

    #[test]
    fn ambiguous_and_skipped_hours_take_the_earlier_reading() {
        // 25 October 2026, 02:30 happens twice: first in summer time (00:30 UTC), then in winter time (01:30 UTC).
        assert_eq!(
            from_german_time(local("2026-10-25T02:30:00")),
            utc("2026-10-25T00:30:00Z")
        );
        // 29 March 2026, 02:30 does not exist; the earlier reading is 00:30 UTC.
        assert_eq!(
            from_german_time(local("2026-03-29T02:30:00")),
            utc("2026-03-29T00:30:00Z")
        );
    }

    #[test]
    fn dates_parse_as_onoffice_writes_them() {
        assert_eq!(
            parse_onoffice_date("2026-11-28 10:31:05"),
            Some(local("2026-11-28T10:31:05"))
        );
        assert_eq!(
            parse_onoffice_date(" 2026-11-28T10:31:05 "),
            Some(local("2026-11-28T10:31:05"))
        );
        assert_eq!(
            parse_onoffice_date("2026-11-28 10:31"),
            Some(local("2026-11-28T10:31:00"))
        );
        assert_eq!(parse_onoffice_date("28.11.2026"), None);
        assert_eq!(parse_onoffice_date(""), None);
    }
}
