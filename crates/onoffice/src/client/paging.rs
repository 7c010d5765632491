//! Paging list reads to the end: the first page of each list together, then every remaining page at once (with a
//! total) or a few at a time (without one), de-duplicated by id.

use std::collections::{BTreeMap, HashSet};

use super::{Client, Result};
use crate::envelope::{Action, ActionResult, Record};

impl Client {
    /// Reads every record of a list read: the first page, then all remaining pages together.
    pub async fn read_all(&self, action: Action) -> Result<Vec<Record>> {
        self.read_all_many(vec![action])
            .await
            .pop()
            .unwrap_or_else(|| Err(super::unanswered()))
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
        self.read_remaining_into(lists, firsts, ahead, |_, r| Some(r))
            .await
    }

    /// `read_remaining_ahead`, turning each record into what the caller keeps (`keep` gets the list's index; `None`
    /// drops the record) as soon as its page arrives, so a long list is never held as raw JSON all at once. Records
    /// are de-duplicated by id before they are kept.
    pub async fn read_remaining_into<T>(
        &self,
        lists: &[Action],
        firsts: Vec<Result<ActionResult>>,
        ahead: u64,
        keep: impl Fn(usize, Record) -> Option<T>,
    ) -> Vec<Result<Vec<T>>> {
        let firsts = firsts
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.map(|r| FirstPage::of(i, r, &keep)))
            .collect();
        self.read_rest_into(lists, firsts, ahead, keep).await
    }

    /// The first page of each list, each record turned into what the caller keeps as its page arrives (see
    /// [`Client::read_remaining_into`]); [`Client::read_rest_into`] reads the rest.
    pub async fn first_pages_into<T>(
        &self,
        lists: &[Action],
        keep: &impl Fn(usize, Record) -> Option<T>,
    ) -> Vec<Result<FirstPage<T>>> {
        let page = self.inner.config.page_size;
        let firsts: Vec<Action> = lists.iter().map(|a| paged(a, page, 0)).collect();
        let mut out = Vec::with_capacity(lists.len());
        self.execute_each(firsts, |r| {
            let i = out.len();
            out.push(r.map(|r| FirstPage::of(i, r, keep)));
        })
        .await;
        out
    }

    /// Given the first page of each list (already kept), reads the rest as `read_remaining_into` does.
    pub async fn read_rest_into<T>(
        &self,
        lists: &[Action],
        firsts: Vec<Result<FirstPage<T>>>,
        ahead: u64,
        keep: impl Fn(usize, Record) -> Option<T>,
    ) -> Vec<Result<Vec<T>>> {
        let ahead = ahead.max(1);
        let page = self.inner.config.page_size;
        // Lists without a total whose last page was full: (list, next offset).
        let mut open_ended: Vec<(usize, u64)> = Vec::new();
        let mut follow_ups: Vec<(usize, Action)> = Vec::new();
        for (i, first) in firsts.iter().enumerate() {
            let Ok(first) = first else { continue };
            match first.cnt_absolute {
                Some(total) => follow_ups.extend(
                    (1..total.div_ceil(page)).map(|n| (i, paged(&lists[i], page, n * page))),
                ),
                None if first.len >= page => open_ended.push((i, page)),
                None => {}
            }
        }
        let mut kept = Kept::new(firsts, &keep);
        loop {
            // Without a total, read the next few pages of each open list in the same round.
            let mut owners: Vec<(usize, bool)> = Vec::new();
            let mut pages: Vec<Action> = Vec::new();
            for (owner, action) in follow_ups.drain(..) {
                owners.push((owner, false));
                pages.push(action);
            }
            for &(i, offset) in &open_ended {
                for k in 0..ahead {
                    owners.push((i, true));
                    pages.push(paged(&lists[i], page, offset + k * page));
                }
            }
            if pages.is_empty() {
                break;
            }
            let mut still_open: BTreeMap<usize, bool> =
                open_ended.iter().map(|&(i, _)| (i, true)).collect();
            let mut owner = owners.into_iter();
            self.execute_each(pages, |result| {
                let Some((i, open)) = owner.next() else {
                    return;
                };
                let ended = result
                    .as_ref()
                    .map_or(true, |r| open && (r.records.len() as u64) < page);
                if ended || kept.failed(i) {
                    still_open.insert(i, false);
                }
                kept.page(i, result);
            })
            .await;
            open_ended = open_ended
                .into_iter()
                .filter(|(i, _)| still_open.get(i) == Some(&true))
                .map(|(i, offset)| (i, offset + ahead * page))
                .collect();
        }
        kept.out
    }
}

/// The first page of a list read, its records already turned into what the caller keeps.
pub struct FirstPage<T> {
    /// The list's total, when the API gave one.
    pub cnt_absolute: Option<u64>,
    /// How many records the page held (before de-duplication and `keep`).
    pub len: u64,
    kept: Vec<T>,
    seen: HashSet<String>,
}

impl<T> FirstPage<T> {
    fn of(list: usize, r: ActionResult, keep: &impl Fn(usize, Record) -> Option<T>) -> Self {
        let mut seen = HashSet::new();
        let len = r.records.len() as u64;
        let kept = r
            .records
            .into_iter()
            .filter(|r| seen.insert(r.id.clone()))
            .filter_map(|r| keep(list, r))
            .collect();
        FirstPage {
            cnt_absolute: r.cnt_absolute,
            len,
            kept,
            seen,
        }
    }
}

/// What the pages of several lists came to so far: per list its kept records (or its first error) and the ids seen.
struct Kept<'k, T, F: Fn(usize, Record) -> Option<T>> {
    out: Vec<Result<Vec<T>>>,
    seen: Vec<HashSet<String>>,
    keep: &'k F,
}

impl<'k, T, F: Fn(usize, Record) -> Option<T>> Kept<'k, T, F> {
    fn new(firsts: Vec<Result<FirstPage<T>>>, keep: &'k F) -> Self {
        let mut out = Vec::with_capacity(firsts.len());
        let mut seen = Vec::with_capacity(firsts.len());
        for first in firsts {
            match first {
                Ok(f) => {
                    out.push(Ok(f.kept));
                    seen.push(f.seen);
                }
                Err(e) => {
                    out.push(Err(e));
                    seen.push(HashSet::new());
                }
            }
        }
        Kept { out, seen, keep }
    }

    fn failed(&self, list: usize) -> bool {
        self.out[list].is_err()
    }

    /// One page of a list: its new records kept; an error makes the list's result that error (once).
    fn page(&mut self, list: usize, result: Result<ActionResult>) {
        let (Ok(records), seen) = (&mut self.out[list], &mut self.seen[list]) else {
            return;
        };
        match result {
            Ok(r) => records.extend(
                r.records
                    .into_iter()
                    .filter(|r| seen.insert(r.id.clone()))
                    .filter_map(|r| (self.keep)(list, r)),
            ),
            Err(e) => self.out[list] = Err(e),
        }
    }
}

/// A list read limited to one page.
pub fn paged(action: &Action, limit: u64, offset: u64) -> Action {
    action
        .clone()
        .param("listlimit", limit)
        .param("listoffset", offset)
}
