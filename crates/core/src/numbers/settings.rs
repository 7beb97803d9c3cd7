//! `GET|POST /{phone-number-id}/settings`: Meta's per-number feature settings (calling, user
//! identity change, payload encryption, data storage). Risala has none of these features: it
//! places no calls, does not hold back sends when a customer's identity key changes, does not
//! encrypt webhook payloads with a client key, and stores data wherever its operator runs it.
//! So the settings are the same for every number and are not stored: GET reports them, and
//! POST accepts a request only when it asks for that state (e.g. `calling.status: disabled`);
//! asking to turn a feature on is refused with error 100 naming it, rather than being stored
//! and ignored. As on Meta's platform, one feature is set per request.

use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// The features a POST may set, one per request.
pub const FEATURES: &[&str] = &["calling", "user_identity_change", "payload_encryption", "storage_configuration"];

/// The settings of every number, Meta's response shape.
pub fn current() -> Value {
    json!({
        "calling": {
            "status": "disabled",
            "call_icon_visibility": "hidden",
            "ip_addresses": {"default": []},
            "callback_permission_status": "disabled",
        },
        "payload_encryption": {"status": "disabled"},
        "storage_configuration": {"status": "default"},
    })
}

fn unsupported(what: &str, why: &str) -> ApiError {
    ApiError::invalid(format!("{what}: not supported by this server: {why}.")).with_message("Unsupported setting")
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    v.as_object().ok_or_else(|| ApiError::invalid(format!("Param {path} must be an object.")))
}

fn only(o: &Map<String, Value>, path: &str, keys: &[&str]) -> Result<(), ApiError> {
    match o.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => {
            Err(ApiError::invalid(format!("Param {path}.{k} is not a setting of {path} (one of {}).", keys.join(", "))))
        }
        None => Ok(()),
    }
}

fn enum_field<'a>(
    o: &'a Map<String, Value>,
    path: &str,
    k: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, ApiError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        Some(v) => Err(ApiError::invalid(format!("Param {path}.{k} must be one of {} - got {v}.", allowed.join(", ")))),
    }
}

fn bool_field(o: &Map<String, Value>, path: &str, k: &str) -> Result<Option<bool>, ApiError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
        Some(v) => Err(ApiError::invalid(format!("Param {path}.{k} must be a boolean - got {v}."))),
    }
}

/// Check a POST body. A JSON-encoded object in a form field (as the query string carries it)
/// is read as the object.
pub fn check_update(body: &Map<String, Value>) -> Result<(), ApiError> {
    let given: Vec<&String> = body.keys().filter(|k| FEATURES.contains(&k.as_str())).collect();
    if let Some(k) = body.keys().find(|k| !FEATURES.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!("Param {k} is not a number setting (one of {}).", FEATURES.join(", "))));
    }
    let feature = match given.as_slice() {
        [one] => one.as_str(),
        [] => return Err(ApiError::invalid(format!("Give one setting to change: one of {}.", FEATURES.join(", ")))),
        _ => return Err(ApiError::invalid("Only one feature setting can be changed per request.")),
    };
    let parsed;
    let v = match &body[feature] {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s)
                .map_err(|_| ApiError::invalid(format!("Param {feature} must be an object.")))?;
            &parsed
        }
        v => v,
    };
    let o = obj(v, feature)?;
    match feature {
        "calling" => {
            only(
                o,
                feature,
                &[
                    "status",
                    "call_icon_visibility",
                    "callback_permission_status",
                    "video",
                    "sip",
                    "srtp_key_exchange_protocol",
                ],
            )?;
            let status = enum_field(o, feature, "status", &["enabled", "disabled"])?
                .ok_or_else(|| ApiError::invalid("The parameter calling.status is required."))?;
            enum_field(o, feature, "call_icon_visibility", &["visible", "hidden"])?;
            if status == "enabled" {
                return Err(unsupported("calling.status enabled", "Risala places and receives no calls"));
            }
            if let Some(k) =
                ["call_icon_visibility", "callback_permission_status", "video", "sip", "srtp_key_exchange_protocol"]
                    .into_iter()
                    .find(|k| o.get(*k).is_some_and(|v| !v.is_null()))
            {
                return Err(unsupported(&format!("calling.{k}"), "calling is disabled on every number of this server"));
            }
        }
        "user_identity_change" => {
            // `enabled` in Meta's OpenAPI description, `enable_identity_key_check` in its guide.
            only(o, feature, &["enabled", "enable_identity_key_check"])?;
            let (a, b) = (bool_field(o, feature, "enabled")?, bool_field(o, feature, "enable_identity_key_check")?);
            if a.is_some() && b.is_some() && a != b {
                return Err(ApiError::invalid(
                    "user_identity_change.enabled and enable_identity_key_check say different things; give one.",
                ));
            }
            let on =
                a.or(b).ok_or_else(|| ApiError::invalid("The parameter user_identity_change.enabled is required."))?;
            if on {
                return Err(unsupported(
                    "user_identity_change.enabled true",
                    "Risala does not hold back sends when a customer's identity key changes",
                ));
            }
        }
        "payload_encryption" => {
            only(o, feature, &["status", "client_encryption_key"])?;
            let status = enum_field(o, feature, "status", &["enabled", "disabled"])?
                .ok_or_else(|| ApiError::invalid("The parameter payload_encryption.status is required."))?;
            if status == "enabled" || o.get("client_encryption_key").is_some_and(|v| !v.is_null()) {
                return Err(unsupported(
                    "payload_encryption enabled",
                    "webhook payloads are signed (X-Hub-Signature-256), not encrypted with a client key",
                ));
            }
        }
        _ => {
            only(o, feature, &["enabled", "region"])?;
            let on = bool_field(o, feature, "enabled")?
                .ok_or_else(|| ApiError::invalid("The parameter storage_configuration.enabled is required."))?;
            if on || o.get("region").is_some_and(|v| !v.is_null()) {
                return Err(unsupported(
                    "storage_configuration enabled",
                    "data is stored where the operator runs Risala; there is no region to choose",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: Value) -> Result<(), ApiError> {
        check_update(v.as_object().unwrap())
    }

    #[test]
    fn accepts_the_state_there_is_and_refuses_the_rest() {
        assert!(check(json!({"calling": {"status": "disabled"}})).is_ok());
        assert!(check(json!({"calling": "{\"status\":\"disabled\"}"})).is_ok());
        assert!(check(json!({"user_identity_change": {"enabled": false}})).is_ok());
        assert!(check(json!({"user_identity_change": {"enable_identity_key_check": false}})).is_ok());
        assert!(check(json!({"payload_encryption": {"status": "disabled"}})).is_ok());
        assert!(check(json!({"storage_configuration": {"enabled": false}})).is_ok());
        let details = |v: Value| check(v).unwrap_err().details;
        assert!(details(json!({"calling": {"status": "enabled"}})).contains("not supported"));
        assert!(details(json!({"calling": {"status": "on"}})).contains("one of enabled, disabled"));
        assert!(details(json!({"calling": {}})).contains("calling.status is required"));
        assert!(details(json!({"user_identity_change": {"enabled": true}})).contains("identity"));
        assert!(details(json!({"user_identity_change": {"enable_identity_key_check": true}})).contains("identity"));
        assert!(details(json!({"user_identity_change": {"enabled": false, "enable_identity_key_check": true}}))
            .contains("give one"));
        assert!(details(json!({"payload_encryption": {"status": "enabled", "client_encryption_key": "k"}}))
            .contains("not supported"));
        assert!(details(json!({"storage_configuration": {"enabled": true, "region": "us"}})).contains("region"));
        assert!(details(json!({"calling": {"status": "disabled"}, "payload_encryption": {"status": "disabled"}}))
            .contains("one feature"));
        assert!(details(json!({"colour": "blue"})).contains("colour"));
        assert!(details(json!({})).contains("one setting"));
    }
}
