//! Rounds 5–8 of the pipeline for listing items: link missing contact persons first, read back, only then remove
//! the links the operation names, move links to reorder, and read the listings back.

use super::*;

impl Pipeline<'_> {
    /// Steps 5–8 for the listing items: link first, read back, remove, move, read back.
    pub(super) async fn listings(&self, slots: &mut [Slot]) {
        // 5. Link the missing contact persons first.
        let creates = links_to_create(slots);
        self.flush(slots);
        if self.cancelled() {
            for s in slots.iter_mut().filter(|s| s.is_open()) {
                s.end(End::Closed(Outcome::Skipped, cancelled_text()));
            }
            self.flush(slots);
            return;
        }
        self.step(
            4,
            format!("Verknüpfe {} Ansprechpartner …", creates.len()),
            format!("Linking {} contact persons …", creates.len()),
        );
        for (i, r) in self.send(creates).await {
            if let Err(e) = r {
                slots[i].link_error.get_or_insert(e);
            }
        }
        // 6. Read the order back: where did the new links land, who stands in front of them now?
        let deletes = self.read_links_back(slots).await;
        self.flush(slots);
        let cancelled = self.cancelled();
        // 7. Only now remove the links the operations name; 8. move the ones out of order; read back.
        self.step(
            6,
            format!(
                "Entferne {} Ansprechpartner und lese zurück …",
                deletes.len()
            ),
            format!(
                "Removing {} contact persons and reading back …",
                deletes.len()
            ),
        );
        let finals = if cancelled {
            self.read_open_listings(slots).await
        } else {
            self.remove_and_reorder(slots, deletes).await
        };
        for s in slots.iter_mut().filter(|s| s.is_open()) {
            let Some(op) = s.listing_op() else { continue };
            let end = match &finals {
                Ok(map) => {
                    let back = map.get(&op.estate()).cloned().unwrap_or_default();
                    let trouble = s.trouble.as_ref().or(s.link_error.as_ref());
                    op.judge(&s.current, &back, cancelled, trouble)
                }
                Err(_) => op.readback_lost(&s.current, &s.now),
            };
            s.end(end);
        }
        self.flush(slots);
    }

    /// Step 6: reads back the listings that got links and keeps what each now shows; returns the links the items
    /// then remove (an item whose read-back failed ends as unknown).
    async fn read_links_back(&self, slots: &mut [Slot]) -> Vec<(usize, Action)> {
        let open: BTreeSet<u64> = slots
            .iter()
            .filter(|s| s.is_open() && s.linked)
            .filter_map(|s| s.listing_op().map(|op| op.estate()))
            .collect();
        self.step(
            5,
            format!("Lese {} Objekte zurück …", open.len()),
            format!("Reading back {} listings …", open.len()),
        );
        let linked = read_brokers(self.client, &open).await;
        let mut deletes: Vec<(usize, Action)> = Vec::new();
        for (i, s) in slots.iter_mut().enumerate().filter(|(_, s)| s.is_open()) {
            let Some(op) = s.listing_op() else { continue };
            let estate = op.estate();
            let now = match &linked {
                _ if !s.linked => s.current.clone(),
                Ok(map) => map.get(&estate).cloned().unwrap_or_default(),
                Err(_) => {
                    s.end(End::Closed(Outcome::Unknown, readback_lost()));
                    continue;
                }
            };
            match op.links_to_remove(&s.current, &now, s.link_error.as_ref()) {
                Err(end) => s.end(end),
                Ok(links) => deletes.extend(links.into_iter().map(|a| {
                    (
                        i,
                        actions::delete_relation(RELATION_CONTACT_PERSON_ALL, estate, a),
                    )
                })),
            }
            s.now = now;
        }
        deletes
    }

    /// Steps 7–8: removes the links, reads the listings back, moves the links out of order one round at a time and
    /// reads back again if any moved; returns the final read-back.
    async fn remove_and_reorder(
        &self,
        slots: &mut [Slot],
        deletes: Vec<(usize, Action)>,
    ) -> onoffice::Result<BTreeMap<u64, Vec<u64>>> {
        self.send_noting_trouble(slots, deletes).await;
        let finals = self.read_open_listings(slots).await;
        if let Ok(map) = &finals {
            for s in slots
                .iter_mut()
                .filter(|s| s.is_open() && s.trouble.is_none())
            {
                let Some(op) = s.listing_op() else { continue };
                let back = map.get(&op.estate()).cloned().unwrap_or_default();
                s.moves = op.links_to_move(&s.current, &back);
            }
        }
        let rounds = slots.iter().map(|s| s.moves.len()).max().unwrap_or(0);
        for k in 0..rounds {
            // One link at a time per listing: it is gone only while the others stay, then comes back last.
            for relink in [false, true] {
                let acts = move_step(slots, k, relink);
                self.send_noting_trouble(slots, acts).await;
            }
        }
        if rounds > 0 {
            return self.read_open_listings(slots).await;
        }
        finals
    }

    /// Sends writes; the first one onOffice refused or did not answer stays with its item as its trouble.
    async fn send_noting_trouble(&self, slots: &mut [Slot], acts: Vec<(usize, Action)>) {
        for (i, r) in self.send(acts).await {
            if let Err(e) = r {
                slots[i].trouble.get_or_insert(e);
            }
        }
    }

    pub(super) async fn read_open_listings(
        &self,
        slots: &[Slot],
    ) -> onoffice::Result<BTreeMap<u64, Vec<u64>>> {
        let estates: BTreeSet<u64> = slots
            .iter()
            .filter(|s| s.is_open())
            .filter_map(|s| s.listing_op().map(|op| op.estate()))
            .collect();
        read_brokers(self.client, &estates).await
    }
}

/// Step 5: the links each open listing item creates (an item whose prerequisite did not go through is skipped, one
/// whose operation refuses ends).
fn links_to_create(slots: &mut [Slot]) -> Vec<(usize, Action)> {
    let outcome_of: BTreeMap<usize, Outcome> = slots
        .iter()
        .filter_map(|s| s.done.as_ref().map(|d| (s.work.id, d.0.clone())))
        .collect();
    let in_batch: BTreeSet<usize> = slots.iter().map(|s| s.work.id).collect();
    let mut creates: Vec<(usize, Action)> = Vec::new();
    for (i, s) in slots.iter_mut().enumerate().filter(|(_, s)| s.is_open()) {
        let Some(op) = s.listing_op() else { continue };
        let prerequisite_failed = s.work.requires.is_some_and(|r| match outcome_of.get(&r) {
            Some(Outcome::Applied | Outcome::AlreadyDone) => false,
            Some(_) => true,
            None => in_batch.contains(&r),
        });
        if prerequisite_failed {
            s.end(End::Closed(
                Outcome::Skipped,
                Text::new(
                    "Übersprungen: die nötige vorherige Änderung hat nicht geklappt.",
                    "Skipped: the change it needs did not go through.",
                ),
            ));
            continue;
        }
        let estate = op.estate();
        match op.links_to_create(&s.current) {
            Err(end) => s.end(end),
            Ok(links) => {
                s.linked = !links.is_empty();
                creates.extend(links.into_iter().map(|a| {
                    (
                        i,
                        actions::create_relation(RELATION_CONTACT_PERSON, estate, a),
                    )
                }));
            }
        }
    }
    creates
}

/// The `k`-th move of every item still without trouble: the link removed, or (`relink`) created again at the end.
fn move_step(slots: &[Slot], k: usize, relink: bool) -> Vec<(usize, Action)> {
    slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.trouble.is_none())
        .filter_map(|(i, s)| {
            let a = *s.moves.get(k)?;
            let estate = s.listing_op()?.estate();
            Some((
                i,
                if relink {
                    actions::create_relation(RELATION_CONTACT_PERSON, estate, a)
                } else {
                    actions::delete_relation(RELATION_CONTACT_PERSON_ALL, estate, a)
                },
            ))
        })
        .collect()
}
