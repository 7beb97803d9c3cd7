//! A small map whose entries expire, for hot lookups that would otherwise hit the database on
//! every request (tokens, objects, phone numbers). Entries live a few seconds so changes made
//! by other nodes are seen soon; changes made on this node remove the entry at once.
//!
//! When an entry expires under load, every request in flight would read it again at once (a
//! busy number's entry: dozens of reads of the same row); the first one to find it expired
//! reads it, and the others keep the expired value meanwhile ([`TtlCache::get_or_load`]).

use hashbrown::{Equivalent, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// How long a process keeps what it would hear of another process changing: what it keeps is
/// dropped when another process changes it, so the time only bounds memory for entries
/// nobody asks for any more.
pub const HEARD_TTL: Duration = Duration::from_secs(600);

/// How long to keep rows that change elsewhere: `ttl` when this process would not hear of it
/// ([`crate::ports::EventBus::hears_changes`]), [`HEARD_TTL`] when it would.
pub fn kept(hears_changes: bool, ttl: Duration) -> Duration {
    if hears_changes {
        HEARD_TTL
    } else {
        ttl
    }
}

/// A key of two parts looked up without copying either (`&(String, String)` would need both
/// copied into a new key): it hashes as the pair of strings does.
#[derive(Clone, Copy)]
pub struct Pair<'a>(pub &'a str, pub &'a str);

impl Hash for Pair<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0, self.1).hash(state)
    }
}

impl Equivalent<(String, String)> for Pair<'_> {
    fn equivalent(&self, key: &(String, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

impl Pair<'_> {
    pub fn to_key(self) -> (String, String) {
        (self.0.to_owned(), self.1.to_owned())
    }
}

/// Entries are found by a hash seeded at random per process (foldhash, as hashbrown's
/// default): a caller cannot choose keys that collide, and a lookup hashes several times
/// faster than with the standard map's SipHash.
pub struct TtlCache<K, V> {
    ttl: Duration,
    max: usize,
    map: RwLock<HashMap<K, (Instant, V)>>,
    /// Counts the entries dropped ([`Self::remove`], [`Self::clear`]): a value read from the
    /// store before a drop may be older than the change that caused it, and is not kept.
    dropped: AtomicU64,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        TtlCache { ttl, max, map: RwLock::new(HashMap::default()), dropped: AtomicU64::new(0) }
    }

    /// The entry of `k` if it is still fresh; `k` may be borrowed (`&str` for a `String` key).
    pub fn get<Q>(&self, k: &Q) -> Option<V>
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        let map = self.map.read().ok()?;
        let (at, v) = map.get(k)?;
        (at.elapsed() < self.ttl).then(|| v.clone())
    }

    /// The entry of `k` if it is still fresh, else what `load` gives, kept for next time.
    ///
    /// One caller reloads an expired entry; callers that come while it reads get the expired
    /// value (for at most [`Self::reloading_for`]: a reload that fails or hangs leaves the
    /// next caller to try), so an entry that expires under load is read once, not once per
    /// request in flight. A dropped entry is gone: nobody gets it again.
    pub async fn get_or_load<Q, E, F>(&self, k: &Q, load: impl FnOnce() -> F) -> Result<V, E>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
        F: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get_or_reload(k) {
            return Ok(v);
        }
        let since = self.mark();
        let v = load().await?;
        self.insert_since(since, k.to_owned(), v.clone());
        Ok(v)
    }

    /// As [`Self::get_or_load`] for a lookup that may find nothing: only what it finds is
    /// kept, so something created a moment later is seen at once.
    pub async fn get_or_find<Q, E, F>(&self, k: &Q, find: impl FnOnce() -> F) -> Result<Option<V>, E>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
        F: std::future::Future<Output = Result<Option<V>, E>>,
    {
        if let Some(v) = self.get_or_reload(k) {
            return Ok(Some(v));
        }
        let since = self.mark();
        let v = find().await?;
        match &v {
            Some(v) => self.insert_since(since, k.to_owned(), v.clone()),
            // Gone: not given to anyone as being reloaded either.
            None => {
                if let Ok(mut map) = self.map.write() {
                    map.remove(k);
                }
            }
        }
        Ok(v)
    }

    /// The entry of `k` if it is fresh, or if another caller is reloading it; `None` when the
    /// caller is to read it (missing, or expired: then it is marked as being reloaded).
    fn get_or_reload<Q>(&self, k: &Q) -> Option<V>
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        if let Some(v) = self.get(k) {
            return Some(v);
        }
        let mut map = self.map.write().ok()?;
        let (at, v) = map.get_mut(k)?;
        if at.elapsed() < self.ttl {
            // Another caller is reloading it.
            return Some(v.clone());
        }
        // Fresh again for the others while this caller reads (an `Instant` before the process
        // started cannot be made: then everyone reads, as before).
        if let Some(reloading) = Instant::now().checked_sub(self.ttl.saturating_sub(self.reloading_for())) {
            *at = reloading;
        }
        None
    }

    /// How long the others keep an expired entry while one caller reloads it: a tenth of
    /// the lifetime, at most 0.1 s.
    pub fn reloading_for(&self) -> Duration {
        (self.ttl / 10).min(Duration::from_millis(100))
    }

    /// Taken before reading a value from the store, for [`Self::insert_since`].
    pub fn mark(&self) -> u64 {
        self.dropped.load(Ordering::Acquire)
    }

    /// Keep `v` unless an entry was dropped since `mark`: the drop may stand for a change
    /// that `v`, read before it, does not show.
    pub fn insert_since(&self, mark: u64, k: K, v: V) {
        self.insert_if(Some(mark), k, v)
    }

    pub fn insert(&self, k: K, v: V) {
        self.insert_if(None, k, v)
    }

    fn insert_if(&self, mark: Option<u64>, k: K, v: V) {
        if let Ok(mut map) = self.map.write() {
            // Checked under the lock that drops take too.
            if mark.is_some_and(|m| m != self.dropped.load(Ordering::Acquire)) {
                return;
            }
            if map.len() >= self.max {
                let ttl = self.ttl;
                map.retain(|_, (at, _)| at.elapsed() < ttl);
                if map.len() >= self.max {
                    map.clear();
                }
            }
            map.insert(k, (Instant::now(), v));
        }
    }

    /// Drop the entry of `k` (which may be borrowed, as for [`Self::get`]).
    pub fn remove<Q>(&self, k: &Q)
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        if let Ok(mut map) = self.map.write() {
            self.dropped.fetch_add(1, Ordering::AcqRel);
            map.remove(k);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            self.dropped.fetch_add(1, Ordering::AcqRel);
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_finds_the_entry_of_its_two_strings() {
        let c: TtlCache<(String, String), u32> = TtlCache::new(Duration::from_secs(60), 10);
        c.insert(("a".into(), "bc".into()), 1);
        c.insert(("ab".into(), "c".into()), 2);
        assert_eq!(c.get(&Pair("a", "bc")), Some(1));
        assert_eq!(c.get(&Pair("ab", "c")), Some(2), "the parts are told apart, not run together");
        assert_eq!(c.get(&Pair("a", "b")), None);
        assert_eq!(c.get(&("a".to_string(), "bc".to_string())), Some(1));
        c.insert(Pair("x", "y").to_key(), 3);
        assert_eq!(c.get(&Pair("x", "y")), Some(3));
        c.remove(&Pair("a", "bc"));
        assert_eq!(c.get(&Pair("a", "bc")), None);
    }

    #[test]
    fn entries_expire_and_are_bounded() {
        let c = TtlCache::new(Duration::from_millis(30), 2);
        c.insert(1, "a");
        assert_eq!(c.get(&1), Some("a"));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(c.get(&1), None);
        c.insert(2, "b");
        c.insert(3, "c");
        c.insert(4, "d");
        assert_eq!(c.get(&4), Some("d"));
        c.remove(&4);
        assert_eq!(c.get(&4), None);
    }

    #[tokio::test]
    async fn only_what_is_found_is_kept() {
        let c: TtlCache<String, u32> = TtlCache::new(Duration::from_secs(60), 10);
        let none = c.get_or_find("a", || async { Ok::<_, ()>(None) }).await;
        assert_eq!(none, Ok(None));
        assert_eq!(c.get("a"), None, "nothing found, nothing kept");
        assert_eq!(c.get_or_find("a", || async { Ok::<_, ()>(Some(7)) }).await, Ok(Some(7)));
        assert_eq!(c.get_or_find("a", || async { Ok::<_, ()>(Some(8)) }).await, Ok(Some(7)), "kept");
        assert_eq!(c.get_or_find("b", || async { Err(()) }).await, Err(()));
    }

    #[tokio::test]
    async fn what_was_read_before_a_drop_is_not_kept() {
        let c: TtlCache<String, u32> = TtlCache::new(Duration::from_secs(60), 10);
        // The store answered 1, then the row changed and the cache was told before the answer
        // arrived: the old answer is given to this caller, not kept for the next.
        let old = c
            .get_or_find("a", || async {
                c.clear();
                Ok::<_, ()>(Some(1))
            })
            .await;
        assert_eq!(old, Ok(Some(1)));
        assert_eq!(c.get("a"), None);
        let mark = c.mark();
        c.remove("b");
        c.insert_since(mark, "a".into(), 1);
        assert_eq!(c.get("a"), None, "any drop since the mark counts");
        assert_eq!(c.get_or_load("a", || async { Ok::<_, ()>(2) }).await, Ok(2));
        assert_eq!(c.get("a"), Some(2), "kept when nothing was dropped meanwhile");
    }

    #[tokio::test]
    async fn an_expired_entry_is_read_once_while_the_others_keep_it() {
        // A lifetime long enough that the others' 0.1 s cannot pass between two lines.
        let c: TtlCache<String, u32> = TtlCache::new(Duration::from_secs(1), 10);
        c.insert("a".into(), 1);
        std::thread::sleep(Duration::from_millis(1010));
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        let first = c.get_or_load("a", || async { Ok::<_, ()>(rx.await.unwrap_or(0)) });
        tokio::pin!(first);
        // The first caller found it expired and is reading it.
        assert!(futures_poll_once(first.as_mut()).await.is_none());
        let other = c.get_or_load("a", || async { panic!("read twice") }).await;
        assert_eq!(other, Ok::<_, ()>(1), "the others keep the old value meanwhile");
        tx.send(2).unwrap();
        assert_eq!(first.await, Ok(2));
        assert_eq!(c.get("a"), Some(2));
        // A reload that fails leaves the next caller to try, a moment later.
        std::thread::sleep(Duration::from_millis(1010));
        assert_eq!(c.get_or_load("a", || async { Err(()) }).await, Err(()));
        std::thread::sleep(c.reloading_for() + Duration::from_millis(1));
        assert_eq!(c.get_or_load("a", || async { Ok::<_, ()>(3) }).await, Ok(3));
    }

    #[tokio::test]
    async fn what_is_gone_is_not_kept_for_the_others() {
        let c: TtlCache<String, u32> = TtlCache::new(Duration::from_millis(30), 10);
        c.insert("a".into(), 1);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(c.get_or_find("a", || async { Ok::<_, ()>(None) }).await, Ok(None));
        assert_eq!(c.get_or_find("a", || async { Ok::<_, ()>(None) }).await, Ok(None), "not the old value");
        // A drop removes an expired entry being reloaded too.
        c.insert("b".into(), 1);
        std::thread::sleep(Duration::from_millis(40));
        let (tx, rx) = tokio::sync::oneshot::channel::<Option<u32>>();
        let first = c.get_or_find("b", || async { Ok::<_, ()>(rx.await.unwrap_or(None)) });
        tokio::pin!(first);
        assert!(futures_poll_once(first.as_mut()).await.is_none());
        c.remove("b");
        assert_eq!(c.get_or_find("b", || async { Ok::<_, ()>(Some(5)) }).await, Ok(Some(5)));
        tx.send(Some(4)).unwrap();
        assert_eq!(first.await, Ok(Some(4)));
        assert_eq!(c.get("b"), Some(5), "the read from before the drop is not kept");
    }

    /// Poll `f` once: its output if it is ready.
    async fn futures_poll_once<F: std::future::Future + Unpin>(mut f: F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut f).poll(cx) {
                std::task::Poll::Ready(v) => Some(v),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
