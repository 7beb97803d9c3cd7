//! The outbox's pending rows as the one process that owns a SQLite database knows them, and
//! that process's leases. A claim chooses its rows here instead of asking the table, so the
//! table needs no index for the question "is an earlier row of this conversation still
//! waiting?", and a claim no longer walks, row by row in SQL, the rows in flight and the rows
//! blocked behind them. The table stays the truth: rows made since the last claim come from
//! this process's writer, which hands over every outbox row it commits, or are read by their
//! ids (a range of the row id, which only grows) when the writer cannot vouch for them (another
//! process wrote, too many piled up) and at least once a second; chosen rows made before the
//! last claim are read again before they are handed out; and a change made in bulk (a replay,
//! an endpoint resumed, an erasure) has the next claim read every pending row again.

use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use risala_core::model::Delivery;

/// A pending row: its ordering key (hashed: two keys that collide only ever wait for each
/// other, which keeps order) and when it is next due.
struct Pending {
    key: u64,
    due: i64,
}

/// What the schedule knows; held under the store's lock for the length of a claim.
#[derive(Default)]
pub(crate) struct Schedule {
    /// Whether `pending` holds every pending row up to `seen`: false at start and after a change
    /// made in bulk, until the next claim reads them all.
    loaded: bool,
    /// The highest row id read so far.
    seen: i64,
    pending: HashMap<i64, Pending>,
    /// Each ordering key's pending rows, oldest first.
    keys: HashMap<u64, BTreeSet<i64>>,
    /// Each ordering key's oldest pending row: a claim walks these, so a conversation whose
    /// first row waits costs one step however many rows wait behind it.
    heads: BTreeSet<(i64, u64)>,
    /// Rows leased to this process's worker, with the end of each lease.
    leases: HashMap<i64, i64>,
    /// When the rows made since a claim were last read from the table rather than taken from
    /// the writer.
    read_at: Option<Instant>,
    /// New rows as they were made, not yet chosen (at most [`KEEP_MAX`], none older than the
    /// last read of the table): until chosen, only a change made in bulk (which resets the
    /// schedule) or another process (which the next read covers) changes them.
    kept: HashMap<i64, Delivery>,
}

/// Most new rows kept whole for a later claim; past it they are read again when chosen.
const KEEP_MAX: usize = 4096;

/// How long claims may go on taking new rows from the writer alone: a row another process
/// made (`risala admin …`) is read within this, as the worker's poll would find it.
const READ_EVERY: Duration = Duration::from_secs(1);

fn key_hash(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl Schedule {
    pub(crate) fn loaded(&self) -> bool {
        self.loaded
    }

    pub(crate) fn seen(&self) -> i64 {
        self.seen
    }

    /// Whether a claim should read the rows made since the last one from the table.
    pub(crate) fn read_due(&self) -> bool {
        self.read_at.is_none_or(|at| at.elapsed() >= READ_EVERY)
    }

    pub(crate) fn read_now(&mut self) {
        self.read_at = Some(Instant::now());
        self.kept.clear();
    }

    /// Keep a new row whole until it is chosen, if there is room.
    pub(crate) fn keep(&mut self, d: Delivery) {
        if self.kept.len() < KEEP_MAX {
            self.kept.insert(d.id, d);
        }
    }

    /// The kept row `id`, if it was kept.
    pub(crate) fn take_kept(&mut self, id: i64) -> Option<Delivery> {
        self.kept.remove(&id)
    }

    /// Every row up to id `id` is known (the ones not held were deleted or are not pending).
    pub(crate) fn saw(&mut self, id: i64) {
        self.seen = self.seen.max(id);
    }

    /// Read every pending row again at the next claim.
    pub(crate) fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Start again from every pending row up to id `seen`.
    pub(crate) fn reset(&mut self, seen: i64) {
        self.pending.clear();
        self.keys.clear();
        self.heads.clear();
        self.kept.clear();
        self.seen = seen;
        self.loaded = true;
    }

    /// A row read from the table (made after `seen`, or read again by a reset): one the
    /// schedule does not hold yet.
    pub(crate) fn add(&mut self, id: i64, key: &str, due: i64, pending: bool) {
        self.seen = self.seen.max(id);
        if !pending {
            return;
        }
        let key = key_hash(key);
        self.pending.insert(id, Pending { key, due });
        let ids = self.keys.entry(key).or_default();
        let old_head = ids.first().copied();
        ids.insert(id);
        if old_head.is_none_or(|h| id < h) {
            if let Some(h) = old_head {
                self.heads.remove(&(h, key));
            }
            self.heads.insert((id, key));
        }
    }

    /// Take row `id` out of its key's rows, moving the key's head on if it was the head.
    fn remove_from_key(&mut self, id: i64, key: u64) {
        let Some(ids) = self.keys.get_mut(&key) else { return };
        let was_head = ids.first() == Some(&id);
        ids.remove(&id);
        if was_head {
            self.heads.remove(&(id, key));
            match ids.first() {
                Some(next) => {
                    self.heads.insert((*next, key));
                }
                None => {
                    self.keys.remove(&key);
                }
            }
        }
    }

    fn remove(&mut self, id: i64) {
        self.kept.remove(&id);
        if let Some(p) = self.pending.remove(&id) {
            self.remove_from_key(id, p.key);
        }
    }

    /// Up to `limit` rows to send now, oldest first: due (on the clock `now`), not under a live
    /// lease (on the wall clock `lease_now`), and with no earlier pending row of their key that
    /// waits for a retry or holds a lease — even an expired one, which is claimed again first
    /// and whose recorded outcome clears it; at most `per_key` of one key (the first of a key's
    /// rows not chosen waits for those that were, as if leased).
    pub(crate) fn pick(&self, now: i64, lease_now: i64, limit: usize, per_key: usize) -> Vec<i64> {
        // The `limit` oldest rows found so far, the newest of them on top.
        let mut best: BinaryHeap<i64> = BinaryHeap::with_capacity(limit + 1);
        let full_below = |best: &BinaryHeap<i64>, id: i64| best.len() >= limit && best.peek().is_some_and(|m| id > *m);
        for (head, key) in &self.heads {
            if full_below(&best, *head) {
                break;
            }
            for (n, id) in self.keys.get(key).into_iter().flatten().enumerate() {
                if n >= per_key || full_below(&best, *id) {
                    break;
                }
                let Some(p) = self.pending.get(id) else { break };
                let lease = self.leases.get(id);
                if p.due <= now && lease.is_none_or(|until| *until < lease_now) {
                    best.push(*id);
                    if best.len() > limit {
                        best.pop();
                    }
                }
                if p.due > now || lease.is_some() {
                    break;
                }
            }
        }
        best.into_sorted_vec()
    }

    /// When the next row may be sent: the earliest due time of a key's oldest row not under a
    /// lease (a later row of a key waits for its oldest, and a leased row's outcome wakes the
    /// worker when it is recorded); `None` when no row waits.
    pub(crate) fn next_due(&self) -> Option<i64> {
        self.heads
            .iter()
            .filter(|(id, _)| !self.leases.contains_key(id))
            .filter_map(|(id, _)| self.pending.get(id).map(|p| p.due))
            .min()
    }

    pub(crate) fn lease(&mut self, id: i64, until: i64) {
        self.leases.insert(id, until);
    }

    /// A row that is gone from the table or no longer pending.
    pub(crate) fn forget(&mut self, id: i64) {
        self.remove(id);
        self.leases.remove(&id);
    }

    /// A recorded attempt: the row is done (delivered or dead), or due again at `due`.
    pub(crate) fn recorded(&mut self, id: i64, due: Option<i64>) {
        self.leases.remove(&id);
        match due {
            Some(due) => {
                if let Some(p) = self.pending.get_mut(&id) {
                    p.due = due;
                }
            }
            None => self.remove(id),
        }
    }

    pub(crate) fn end_lease(&mut self, id: i64) {
        self.leases.remove(&id);
    }

    /// End every lease; how many there were.
    pub(crate) fn clear_leases(&mut self) -> u64 {
        let n = self.leases.len() as u64;
        self.leases.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(rows: &[(i64, &str, i64)]) -> Schedule {
        let mut s = Schedule::default();
        s.reset(0);
        for (id, key, due) in rows {
            s.add(*id, key, *due, true);
        }
        s
    }

    #[test]
    fn the_next_due_row_is_the_earliest_oldest_row_of_a_key_not_in_flight() {
        let mut s = schedule(&[(1, "a", 40), (2, "a", 10), (3, "b", 30), (4, "c", 20)]);
        // a's second row is due first, but waits for a's first.
        assert_eq!(s.next_due(), Some(20));
        s.lease(4, 100);
        assert_eq!(s.next_due(), Some(30));
        s.recorded(4, None);
        s.recorded(3, None);
        s.recorded(1, None);
        assert_eq!(s.next_due(), Some(10));
        s.recorded(2, None);
        assert_eq!(s.next_due(), None);
    }

    #[test]
    fn a_conversation_waits_for_its_earlier_rows() {
        let mut s = schedule(&[(1, "a", 10), (2, "a", 10), (3, "b", 50), (4, "b", 10), (5, "c", 10)]);
        // b's first row is not due: b's later row waits; a's rows go together.
        assert_eq!(s.pick(10, 0, 10, usize::MAX), [1, 2, 5]);
        assert_eq!(s.pick(10, 0, 2, usize::MAX), [1, 2]);
        s.lease(1, 100);
        // A live lease is not claimed again and holds back a's next row.
        assert_eq!(s.pick(10, 50, 10, usize::MAX), [5]);
        // An expired lease is claimed again and still holds back a's next row.
        assert_eq!(s.pick(10, 101, 10, usize::MAX), [1, 5]);
        s.recorded(1, None);
        assert_eq!(s.pick(10, 101, 10, usize::MAX), [2, 5]);
        s.recorded(3, Some(5));
        assert_eq!(s.pick(10, 101, 10, usize::MAX), [2, 3, 4, 5]);
        s.forget(2);
        s.add(9, "a", 10, false);
        assert_eq!(s.seen(), 9);
        assert_eq!(s.pick(10, 101, 10, usize::MAX), [3, 4, 5]);
    }

    #[test]
    fn a_claim_takes_at_most_per_key_rows_of_a_conversation() {
        let s = schedule(&[(1, "a", 10), (2, "a", 10), (3, "a", 10), (4, "b", 10), (5, "b", 10)]);
        assert_eq!(s.pick(10, 0, 10, 1), [1, 4]);
        assert_eq!(s.pick(10, 0, 10, 2), [1, 2, 4, 5]);
        assert_eq!(s.pick(10, 0, 3, 2), [1, 2, 4]);
        assert_eq!(s.pick(10, 0, 10, usize::MAX), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn the_oldest_rows_go_first_across_conversations() {
        let mut s = schedule(&[(1, "a", 10), (2, "b", 10), (3, "b", 10), (4, "a", 10), (5, "a", 10), (6, "c", 10)]);
        assert_eq!(s.pick(10, 0, 3, usize::MAX), [1, 2, 3]);
        assert_eq!(s.pick(10, 0, 4, usize::MAX), [1, 2, 3, 4]);
        // a's head done: a's next row heads it, still in id order with b's.
        s.recorded(1, None);
        assert_eq!(s.pick(10, 0, 2, usize::MAX), [2, 3]);
        assert_eq!(s.pick(10, 0, 10, usize::MAX), [2, 3, 4, 5, 6]);
        // A row in the middle of a conversation done out of order; then b waits for a retry.
        s.recorded(4, None);
        s.recorded(2, Some(50));
        assert_eq!(s.pick(10, 0, 10, usize::MAX), [5, 6]);
        s.forget(5);
        s.forget(6);
        assert_eq!(s.pick(60, 0, 10, usize::MAX), [2, 3]);
    }
}
