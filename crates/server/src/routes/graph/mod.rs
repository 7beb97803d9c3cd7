//! Graph API: objects addressed by numeric id, with edges.

pub mod badges;
pub mod block_users;
pub mod catalogs;
pub mod commerce;
pub mod conversations;
pub mod flows;
pub mod health;
pub mod library;
pub mod media;
pub mod messages;
pub mod numbers;
pub mod objects;
pub mod phone_numbers;
pub mod profile;
pub mod qr_codes;
pub mod repr;
pub mod settings;
pub mod subscriptions;
pub mod template_analytics;
pub mod templates;
pub mod uploads;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::Method;
use axum::routing::{get, post};
use axum::Router;
use risala_core::model::{ObjectKind, ObjectRef, Permission, Waba};
use risala_core::tenancy::alias_not_found;
use risala_core::{ApiError, ErrorCode};

use crate::error::{GraphError, GraphResult};
use crate::extract::Caller;
use crate::state::AppState;

/// Graph paths (matched after the version prefix is stripped).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{id}", get(objects::get_object).delete(objects::delete_object).post(objects::post_object))
        .route("/message_template_library", get(library::list))
        .route("/{id}/phone_numbers", get(phone_numbers::list).post(numbers::add))
        .route("/{id}/request_code", post(numbers::request_code))
        .route("/{id}/verify_code", post(numbers::verify_code))
        .route("/{id}/register", post(numbers::register))
        .route("/{id}/deregister", post(numbers::deregister))
        .route("/{id}/message_qrdls", get(qr_codes::list).post(qr_codes::save))
        .route("/{id}/message_qrdls/{code}", get(qr_codes::get).delete(qr_codes::delete))
        .route("/{id}/conversations", get(conversations::list))
        .route("/{id}/message_templates", get(templates::list).post(templates::create).delete(templates::delete))
        .route("/{id}/message_templates/{template_id}", get(templates::get_in_waba))
        .route("/{id}/template_analytics", get(template_analytics::get))
        .route(
            "/{id}/subscriptions",
            get(subscriptions::get_app_subscriptions)
                .post(subscriptions::post_app_subscription)
                .delete(subscriptions::delete_app_subscription),
        )
        .route(
            "/{id}/subscribed_apps",
            get(subscriptions::get_subscribed_apps)
                .post(subscriptions::post_subscribed_apps)
                .delete(subscriptions::delete_subscribed_apps),
        )
        .route("/{id}/whatsapp_business_profile", get(profile::get).post(profile::update))
        .route("/{id}/conversational_automation", post(profile::update_automation))
        .route("/{id}/uploads", post(uploads::start))
        .route("/profile-picture/{phone_number_id}/{media_id}", get(profile::picture))
        .route("/{id}/flows", get(flows::list).post(flows::create))
        .route(
            "/{id}/assets",
            get(flows::list_assets).post(flows::upload_asset).layer(DefaultBodyLimit::max(11 * 1024 * 1024)),
        )
        .route("/{id}/publish", post(flows::publish))
        .route("/{id}/deprecate", post(flows::deprecate))
        .route("/{id}/whatsapp_business_encryption", get(flows::get_encryption).post(flows::set_encryption))
        .route("/flow-assets/{id}/flow.json", get(flows::download_asset))
        .route("/flow-preview/{id}", get(flows::preview_page))
        .route("/{id}/messages", post(messages::send))
        .route("/{id}/marketing_messages", post(messages::send_marketing))
        .route("/{id}/whatsapp_commerce_settings", get(commerce::get).post(commerce::update))
        .route("/{id}/settings", get(settings::get).post(settings::update))
        .route("/{id}/official_business_account", get(badges::get).post(badges::submit))
        .route("/{id}/block_users", get(block_users::list).post(block_users::block).delete(block_users::unblock))
        .route("/{id}/media", post(media::upload).layer(DefaultBodyLimit::max(crate::media::MAX_UPLOAD + 1024 * 1024)))
        .route("/media-download/{id}", get(media::download))
        .route("/{id}/owned_product_catalogs", get(catalogs::list).post(catalogs::create))
        .route("/{id}/products", get(catalogs::list_products).post(catalogs::create_product))
        .route("/{id}/items_batch", post(catalogs::items_batch))
        .route("/{id}/items_csv", post(catalogs::items_csv))
        .route(
            "/{id}/product_catalogs",
            get(catalogs::waba_catalogs).post(catalogs::connect).delete(catalogs::disconnect),
        )
        .route("/{id}/orders", get(catalogs::orders))
}

/// Look up `id` for the caller. An id that does not exist and an id of another business get
/// the same answer, so ids of other tenants cannot be probed.
pub async fn resolve(
    state: &AppState,
    caller: &Caller,
    id: &str,
    kinds: &[ObjectKind],
) -> GraphResult<std::sync::Arc<ObjectRef>> {
    Ok(state.tenancy.resolve(&caller.0.business_id, id, kinds).await?)
}

/// A WABA of the caller's business, for an edge that needs `whatsapp_business_management`.
pub async fn waba_for(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Waba> {
    let obj = resolve(state, caller, id, &[ObjectKind::Waba]).await?;
    caller.require(Permission::Management)?;
    Ok(state.tenancy.waba(&obj.id, Some(&caller.0.business_id)).await?)
}

/// No route: an unknown edge on an object, or a path that names no object. A path that names
/// an object id is answered only to an authenticated caller (the same token errors as every
/// Graph route), and another business's id like a missing one: otherwise the difference
/// between "unknown edge" and "no such object" would tell anyone which ids exist.
pub async fn unknown_path(State(state): State<AppState>, req: Request) -> GraphError {
    let (mut parts, _) = req.into_parts();
    let path = parts.uri.path().trim_matches('/').to_string();
    let mut segs = path.split('/');
    let first = segs.next().unwrap_or("");
    if first.is_empty() {
        return ApiError::new(ErrorCode::UnknownPath, "No object id or edge in the path.")
            .with_message("Unsupported get request. Please read the Graph API documentation")
            .into();
    }
    if !risala_core::ids::is_object_id(first) {
        return alias_not_found(first).into();
    }
    let caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e,
    };
    let rest: Vec<&str> = segs.collect();
    match resolve(&state, &caller, first, &[]).await {
        Ok(_) => ApiError::new(ErrorCode::UnknownPath, format!("Unknown path components: /{}", rest.join("/")))
            .with_message(format!("Unknown path components: /{}", rest.join("/")))
            .into(),
        Err(e) => e,
    }
}

/// A known path with a method it does not support.
pub async fn unsupported_method(method: Method, req: Request) -> GraphError {
    let id = req.uri().path().trim_matches('/').split('/').next().unwrap_or("").to_string();
    unsupported(&id, &method.as_str().to_ascii_lowercase()).into()
}

/// Graph's answer to a method an object does not support.
pub fn unsupported(id: &str, verb: &str) -> ApiError {
    ApiError::new(ErrorCode::ObjectNotFound, format!("Unsupported {verb} request on this path."))
        .with_message(format!(
            "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        ))
}
