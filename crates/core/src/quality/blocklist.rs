//! A business blocks users: `POST/DELETE/GET /{phone-number-id}/block_users`. Meta's rules: a
//! user can be blocked only if they messaged the number in the last 24 hours (131047 per
//! user), never the number itself (131021), at most 1,000 users a request (130429) and 64,000
//! on the list (139101); errors are per user, and a request where some failed answers 400 with
//! the lists and a 139100 error. Blocked users cannot message the number (their message is
//! refused) and the number cannot message them.

use serde_json::{json, Map, Value};

use super::service::QualityService;
use super::BlockSide;
use crate::error::{ApiError, ErrorCode};
use crate::model::SERVICE_WINDOW_MS;
use crate::model::{Page, PageRequest, PhoneNumber};
use crate::phone::WaId;

/// Most users in one request.
pub const MAX_USERS_PER_REQUEST: usize = 1000;
/// Most users on a number's blocklist.
pub const MAX_BLOCKLIST: i64 = 64_000;

/// What happened to one `user` of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserResult {
    pub input: String,
    pub wa_id: Option<String>,
    pub error: Option<ApiError>,
}

/// The users of `{"messaging_product":"whatsapp","block_users":[{"user":"…"}]}`.
pub fn parse_request(body: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    match body.get("messaging_product") {
        None => return Err(ApiError::missing("messaging_product")),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("whatsapp") => {}
        Some(other) => {
            return Err(ApiError::invalid(format!("Param messaging_product must be one of {{WHATSAPP}} - got {other}")))
        }
    }
    let list = match body.get("block_users") {
        None | Some(Value::Null) => return Err(ApiError::missing("block_users")),
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(_) => return Err(ApiError::invalid("Param block_users must be a non-empty array of {\"user\": \"…\"}")),
    };
    if list.len() > MAX_USERS_PER_REQUEST {
        return Err(ApiError::new(
            ErrorCode::RateLimitHit,
            format!("block_users: at most {MAX_USERS_PER_REQUEST} users in one request, got {}", list.len()),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, u)| match u.get("user") {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(ApiError::invalid(format!("Param block_users[{i}].user must be a string"))),
            None => Err(ApiError::missing(&format!("block_users[{i}].user"))),
        })
        .collect()
}

fn failed(input: &str, wa_id: Option<&str>, e: ApiError) -> UserResult {
    UserResult { input: input.to_string(), wa_id: wa_id.map(str::to_string), error: Some(e) }
}

/// The response: `{"messaging_product","block_users":{"added_users"|"removed_users","failed_users"?}}`
/// and whether any user failed.
pub fn response(results: &[UserResult], block: bool) -> (Value, bool) {
    let ok: Vec<Value> =
        results.iter().filter(|r| r.error.is_none()).map(|r| json!({"input": r.input, "wa_id": r.wa_id})).collect();
    let failed: Vec<Value> = results
        .iter()
        .filter_map(|r| {
            let e = r.error.as_ref()?;
            let row = e.code.row();
            let mut v = json!({"input": r.input, "errors": [{"message": e.message.as_deref().unwrap_or(row.title), "code": row.code,
                "error_data": {"details": e.details}}]});
            if let Some(w) = &r.wa_id {
                v["wa_id"] = json!(w);
            }
            Some(v)
        })
        .collect();
    let mut lists = Map::new();
    lists.insert(if block { "added_users" } else { "removed_users" }.into(), Value::Array(ok));
    let any_failed = !failed.is_empty();
    if any_failed {
        lists.insert("failed_users".into(), Value::Array(failed));
    }
    (json!({"messaging_product": "whatsapp", "block_users": lists}), any_failed)
}

impl QualityService {
    /// Block (`block = true`) or unblock users on a business number.
    pub async fn block_users(
        &self,
        phone: &PhoneNumber,
        users: &[String],
        block: bool,
        now: crate::clock::Millis,
    ) -> Result<Vec<UserResult>, ApiError> {
        let store = self.store();
        let cc = crate::phone::calling_code_of(&phone.number);
        let mut listed = if block { store.count_blocks(&phone.id, BlockSide::Business).await? } else { 0 };
        let mut out = Vec::with_capacity(users.len());
        for input in users {
            let wa = match WaId::parse(input, Some(cc)) {
                Ok(w) => w.into_string(),
                Err(e) => {
                    let e =
                        ApiError::invalid(format!("user: '{input}' is not a valid phone number or WhatsApp ID: {e}"));
                    out.push(failed(input, None, e));
                    continue;
                }
            };
            if !block {
                store.remove_block(&phone.id, &wa, BlockSide::Business).await?;
                out.push(UserResult { input: input.clone(), wa_id: Some(wa), error: None });
                continue;
            }
            if wa == phone.number {
                let e = ApiError::new(ErrorCode::RecipientIsSender, "Failed to block self phone number.");
                out.push(failed(input, Some(&wa), e));
                continue;
            }
            let last_inbound = store.conversation(&phone.id, &wa).await?.and_then(|c| c.last_inbound_at);
            if last_inbound.is_none_or(|t| now - t >= SERVICE_WINDOW_MS) {
                let e =
                    ApiError::new(ErrorCode::ReEngagement, "User has not messaged this number in the last 24 hours.")
                        .with_message("Re-engagement required");
                out.push(failed(input, Some(&wa), e));
                continue;
            }
            if listed >= MAX_BLOCKLIST {
                let e = ApiError::new(
                    ErrorCode::BlocklistLimit,
                    format!("The blocklist has reached its limit of {MAX_BLOCKLIST} users."),
                );
                out.push(failed(input, Some(&wa), e));
                continue;
            }
            if store.add_block(&phone.id, &wa, BlockSide::Business, now).await? {
                listed += 1;
            }
            out.push(UserResult { input: input.clone(), wa_id: Some(wa), error: None });
        }
        self.forget_number(&phone.id);
        Ok(out)
    }

    /// The users a business number blocked, paged by wa_id.
    pub async fn blocked_users(&self, phone: &PhoneNumber, page: &PageRequest) -> Result<Page<String>, ApiError> {
        Ok(self.store().page_blocks(&phone.id, BlockSide::Business, page).await?)
    }

    /// How many users a business number blocked.
    pub async fn blocked_users_count(&self, phone: &PhoneNumber) -> Result<i64, ApiError> {
        Ok(self.store().count_blocks(&phone.id, BlockSide::Business).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn requests_and_responses() {
        let users = parse_request(&body(
            json!({"messaging_product": "whatsapp", "block_users": [{"user": "+1 650 555 1234"}]}),
        ));
        assert_eq!(users.unwrap(), ["+1 650 555 1234"]);
        assert_eq!(
            parse_request(&body(json!({"block_users": []}))).unwrap_err().code,
            ErrorCode::RequiredParameterMissing
        );
        let e = parse_request(&body(json!({"messaging_product": "whatsapp", "block_users": []}))).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        let e =
            parse_request(&body(json!({"messaging_product": "whatsapp", "block_users": [{"user": 5}]}))).unwrap_err();
        assert!(e.details.contains("block_users[0].user"));
        let many: Vec<Value> = (0..1001).map(|i| json!({"user": format!("+1650555{i:04}")})).collect();
        let e = parse_request(&body(json!({"messaging_product": "whatsapp", "block_users": many}))).unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimitHit);

        let ok = UserResult { input: "+16505551234".into(), wa_id: Some("16505551234".into()), error: None };
        let (v, any) = response(std::slice::from_ref(&ok), true);
        assert!(!any);
        assert_eq!(
            v,
            json!({"messaging_product": "whatsapp", "block_users": {"added_users": [{"input": "+16505551234", "wa_id": "16505551234"}]}})
        );
        let bad = failed("x", None, ApiError::invalid("nope"));
        let (v, any) = response(&[ok, bad], false);
        assert!(any);
        assert_eq!(v["block_users"]["removed_users"][0]["wa_id"], "16505551234");
        assert_eq!(
            v["block_users"]["failed_users"],
            json!([{"input": "x", "errors": [{"message": "Invalid parameter", "code": 100, "error_data": {"details": "nope"}}]}])
        );
    }
}
