//! `GET /message_template_library?search=&topic=&usecase=&industry=&language=&name=`: the
//! Template Library a business can create templates from (`library_template_name` on
//! `POST /{waba-id}/message_templates`). Needs `whatsapp_business_management`.

use axum::extract::State;
use axum::Json;
use risala_core::model::Permission;
use risala_core::templates::library::{search, LibraryQuery};
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::{Caller, GraphQuery};
use crate::state::AppState;

pub async fn list(State(_state): State<AppState>, caller: Caller, q: GraphQuery) -> GraphResult<Json<Value>> {
    caller.require(Permission::Management)?;
    let get = |k: &str| q.get(k).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let query = LibraryQuery {
        search: get("search"),
        topic: get("topic"),
        usecase: get("usecase"),
        industry: get("industry"),
        language: get("language"),
        name: get("name"),
    };
    let data: Vec<Value> = search(&query).into_iter().map(|t| t.to_json()).collect();
    Ok(Json(json!({"data": data})))
}
