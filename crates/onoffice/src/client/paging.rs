//! Paging list reads to the end: the first page of each list together, then every remaining page at once (with a
//! total) or a few at a time (without one), de-duplicated by id.

use std::collections::BTreeMap;

use super::{Client, Result};
use crate::envelope::{Action, ActionResult, Record};

impl Client {
    /// Reads every record of a list read: the first page, then all remaining pages together.
    pub async fn read_all(&self, action: Action) -> Result<Vec<Record>> {
        self.read_all_many(vec![action])
            .await
            .pop()
            .expect("one result per action")
    }

    /// Reads every record of several list reads. First pages go out together, then the remaining pages.
    pub async fn read_all_many(&self, actions: Vec<Action>) -> Vec<Result<Vec<Record>>> {
        let page = self.inner.config.page_size;
        let firsts: Vec<Action> = actions.iter().map(|a| paged(a, page, 0)).collect();
        let first_results = self.execute(firsts).await;
        self.read_remaining(&actions, first_results).await
    }

    /// Given the first page of each list read, reads the rest. With a total (`cntabsolute`) every remaining page goes
    /// out at once; without one (user reads), pages are read a few at a time until one comes back shorter than the
    /// limit. Records are de-duplicated by id (a record added between two pages shifts the rest by one).
    pub async fn read_remaining(
        &self,
        lists: &[Action],
        firsts: Vec<Result<ActionResult>>,
    ) -> Vec<Result<Vec<Record>>> {
        let ahead = self.inner.config.max_in_flight as u64;
        self.read_remaining_ahead(lists, firsts, ahead).await
    }

    /// `read_remaining`, reading `ahead` pages of each open-ended list per round. Many lists that mostly end on their
    /// second page (the Maklerbuch's reads of 200 listings) read one page ahead: a round of short second pages instead
    /// of four speculative pages per list, most of them empty.
    pub async fn read_remaining_ahead(
        &self,
        lists: &[Action],
        firsts: Vec<Result<ActionResult>>,
        ahead: u64,
    ) -> Vec<Result<Vec<Record>>> {
        let ahead = ahead.max(1);
        let page = self.inner.config.page_size;
        let mut out: Vec<Result<Vec<Record>>> = Vec::with_capacity(lists.len());
        // Lists without a total whose last page was full: (list, next offset).
        let mut open_ended: Vec<(usize, u64)> = Vec::new();
        let mut follow_ups: Vec<(usize, Action)> = Vec::new();
        for (i, result) in firsts.into_iter().enumerate() {
            match result {
                Ok(r) => {
                    match r.cnt_absolute {
                        Some(total) => {
                            let mut offset = page;
                            while offset < total {
                                follow_ups.push((i, paged(&lists[i], page, offset)));
                                offset += page;
                            }
                        }
                        None if r.records.len() as u64 >= page => open_ended.push((i, page)),
                        None => {}
                    }
                    out.push(Ok(r.records));
                }
                Err(e) => out.push(Err(e)),
            }
        }
        loop {
            // Without a total, read the next few pages of each open list in the same round.
            let mut round_owner: Vec<(usize, bool)> = Vec::new();
            let mut pages: Vec<Action> = Vec::new();
            for (owner, action) in follow_ups.drain(..) {
                round_owner.push((owner, false));
                pages.push(action);
            }
            for &(i, offset) in &open_ended {
                for k in 0..ahead {
                    round_owner.push((i, true));
                    pages.push(paged(&lists[i], page, offset + k * page));
                }
            }
            if pages.is_empty() {
                break;
            }
            let mut still_open: BTreeMap<usize, bool> =
                open_ended.iter().map(|&(i, _)| (i, true)).collect();
            for ((owner, open), result) in round_owner.into_iter().zip(self.execute(pages).await) {
                match (&mut out[owner], result) {
                    (Ok(records), Ok(r)) => {
                        if open && (r.records.len() as u64) < page {
                            still_open.insert(owner, false);
                        }
                        records.extend(r.records);
                    }
                    (slot @ Ok(_), Err(e)) => {
                        still_open.insert(owner, false);
                        *slot = Err(e);
                    }
                    (Err(_), _) => {
                        still_open.insert(owner, false);
                    }
                }
            }
            open_ended = open_ended
                .into_iter()
                .filter(|(i, _)| still_open.get(i) == Some(&true))
                .map(|(i, offset)| (i, offset + ahead * page))
                .collect();
        }
        for records in out.iter_mut().flatten() {
            let mut seen = std::collections::HashSet::new();
            records.retain(|r| seen.insert(r.id.clone()));
        }
        out
    }
}

/// A list read limited to one page.
pub fn paged(action: &Action, limit: u64, offset: u64) -> Action {
    action
        .clone()
        .param("listlimit", limit)
        .param("listoffset", offset)
}
