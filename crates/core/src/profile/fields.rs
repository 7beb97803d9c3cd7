//! Meta's rules for the fields of `POST /{phone-number-id}/whatsapp_business_profile` and
//! `POST /{phone-number-id}/conversational_automation`. Pure functions: a field's value, or
//! error 100 naming the field and the rule it broke.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::model::{BusinessProfile, Command, ConversationalAutomation, VERTICALS};

/// Longest `about`, in characters.
pub const MAX_ABOUT: usize = 139;
/// Longest `address`.
pub const MAX_ADDRESS: usize = 256;
/// Longest `description`.
pub const MAX_DESCRIPTION: usize = 512;
/// Longest `email`.
pub const MAX_EMAIL: usize = 128;
/// Most `websites`.
pub const MAX_WEBSITES: usize = 2;
/// Longest website URL.
pub const MAX_WEBSITE: usize = 256;
/// Most ice breakers (`prompts`).
pub const MAX_PROMPTS: usize = 4;
/// Longest ice breaker.
pub const MAX_PROMPT: usize = 80;
/// Most commands.
pub const MAX_COMMANDS: usize = 30;
/// Longest `command_name`.
pub const MAX_COMMAND_NAME: usize = 32;
/// Longest `command_description`.
pub const MAX_COMMAND_DESCRIPTION: usize = 256;

/// The profile fields a POST may set (besides `messaging_product` and `profile_picture_handle`).
const PROFILE_FIELDS: &[&str] = &["about", "address", "description", "email", "websites", "vertical"];

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A text field: `None` when absent, `Some(None)` when cleared (`""` or `null`, as clients send
/// to clear one), else the value within `max` characters.
fn text(body: &Map<String, Value>, key: &str, max: usize) -> Result<Option<Option<String>>, ApiError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if s.is_empty() => Ok(Some(None)),
        Some(Value::String(s)) if chars(s) > max => {
            Err(ApiError::invalid(format!("Param {key} must be at most {max} characters long ({} given)", chars(s))))
        }
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(_) => Err(ApiError::invalid(format!("Param {key} must be a string"))),
    }
}

/// A plausible email address: one `@`, something before it, a dotted domain after it, no
/// spaces.
fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|l| !l.is_empty())
}

/// A list given as a JSON array or as a string holding one (form bodies and some clients send
/// `"[…]"`); `""` and `null` are the empty list.
fn list(v: &Value, key: &str) -> Result<Vec<Value>, ApiError> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(a) => Ok(a.clone()),
        Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(a)) => Ok(a),
            _ => Err(ApiError::invalid(format!("Param {key} must be an array"))),
        },
        _ => Err(ApiError::invalid(format!("Param {key} must be an array"))),
    }
}

fn websites(v: &Value) -> Result<Vec<String>, ApiError> {
    let items = list(v, "websites")?;
    if items.len() > MAX_WEBSITES {
        return Err(ApiError::invalid(format!(
            "Param websites must have at most {MAX_WEBSITES} elements ({} given)",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let w = w.as_str().ok_or_else(|| ApiError::invalid(format!("Param websites[{i}] must be a string")))?;
            let lower = w.to_ascii_lowercase();
            let host = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
            if host.is_none_or(str::is_empty) || w.chars().any(char::is_whitespace) {
                return Err(ApiError::invalid(format!(
                    "Param websites[{i}] must be a URL starting with http:// or https://"
                )));
            }
            if chars(w) > MAX_WEBSITE {
                return Err(ApiError::invalid(format!(
                    "Param websites[{i}] must be at most {MAX_WEBSITE} characters long"
                )));
            }
            Ok(w.to_string())
        })
        .collect()
}

/// Apply a POST's profile fields to `p` (fields not given stay). `profile_picture_handle` and
/// `messaging_product` are the caller's to read; any other key is 100.
pub fn apply_profile(p: &mut BusinessProfile, body: &Map<String, Value>) -> Result<(), ApiError> {
    if let Some(k) = body
        .keys()
        .find(|k| !PROFILE_FIELDS.contains(&k.as_str()) && *k != "messaging_product" && *k != "profile_picture_handle")
    {
        return Err(ApiError::invalid(format!(
            "Param {k} is not a field of the business profile (about, address, description, email, \
             profile_picture_handle, vertical, websites)"
        )));
    }
    if let Some(v) = text(body, "about", MAX_ABOUT)? {
        // Meta: the About text cannot be empty (1 to 139 characters); the other texts can be
        // cleared with "".
        if v.is_none() {
            return Err(ApiError::invalid(format!(
                "Param about must be 1 to {MAX_ABOUT} characters long: the About text cannot be empty"
            )));
        }
        p.about = v;
    }
    if let Some(v) = text(body, "address", MAX_ADDRESS)? {
        p.address = v;
    }
    if let Some(v) = text(body, "description", MAX_DESCRIPTION)? {
        p.description = v;
    }
    if let Some(v) = text(body, "email", MAX_EMAIL)? {
        if let Some(e) = &v {
            if !valid_email(e) {
                return Err(ApiError::invalid(format!("Param email must be a valid email address, not '{e}'")));
            }
        }
        p.email = v;
    }
    if let Some(v) = body.get("websites") {
        p.websites = websites(v)?;
    }
    if let Some(v) = text(body, "vertical", 64)? {
        if let Some(vertical) = &v {
            if !VERTICALS.contains(&vertical.as_str()) {
                return Err(ApiError::invalid(format!(
                    "Param vertical must be one of {{{}}} - got \"{vertical}\"",
                    VERTICALS.join(", ")
                )));
            }
        }
        p.vertical = v;
    }
    Ok(())
}

/// `messaging_product`, which Meta requires on profile updates: `whatsapp`.
pub fn check_messaging_product(body: &Map<String, Value>) -> Result<(), ApiError> {
    match body.get("messaging_product") {
        Some(Value::String(s)) if s == "whatsapp" => Ok(()),
        None | Some(Value::Null) => Err(ApiError::invalid("The parameter messaging_product is required")),
        Some(other) => Err(ApiError::invalid(format!("Param messaging_product must be \"whatsapp\", not {other}"))),
    }
}

fn flag(v: &Value, key: &str) -> Result<bool, ApiError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" || s == "1" => Ok(true),
        Value::String(s) if s == "false" || s == "0" => Ok(false),
        _ => Err(ApiError::invalid(format!("Param {key} must be a boolean"))),
    }
}

fn prompts(v: &Value) -> Result<Vec<String>, ApiError> {
    let items = list(v, "prompts")?;
    if items.len() > MAX_PROMPTS {
        return Err(ApiError::invalid(format!(
            "Param prompts must have at most {MAX_PROMPTS} elements ({} given)",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, p)| match p.as_str() {
            Some(s) if s.trim().is_empty() => Err(ApiError::invalid(format!("Param prompts[{i}] must not be empty"))),
            Some(s) if chars(s) > MAX_PROMPT => Err(ApiError::invalid(format!(
                "Param prompts[{i}] must be at most {MAX_PROMPT} characters long ({} given)",
                chars(s)
            ))),
            Some(s) => Ok(s.to_string()),
            None => Err(ApiError::invalid(format!("Param prompts[{i}] must be a string"))),
        })
        .collect()
}

fn command(i: usize, v: &Value) -> Result<Command, ApiError> {
    let o = v.as_object().ok_or_else(|| ApiError::invalid(format!("Param commands[{i}] must be an object")))?;
    if let Some(k) = o.keys().find(|k| *k != "command_name" && *k != "command_description") {
        return Err(ApiError::invalid(format!("Param commands[{i}].{k} is not a field of a command")));
    }
    let field = |key: &str, max: usize| -> Result<String, ApiError> {
        match o.get(key) {
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(ApiError::invalid(format!("Param commands[{i}].{key} must not be empty")))
            }
            Some(Value::String(s)) if chars(s) > max => Err(ApiError::invalid(format!(
                "Param commands[{i}].{key} must be at most {max} characters long ({} given)",
                chars(s)
            ))),
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) => {
                Err(ApiError::invalid(format!("The parameter commands[{i}].{key} is required")))
            }
            Some(_) => Err(ApiError::invalid(format!("Param commands[{i}].{key} must be a string"))),
        }
    };
    let name = field("command_name", MAX_COMMAND_NAME)?;
    let name = name.strip_prefix('/').unwrap_or(&name).to_string();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(format!("Param commands[{i}].command_name must be one word without spaces")));
    }
    Ok(Command { command_name: name, command_description: field("command_description", MAX_COMMAND_DESCRIPTION)? })
}

fn commands(v: &Value) -> Result<Vec<Command>, ApiError> {
    let items = list(v, "commands")?;
    if items.len() > MAX_COMMANDS {
        return Err(ApiError::invalid(format!(
            "Param commands must have at most {MAX_COMMANDS} elements ({} given)",
            items.len()
        )));
    }
    let out: Vec<Command> = items.iter().enumerate().map(|(i, c)| command(i, c)).collect::<Result<_, _>>()?;
    for (i, c) in out.iter().enumerate() {
        if out[..i].iter().any(|o| o.command_name.eq_ignore_ascii_case(&c.command_name)) {
            return Err(ApiError::invalid(format!(
                "Param commands[{i}]: the command /{} is given twice",
                c.command_name
            )));
        }
    }
    Ok(out)
}

/// Apply a POST's conversational components to `a` (fields not given stay; an empty list
/// clears one). Any other key is 100; a POST with none of them is 100 too.
pub fn apply_automation(a: &mut ConversationalAutomation, body: &Map<String, Value>) -> Result<(), ApiError> {
    const FIELDS: &[&str] = &["enable_welcome_message", "prompts", "commands"];
    if let Some(k) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!(
            "Param {k} is not a field of conversational_automation (enable_welcome_message, prompts, commands)"
        )));
    }
    if !FIELDS.iter().any(|f| body.contains_key(*f)) {
        return Err(ApiError::invalid("Set at least one of enable_welcome_message, prompts and commands".to_string()));
    }
    if let Some(v) = body.get("enable_welcome_message") {
        a.enable_welcome_message = flag(v, "enable_welcome_message")?;
    }
    if let Some(v) = body.get("prompts") {
        a.prompts = prompts(v)?;
    }
    if let Some(v) = body.get("commands") {
        a.commands = commands(v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn profile_rules() {
        let mut p = BusinessProfile::default();
        apply_profile(&mut p, &obj(json!({"about": "Hi", "websites": ["https://a.example"], "vertical": "RETAIL"})))
            .unwrap();
        assert_eq!(p.about.as_deref(), Some("Hi"));
        assert_eq!(p.websites, vec!["https://a.example"]);
        let e = apply_profile(&mut p, &obj(json!({"about": ""}))).unwrap_err();
        assert!(e.details.contains("cannot be empty"), "{e:?}");
        assert_eq!(p.about.as_deref(), Some("Hi"), "kept");
        apply_profile(&mut p, &obj(json!({"address": ""}))).unwrap();
        assert_eq!(p.address, None);
        assert_eq!(p.vertical.as_deref(), Some("RETAIL"));
        let e = apply_profile(&mut p, &obj(json!({"websites": ["https://a.x", "https://b.x", "https://c.x"]})));
        assert!(e.unwrap_err().details.contains("at most 2"));
        assert!(apply_profile(&mut p, &obj(json!({"websites": ["ftp://a.x"]}))).is_err());
        assert!(apply_profile(&mut p, &obj(json!({"websites": "[\"https://a.x\"]"}))).is_ok());
        assert!(apply_profile(&mut p, &obj(json!({"vertical": "SPACESHIPS"}))).is_err());
        assert!(apply_profile(&mut p, &obj(json!({"email": "not-an-email"}))).is_err());
        assert!(apply_profile(&mut p, &obj(json!({"email": "a@b.co"}))).is_ok());
        assert!(apply_profile(&mut p, &obj(json!({"about": "x".repeat(140)}))).is_err());
        assert!(apply_profile(&mut p, &obj(json!({"about": "ب".repeat(139)}))).is_ok());
        assert!(apply_profile(&mut p, &obj(json!({"colour": "red"}))).is_err());
    }

    #[test]
    fn automation_rules() {
        let mut a = ConversationalAutomation::default();
        let body = json!({"prompts": ["Plan a trip"], "commands": "[{\"command_name\":\"help\",\"command_description\":\"Get help\"}]"});
        apply_automation(&mut a, &obj(body)).unwrap();
        assert_eq!(a.prompts, vec!["Plan a trip"]);
        assert_eq!(a.commands[0].command_name, "help");
        assert!(!a.enable_welcome_message);
        apply_automation(&mut a, &obj(json!({"enable_welcome_message": true}))).unwrap();
        assert!(a.enable_welcome_message);
        assert_eq!(a.prompts.len(), 1);
        assert!(apply_automation(&mut a, &obj(json!({"prompts": ["a", "b", "c", "d", "e"]}))).is_err());
        assert!(apply_automation(&mut a, &obj(json!({"prompts": ["x".repeat(81)]}))).is_err());
        let long = json!([{"command_name": "x".repeat(33), "command_description": "d"}]);
        assert!(apply_automation(&mut a, &obj(json!({"commands": long}))).is_err());
        assert!(apply_automation(&mut a, &obj(json!({}))).is_err());
        assert!(apply_automation(&mut a, &obj(json!({"enable_welcome_message": "maybe"}))).is_err());
    }
}
