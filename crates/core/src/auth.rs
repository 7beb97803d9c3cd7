//! Access-token authentication with a short-lived cache, so the hot path does not hit the
//! database on every request. A revoke through this process clears the cache at once
//! ([`AuthService::invalidate`]); other nodes and processes (`risala admin tokens revoke` works
//! on the database) see it within the cache lifetime, one second: a busy token costs one read
//! of the tokens table per second and node.

use std::sync::Arc;
use std::time::Duration;

use crate::cache::TtlCache;

use crate::error::{ApiError, ErrorCode};
use crate::ids::hash_token;
use crate::model::Principal;
use crate::store::Store;

/// How long an answer is reused: the most a revoke elsewhere takes to bite here.
pub const CACHE_TTL: Duration = Duration::from_secs(1);
const CACHE_MAX: usize = 100_000;

#[derive(Clone)]
pub struct AuthService {
    store: Arc<dyn Store>,
    /// Token hash → what it resolved to.
    cache: Arc<TtlCache<String, Result<Principal, ErrorCode>>>,
}

impl AuthService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        AuthService { store, cache: Arc::new(TtlCache::new(CACHE_TTL, CACHE_MAX)) }
    }

    /// Resolve a bearer token to its principal, or the Graph error for a bad one.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, ApiError> {
        let hash = hash_token(token);
        if let Some(res) = self.cache.get(&hash) {
            return res.map_err(token_error);
        }
        let res = match self.store.token_by_hash(&hash).await? {
            None => Err(ErrorCode::TokenInvalid),
            Some(t) if t.revoked_at.is_some() => Err(ErrorCode::TokenRevoked),
            Some(t) => Ok(Principal { token_id: t.id, business_id: t.business_id, permissions: t.permissions }),
        };
        self.cache.insert(hash, res.clone());
        res.map_err(token_error)
    }

    /// Forget cached answers (after a revoke on this node).
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
