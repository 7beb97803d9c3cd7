//! Access-token authentication with a short-lived cache, so the hot path does not hit the
//! database on every request. Expiry is checked against the clock on every request, cached or
//! not. A revoke through this process clears the cache at once
//! ([`AuthService::invalidate`]); other nodes and processes (`risala admin tokens revoke` works
//! on the database) see it within the cache lifetime, one second (a busy token costs one read
//! of the tokens table per second and node), or, in a process that hears of their changes
//! ([`AuthService::keeping`]), as soon as it hears of it.

use std::sync::Arc;
use std::time::Duration;

use crate::cache::TtlCache;
use crate::clock::{civil_from_days, Clock, Millis};

use crate::error::{ApiError, ErrorCode};
use crate::ids::hash_token;
use crate::model::Principal;
use crate::store::Store;

/// How long an answer is reused: the most a revoke elsewhere takes to bite here.
pub const CACHE_TTL: Duration = Duration::from_secs(1);
const CACHE_MAX: usize = 100_000;

/// What a token resolved to: its principal and when it expires, or the error it fails with.
type Resolved = Result<(Arc<Principal>, Option<Millis>), ErrorCode>;

#[derive(Clone)]
pub struct AuthService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Token hash → what it resolved to.
    cache: Arc<TtlCache<String, Resolved>>,
}

impl AuthService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        AuthService { store, clock, cache: Arc::new(TtlCache::new(CACHE_TTL, CACHE_MAX)) }
    }

    /// Keep answers `ttl` instead of [`CACHE_TTL`]: for a process that hears of every other
    /// process's change to the tokens ([`crate::ports::EventBus::hears_changes`]) and drops
    /// them then ([`AuthService::invalidate`]).
    pub fn keeping(mut self, ttl: Duration) -> Self {
        self.cache = Arc::new(TtlCache::new(ttl, CACHE_MAX));
        self
    }

    /// Resolve a bearer token to its principal, or the Graph error for a bad one: 190 without a
    /// subcode for a token this server never issued, 190/467 for a revoked one, 190/463 for an
    /// expired one (judged by the clock, so moving the sandbox clock expires tokens too).
    pub async fn authenticate(&self, token: &str) -> Result<Arc<Principal>, ApiError> {
        let hash = hash_token(token);
        let read = || async {
            Ok::<Resolved, ApiError>(match self.store.token_by_hash(&hash).await? {
                None => Err(ErrorCode::TokenInvalid),
                Some(t) if t.revoked_at.is_some() => Err(ErrorCode::TokenRevoked),
                Some(t) => Ok((
                    Arc::new(Principal { token_id: t.id, business_id: t.business_id, permissions: t.permissions }),
                    t.expires_at,
                )),
            })
        };
        let res = self.cache.get_or_load(hash.as_str(), read).await?;
        let now = self.clock.now_ms();
        match res {
            Ok((_, Some(at))) if at <= now => Err(expired(at, now)),
            Ok((p, _)) => Ok(p),
            Err(code) => Err(token_error(code)),
        }
    }

    /// Forget cached answers (after a revoke or an expiry set on this node).
    pub fn invalidate(&self) {
        self.cache.clear();
    }
}

fn token_error(code: ErrorCode) -> ApiError {
    match code {
        ErrorCode::TokenRevoked => ApiError::new(code, "The access token has been revoked."),
        _ => ApiError::new(ErrorCode::TokenInvalid, "The access token could not be decrypted or is not valid."),
    }
}

/// Meta's words for an expired token, with both times.
fn expired(at: Millis, now: Millis) -> ApiError {
    let msg = format!(
        "Error validating access token: Session has expired on {}. The current time is {}.",
        http_date(at),
        http_date(now)
    );
    ApiError::new(ErrorCode::TokenExpired, "The access token has expired.").with_message(msg)
}

/// `Thursday, 03-Dec-26 14:00:00 UTC`, the form of Meta's expiry message.
fn http_date(ms: Millis) -> String {
    const DAYS: [&str; 7] = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02}-{}-{:02} {:02}:{:02}:{:02} UTC",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m as usize).saturating_sub(1) % 12],
        y.rem_euclid(100),
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates_read_as_meta_writes_them() {
        assert_eq!(http_date(0), "Thursday, 01-Jan-70 00:00:00 UTC");
        // 2026-12-03 14:05:09 UTC
        assert_eq!(http_date(1_796_306_709_000), "Thursday, 03-Dec-26 14:05:09 UTC");
    }
}
