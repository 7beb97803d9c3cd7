//! The customer's side of a flow message: open it (the Flow JSON, the screen to show and its
//! data), exchange data with the business's endpoint between screens, and complete it, which
//! sends the business an `interactive` `nfm_reply`; and the answer to an address message,
//! an `nfm_reply` named `address_message`.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use super::{str_field, CustomerCaller};
use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::state::AppState;

/// `GET /customer/v1/flows/{message_id}` → `{flow_id, name, status, mode, flow_token,
/// flow_json, screen, data}`.
pub async fn open(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(message_id): Path<String>,
) -> GraphResult<Json<Value>> {
    let v = state.flows.open(&wa_id, &message_id).await?;
    Ok(Json(json!({
        "message_id": message_id,
        "flow_id": v.flow.id,
        "name": v.flow.name,
        "status": v.flow.status,
        "mode": v.mode,
        "flow_token": v.flow_token,
        "flow_json": v.flow_json,
        "screen": v.screen,
        "data": v.data,
    })))
}

fn data_of(body: &Map<String, Value>, key: &str) -> GraphResult<Map<String, Value>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(_) => Err(ApiError::invalid(format!("{key} must be an object")).into()),
    }
}

/// `POST /customer/v1/flows/{message_id}/data_exchange {screen, data}` → the endpoint's
/// `{screen, data, completed}`.
pub async fn exchange(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(message_id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let screen = str_field(&body, "screen")?.ok_or_else(|| ApiError::missing("screen"))?.to_string();
    let data = data_of(&body, "data")?;
    let answer = state.flows.exchange(&wa_id, &message_id, &screen, Value::Object(data)).await?;
    // An exchange that completed the flow sent its nfm_reply: the tools hear of it as of any
    // customer message (a bot waiting at a flow step reads it).
    if let Some(reply_id) = answer["reply_id"].as_str() {
        if let Some(m) = state.store.message(reply_id).await.map_err(ApiError::from)? {
            crate::routes::tools::on_inbound(&state, &m).await;
        }
    }
    Ok(Json(answer))
}

/// `POST /customer/v1/flows/{message_id}/complete {screen, response}` → `{id, timestamp}` of
/// the `nfm_reply`.
pub async fn complete(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(message_id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let screen = str_field(&body, "screen")?.ok_or_else(|| ApiError::missing("screen"))?.to_string();
    let response = data_of(&body, "response")?;
    let m = state.flows.complete(&wa_id, &message_id, &screen, response).await?;
    // The nfm_reply is the customer's message like any other: a bot waiting at a flow step reads it.
    crate::routes::tools::on_inbound(&state, &m).await;
    Ok(Json(json!({"id": m.id, "timestamp": (m.created_at / 1000).to_string()})))
}

/// `POST /customer/v1/addresses/{message_id} {values?, saved_address_id?}` → `{id, timestamp}`
/// of the `nfm_reply` answering the address message.
pub async fn answer_address(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(message_id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    if let Some(k) = body.keys().find(|k| *k != "values" && *k != "saved_address_id") {
        return Err(ApiError::invalid(format!("Unexpected key \"{k}\": give values and/or saved_address_id")).into());
    }
    let values = data_of(&body, "values")?;
    let saved = str_field(&body, "saved_address_id")?;
    let m = state.flows.answer_address(&wa_id, &message_id, values, saved).await?;
    Ok(Json(json!({"id": m.id, "timestamp": (m.created_at / 1000).to_string()})))
}
