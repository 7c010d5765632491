//! Rounds 2–4 of the pipeline for address items: re-read the touched addresses in waves, merge each record's items
//! into one write, write, and read back in bulk (with the listings' brokers when listing items follow).

use super::*;

/// What the waves leave for the read-back: each record as re-read with the draft merged into it, and each write's
/// answer (by address).
#[derive(Default)]
struct Written {
    drafts: BTreeMap<u64, (Record, Draft)>,
    writes: BTreeMap<u64, onoffice::Result<()>>,
}

impl Pipeline<'_> {
    /// Steps 2–4 for the address items; `with_brokers`: read the listings' brokers alongside the read-back.
    pub(super) async fn addresses(&self, slots: &mut [Slot], with_brokers: bool) {
        let ids: Vec<u64> = slots
            .iter()
            .filter_map(|s| s.address_op().map(|op| op.address()))
            .collect::<BTreeSet<u64>>()
            .into_iter()
            .collect();
        self.step(
            1,
            format!("Lese {} Adressen vor dem Schreiben …", ids.len()),
            format!("Reading {} addresses before writing …", ids.len()),
        );
        let written = self.write_waves(slots, &ids).await;
        self.flush(slots);
        self.read_back_addresses(slots, &written, with_brokers)
            .await;
    }

    /// Steps 2–3: waves of as many records as one round of requests carries, each re-read right before its write, so a
    /// colleague's edit can only slip in during one round trip (the multiselect write replaces the whole list).
    async fn write_waves(&self, slots: &mut [Slot], ids: &[u64]) -> Written {
        let wave_size = (self.client.batch_limit() * self.client.max_in_flight()).max(1);
        let mut written = Written::default();
        for (n, chunk) in ids.chunks(wave_size).enumerate() {
            let wave: BTreeSet<u64> = chunk.iter().copied().collect();
            let current = read_addresses(self.client, &wave, ADDRESS_READ).await;
            merge_wave(slots, &wave, &current, &mut written.drafts);
            if self.cancelled() {
                skip_unsent(slots, &written.writes);
                break;
            }
            let acts: Vec<(usize, Action)> = wave
                .iter()
                .filter_map(|id| written.drafts.get(id).map(|(_, d)| (*id, d.changes())))
                .filter(|(_, c)| !c.is_empty())
                .map(|(id, c)| (id as usize, actions::modify_address(id, &c)))
                .collect();
            self.step(
                2,
                format!("Schreibe {} Adressen (Teil {}) …", acts.len(), n + 1),
                format!("Writing {} addresses (part {}) …", acts.len(), n + 1),
            );
            written.writes.extend(
                self.send(acts)
                    .await
                    .into_iter()
                    .map(|(id, r)| (id as u64, r)),
            );
        }
        written
    }

    /// Step 4: reads back the written addresses, and the brokers of the listings to change, together; decides
    /// the address items from the read-back.
    async fn read_back_addresses(&self, slots: &mut [Slot], written: &Written, with_brokers: bool) {
        let readback: BTreeSet<u64> = written.writes.keys().copied().collect();
        let estates: BTreeSet<u64> = slots
            .iter()
            .filter(|s| with_brokers && s.is_open())
            .filter_map(|s| s.listing_op().map(|op| op.estate()))
            .collect();
        self.step(
            3,
            format!(
                "Lese {} Adressen zurück und die Ansprechpartner von {} Objekten …",
                readback.len(),
                estates.len()
            ),
            format!(
                "Reading back {} addresses and the contact persons of {} listings …",
                readback.len(),
                estates.len()
            ),
        );
        let (back, brokers) = tokio::join!(
            read_addresses(self.client, &readback, ADDRESS_READ),
            read_brokers(self.client, &estates)
        );
        for s in slots.iter_mut().filter(|s| s.is_open()) {
            if let WorkOp::Address(op) = &s.work.op {
                let end = judge_address(op.as_ref(), written, &back);
                s.end(end);
            }
        }
        self.flush(slots);
        if with_brokers {
            self.take_brokers(slots, &brokers);
        }
    }
}

/// Merges the open items of one wave into their records' drafts, given the wave's re-read; an item whose record
/// could not be read, or whose merge refuses, ends here.
fn merge_wave(
    slots: &mut [Slot],
    wave: &BTreeSet<u64>,
    current: &onoffice::Result<BTreeMap<u64, Record>>,
    drafts: &mut BTreeMap<u64, (Record, Draft)>,
) {
    for s in slots.iter_mut().filter(|s| s.is_open()) {
        let Some(op) = s.address_op() else { continue };
        let address = op.address();
        if !wave.contains(&address) {
            continue;
        }
        let seen = match current {
            Err(e) => Err(e.clone()),
            Ok(map) => map.get(&address).cloned().ok_or_else(unknown_record),
        };
        let end = match seen {
            Err(e) => Err(End::from(failed(&e))),
            Ok(seen) => {
                let (_, draft) = drafts
                    .entry(address)
                    .or_insert_with(|| (seen.clone(), Draft::default()));
                op.merge(&seen, draft)
            }
        };
        if let Err(end) = end {
            s.end(end);
        }
    }
}

/// Cancelled: earlier waves were written (their read-back decides them); the open items of this wave and later ones
/// are not sent.
fn skip_unsent(slots: &mut [Slot], writes: &BTreeMap<u64, onoffice::Result<()>>) {
    for s in slots.iter_mut().filter(|s| s.is_open()) {
        if let Some(op) = s.address_op() {
            if !writes.contains_key(&op.address()) {
                s.end(End::Closed(Outcome::Skipped, cancelled_text()));
            }
        }
    }
}

/// An address item's end from the read-back. Without it the outcome is unknown, unless onOffice refused the write.
fn judge_address(
    op: &dyn AddressOp,
    written: &Written,
    back: &onoffice::Result<BTreeMap<u64, Record>>,
) -> End {
    let address = op.address();
    let write = written.writes.get(&address);
    let rec = back.as_ref().ok().and_then(|map| map.get(&address));
    match (rec, written.drafts.get(&address)) {
        (Some(rec), Some((seen, draft))) => op.judge(seen, draft, rec, write),
        _ => match write {
            Some(Err(e)) if e.class() != ErrorClass::UnknownOutcome => End::from(failed(e)),
            _ => End::Closed(Outcome::Unknown, readback_lost()),
        },
    }
}
