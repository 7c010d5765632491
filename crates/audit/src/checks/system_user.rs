//! Rules per system user: its user ↔ address link, the Makler key, the default e-mail, the mailbox's kind and the
//! mail booking only a person can confirm. Each system user becomes one checklist row with its traffic light. What
//! the rules say is worded in `wording`.

use std::collections::{BTreeMap, BTreeSet};

use super::wording::{self, Said};
use super::{finding, Check, CheckName, CheckState, Evaluation, Light, SystemUserRow};
use crate::answers::Answers;
use crate::evidence::{BookingEvidence, TICK_TRUSTED_DAYS};
use crate::finding::FindingKind;
use crate::mailbox::MailboxKind;
use crate::settings::Settings;
use crate::snapshot::{AddressInfo, Snapshot, UserInfo};
use crate::subject::Subject;
use crate::text::Text;

/// Which system user address belongs to which active user, and which of them are not ready yet.
pub(super) struct SystemUsers {
    /// Address id → user `Nr`.
    pub linked: BTreeMap<u64, u64>,
    /// Addresses with an open point a listing's contact person must not have.
    pub open: BTreeSet<u64>,
}

/// One system user's row while its rules run.
struct Draft {
    subject: Subject,
    checks: Vec<Check>,
    kinds: Vec<FindingKind>,
}

impl Draft {
    fn check(&mut self, name: CheckName, state: CheckState, detail: Text) {
        self.checks.push(Check {
            name,
            state,
            detail,
        });
    }

    /// A finding about this system user: in its row and in the checklist's findings.
    fn raise(&mut self, out: &mut Evaluation, kind: FindingKind, label: &str, said: Said) {
        super::raise(&mut self.kinds, out, kind, self.subject, label, said);
    }
}

/// A row with a single failed link check (a user without address, an address without user).
fn unlinked_row(
    name: &str,
    user_nr: Option<u64>,
    address: Option<&AddressInfo>,
    detail: Text,
    kind: FindingKind,
) -> SystemUserRow {
    let checks = vec![Check {
        name: CheckName::Linked,
        state: CheckState::Problem,
        detail,
    }];
    SystemUserRow {
        name: name.to_string(),
        user_nr,
        address_id: address.map(|a| a.id),
        email: address.and_then(|a| a.default_email.clone()),
        mailbox: None,
        light: Light::of(&checks),
        checks,
        findings: vec![kind],
    }
}

/// What the rules of one system user know of the account.
struct Account<'a> {
    snapshot: &'a Snapshot,
    settings: &'a dyn Settings,
    makler_key: &'a Option<String>,
    makler_label: &'a str,
    answers: &'a Answers,
    evidence: BTreeMap<String, BookingEvidence>,
}

/// Evaluates every system user; rows go to `out.users`, findings to `out.findings`.
pub(super) fn evaluate(
    snapshot: &Snapshot,
    settings: &dyn Settings,
    (makler_key, makler_label): (&Option<String>, &str),
    answers: &Answers,
    out: &mut Evaluation,
) -> SystemUsers {
    let (linked, any_link) = address_links(snapshot);
    users_without_address(snapshot, out);
    let account = Account {
        snapshot,
        settings,
        makler_key,
        makler_label,
        answers,
        evidence: snapshot.booking_evidence(),
    };
    let mut open: BTreeSet<u64> = BTreeSet::new();
    for a in snapshot.system_addresses.values() {
        let Some(&nr) = linked.get(&a.id) else {
            if !any_link.contains(&a.id) {
                address_without_user(a, out);
            }
            continue;
        };
        if system_user_row(a, nr, &account, out) {
            open.insert(a.id);
        }
    }
    SystemUsers { linked, open }
}

/// Which system user address belongs to which active user (address id → user `Nr`), and every address any user
/// links to.
fn address_links(snapshot: &Snapshot) -> (BTreeMap<u64, u64>, BTreeSet<u64>) {
    let mut linked: BTreeMap<u64, u64> = BTreeMap::new();
    let mut any_link: BTreeSet<u64> = BTreeSet::new();
    for u in snapshot.users.values() {
        if let Some(a) = u.address_id {
            any_link.insert(a);
            if u.active && snapshot.system_addresses.contains_key(&a) {
                linked.insert(a, u.nr);
            }
        }
    }
    (linked, any_link)
}

/// `user.address_missing`: an active user without a system user address.
fn users_without_address(snapshot: &Snapshot, out: &mut Evaluation) {
    for u in snapshot.users.values().filter(|u| u.active) {
        let has = u
            .address_id
            .is_some_and(|a| snapshot.system_addresses.contains_key(&a));
        if !has {
            let kind = FindingKind::UserAddressMissing;
            let said = wording::user_address_missing(&u.username, u.address_id);
            out.findings
                .push(finding(kind, Subject::User(u.nr), &u.name, said));
            let detail = wording::seen_short(&u.username);
            out.users
                .push(unlinked_row(&u.name, Some(u.nr), None, detail, kind));
        }
    }
}

/// `address.user_missing`: a system user address no user links to.
fn address_without_user(a: &AddressInfo, out: &mut Evaluation) {
    let kind = FindingKind::AddressUserMissing;
    let said = wording::address_user_missing(&a.name);
    out.findings
        .push(finding(kind, Subject::Address(a.id), &a.name, said));
    let detail = wording::no_user_linked();
    out.users
        .push(unlinked_row(&a.name, None, Some(a), detail, kind));
}

/// The row of a system user address linked to the active user `nr`, with every rule run on it. Returns whether it
/// has an open point a listing's contact person must not have.
fn system_user_row(a: &AddressInfo, nr: u64, account: &Account<'_>, out: &mut Evaluation) -> bool {
    let user = &account.snapshot.users[&nr];
    let mut row = Draft {
        subject: Subject::Address(a.id),
        kinds: Vec::new(),
        checks: Vec::new(),
    };
    row.check(
        CheckName::Linked,
        CheckState::Ok,
        wording::linked_to(&user.username),
    );
    makler(a, account.makler_key, account.makler_label, &mut row, out);
    let mailbox = mail(a, user, account, &mut row, out);
    answered(a, account.answers, &mut row, out);
    let Draft { kinds, checks, .. } = row;
    let open = kinds.iter().any(|k| {
        matches!(
            k,
            FindingKind::NotMakler | FindingKind::NoEmail | FindingKind::MailboxExternal
        )
    });
    let light = Light::of(&checks);
    out.users.push(SystemUserRow {
        name: a.name.clone(),
        user_nr: Some(nr),
        address_id: Some(a.id),
        email: a.default_email.clone(),
        mailbox,
        light,
        checks,
        findings: kinds,
    });
    open
}

/// `user.not_makler`: the address lacks the Makler key.
fn makler(
    a: &AddressInfo,
    makler_key: &Option<String>,
    makler_label: &str,
    row: &mut Draft,
    out: &mut Evaluation,
) {
    match makler_key {
        Some(key) if !a.contact_types.iter().any(|k| k == key) => {
            let have: Vec<&str> = a.contact_types.iter().map(String::as_str).collect();
            let said = wording::not_makler(&have, makler_label);
            row.raise(out, FindingKind::NotMakler, &a.name, said);
            let detail = wording::makler_missing(makler_label);
            row.check(CheckName::Makler, CheckState::Problem, detail);
        }
        Some(_) => row.check(
            CheckName::Makler,
            CheckState::Ok,
            wording::makler_set(makler_label),
        ),
        None => row.check(
            CheckName::Makler,
            CheckState::Unknown,
            wording::makler_unknown(),
        ),
    }
}

/// `user.no_email`, `user.mailbox_external`, `user.mail_booking_unconfirmed`, `user.mail_booking_silent`: the
/// default e-mail, the kind of its mailbox, and its mail booking. Returns the kind.
fn mail(
    a: &AddressInfo,
    user: &UserInfo,
    account: &Account<'_>,
    row: &mut Draft,
    out: &mut Evaluation,
) -> Option<MailboxKind> {
    let Some(email) = &a.default_email else {
        no_email(a, user, row, out);
        return None;
    };
    row.check(CheckName::Email, CheckState::Ok, wording::email(email));
    let kind = mailbox(a, email, account.snapshot, row, out);
    let external = matches!(kind, Some(MailboxKind::External { .. }));
    booking(a, email, external, account, row, out);
    kind
}

/// `user.no_email`: without a default e-mail, neither the mailbox nor its booking can be checked.
fn no_email(a: &AddressInfo, user: &UserInfo, row: &mut Draft, out: &mut Evaluation) {
    row.raise(
        out,
        FindingKind::NoEmail,
        &a.name,
        wording::no_email(&user.email),
    );
    row.check(
        CheckName::Email,
        CheckState::Problem,
        wording::no_default_email(),
    );
    row.check(
        CheckName::Mailbox,
        CheckState::Unknown,
        wording::no_email_to_check(),
    );
    row.check(
        CheckName::Booking,
        CheckState::Unknown,
        wording::no_email_to_check(),
    );
}

/// `user.mailbox_external`: the kind of the default e-mail's mailbox. Returns the kind.
fn mailbox(
    a: &AddressInfo,
    email: &str,
    snapshot: &Snapshot,
    row: &mut Draft,
    out: &mut Evaluation,
) -> Option<MailboxKind> {
    let kind = snapshot.mailbox_of(email).cloned();
    let state = match &kind {
        Some(MailboxKind::External { provider }) => {
            let said = wording::mailbox_external(email, provider);
            row.raise(out, FindingKind::MailboxExternal, &a.name, said);
            CheckState::Problem
        }
        Some(
            MailboxKind::Microsoft365
            | MailboxKind::Microsoft365BehindFilter { .. }
            | MailboxKind::OnOffice,
        ) => CheckState::Ok,
        Some(MailboxKind::Unknown { .. } | MailboxKind::CouldNotCheck { .. }) | None => {
            CheckState::Unknown
        }
    };
    row.check(CheckName::Mailbox, state, wording::mailbox(kind.as_ref()));
    kind
}

/// `user.mail_booking_unconfirmed`, `user.mail_booking_silent`: booked enquiries in the Maklerbuch show mail booking
/// works; a tick the person confirmed in the last 14 days is trusted; silence while the listings have been on the
/// market for weeks is a finding; otherwise the person's tick decides, as before there was evidence.
fn booking(
    a: &AddressInfo,
    email: &str,
    external: bool,
    account: &Account<'_>,
    row: &mut Draft,
    out: &mut Evaluation,
) {
    let tick = account.settings.mail_booking_confirmed(email);
    let fresh_tick = tick
        .as_deref()
        .is_some_and(|d| tick_is_fresh(d, account.snapshot.read_at()));
    let seen = account.evidence.get(&email.trim().to_lowercase());
    match (tick, seen) {
        // An external mailbox never gets mail booking: nothing to confirm; its own finding says what to do instead
        // (an onOffice mailbox through support).
        _ if external => row.check(
            CheckName::Booking,
            CheckState::Problem,
            wording::booking_impossible(),
        ),
        (_, Some(BookingEvidence::Booked { count, last })) => row.check(
            CheckName::Booking,
            CheckState::Ok,
            wording::booking_seen(*count, last),
        ),
        (Some(date), Some(BookingEvidence::Silent { .. })) if fresh_tick => row.check(
            CheckName::Booking,
            CheckState::Ok,
            wording::booking_confirmed_despite_sign(
                &date,
                &tick_trusted_until(&date).unwrap_or_default(),
            ),
        ),
        (Some(date), _) if fresh_tick => row.check(
            CheckName::Booking,
            CheckState::Ok,
            wording::booking_confirmed(&date),
        ),
        (tick, Some(BookingEvidence::Silent { listings, days })) => {
            let said = wording::mail_booking_silent(email, *listings, *days, tick.as_deref());
            row.raise(out, FindingKind::MailBookingSilent, &a.name, said);
            row.check(
                CheckName::Booking,
                CheckState::Sign,
                wording::booking_silent(tick.as_deref()),
            );
        }
        (Some(date), _) => row.check(
            CheckName::Booking,
            CheckState::Ok,
            wording::booking_confirmed(&date),
        ),
        (None, _) => {
            let said = wording::mail_booking_unconfirmed(email);
            row.raise(out, FindingKind::MailBookingUnconfirmed, &a.name, said);
            row.check(
                CheckName::Booking,
                CheckState::Manual,
                wording::booking_to_confirm(),
            );
        }
    }
}

/// `user.enquiries_unanswered` and the answers cell, where the account shows replies: the mailbox's rate, or the sign
/// that every listing of it goes unanswered.
fn answered(a: &AddressInfo, answers: &Answers, row: &mut Draft, out: &mut Evaluation) {
    if !answers.seen.shown() {
        return;
    }
    let Some(email) = a.default_email.as_deref() else {
        return;
    };
    let key = email.trim().to_lowercase();
    if let Some(u) = answers.signs.mailboxes.get(&key) {
        let said = wording::mailbox_unanswered(email, u);
        row.raise(out, FindingKind::MailboxUnanswered, &a.name, said);
    }
    let (sign, said) = wording::mailbox_answers_said(answers, &key);
    let judged = answers
        .per_mailbox
        .get(&key)
        .is_some_and(|r| r.enquiries > 0);
    // Nothing to judge (no booked enquiry older than a day): the cell is left out ("entfällt"), neither ✔ nor ?.
    if sign || judged {
        let state = if sign {
            CheckState::Sign
        } else {
            CheckState::Ok
        };
        row.check(CheckName::Answers, state, said);
    }
}

/// The last day a tick confirmed on `date` ("YYYY-MM-DD") is trusted, as "YYYY-MM-DD".
pub fn tick_trusted_until(date: &str) -> Option<String> {
    let day = date.trim().parse::<jiff::civil::Date>().ok()?;
    let last = day
        .checked_add(jiff::Span::new().days(TICK_TRUSTED_DAYS - 1))
        .ok()?;
    Some(last.to_string())
}

/// Whether a tick confirmed on `date` ("YYYY-MM-DD") is younger than 14 days at the moment of the read.
pub fn tick_is_fresh(date: &str, now: Option<jiff::civil::DateTime>) -> bool {
    let (Ok(day), Some(now)) = (date.trim().parse::<jiff::civil::Date>(), now) else {
        return false;
    };
    let age = now
        .date()
        .since(day)
        .map(|s| s.get_days())
        .unwrap_or(i32::MAX);
    (0..TICK_TRUSTED_DAYS as i32).contains(&age)
}
