//! Access-token authentication with a short-lived cache, so the hot path does not hit the
//! database on every request. A local revoke clears the cache at once; other nodes see it
//! within the cache lifetime.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::error::{ApiError, ErrorCode};
use crate::ids::hash_token;
use crate::model::Principal;
use crate::store::Store;

const CACHE_TTL: Duration = Duration::from_secs(5);
const CACHE_MAX: usize = 100_000;

/// Token hash → when it was looked up, and what it resolved to.
type TokenCache = HashMap<String, (Instant, Result<Principal, ErrorCode>)>;

#[derive(Clone)]
pub struct AuthService {
    store: Arc<dyn Store>,
    cache: Arc<RwLock<TokenCache>>,
}

impl AuthService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        AuthService { store, cache: Arc::new(RwLock::new(HashMap::new())) }
    }

    /// Resolve a bearer token to its principal, or the Graph error for a bad one.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, ApiError> {
        let hash = hash_token(token);
        if let Ok(cache) = self.cache.read() {
            if let Some((at, res)) = cache.get(&hash) {
                if at.elapsed() < CACHE_TTL {
                    return res.clone().map_err(token_error);
                }
            }
        }
        let res = match self.store.token_by_hash(&hash).await? {
            None => Err(ErrorCode::TokenInvalid),
            Some(t) if t.revoked_at.is_some() => Err(ErrorCode::TokenRevoked),
            Some(t) => Ok(Principal { token_id: t.id, business_id: t.business_id, permissions: t.permissions }),
        };
        if let Ok(mut cache) = self.cache.write() {
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
            cache.insert(hash, (Instant::now(), res.clone()));
        }
        res.map_err(token_error)
    }

    /// Forget cached answers (after a revoke on this node).
    pub fn invalidate(&self) {
        if let Ok(mut cache) = self.cache.write() {
            cache.clear();
        }
    }
}

fn token_error(code: ErrorCode) -> ApiError {
    match code {
        ErrorCode::TokenRevoked => ApiError::new(code, "The access token has been revoked."),
        _ => ApiError::new(ErrorCode::TokenInvalid, "The access token could not be decrypted or is not valid."),
    }
}
