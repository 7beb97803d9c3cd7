//! `GET /{waba-id}/phone_numbers`: cursor-paged, with `fields=`, `filtering=` (account_mode,
//! messaging_limit_tier, is_official_business_account), `sort=` (creation_time or
//! last_onboarded_time, `.asc`/`.desc`) and `summary=total_count`.

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::Json;
use risala_core::graph::{
    encode_cursor, page_request, parse_fields, parse_filtering, parse_sort, parse_summary, project,
};
use risala_core::model::{ObjectKind, Permission};
use risala_core::tenancy::{NUMBER_FILTERS, NUMBER_SORTS};
use risala_types::graph::{Cursors, GraphList, Paging};
use serde_json::{json, Value};

use super::{repr, resolve};
use crate::error::GraphResult;
use crate::extract::{Caller, GraphQuery};
use crate::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> GraphResult<Json<GraphList<Value>>> {
    let waba = resolve(&state, &caller, &id, &[ObjectKind::Waba]).await?;
    caller.require(Permission::Management)?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let page = page_request(q.get("limit"), q.get("after"), q.get("before"))?;
    let filters = q.get("filtering").map(|f| parse_filtering(f, NUMBER_FILTERS)).transpose()?.unwrap_or_default();
    let sort = q.get("sort").map(|s| parse_sort(s, NUMBER_SORTS)).transpose()?;
    let summary = !parse_summary(q.get("summary").unwrap_or(""), &["total_count"])?.is_empty();
    let (mut result, total) = state.tenancy.phone_numbers(&waba.id, &filters, sort.as_ref(), &page).await?;
    for p in &mut result.items {
        state.messaging.quality().refresh(p).await?;
    }
    // The nodes around every number of the WABA, read once for the page.
    let around = if super::health::wanted(fields.as_deref()) {
        let w = state.tenancy.waba(&waba.id, Some(&caller.0.business_id)).await?;
        Some(super::health::around(&state, &w).await?)
    } else {
        None
    };
    let data = result
        .items
        .iter()
        .map(|p| {
            let mut all = repr::phone_number(p);
            if let Some(around) = &around {
                let health = super::health::summary(Some(risala_core::health::phone_number(p)), around);
                all.insert("health_status".into(), health);
            }
            project(&all, fields.as_deref(), repr::PHONE_LIST_DEFAULT, "WhatsAppBusinessPhoneNumber")
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(GraphList {
        paging: paging(&result.items, |p| &p.id, result.has_more_after, result.has_more_before, &q, &uri, &headers),
        data,
        summary: summary.then(|| json!({"total_count": total})),
    }))
}

/// The `paging` block of a list: cursors of the first and last item, and `next` / `previous`
/// links when there is more in that direction.
pub fn paging<T>(
    items: &[T],
    id: impl Fn(&T) -> &String,
    more_after: bool,
    more_before: bool,
    q: &GraphQuery,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Option<Paging> {
    let (first, last) = (items.first()?, items.last()?);
    let before = encode_cursor(id(first));
    let after = encode_cursor(id(last));
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let link = |key: &str, cursor: &str| {
        let mut pairs: Vec<(String, String)> =
            q.0.iter().filter(|(k, _)| *k != "after" && *k != "before").map(|(k, v)| (k.clone(), v.clone())).collect();
        pairs.sort();
        pairs.push((key.to_string(), cursor.to_string()));
        let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        // Graph's links name the version, as the request did (or the default).
        format!("http://{host}/{}{}?{qs}", q.1, uri.path())
    };
    Some(Paging {
        next: more_after.then(|| link("after", &after)),
        previous: more_before.then(|| link("before", &before)),
        cursors: Cursors { before, after },
    })
}
