//! The admin API (`/admin/v1/…`): operator tools over HTTP, used by `risala webhooks`.
//!
//! Authentication: `Authorization: Bearer <admin_token>` (config `admin_token`, env
//! `RISALA_ADMIN_TOKEN`) gives the operator every tenant. When `admin_token` is unset and the
//! server runs in sandbox mode, a business's Graph token (with `whatsapp_business_management`)
//! may use the same API, limited to its own business. In platform mode without `admin_token`
//! the admin API is closed. Errors use the Graph envelope like every other API.

pub mod badges;
pub mod conversations;
pub mod limits;
pub mod numbers;
pub mod privacy;
pub mod templates;
pub mod wabas;
pub mod webhooks;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;
use risala_core::accounts::AccountError;
use risala_core::clock::system_now_ms;
use risala_core::model::Permission;
use risala_core::{ApiError, ErrorCode};

use crate::config::Mode;
use crate::error::GraphError;
use crate::extract::{bearer_token, Caller};
use crate::state::AppState;

/// Who calls the admin API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admin {
    /// The operator (admin token): every business.
    Operator,
    /// A business through its Graph token (sandbox, no admin token configured).
    Business(String),
}

impl Admin {
    /// The business the caller is limited to, if any.
    pub fn scope(&self) -> Option<&str> {
        match self {
            Admin::Operator => None,
            Admin::Business(b) => Some(b),
        }
    }

    /// True when the caller may see rows of `business_id`.
    pub fn sees(&self, business_id: &str) -> bool {
        self.scope().is_none_or(|b| b == business_id)
    }
}

/// `a == b` in time that does not depend on where they differ (for tokens).
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer_token(parts)? else {
            return Err(
                ApiError::new(ErrorCode::TokenMissing, "An admin token is required to use the admin API.").into()
            );
        };
        match &state.config.admin_token {
            // Wrong admin tokens are limited per address, as on the console's sign-in (the
            // same limiter): past the limit the right one waits too.
            Some(admin) => {
                let client = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
                let client = client.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
                let right = same(&token, admin);
                match state.accounts.operator_sign_in(client, right, system_now_ms()) {
                    Ok(()) => Ok(Admin::Operator),
                    Err(AccountError::TooManyAttempts(wait)) => Err(ApiError::new(
                        ErrorCode::UserRateLimit,
                        format!(
                            "Too many wrong admin tokens from this address; try again in {} s.",
                            (wait + 999) / 1000
                        ),
                    )
                    .into()),
                    Err(_) => Err(ApiError::new(ErrorCode::TokenInvalid, "The admin token is not valid.").into()),
                }
            }
            None if state.config.mode == Mode::Sandbox => {
                let caller = Caller(state.auth.authenticate(&token).await?);
                caller.require(Permission::Management)?;
                Ok(Admin::Business(caller.0.business_id.clone()))
            }
            None => Err(ApiError::new(
                ErrorCode::PermissionDenied,
                "The admin API is disabled: set admin_token (RISALA_ADMIN_TOKEN) to use it.",
            )
            .into()),
        }
    }
}

/// Routes under `/admin/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/webhooks/deliveries", get(webhooks::list))
        .route("/admin/v1/webhooks/deliveries/{id}", get(webhooks::show))
        .route("/admin/v1/webhooks/deliveries/{id}/replay", post(webhooks::replay))
        .route("/admin/v1/webhooks/dead-letters/replay", post(webhooks::replay_dead))
        .route("/admin/v1/webhooks/endpoints", get(webhooks::endpoints))
        .route("/admin/v1/webhooks/endpoints/pause", post(webhooks::pause))
        .route("/admin/v1/webhooks/endpoints/resume", post(webhooks::resume))
        .route("/admin/v1/webhooks/faults", get(webhooks::faults).put(webhooks::set_faults).post(webhooks::set_faults))
        .route("/admin/v1/webhooks/subscriptions", get(webhooks::subscriptions).post(webhooks::subscribe))
        .route("/admin/v1/webhooks/stats", get(webhooks::stats))
        .route("/admin/v1/businesses/{id}/messaging_limit", get(limits::show).post(limits::set))
        .route("/admin/v1/phone_numbers/{id}/conversations", get(conversations::list))
        .route("/admin/v1/phone_numbers/{id}/display_name/review", post(numbers::review_name))
        .route("/admin/v1/official_business_accounts", get(badges::queue))
        .route("/admin/v1/official_business_accounts/criteria", get(badges::criteria).post(badges::set_criteria))
        .route("/admin/v1/phone_numbers/{id}/official_business_account/review", post(badges::review))
        .route("/admin/v1/templates/{id}/review", post(templates::review))
        .route("/admin/v1/templates/{id}/appeal", post(templates::appeal))
        .route("/admin/v1/templates/{id}/archive", post(templates::archive))
        .route("/admin/v1/templates/{id}/unarchive", post(templates::unarchive))
        .route("/admin/v1/wabas/{id}/settings", get(wabas::get).post(wabas::set))
        .route("/admin/v1/customers/{wa_id}/erase", post(privacy::erase))
        .route("/admin/v1/audit", get(privacy::audit))
}
