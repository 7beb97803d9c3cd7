//! `GET /customer/v1/chats` (one entry per business number, with its windows and whether the
//! customer blocked it, and whether it shows a cart and its catalog) and `GET /customer/v1/chats/{business_number}/messages?before=&limit=`
//! (newest first).

use axum::extract::{Path, State};
use axum::Json;
use risala_core::clock::Clock;
use risala_core::model::{windows_json, SERVICE_WINDOW_MS};
use risala_core::phone::WaId;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{customer_view, CustomerCaller};
use crate::error::GraphResult;
use crate::extract::GraphQuery;
use crate::state::AppState;

pub async fn list(State(state): State<AppState>, CustomerCaller(wa_id): CustomerCaller) -> GraphResult<Json<Value>> {
    let now = state.clock.now_ms();
    let chats = state.customers.chats(&wa_id).await?;
    let mut commerce = Vec::with_capacity(chats.len());
    for chat in &chats {
        commerce.push(state.messaging.commerce_settings(&chat.phone.id).await?);
    }
    let data: Vec<Value> = chats
        .iter()
        .zip(commerce)
        .map(|(chat, commerce)| {
            let c = &chat.conversation;
            let window_expires = c.last_inbound_at.map(|t| t + SERVICE_WINDOW_MS);
            let windows = windows_json(c.last_inbound_at, chat.entry_point.as_ref(), now);
            json!({
                "business_number": chat.phone.number,
                "display_phone_number": WaId::from_trusted(chat.phone.number.clone()).display(),
                "verified_name": chat.phone.verified_name,
                // The green badge of an official business account.
                "is_official_business_account": chat.phone.official,
                "last_message_at": c.last_message_at,
                "customer_service_window": {
                    "open": window_expires.is_some_and(|e| e > now),
                    "expires_at": window_expires,
                },
                "free_entry_point_window": windows["free_entry_point_window"],
                "blocked": chat.blocked,
                // What WhatsApp shows in the chat: the cart and the catalog storefront.
                "commerce": {"cart_enabled": commerce.is_cart_enabled, "catalog_visible": commerce.is_catalog_visible},
            })
        })
        .collect();
    Ok(Json(json!({"data": data})))
}

pub async fn history(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let limit = q.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(50).clamp(1, 500);
    let before = q
        .get("before")
        .map(|b| b.parse::<i64>())
        .transpose()
        .map_err(|_| ApiError::invalid("before must be an integer"))?;
    let (phone, msgs) = state.customers.history(&wa_id, &number, before, limit).await?;
    let data: Vec<Value> = msgs.iter().map(|m| customer_view(m, &phone.number)).collect();
    let next = msgs.last().map(|m| m.seq);
    Ok(Json(json!({"data": data, "before": next})))
}
