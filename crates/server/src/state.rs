//! Application state shared by all handlers.

use std::sync::Arc;

use risala_core::auth::AuthService;
use risala_core::clock::OffsetClock;
use risala_core::store::Store;
use risala_core::tenancy::TenancyService;

use crate::config::Config;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub inner: Arc<Inner>,
}

pub struct Inner {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub clock: Arc<OffsetClock>,
    pub auth: AuthService,
    pub tenancy: TenancyService,
    pub metrics: Metrics,
}

impl AppState {
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<OffsetClock>) -> Self {
        let auth = AuthService::new(store.clone());
        let tenancy = TenancyService::new(store.clone(), clock.clone());
        AppState { inner: Arc::new(Inner { config, store, clock, auth, tenancy, metrics: Metrics::default() }) }
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}
