//! The outbox's pending rows as the one process that owns a SQLite database knows them, and
//! that process's leases. A claim chooses its rows here instead of asking the table, so the
//! table needs no index for the question "is an earlier row of this conversation still
//! waiting?", and a claim no longer walks, row by row in SQL, the rows in flight and the rows
//! blocked behind them. The table stays the truth: rows made since the last claim are read by
//! their ids (a range of the row id, which only grows), the chosen rows are read again before
//! they are handed out, and a change made in bulk (a replay, an endpoint resumed, an erasure)
//! has the next claim read every pending row again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

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
    pending: BTreeMap<i64, Pending>,
    /// Rows leased to this process's worker, with the end of each lease.
    leases: HashMap<i64, i64>,
}

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

    /// Read every pending row again at the next claim.
    pub(crate) fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Start again from every pending row up to id `seen`.
    pub(crate) fn reset(&mut self, seen: i64) {
        self.pending.clear();
        self.seen = seen;
        self.loaded = true;
    }

    /// A row read from the table (made after `seen`, or read again by a reset).
    pub(crate) fn add(&mut self, id: i64, key: &str, due: i64, pending: bool) {
        self.seen = self.seen.max(id);
        if pending {
            self.pending.insert(id, Pending { key: key_hash(key), due });
        }
    }

    /// Up to `limit` rows to send now, oldest first: due (on the clock `now`), not under a live
    /// lease (on the wall clock `lease_now`), and with no earlier pending row of their key that
    /// waits for a retry or holds a lease — even an expired one, which is claimed again first
    /// and whose recorded outcome clears it.
    pub(crate) fn pick(&self, now: i64, lease_now: i64, limit: usize) -> Vec<i64> {
        let mut blocked: HashSet<u64> = HashSet::new();
        let mut picked = Vec::new();
        for (id, p) in &self.pending {
            if picked.len() >= limit {
                break;
            }
            if blocked.contains(&p.key) {
                continue;
            }
            let lease = self.leases.get(id);
            if p.due > now || lease.is_some() {
                blocked.insert(p.key);
            }
            if p.due <= now && lease.is_none_or(|until| *until < lease_now) {
                picked.push(*id);
            }
        }
        picked
    }

    pub(crate) fn lease(&mut self, id: i64, until: i64) {
        self.leases.insert(id, until);
    }

    /// A row that is gone from the table or no longer pending.
    pub(crate) fn forget(&mut self, id: i64) {
        self.pending.remove(&id);
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
            None => {
                self.pending.remove(&id);
            }
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
    fn a_conversation_waits_for_its_earlier_rows() {
        let mut s = schedule(&[(1, "a", 10), (2, "a", 10), (3, "b", 50), (4, "b", 10), (5, "c", 10)]);
        // b's first row is not due: b's later row waits; a's rows go together.
        assert_eq!(s.pick(10, 0, 10), [1, 2, 5]);
        assert_eq!(s.pick(10, 0, 2), [1, 2]);
        s.lease(1, 100);
        // A live lease is not claimed again and holds back a's next row.
        assert_eq!(s.pick(10, 50, 10), [5]);
        // An expired lease is claimed again and still holds back a's next row.
        assert_eq!(s.pick(10, 101, 10), [1, 5]);
        s.recorded(1, None);
        assert_eq!(s.pick(10, 101, 10), [2, 5]);
        s.recorded(3, Some(5));
        assert_eq!(s.pick(10, 101, 10), [2, 3, 4, 5]);
        s.forget(2);
        s.add(9, "a", 10, false);
        assert_eq!(s.seen(), 9);
        assert_eq!(s.pick(10, 101, 10), [3, 4, 5]);
    }
}
