//! Rounds 5–8 of the pipeline for listing items: link missing contact persons first, read back, only then remove
//! the links the operation names, move links to reorder, and read the listings back.

use super::*;

impl Pipeline<'_> {
    /// Steps 5–8 for the listing items: link first, read back, remove, move, read back.
    pub(super) async fn listings(&self, slots: &mut [Slot]) {
        // 5. Link the missing contact persons first.
        let outcome_of: BTreeMap<usize, Outcome> = slots
            .iter()
            .filter_map(|s| s.done.as_ref().map(|d| (s.work.id, d.0.clone())))
            .collect();
        let in_batch: BTreeSet<usize> = slots.iter().map(|s| s.work.id).collect();
        let mut creates: Vec<(usize, Action)> = Vec::new();
        for (i, s) in slots.iter_mut().enumerate().filter(|(_, s)| s.is_open()) {
            let Some(op) = s.listing_op() else { continue };
            if let Some(r) = s.work.requires {
                let ok = match outcome_of.get(&r) {
                    Some(Outcome::Applied | Outcome::AlreadyDone) => true,
                    Some(_) => false,
                    None => !in_batch.contains(&r),
                };
                if !ok {
                    s.end(End::Closed(
                        Outcome::Skipped,
                        Text::new(
                            "Übersprungen: die nötige vorherige Änderung hat nicht geklappt.",
                            "Skipped: the change it needs did not go through.",
                        ),
                    ));
                    continue;
                }
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
        if !cancelled {
            for (i, r) in self.send(deletes).await {
                if let Err(e) = r {
                    slots[i].trouble.get_or_insert(e);
                }
            }
        }
        let mut finals = self.read_open_listings(slots).await;
        if !cancelled {
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
                for relation_step in [false, true] {
                    let acts: Vec<(usize, Action)> = slots
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.trouble.is_none())
                        .filter_map(|(i, s)| {
                            let a = *s.moves.get(k)?;
                            let estate = s.listing_op()?.estate();
                            Some((
                                i,
                                if relation_step {
                                    actions::create_relation(RELATION_CONTACT_PERSON, estate, a)
                                } else {
                                    actions::delete_relation(RELATION_CONTACT_PERSON_ALL, estate, a)
                                },
                            ))
                        })
                        .collect();
                    for (i, r) in self.send(acts).await {
                        if let Err(e) = r {
                            slots[i].trouble.get_or_insert(e);
                        }
                    }
                }
            }
            if rounds > 0 {
                finals = self.read_open_listings(slots).await;
            }
        }
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
