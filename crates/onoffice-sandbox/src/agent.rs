//! The rental agent that answers booked portal enquiries, as an automatic agent does: an e-mail to the enquirer on the
//! same listing (`Email`/`Ausgang` in the Maklerbuch) 1 to 30 minutes after the enquiry was booked. Where it fails is
//! planted: listings it does not handle (never answered), a mailbox it lacks from a moment on (that mailbox's listings
//! unanswered since), a time it was down (nobody answered), or no agent at all (an account without replies).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{Account, AgentsLogEntry};
use onoffice_protocol::local_time::{parse_onoffice_date, ONOFFICE_DATE_FORMAT};

/// The account's rental agent and where it fails. Moments are "Y-m-d H:i:s" in German time, as the Maklerbuch's.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RentalAgent {
    /// Listings it does not handle: their enquiries are never answered.
    pub skipped: BTreeSet<u64>,
    /// A mailbox (lower case) it lacks from a moment on: enquiries to its listings from then on go unanswered.
    pub lost_mailbox: Option<(String, String)>,
    /// From when to when it was down: enquiries in between go unanswered.
    pub down: Option<(String, String)>,
}

/// The note the agent's replies carry.
pub const REPLY_NOTE: &str = "Antwort des Mietagenten";

impl RentalAgent {
    /// Whether it answers an enquiry booked at `at` on `estate`, whose mailbox is `mailbox`.
    pub fn answers(&self, estate: u64, mailbox: Option<&str>, at: &str) -> bool {
        let lost = self
            .lost_mailbox
            .as_ref()
            .is_some_and(|(m, since)| Some(m.as_str()) == mailbox && at >= since.as_str());
        let down = self
            .down
            .as_ref()
            .is_some_and(|(from, to)| at >= from.as_str() && at < to.as_str());
        !self.skipped.contains(&estate) && !lost && !down
    }

    /// Moves its moments back by `days` (the sandbox's days passing).
    pub fn shift_back(&mut self, shift: impl Fn(&str) -> String) {
        if let Some((_, since)) = &mut self.lost_mailbox {
            *since = shift(since);
        }
        if let Some((from, to)) = &mut self.down {
            *from = shift(from);
            *to = shift(to);
        }
    }
}

/// 1 to 30 minutes, the same for the same enquiry.
fn delay_minutes(estate: u64, at: &str) -> i64 {
    let h = at.bytes().fold(estate.wrapping_mul(0x9E37_79B9), |h, b| {
        h.rotate_left(5) ^ u64::from(b)
    });
    1 + (h % 30) as i64
}

/// `at` plus `minutes`, in the same form.
pub fn later(at: &str, minutes: i64) -> Option<String> {
    let t = parse_onoffice_date(at)? + jiff::SignedDuration::from_mins(minutes);
    Some(t.strftime(ONOFFICE_DATE_FORMAT).to_string())
}

impl Account {
    /// The agent's reply to an enquiry just booked on `estate` from `from` at `at`, if it answers it.
    pub fn agent_reply(&mut self, estate: u64, from: &[u64], at: &str) {
        let Some(agent) = &self.rental_agent else {
            return;
        };
        let mailbox = self
            .contacts_of(estate, true)
            .first()
            .and_then(|&a| self.mailbox_of(a));
        if from.is_empty() || !agent.answers(estate, mailbox.as_deref(), at) {
            return;
        }
        if let Some(reply) = later(at, delay_minutes(estate, at)) {
            self.log(AgentsLogEntry {
                id: 0,
                estates: vec![estate],
                addresses: from.to_vec(),
                kind: "Email".into(),
                kind_type: "Ausgang".into(),
                date: reply,
                user: String::new(),
                note: REPLY_NOTE.into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_answers_except_where_planted() {
        let agent = RentalAgent {
            skipped: [7].into(),
            lost_mailbox: Some(("lost@x.de".into(), "2026-11-20 00:00:00".into())),
            down: Some(("2026-11-10 00:00:00".into(), "2026-11-11 00:00:00".into())),
        };
        assert!(agent.answers(1, Some("a@x.de"), "2026-11-25 10:00:00"));
        assert!(!agent.answers(7, Some("a@x.de"), "2026-11-25 10:00:00"));
        assert!(agent.answers(1, Some("lost@x.de"), "2026-11-19 23:59:59"));
        assert!(!agent.answers(1, Some("lost@x.de"), "2026-11-20 00:00:00"));
        assert!(!agent.answers(1, None, "2026-11-10 12:00:00"));
        assert!(agent.answers(1, None, "2026-11-11 00:00:00"));
        let d = delay_minutes(4, "2026-11-25 10:00:00");
        assert!((1..=30).contains(&d));
        assert_eq!(
            later("2026-11-25 23:50:00", 20).as_deref(),
            Some("2026-11-26 00:10:00")
        );
    }
}
