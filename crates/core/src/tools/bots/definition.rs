//! A bot's definition, checked: `{"name", "trigger": {"on": "new_conversation"|"keywords",
//! "keywords": […]}, "start": step id, "steps": {id: step}, "handoff_keywords": […]}`. Every
//! error names where it is (`steps.ask1.options[2].next: no such step`), so a business fixes
//! its JSON without guessing.

use serde_json::{Map, Value};

/// The customer's words that ask for a person when the bot sets none.
pub const DEFAULT_HANDOFF_KEYWORDS: &[&str] = &["agent", "موظف"];
/// At most this many steps in a bot.
pub const MAX_STEPS: usize = 100;
/// The answers a `collect` step checks.
pub const COLLECT_KINDS: &[&str] = &["text", "number", "email", "date", "location"];
/// The message types a `send` step may send.
pub const SEND_TYPES: &[&str] =
    &["text", "image", "video", "audio", "document", "sticker", "interactive", "location", "contacts"];

const TOP: &[&str] = &["name", "trigger", "start", "steps", "handoff_keywords", "enabled"];
/// An `http` step's timeout when it sets none, and the longest it may set.
pub const HTTP_TIMEOUT_MS: u64 = 5_000;
pub const HTTP_TIMEOUT_MAX_MS: u64 = 10_000;
/// The longest a `wait` step waits (7 days).
pub const WAIT_MAX_SECONDS: i64 = 7 * 24 * 3600;
/// The longest `cta` of a `flow` step (Cloud API `flow_cta`).
const FLOW_CTA_MAX: usize = 30;

/// Each step kind and the fields it knows (besides `type`), in the order an editor shows them:
/// the validator's table, which the console's visual editor also renders from.
pub const STEP_KINDS: &[(&str, &[&str])] = &[
    ("send", &["message", "next"]),
    ("ask", &["text", "style", "button", "options", "variable", "retry", "on_fail"]),
    ("collect", &["text", "kind", "variable", "next", "retry", "on_fail", "error"]),
    ("branch", &["cases", "default"]),
    ("set_label", &["label", "next"]),
    ("set_field", &["field", "value", "next"]),
    ("http", &["url", "method", "body", "save", "next", "on_fail", "timeout_ms"]),
    ("flow", &["flow_id", "cta", "text", "screen", "data", "next", "retry", "on_fail", "error"]),
    ("wait", &["seconds", "next"]),
    ("handoff", &["label", "assign", "message"]),
    ("end", &["message"]),
];

/// The fields step kind `kind` knows (besides `type`); `None` for an unknown kind.
pub fn fields(kind: &str) -> Option<&'static [&'static str]> {
    STEP_KINDS.iter().find(|(k, _)| *k == kind).map(|(_, f)| *f)
}

struct Check<'a> {
    steps: &'a Map<String, Value>,
    errors: Vec<String>,
}

impl Check<'_> {
    fn err(&mut self, at: &str, what: &str) {
        self.errors.push(format!("{at}: {what}"));
    }

    /// A required non-empty string of at most `max` characters.
    fn text(&mut self, step: &Map<String, Value>, at: &str, field: &str, max: usize) {
        match step.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max => {}
            Some(Value::String(_)) => self.err(&format!("{at}.{field}"), &format!("1 to {max} characters")),
            Some(_) => self.err(&format!("{at}.{field}"), "must be a string"),
            None => self.err(&format!("{at}.{field}"), "required"),
        }
    }

    /// A step id that exists (`required`: it must be there).
    fn next(&mut self, step: &Map<String, Value>, at: &str, field: &str, required: bool) {
        match step.get(field) {
            None | Some(Value::Null) if !required => {}
            None | Some(Value::Null) => self.err(&format!("{at}.{field}"), "required"),
            Some(Value::String(s)) if self.steps.contains_key(s) => {}
            Some(Value::String(_)) => self.err(&format!("{at}.{field}"), "no such step"),
            Some(_) => self.err(&format!("{at}.{field}"), "must be a step id"),
        }
    }

    fn retry(&mut self, step: &Map<String, Value>, at: &str) {
        if let Some(r) = step.get("retry") {
            if !r.as_i64().is_some_and(|n| (0..=5).contains(&n)) {
                self.err(&format!("{at}.retry"), "a whole number from 0 to 5");
            }
        }
        self.next(step, at, "on_fail", false);
    }

    fn step(&mut self, id: &str, v: &Value) {
        let at = format!("steps.{id}");
        let Some(step) = v.as_object() else { return self.err(&at, "must be an object") };
        let kind = step.get("type").and_then(Value::as_str).unwrap_or_default();
        let Some(known) = fields(kind) else {
            let kinds: Vec<&str> = STEP_KINDS.iter().map(|(k, _)| *k).collect();
            return self.err(&format!("{at}.type"), &format!("one of {}", kinds.join(", ")));
        };
        if let Some(k) = step.keys().find(|k| *k != "type" && !known.contains(&k.as_str())) {
            self.err(&format!("{at}.{k}"), &format!("unknown field; a {kind} step knows {}", known.join(", ")));
        }
        match kind {
            "send" => {
                let m = step.get("message");
                let t = m.and_then(|m| m["type"].as_str()).unwrap_or_default();
                if !m.is_some_and(Value::is_object) {
                    self.err(&format!("{at}.message"), "required: a message object as in /messages");
                } else if !SEND_TYPES.contains(&t) {
                    self.err(&format!("{at}.message.type"), &format!("one of {}", SEND_TYPES.join(", ")));
                } else if !m.is_some_and(|m| m[t].is_object() || m[t].is_array()) {
                    self.err(&format!("{at}.message.{t}"), "required");
                }
                self.next(step, &at, "next", false);
            }
            "ask" => self.ask(step, &at),
            "collect" => {
                self.text(step, &at, "text", 4096);
                self.text(step, &at, "variable", 64);
                let k = step.get("kind").and_then(Value::as_str).unwrap_or_default();
                if !COLLECT_KINDS.contains(&k) {
                    self.err(&format!("{at}.kind"), &format!("one of {}", COLLECT_KINDS.join(", ")));
                }
                if step.contains_key("error") {
                    self.text(step, &at, "error", 4096);
                }
                self.next(step, &at, "next", true);
                self.retry(step, &at);
            }
            "branch" => {
                match step.get("cases").and_then(Value::as_array) {
                    Some(cases) => {
                        for (i, c) in cases.iter().enumerate() {
                            let cat = format!("{at}.cases[{i}]");
                            let Some(c) = c.as_object() else {
                                self.err(&cat, "must be an object");
                                continue;
                            };
                            let by_var =
                                c.get("variable").and_then(Value::as_str).is_some() && c.contains_key("equals");
                            let by_label = c.get("label").and_then(Value::as_str).is_some();
                            if by_var == by_label {
                                self.err(&cat, "give either variable and equals, or label");
                            }
                            self.next(c, &cat, "next", true);
                        }
                    }
                    None => self.err(&format!("{at}.cases"), "required: an array of cases"),
                }
                self.next(step, &at, "default", true);
            }
            "set_label" => {
                self.text(step, &at, "label", 40);
                self.next(step, &at, "next", false);
            }
            "set_field" => {
                self.text(step, &at, "field", 64);
                if !step.get("value").is_some_and(Value::is_string) {
                    self.err(&format!("{at}.value"), "required: a string ({{variable}} is replaced)");
                }
                self.next(step, &at, "next", false);
            }
            "http" => self.http(step, &at),
            "flow" => {
                self.text(step, &at, "flow_id", 64);
                self.text(step, &at, "cta", FLOW_CTA_MAX);
                self.text(step, &at, "text", 1024);
                if step.contains_key("screen") {
                    self.text(step, &at, "screen", 64);
                }
                if let Some(d) = step.get("data") {
                    if d.as_object().is_none_or(|o| o.is_empty()) {
                        self.err(&format!("{at}.data"), "a non-empty object (the first screen's data)");
                    }
                }
                if step.contains_key("error") {
                    self.text(step, &at, "error", 4096);
                }
                self.next(step, &at, "next", true);
                self.retry(step, &at);
            }
            "wait" => {
                if !step.get("seconds").and_then(Value::as_i64).is_some_and(|n| (1..=WAIT_MAX_SECONDS).contains(&n)) {
                    self.err(
                        &format!("{at}.seconds"),
                        &format!("a whole number from 1 to {WAIT_MAX_SECONDS} (7 days)"),
                    );
                }
                self.next(step, &at, "next", true);
            }
            "handoff" => {
                if step.contains_key("label") {
                    self.text(step, &at, "label", 40);
                }
                if let Some(a) = step.get("assign") {
                    if a.as_str() != Some("round_robin") {
                        self.err(&format!("{at}.assign"), "round_robin, or leave it out (the label only)");
                    }
                }
                if step.contains_key("message") {
                    self.text(step, &at, "message", 4096);
                }
            }
            _ => {
                if step.contains_key("message") {
                    self.text(step, &at, "message", 4096);
                }
            }
        }
    }

    fn http(&mut self, step: &Map<String, Value>, at: &str) {
        match step.get("url").and_then(Value::as_str) {
            Some(u) if (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2000 => {}
            Some(_) => self.err(&format!("{at}.url"), "an http(s) URL of at most 2000 characters"),
            None => self.err(&format!("{at}.url"), "required: the endpoint's http(s) URL"),
        }
        let get = match step.get("method").map(Value::as_str) {
            None | Some(Some("POST")) => false,
            Some(Some("GET")) => true,
            _ => {
                self.err(&format!("{at}.method"), "GET or POST");
                false
            }
        };
        match step.get("body") {
            None => {}
            Some(_) if get => self.err(&format!("{at}.body"), "a GET request has no body"),
            Some(Value::Object(_)) => {}
            Some(_) => self.err(&format!("{at}.body"), "an object ({{variable}} in its strings is replaced)"),
        }
        match step.get("save") {
            None => {}
            Some(Value::Object(save)) => {
                for (var, pointer) in save {
                    let ok = pointer.as_str().is_some_and(|p| p.is_empty() || p.starts_with('/'));
                    if var.trim().is_empty() || var.chars().count() > 64 || !ok {
                        self.err(&format!("{at}.save.{var}"), "a JSON pointer into the answer, like /order/status");
                    }
                }
            }
            Some(_) => self.err(&format!("{at}.save"), "an object of variable: JSON pointer"),
        }
        if let Some(t) = step.get("timeout_ms") {
            if !t.as_u64().is_some_and(|n| (100..=HTTP_TIMEOUT_MAX_MS).contains(&n)) {
                self.err(&format!("{at}.timeout_ms"), &format!("a whole number from 100 to {HTTP_TIMEOUT_MAX_MS}"));
            }
        }
        self.next(step, at, "next", false);
        self.next(step, at, "on_fail", false);
    }

    fn ask(&mut self, step: &Map<String, Value>, at: &str) {
        self.text(step, at, "text", 1024);
        self.text(step, at, "variable", 64);
        let list = match step.get("style").map(Value::as_str) {
            None | Some(Some("buttons")) => false,
            Some(Some("list")) => true,
            _ => {
                self.err(&format!("{at}.style"), "buttons or list");
                false
            }
        };
        if list {
            self.text(step, at, "button", 20);
        }
        let (max_options, max_title) = if list { (10, 24) } else { (3, 20) };
        match step.get("options").and_then(Value::as_array) {
            Some(options) if (1..=max_options).contains(&options.len()) => {
                let mut ids = std::collections::HashSet::new();
                for (i, o) in options.iter().enumerate() {
                    let oat = format!("{at}.options[{i}]");
                    let Some(o) = o.as_object() else {
                        self.err(&oat, "must be an object");
                        continue;
                    };
                    self.text(o, &oat, "id", 200);
                    self.text(o, &oat, "title", max_title);
                    if let Some(id) = o.get("id").and_then(Value::as_str) {
                        if !ids.insert(id.to_string()) {
                            self.err(&format!("{oat}.id"), "used by another option");
                        }
                    }
                    self.next(o, &oat, "next", true);
                }
            }
            Some(_) => self.err(&format!("{at}.options"), &format!("1 to {max_options} options")),
            None => self.err(&format!("{at}.options"), "required: an array of {id, title, next}"),
        }
        self.retry(step, at);
    }
}

fn strings(v: Option<&Value>, at: &str, errors: &mut Vec<String>) -> usize {
    match v {
        None | Some(Value::Null) => 0,
        Some(Value::Array(a)) => {
            for (i, k) in a.iter().enumerate() {
                if k.as_str().is_none_or(|s| s.trim().is_empty()) {
                    errors.push(format!("{at}[{i}]: a word or phrase"));
                }
            }
            a.len()
        }
        Some(_) => {
            errors.push(format!("{at}: an array of strings"));
            0
        }
    }
}

/// Every error of the definition (empty: it can run).
pub fn validate(def: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(root) = def.as_object() else { return vec!["the bot must be a JSON object".into()] };
    if let Some(k) = root.keys().find(|k| !TOP.contains(&k.as_str())) {
        errors.push(format!("{k}: unknown field; known fields are {}", TOP.join(", ")));
    }
    match root.get("name").and_then(Value::as_str) {
        Some(n) if !n.trim().is_empty() && n.chars().count() <= 100 => {}
        _ => errors.push("name: required, 1 to 100 characters".into()),
    }
    if root.get("enabled").is_some_and(|e| !e.is_boolean()) {
        errors.push("enabled: must be true or false".into());
    }
    match root.get("trigger").map(|t| t["on"].as_str()) {
        Some(Some("new_conversation")) => {}
        Some(Some("keywords")) => {
            if strings(root["trigger"].get("keywords"), "trigger.keywords", &mut errors) == 0 {
                errors.push("trigger.keywords: give at least one keyword".into());
            }
        }
        _ => errors.push("trigger.on: new_conversation or keywords".into()),
    }
    strings(root.get("handoff_keywords"), "handoff_keywords", &mut errors);
    let empty = Map::new();
    let steps = match root.get("steps") {
        Some(Value::Object(s)) if !s.is_empty() && s.len() <= MAX_STEPS => s,
        _ => {
            errors.push(format!("steps: required, an object of 1 to {MAX_STEPS} steps by id"));
            &empty
        }
    };
    match root.get("start").and_then(Value::as_str) {
        Some(s) if steps.contains_key(s) => {}
        Some(_) => errors.push("start: no such step".into()),
        None => errors.push("start: required, the first step's id".into()),
    }
    let mut check = Check { steps, errors };
    for (id, step) in steps {
        check.step(id, step);
    }
    check.errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bot(steps: Value) -> Value {
        json!({"name": "B", "trigger": {"on": "new_conversation"}, "start": "a", "steps": steps})
    }

    #[test]
    fn a_good_bot_has_no_errors() {
        let def = bot(json!({
            "a": {"type": "ask", "style": "list", "button": "Cities", "text": "Where?", "variable": "city",
                "options": [{"id": "r", "title": "Riyadh", "next": "b"}, {"id": "j", "title": "Jeddah", "next": "b"}]},
            "b": {"type": "branch", "cases": [{"variable": "city", "equals": "r", "next": "c"},
                {"label": "VIP", "next": "d"}], "default": "d"},
            "c": {"type": "set_label", "label": "Riyadh", "next": "d"},
            "d": {"type": "set_field", "field": "city", "value": "{{city}}", "next": "e"},
            "e": {"type": "send", "message": {"type": "image", "image": {"link": "https://x.test/a.png"}}, "next": "f"},
            "f": {"type": "end", "message": "Bye"}
        }));
        assert_eq!(validate(&def), Vec::<String>::new());
    }

    #[test]
    fn errors_name_the_place() {
        let def = bot(json!({
            "a": {"type": "ask", "text": "Pick", "variable": "v", "options": [
                {"id": "1", "title": "One", "next": "b"}, {"id": "1", "title": "Two", "next": "b"},
                {"id": "3", "title": "Three", "next": "b"}, {"id": "4", "title": "Four", "next": "b"}]},
            "b": {"type": "collect", "kind": "phone", "text": "x", "variable": "p", "next": "zz", "retry": 9},
            "c": {"type": "handoff", "assign": "everyone", "colour": "red"},
            "d": {"type": "branch", "cases": [{"next": "a"}]},
            "e": {"type": "send", "message": {"type": "text"}}
        }));
        let errors = validate(&def);
        for e in [
            "steps.a.options: 1 to 3 options",
            "steps.b.kind: one of text, number, email, date, location",
            "steps.b.next: no such step",
            "steps.b.retry: a whole number from 0 to 5",
            "steps.c.assign: round_robin, or leave it out (the label only)",
            "steps.d.cases[0]: give either variable and equals, or label",
            "steps.d.default: required",
            "steps.e.message.text: required",
        ] {
            assert!(errors.contains(&e.to_string()), "{e} not in {errors:#?}");
        }
        assert!(errors.iter().any(|e| e.starts_with("steps.c.colour: unknown field")), "{errors:#?}");
        let mut three = def.clone();
        three["steps"]["a"]["options"].as_array_mut().unwrap().truncate(2);
        assert!(validate(&three).contains(&"steps.a.options[1].id: used by another option".to_string()));
        assert_eq!(validate(&json!([])), ["the bot must be a JSON object"]);
        let kw = json!({"name": "K", "trigger": {"on": "keywords", "keywords": []}, "start": "a",
            "steps": {"a": {"type": "end"}}});
        assert_eq!(validate(&kw), ["trigger.keywords: give at least one keyword"]);
    }

    #[test]
    fn http_flow_and_wait_steps_are_checked() {
        let good = bot(json!({
            "a": {"type": "http", "url": "https://shop.example/orders/{{order}}", "method": "GET",
                "save": {"status": "/order/status", "all": ""}, "next": "b", "on_fail": "c", "timeout_ms": 2000},
            "b": {"type": "flow", "flow_id": "123", "cta": "Book", "text": "Pick a time", "screen": "START",
                "data": {"x": 1}, "next": "w", "retry": 0, "on_fail": "c"},
            "w": {"type": "wait", "seconds": 3600, "next": "c"},
            "c": {"type": "end"}
        }));
        assert_eq!(validate(&good), Vec::<String>::new());
        let bad = bot(json!({
            "a": {"type": "http", "url": "ftp://x", "method": "PUT", "save": {"v": "order"}, "timeout_ms": 20000},
            "b": {"type": "http", "url": "https://x.test", "method": "GET", "body": {}},
            "f": {"type": "flow", "flow_id": "1", "cta": "A very long call to action text here", "text": "t",
                "data": {}, "next": "nowhere"},
            "w": {"type": "wait", "seconds": 604801, "next": "a"},
            "x": {"type": "teleport"}
        }));
        let errors = validate(&bad);
        for e in [
            "steps.a.url: an http(s) URL of at most 2000 characters",
            "steps.a.method: GET or POST",
            "steps.a.save.v: a JSON pointer into the answer, like /order/status",
            "steps.a.timeout_ms: a whole number from 100 to 10000",
            "steps.b.body: a GET request has no body",
            "steps.f.cta: 1 to 30 characters",
            "steps.f.data: a non-empty object (the first screen's data)",
            "steps.f.next: no such step",
            "steps.w.seconds: a whole number from 1 to 604800 (7 days)",
            "steps.x.type: one of send, ask, collect, branch, set_label, set_field, http, flow, wait, handoff, end",
        ] {
            assert!(errors.contains(&e.to_string()), "{e} not in {errors:#?}");
        }
        assert_eq!(errors.len(), 10, "{errors:#?}");
        for (kind, _) in STEP_KINDS {
            assert!(fields(kind).is_some(), "{kind}");
        }
    }
}
