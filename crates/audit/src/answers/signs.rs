//! Signs of enquiries that stay unanswered: a gap for everyone (the agent down for some hours) excuses them, a
//! listing's trailing run of unanswered enquiries while others are answered is a sign on the listing, and a mailbox
//! whose every such listing goes unanswered is one sign on the mailbox.

use super::*;

/// Enquiries that stayed unanswered: on one listing, or on every listing of one mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unanswered {
    pub listings: Vec<u64>,
    /// Enquiries older than a day without a reply, since the last answered one.
    pub count: u32,
    /// The first of them ("Y-m-d H:i:s", German time).
    pub since: String,
    /// The last of them.
    pub last: String,
}

/// What `signs` found: per listing, and per mailbox (whose listings then get none of their own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signs {
    pub listings: BTreeMap<u64, Unanswered>,
    pub mailboxes: BTreeMap<String, Unanswered>,
}

/// The mailbox a listing's enquiries go to (its first broker's default e-mail), or the listing itself without one.
fn mailbox_key(mailbox_of: &BTreeMap<u64, String>, listing: u64) -> String {
    mailbox_of
        .get(&listing)
        .cloned()
        .unwrap_or_else(|| format!("#{listing}"))
}

/// The unanswered enquiries that are part of a gap for everyone: judged, unanswered, with at least
/// `GAP_MIN_ENQUIRIES` judged enquiries within `GAP_HOURS` around them, on listings of two or more mailboxes, and
/// none of those answered. Indices into `enquiries`.
pub fn gaps(
    enquiries: &[Enquiry],
    mailbox_of: &BTreeMap<u64, String>,
    now: DateTime,
) -> BTreeSet<usize> {
    // A listing without a system user's mailbox never reaches the agent: it tells nothing about the agent. The
    // others by time, so that each enquiry looks only at its own hours (an account has thousands).
    let mut reaching: Vec<(&Enquiry, &str)> = enquiries
        .iter()
        .filter(|e| e.judged_at(now))
        .filter_map(|e| Some((e, mailbox_of.get(&e.listing)?.as_str())))
        .collect();
    reaching.sort_by_key(|(e, _)| e.at);
    // Any unanswered enquiry in such a time is excused, one on a listing that never reaches the agent too.
    enquiries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.judged_at(now) && !e.answered() && in_gap(e, &reaching))
        .map(|(i, _)| i)
        .collect()
}

/// Whether the reaching enquiries within `GAP_HOURS` of `e` (sorted by time) are enough, on two or more mailboxes,
/// and none of them answered.
fn in_gap(e: &Enquiry, reaching: &[(&Enquiry, &str)]) -> bool {
    let reach = GAP_HOURS * 3600;
    // A second more either side than the rule, so that the rule below alone decides at the edges.
    let margin = (reach + 1).seconds();
    let earliest = e.at.checked_sub(margin).unwrap_or(DateTime::MIN);
    let latest = e.at.checked_add(margin).unwrap_or(DateTime::MAX);
    let from = reaching.partition_point(|(o, _)| o.at < earliest);
    let around = reaching[from..]
        .iter()
        .take_while(|(o, _)| o.at <= latest)
        .filter(|(o, _)| o.at.duration_since(e.at).abs().as_secs() <= reach);
    let (mut count, mut first_box, mut two_boxes) = (0, None, false);
    for (o, mailbox) in around {
        if o.answered() {
            return false;
        }
        count += 1;
        match first_box {
            None => first_box = Some(*mailbox),
            Some(b) => two_boxes |= b != *mailbox,
        }
    }
    count >= GAP_MIN_ENQUIRIES && two_boxes
}

/// A listing's trailing run of enquiries without a reply: judged ones (older than a day) since its last enquiry
/// with a reply; `None` when its newest enquiry is answered or it has none to judge.
fn trailing_run<'a>(own: &[&'a Enquiry], now: DateTime) -> Option<Vec<&'a Enquiry>> {
    let mut run: Vec<&Enquiry> = own
        .iter()
        .rev()
        .skip_while(|e| e.reply_after.is_none() && !e.judged_at(now))
        .take_while(|e| e.reply_after.is_none())
        .copied()
        .collect();
    run.reverse();
    (!run.is_empty()).then_some(run)
}

fn unanswered(listings: Vec<u64>, run: &[&Enquiry]) -> Unanswered {
    Unanswered {
        listings,
        count: run.len() as u32,
        since: onoffice_date(run[0].at),
        last: onoffice_date(run[run.len() - 1].at),
    }
}

/// Listings whose enquiries older than a day have had no reply while the agency's other listings were answered since;
/// a mailbox with two or more such listings and none of its listings answered since is one sign on the mailbox.
/// `skip` are listings whose entries could not all be read; `gaps` the enquiries of a gap for everyone.
pub fn signs(
    enquiries: &[Enquiry],
    mailbox_of: &BTreeMap<u64, String>,
    skip: &BTreeSet<u64>,
    now: DateTime,
) -> Signs {
    let gap = gaps(enquiries, mailbox_of, now);
    let mut per_listing: BTreeMap<u64, Vec<&Enquiry>> = BTreeMap::new();
    for (i, e) in enquiries.iter().enumerate() {
        if !gap.contains(&i) && !skip.contains(&e.listing) {
            per_listing.entry(e.listing).or_default().push(e);
        }
    }
    // Answered elsewhere since `since`: the agent is working, only not for these.
    let answered_elsewhere = |since: DateTime, not: &dyn Fn(u64) -> bool| {
        enquiries
            .iter()
            .any(|e| e.at >= since && e.answered() && !not(e.listing))
    };
    let mut runs: BTreeMap<u64, Vec<&Enquiry>> = BTreeMap::new();
    for (&listing, own) in &per_listing {
        if let Some(run) = trailing_run(own, now) {
            if answered_elsewhere(run[0].at, &|l| l == listing) {
                runs.insert(listing, run);
            }
        }
    }
    let mut out = Signs::default();
    let mut by_box: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for &listing in runs.keys() {
        by_box
            .entry(mailbox_key(mailbox_of, listing))
            .or_default()
            .push(listing);
    }
    for (mailbox, listings) in by_box {
        let mut run: Vec<&Enquiry> = listings.iter().flat_map(|l| runs[l].clone()).collect();
        run.sort_by_key(|e| e.at);
        let since = run[0].at;
        let in_box = |l: u64| mailbox_key(mailbox_of, l) == mailbox;
        let box_answered_since = enquiries
            .iter()
            .any(|e| in_box(e.listing) && e.at >= since && e.reply_after.is_some());
        // A listing of the box whose entries could not all be read may have been answered.
        let box_unreadable = skip.iter().any(|&l| in_box(l));
        if listings.len() >= 2
            && !mailbox.starts_with('#')
            && !box_unreadable
            && !box_answered_since
            && answered_elsewhere(since, &in_box)
        {
            out.mailboxes
                .insert(mailbox, unanswered(listings.clone(), &run));
        } else {
            for l in listings {
                out.listings.insert(l, unanswered(vec![l], &runs[&l]));
            }
        }
    }
    out
}
