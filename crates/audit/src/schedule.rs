//! When a scheduled check is due: on the chosen weekdays at the chosen local time ("jeden Werktag um 8:00"). The
//! decision compares the wall clock with the last run, persisted, never a timer: timers stop while a laptop sleeps,
//! so a check missed at 8:00 runs once soon after waking or starting, never several times for several missed days,
//! and a clock set back never makes a burst of runs. Local times are passed in, so this is tested without waiting.

use std::collections::BTreeSet;

use jiff::civil::{DateTime, Time, Weekday};
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

/// The person's choice in Einstellungen › "Automatisch prüfen".
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub enabled: bool,
    /// ISO weekday numbers, 1 = Monday … 7 = Sunday.
    pub days: BTreeSet<u8>,
    /// Local time of day, "HH:MM".
    pub time: String,
}

impl Default for Schedule {
    /// Off; when switched on, every working day at 8:00.
    fn default() -> Self {
        Schedule {
            enabled: false,
            days: (1..=5).collect(),
            time: "08:00".into(),
        }
    }
}

fn iso(day: Weekday) -> u8 {
    day.to_monday_one_offset() as u8
}

impl Schedule {
    /// The time of day, if it reads as "H:MM" or "HH:MM".
    pub fn time_of_day(&self) -> Option<Time> {
        let (h, m) = self.time.trim().split_once(':')?;
        Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
    }

    /// The latest scheduled moment at or before `now` (local time), within the last two weeks.
    pub fn latest_slot(&self, now: DateTime) -> Option<DateTime> {
        let at = self.time_of_day()?;
        (0..15)
            .map(|back| now.date() - back.days())
            .filter(|d| self.days.contains(&iso(d.weekday())))
            .map(|d| d.to_datetime(at))
            .find(|slot| *slot <= now)
    }

    /// The next scheduled moment after `now` (local time), for the tray's tooltip.
    pub fn next_slot(&self, now: DateTime) -> Option<DateTime> {
        let at = self.time_of_day()?;
        (0..15)
            .map(|ahead| now.date() + ahead.days())
            .filter(|d| self.days.contains(&iso(d.weekday())))
            .map(|d| d.to_datetime(at))
            .find(|slot| *slot > now)
    }

    /// Whether a scheduled check is due now: watching is on and the latest slot is later than the last run (or the
    /// moment watching was switched on, which counts as a run: switching on at 9:00 does not run the 8:00 check).
    /// A last run in the future (the clock was set back) makes nothing due until the clock passes a slot after it.
    pub fn is_due(&self, last_run: Option<DateTime>, now: DateTime) -> bool {
        if !self.enabled {
            return false;
        }
        match (self.latest_slot(now), last_run) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(slot), Some(last)) => last < slot,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime {
        s.parse().unwrap()
    }
    fn weekdays() -> Schedule {
        Schedule {
            enabled: true,
            ..Schedule::default()
        }
    }

    #[test]
    fn off_by_default_and_every_working_day_at_eight_when_on() {
        let s = Schedule::default();
        assert!(!s.enabled);
        assert!(!s.is_due(None, at("2026-12-01T09:00")));
        // 2026-12-01 is a Tuesday.
        let on = weekdays();
        assert_eq!(
            on.latest_slot(at("2026-12-01T09:00")),
            Some(at("2026-12-01T08:00"))
        );
        assert_eq!(
            on.latest_slot(at("2026-12-01T07:59")),
            Some(at("2026-11-30T08:00"))
        );
        // Monday morning before eight: the latest slot is Friday's.
        assert_eq!(
            on.latest_slot(at("2026-11-30T07:00")),
            Some(at("2026-11-27T08:00"))
        );
        assert_eq!(
            on.next_slot(at("2026-11-27T09:00")),
            Some(at("2026-11-30T08:00"))
        );
        assert_eq!(
            on.next_slot(at("2026-12-01T07:00")),
            Some(at("2026-12-01T08:00"))
        );
        // At a slot, the next one is the following day's.
        assert_eq!(
            on.next_slot(at("2026-12-01T08:00")),
            Some(at("2026-12-02T08:00"))
        );
        // A run that started exactly at the slot was that slot's run.
        assert!(!on.is_due(Some(at("2026-12-01T08:00")), at("2026-12-01T09:00")));
    }

    #[test]
    fn due_once_per_slot_and_a_missed_one_once_after_waking() {
        let s = weekdays();
        let ran = at("2026-11-30T08:00:05");
        assert!(!s.is_due(Some(ran), at("2026-11-30T15:00")));
        assert!(!s.is_due(Some(ran), at("2026-12-01T07:59:59")));
        assert!(s.is_due(Some(ran), at("2026-12-01T08:00")));
        // Asleep from Monday evening to Thursday noon: one run when it wakes, then nothing until Friday 8:00.
        let woke = at("2026-12-03T12:00");
        assert!(s.is_due(Some(ran), woke));
        assert!(!s.is_due(Some(woke), at("2026-12-03T12:01")));
        assert!(!s.is_due(Some(woke), at("2026-12-04T07:00")));
        assert!(s.is_due(Some(woke), at("2026-12-04T08:00")));
        // Never run before: due at once.
        assert!(s.is_due(None, at("2026-12-01T08:30")));
    }

    #[test]
    fn a_clock_set_back_makes_no_burst() {
        let s = weekdays();
        let last = at("2026-12-04T08:00:03");
        // The clock jumps back two days: the slots it passes again are older than the last run.
        assert!(!s.is_due(Some(last), at("2026-12-02T08:00")));
        assert!(!s.is_due(Some(last), at("2026-12-03T09:00")));
        assert!(!s.is_due(Some(last), at("2026-12-04T08:00:02")));
    }

    #[test]
    fn chosen_days_and_time_are_kept_and_a_bad_time_is_never_due() {
        let s = Schedule {
            enabled: true,
            days: [6].into(),
            time: "7:30".into(),
        };
        assert_eq!(
            s.latest_slot(at("2026-12-01T10:00")),
            Some(at("2026-11-28T07:30"))
        );
        assert_eq!(
            s.next_slot(at("2026-12-01T10:00")),
            Some(at("2026-12-05T07:30"))
        );
        for bad in ["", "8", "25:00", "8:60", "acht"] {
            let s = Schedule {
                time: bad.into(),
                ..weekdays()
            };
            assert!(!s.is_due(None, at("2026-12-01T10:00")), "{bad}");
            assert_eq!(s.next_slot(at("2026-12-01T10:00")), None);
        }
        let none = Schedule {
            days: BTreeSet::new(),
            ..weekdays()
        };
        assert!(!none.is_due(None, at("2026-12-01T10:00")));
    }
}
