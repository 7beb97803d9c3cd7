//! Reading a customer's answer: what the message says, whether it is a valid answer of a
//! `collect` step's kind, and `{{variable}}` filled into the bot's texts.

use serde_json::{Map, Value};

use crate::model::Message;

/// What the customer's message says, for matching: its text, or the reply's id and title.
pub(super) fn said(m: &Message) -> (String, Option<String>) {
    let c = &m.content;
    match m.kind.as_str() {
        "text" => (c["text"]["body"].as_str().unwrap_or_default().to_string(), None),
        "interactive" if c["interactive"]["type"] == "nfm_reply" => {
            let r = &c["interactive"]["nfm_reply"];
            (format!("[form] {}", r["response_json"].as_str().unwrap_or_default()), None)
        }
        "interactive" => {
            let r = if c["interactive"]["button_reply"].is_object() {
                &c["interactive"]["button_reply"]
            } else {
                &c["interactive"]["list_reply"]
            };
            (r["title"].as_str().unwrap_or_default().to_string(), r["id"].as_str().map(String::from))
        }
        "button" => (c["button"]["text"].as_str().unwrap_or_default().to_string(), None),
        "location" => {
            let l = &c["location"];
            (format!("{},{}", l["latitude"], l["longitude"]), None)
        }
        k => (format!("[{k}]"), None),
    }
}

pub(super) fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// `{{name}}` in every string of `v` replaced by the variable.
pub(super) fn fill(v: &Value, vars: &Map<String, Value>) -> Value {
    match v {
        Value::String(s) if s.contains("{{") => {
            let mut out = s.clone();
            for (k, val) in vars {
                let text = val.as_str().map_or_else(|| val.to_string(), String::from);
                out = out.replace(&format!("{{{{{k}}}}}"), &text);
            }
            Value::String(blank_unset(&out))
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, vars)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), fill(x, vars))).collect()),
        other => other.clone(),
    }
}

/// `{{name}}` in a URL replaced by the variable, percent-encoded (letters, digits and `-._~`
/// stay as they are), so an answer cannot change the URL's shape.
pub(super) fn fill_url(url: &str, vars: &Map<String, Value>) -> String {
    let mut out = url.to_string();
    for (k, val) in vars {
        let text = val.as_str().map_or_else(|| val.to_string(), String::from);
        let encoded: String = text
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        out = out.replace(&format!("{{{{{k}}}}}"), &encoded);
    }
    blank_unset(&out)
}

/// `{{name}}` of a variable this conversation has not set (its step was skipped) as nothing,
/// not as the placeholder: the customer never reads `{{email}}`.
fn blank_unset(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("{{") {
        let after = &rest[at + 2..];
        match after.find("}}") {
            Some(end) if !after[..end].is_empty() && after[..end].chars().all(|c| c.is_alphanumeric() || c == '_') => {
                out.push_str(&rest[..at]);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str(&rest[..at + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The answers of a completed flow: the `nfm_reply`'s `response_json` object, when it answers
/// the flow sent with `token` (a reply to another flow message is not this step's answer).
pub(super) fn flow_answers(m: &Message, token: &str) -> Option<Map<String, Value>> {
    let reply = &m.content["interactive"];
    if m.kind != "interactive" || reply["type"] != "nfm_reply" {
        return None;
    }
    let text = reply["nfm_reply"]["response_json"].as_str()?;
    let Ok(Value::Object(mut answers)) = serde_json::from_str::<Value>(text) else { return None };
    match answers.remove("flow_token") {
        Some(Value::String(t)) if t != token => None,
        _ => Some(answers),
    }
}

/// A line of the transcript for a message the bot sends.
pub(super) fn summary(msg: &Value) -> String {
    let t = msg["type"].as_str().unwrap_or_default();
    msg[t]["body"].as_str().or_else(|| msg[t]["body"]["text"].as_str()).map_or_else(|| format!("[{t}]"), String::from)
}

/// Whether `value` is a valid answer of `kind`.
pub(super) fn valid(kind: &str, m: &Message, value: &str) -> bool {
    let v = value.trim();
    match kind {
        "number" => v.replace(',', ".").parse::<f64>().is_ok_and(f64::is_finite),
        "email" => {
            let mut parts = v.splitn(2, '@');
            let (user, domain) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
            !user.is_empty()
                && !v.contains(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        }
        "date" => {
            let p: Vec<&str> = v.split('-').collect();
            let n = |s: &str, len: usize| (s.len() == len).then(|| s.parse::<u32>().ok()).flatten();
            match (
                p.len(),
                p.first().and_then(|y| n(y, 4)),
                p.get(1).and_then(|x| n(x, 2)),
                p.get(2).and_then(|x| n(x, 2)),
            ) {
                (3, Some(y), Some(mo), Some(d)) => {
                    let days = [
                        31,
                        if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) { 29 } else { 28 },
                        31,
                        30,
                        31,
                        30,
                        31,
                        31,
                        30,
                        31,
                        30,
                        31,
                    ];
                    (1..=12).contains(&mo) && d >= 1 && d <= days[(mo - 1) as usize]
                }
                _ => false,
            }
        }
        "location" => m.kind == "location",
        _ => m.kind == "text" && !v.is_empty(),
    }
}

pub(super) fn default_error(kind: &str) -> &'static str {
    match kind {
        "number" => "Please answer with a number.",
        "email" => "Please answer with an email address, like name@example.com.",
        "date" => "Please answer with a date as YYYY-MM-DD, like 2026-12-31.",
        "location" => "Please share a location.",
        _ => "Please answer in text.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_variable_not_set_is_left_out_not_shown() {
        let vars: Map<String, Value> = json!({"name": "Huda"}).as_object().unwrap().clone();
        let v = fill(&json!({"text": "Thanks {{name}}, {{email}}! {{ not a var }} {{}}"}), &vars);
        assert_eq!(v["text"], "Thanks Huda, ! {{ not a var }} {{}}");
        assert_eq!(fill_url("https://x.example/?e={{email}}&n={{name}}", &vars), "https://x.example/?e=&n=Huda");
    }

    fn message(kind: &str, content: Value) -> Message {
        Message {
            id: "wamid.1".into(),
            seq: 1,
            phone_number_id: "1".into(),
            business_id: "1".into(),
            wa_id: "15550001111".into(),
            direction: crate::model::Direction::Inbound,
            kind: kind.into(),
            content,
            context_id: None,
            biz_opaque: None,
            status: crate::model::MessageStatus::Received,
            error: None,
            created_at: 0,
            updated_at: 0,
            expires_at: None,
        }
    }

    fn text(body: &str) -> Message {
        message("text", json!({"type": "text", "text": {"body": body}}))
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let ok = |kind: &str, v: &str| valid(kind, &text(v), v);
        assert!(ok("email", "alice@example.com") && ok("email", " a.b+c@mail.example.sa "));
        for bad in ["alice", "alice@", "@example.com", "alice@example", "a b@example.com", "a@b@c.com", "a@.com"] {
            assert!(!ok("email", bad), "{bad}");
        }
        assert!(ok("number", "42") && ok("number", "3,5") && ok("number", "-1.25"));
        assert!(!ok("number", "forty") && !ok("number", "inf") && !ok("number", ""));
        assert!(ok("date", "2026-12-31") && ok("date", "2028-02-29"));
        for bad in ["2026-02-29", "2026-13-01", "2026-1-1", "31/12/2026", "2026-12-32"] {
            assert!(!ok("date", bad), "{bad}");
        }
        assert!(ok("text", "anything") && !ok("text", "   "));
        assert!(!ok("location", "24.7,46.6"), "a typed location is not a location");
        let loc = message("location", json!({"type": "location", "location": {"latitude": 24.7, "longitude": 46.6}}));
        let (said_text, _) = said(&loc);
        assert_eq!(said_text, "24.7,46.6");
        assert!(valid("location", &loc, &said_text));
    }

    #[test]
    fn replies_and_variables() {
        let press = message(
            "interactive",
            json!({"type": "interactive", "interactive": {"type": "list_reply",
                "list_reply": {"id": "riyadh", "title": "Riyadh"}}}),
        );
        assert_eq!(said(&press), ("Riyadh".to_string(), Some("riyadh".to_string())));
        let mut vars = Map::new();
        vars.insert("email".into(), json!("a@b.co"));
        vars.insert("n".into(), json!(3));
        let msg = json!({"type": "text", "text": {"body": "Thanks {{email}}, {{n}} items, {{unknown}}"}});
        assert_eq!(fill(&msg, &vars)["text"]["body"], "Thanks a@b.co, 3 items, ", "a variable not set is left out");
        assert_eq!(summary(&msg), "Thanks {{email}}, {{n}} items, {{unknown}}");
        assert_eq!(summary(&json!({"type": "image", "image": {"link": "https://x"}})), "[image]");
        assert!(same(" AGENT ", "agent") && same("موظف", "موظف"));
        vars.insert("q".into(), json!("a b/c&d=é"));
        assert_eq!(fill_url("https://x.test/o/{{q}}?n={{n}}", &vars), "https://x.test/o/a%20b%2Fc%26d%3D%C3%A9?n=3");
    }

    #[test]
    fn a_flow_is_answered_by_its_own_reply() {
        let reply = |json: &str| {
            message(
                "interactive",
                json!({"type": "interactive", "interactive": {"type": "nfm_reply",
                    "nfm_reply": {"name": "flow", "body": "Sent", "response_json": json}}}),
            )
        };
        let m = reply(r#"{"flow_token": "T1", "date": "2026-12-31", "people": 2}"#);
        let answers = flow_answers(&m, "T1").unwrap();
        assert_eq!(Value::Object(answers), json!({"date": "2026-12-31", "people": 2}));
        assert_eq!(flow_answers(&m, "T2"), None);
        assert_eq!(said(&m).0, r#"[form] {"flow_token": "T1", "date": "2026-12-31", "people": 2}"#);
        assert_eq!(flow_answers(&reply("not json"), "T1"), None);
        assert_eq!(flow_answers(&text("done"), "T1"), None);
    }
}
