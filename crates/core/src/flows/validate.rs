//! Flow JSON validation: the common rules of Meta's Flow JSON reference, each error pointing at
//! the component it is about with Meta's `validation_errors` shape (`error`, `error_type`,
//! `message`, lines and columns, and `pointers` with the `path`). Not every rule of Meta's
//! schema is checked; the ones that catch the usual mistakes are: the document's shape,
//! unknown and missing properties of screens, layouts and components, unknown component types,
//! duplicate screen ids, navigation to a screen that does not exist, a terminal screen without
//! a Footer, and a screen with no path to a terminal screen.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::locate::{Locator, Step};

/// What validating a Flow JSON found.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Meta's `validation_errors` entries; empty when the Flow JSON is valid.
    pub errors: Vec<Value>,
    /// The document's `version`, when it has one.
    pub version: Option<String>,
    /// The document's `data_api_version`, when it has one.
    pub data_api_version: Option<String>,
    /// Screen ids in document order.
    pub screens: Vec<String>,
}

/// Component types of Flow JSON and the properties each requires.
const COMPONENTS: &[(&str, &[&str])] = &[
    ("TextHeading", &["text"]),
    ("TextSubheading", &["text"]),
    ("TextBody", &["text"]),
    ("TextCaption", &["text"]),
    ("RichText", &["text"]),
    ("TextInput", &["name", "label"]),
    ("TextArea", &["name", "label"]),
    ("Dropdown", &["name", "label", "data-source"]),
    ("RadioButtonsGroup", &["name", "label", "data-source"]),
    ("CheckboxGroup", &["name", "data-source"]),
    ("ChipsSelector", &["name", "label", "data-source"]),
    ("DatePicker", &["name", "label"]),
    ("CalendarPicker", &["name", "label"]),
    ("OptIn", &["name", "label"]),
    ("Footer", &["label", "on-click-action"]),
    ("EmbeddedLink", &["text", "on-click-action"]),
    ("Image", &["src"]),
    ("ImageCarousel", &["images"]),
    ("PhotoPicker", &["name", "label"]),
    ("DocumentPicker", &["name", "label"]),
    ("NavigationList", &["name", "list-items"]),
    ("Form", &["name", "children"]),
    ("If", &["condition", "then"]),
    ("Switch", &["value", "cases"]),
];

const ROOT_KEYS: &[&str] = &["version", "screens", "data_api_version", "routing_model", "data_channel_uri"];
const SCREEN_KEYS: &[&str] = &["id", "title", "terminal", "success", "data", "layout", "refresh_on_back", "sensitive"];
const ACTIONS: &[&str] = &["complete", "navigate", "data_exchange", "update_data", "open_url"];

struct Ctx<'a> {
    loc: Locator<'a>,
    errors: Vec<Value>,
}

fn path_text(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// `$root/screens/0/layout`: how Meta's schema errors name a place.
fn schema_path(path: &[Step]) -> String {
    let mut s = "$root".to_string();
    for step in path {
        match step {
            Step::Key(k) => s.push_str(&format!("/{k}")),
            Step::Index(i) => s.push_str(&format!("/{i}")),
        }
    }
    s
}

fn with(path: &[Step], step: Step) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(step);
    p
}

fn key(path: &[Step], k: &str) -> Vec<Step> {
    with(path, Step::Key(k.to_string()))
}

impl Ctx<'_> {
    /// One `validation_errors` entry at `path` (its key's span when `on_key`).
    fn error(&mut self, error: &str, error_type: &str, message: String, path: &[Step], on_key: bool) {
        let s = self.loc.span(path, on_key);
        self.errors.push(json!({
            "error": error,
            "error_type": error_type,
            "message": message,
            "line_start": s.line_start,
            "line_end": s.line_end,
            "column_start": s.column_start,
            "column_end": s.column_end,
            "pointers": [{
                "line_start": s.line_start,
                "line_end": s.line_end,
                "column_start": s.column_start,
                "column_end": s.column_end,
                "path": path_text(path),
            }],
        }));
    }

    fn schema(&mut self, message: String, path: &[Step], on_key: bool) {
        self.error("INVALID_PROPERTY", "JSON_SCHEMA_ERROR", message, path, on_key);
    }

    fn value(&mut self, message: String, path: &[Step]) {
        self.error("INVALID_PROPERTY_VALUE", "FLOW_JSON_ERROR", message, path, false);
    }

    fn missing(&mut self, prop: &str, path: &[Step]) {
        let message = format!("The required property \"{prop}\" is missing at \"{}\".", schema_path(path));
        self.error("MISSING_REQUIRED_PROPERTY", "JSON_SCHEMA_ERROR", message, path, false);
    }

    fn unknown_keys(&mut self, o: &Map<String, Value>, allowed: &[&str], path: &[Step]) {
        for k in o.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let p = key(path, k);
            self.schema(format!("The property \"{k}\" cannot be specified at \"{}\".", schema_path(path)), &p, true);
        }
    }
}

/// Validate the text of a Flow JSON.
pub fn check(text: &str) -> Checked {
    let mut out = Checked::default();
    let mut cx = Ctx { loc: Locator::new(text), errors: Vec::new() };
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, column) = (e.line(), e.column());
            out.errors.push(json!({
                "error": "INVALID_JSON",
                "error_type": "JSON_SYNTAX_ERROR",
                "message": format!("The Flow JSON is not valid JSON: {e}"),
                "line_start": line, "line_end": line, "column_start": column, "column_end": column,
                "pointers": [],
            }));
            return out;
        }
    };
    let Some(root) = doc.as_object() else {
        cx.value("The Flow JSON must be a JSON object.".into(), &[]);
        out.errors = cx.errors;
        return out;
    };
    cx.unknown_keys(root, ROOT_KEYS, &[]);
    match root.get("version") {
        None => cx.missing("version", &[]),
        Some(Value::String(v)) if is_version(v) => out.version = Some(v.clone()),
        Some(_) => cx.value(
            "Invalid value found for property 'version': a Flow JSON version like \"7.1\".".into(),
            &key(&[], "version"),
        ),
    }
    match root.get("data_api_version") {
        None => {}
        Some(Value::String(v)) if is_version(v) => out.data_api_version = Some(v.clone()),
        Some(_) => cx.value(
            "Invalid value found for property 'data_api_version': a Data API version like \"3.0\".".into(),
            &key(&[], "data_api_version"),
        ),
    }
    let screens = match root.get("screens") {
        None => {
            cx.missing("screens", &[]);
            &[][..]
        }
        Some(Value::Array(a)) if !a.is_empty() => a.as_slice(),
        Some(_) => {
            cx.value(
                "Invalid value found for property 'screens': a non-empty array of screens.".into(),
                &key(&[], "screens"),
            );
            &[][..]
        }
    };
    // Screen ids first: navigation anywhere may name any screen.
    let mut ids: Vec<Option<String>> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, s) in screens.iter().enumerate() {
        let p = with(&key(&[], "screens"), Step::Index(i));
        let id = s.get("id").and_then(Value::as_str).map(str::to_string);
        if let Some(id) = &id {
            if !seen.insert(id.clone()) {
                cx.value(format!("Duplicate screen id '{id}': screen ids must be unique."), &key(&p, "id"));
            } else if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
                cx.value(
                    format!("Invalid value found for property 'id': '{id}' may hold only letters and underscores."),
                    &key(&p, "id"),
                );
            }
        }
        ids.push(id);
    }
    let known: BTreeSet<&str> = ids.iter().flatten().map(String::as_str).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut terminals = BTreeSet::new();
    for (i, s) in screens.iter().enumerate() {
        let p = with(&key(&[], "screens"), Step::Index(i));
        let Some(o) = s.as_object() else {
            cx.value("A screen must be an object.".into(), &p);
            continue;
        };
        cx.unknown_keys(o, SCREEN_KEYS, &p);
        let id = ids[i].clone().unwrap_or_default();
        if !o.contains_key("id") {
            cx.missing("id", &p);
        }
        let terminal = o.get("terminal").and_then(Value::as_bool).unwrap_or(false);
        if terminal {
            terminals.insert(id.clone());
        }
        let mut screen = ScreenWalk { footers: 0, targets: BTreeSet::new() };
        match o.get("layout") {
            None => cx.missing("layout", &p),
            Some(layout) => layout_check(&mut cx, layout, &key(&p, "layout"), &known, &mut screen),
        }
        if terminal && screen.footers == 0 {
            cx.value(format!("Missing Footer component on terminal screen '{id}'."), &key(&p, "terminal"));
        }
        edges.entry(id).or_default().extend(screen.targets);
    }
    if let Some(rm) = root.get("routing_model") {
        let p = key(&[], "routing_model");
        match rm.as_object() {
            Some(m) => {
                edges.clear();
                for (from, to) in m {
                    if !known.contains(from.as_str()) {
                        cx.value(
                            format!("Invalid screen '{from}' in routing_model: no screen has this id."),
                            &key(&p, from),
                        );
                    }
                    let targets = to.as_array().map(Vec::as_slice).unwrap_or_default();
                    for (j, t) in targets.iter().enumerate() {
                        let t = t.as_str().unwrap_or_default();
                        if !known.contains(t) {
                            cx.value(
                                format!("Invalid screen '{t}' in routing_model of '{from}': no screen has this id."),
                                &with(&key(&p, from), Step::Index(j)),
                            );
                        }
                        edges.entry(from.clone()).or_default().insert(t.to_string());
                    }
                }
            }
            None => cx.value("Invalid value found for property 'routing_model': an object of screen ids.".into(), &p),
        }
    } else if out.data_api_version.is_some() {
        cx.missing("routing_model", &[]);
    }
    if !screens.is_empty() && terminals.is_empty() {
        cx.value(
            "The Flow JSON has no terminal screen: at least one screen needs \"terminal\": true.".into(),
            &key(&[], "screens"),
        );
    } else {
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = id else { continue };
            if !reaches_terminal(id, &edges, &terminals) {
                let p = with(&key(&[], "screens"), Step::Index(i));
                cx.value(format!("Screen '{id}' has no path to a terminal screen."), &key(&p, "id"));
            }
        }
    }
    out.screens = ids.into_iter().flatten().collect();
    out.errors = cx.errors;
    out
}

/// `N.N`: the shape of a Flow JSON or Data API version.
fn is_version(v: &str) -> bool {
    v.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
    })
}

fn reaches_terminal(start: &str, edges: &BTreeMap<String, BTreeSet<String>>, terminals: &BTreeSet<String>) -> bool {
    let mut stack = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(s) = stack.pop() {
        if terminals.contains(&s) {
            return true;
        }
        if seen.insert(s.clone()) {
            stack.extend(edges.get(&s).into_iter().flatten().cloned());
        }
    }
    false
}

struct ScreenWalk {
    footers: usize,
    targets: BTreeSet<String>,
}

fn layout_check(cx: &mut Ctx<'_>, layout: &Value, p: &[Step], known: &BTreeSet<&str>, w: &mut ScreenWalk) {
    let Some(o) = layout.as_object() else {
        cx.value("Invalid value found for property 'layout': an object.".into(), p);
        return;
    };
    cx.unknown_keys(o, &["type", "children"], p);
    match o.get("type").and_then(Value::as_str) {
        Some("SingleColumnLayout") => {}
        None if !o.contains_key("type") => cx.missing("type", p),
        _ => cx.value(
            "Invalid value found for property 'type': the layout type is SingleColumnLayout.".into(),
            &key(p, "type"),
        ),
    }
    match o.get("children") {
        None => cx.missing("children", p),
        Some(c) => children_check(cx, c, &key(p, "children"), known, w),
    }
}

fn children_check(cx: &mut Ctx<'_>, children: &Value, p: &[Step], known: &BTreeSet<&str>, w: &mut ScreenWalk) {
    let Some(items) = children.as_array() else {
        cx.value("Invalid value found for property 'children': an array of components.".into(), p);
        return;
    };
    for (i, c) in items.iter().enumerate() {
        component_check(cx, c, &with(p, Step::Index(i)), known, w);
    }
}

fn component_check(cx: &mut Ctx<'_>, c: &Value, p: &[Step], known: &BTreeSet<&str>, w: &mut ScreenWalk) {
    let Some(o) = c.as_object() else {
        cx.value("A component must be an object.".into(), p);
        return;
    };
    let Some(t) = o.get("type") else {
        cx.missing("type", p);
        return;
    };
    let t = t.as_str().unwrap_or_default();
    let Some((_, required)) = COMPONENTS.iter().find(|(name, _)| *name == t) else {
        cx.value(format!("Invalid value found for property 'type': unknown component '{t}'."), &key(p, "type"));
        return;
    };
    for r in *required {
        if !o.contains_key(*r) {
            cx.missing(r, p);
        }
    }
    if t == "Footer" {
        w.footers += 1;
    }
    for (k, v) in o {
        let kp = key(p, k);
        match k.as_str() {
            "children" | "then" | "else" => children_check(cx, v, &kp, known, w),
            "cases" => {
                if let Some(cases) = v.as_object() {
                    for (name, case) in cases {
                        children_check(cx, case, &key(&kp, name), known, w);
                    }
                }
            }
            "on-click-action" | "on-select-action" | "on-unselect-action" => action_check(cx, v, &kp, known, w),
            _ => {}
        }
    }
}

fn action_check(cx: &mut Ctx<'_>, a: &Value, p: &[Step], known: &BTreeSet<&str>, w: &mut ScreenWalk) {
    let Some(o) = a.as_object() else {
        cx.value("Invalid value found for an action: an object with a name.".into(), p);
        return;
    };
    let Some(name) = o.get("name") else {
        cx.missing("name", p);
        return;
    };
    let name = name.as_str().unwrap_or_default();
    if !ACTIONS.contains(&name) {
        cx.value(
            format!("Invalid value found for property 'name': '{name}' is not one of {}.", ACTIONS.join(", ")),
            &key(p, "name"),
        );
        return;
    }
    if name == "navigate" {
        let np = key(p, "next");
        match o.get("next").and_then(Value::as_object) {
            None => cx.missing("next", p),
            Some(next) => match next.get("name").and_then(Value::as_str) {
                None => cx.missing("name", &np),
                Some(target) if !known.contains(target) => cx.value(
                    format!("Invalid value found for property 'name': no screen has the id '{target}'."),
                    &key(&np, "name"),
                ),
                Some(target) => {
                    w.targets.insert(target.to_string());
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(c: &Checked) -> Vec<String> {
        c.errors.iter().map(|e| e["pointers"][0]["path"].as_str().unwrap_or("").to_string()).collect()
    }

    #[test]
    fn a_valid_two_screen_flow() {
        let text = r#"{"version": "7.1", "screens": [
            {"id": "A", "layout": {"type": "SingleColumnLayout", "children": [
                {"type": "TextInput", "name": "n", "label": "Name"},
                {"type": "Footer", "label": "Next", "on-click-action": {"name": "navigate", "next": {"type": "screen", "name": "B"}, "payload": {}}}]}},
            {"id": "B", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [
                {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}}]}}]}"#;
        let c = check(text);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(c.version.as_deref(), Some("7.1"));
        assert_eq!(c.screens, ["A", "B"]);
    }

    #[test]
    fn errors_point_at_the_component() {
        let text = "{\"version\": \"7.1\", \"screens\": [\n {\"id\": \"A\", \"layout\": {\"type\": \"SingleColumnLayout\", \"children\": [\n  {\"type\": \"TextHeadin\", \"text\": \"x\"},\n  {\"type\": \"Footer\", \"label\": \"Go\", \"on-click-action\": {\"name\": \"navigate\", \"next\": {\"type\": \"screen\", \"name\": \"NOPE\"}}}]}},\n {\"id\": \"A\", \"terminal\": true, \"layout\": {\"type\": \"SingleColumnLayout\", \"children\": []}}]}";
        let c = check(text);
        let p = paths(&c);
        assert!(p.contains(&"screens[0].layout.children[0].type".to_string()), "{p:?}");
        assert!(p.contains(&"screens[0].layout.children[1].on-click-action.next.name".to_string()), "{p:?}");
        assert!(p.contains(&"screens[1].id".to_string()), "duplicate id: {p:?}");
        assert!(p.contains(&"screens[1].terminal".to_string()), "terminal without Footer: {p:?}");
        let unknown = c.errors.iter().find(|e| e["pointers"][0]["path"] == "screens[0].layout.children[0].type");
        let unknown = unknown.cloned().unwrap_or_default();
        assert_eq!((unknown["line_start"].as_u64(), unknown["column_start"].as_u64()), (Some(3), Some(12)));
    }

    #[test]
    fn a_screen_with_no_way_out() {
        let text = r#"{"version": "7.1", "screens": [
            {"id": "LOOP", "layout": {"type": "SingleColumnLayout", "children": [{"type": "TextBody", "text": "x"}]}},
            {"id": "END", "terminal": true, "layout": {"type": "SingleColumnLayout", "children": [
                {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete"}}]}}]}"#;
        let c = check(text);
        assert_eq!(paths(&c), ["screens[0].id"]);
        assert!(check("{").errors[0]["error"] == "INVALID_JSON");
    }
}
