//! Meta's example send bodies (`POST /{Version}/{Phone-Number-ID}/messages` in the v23.0
//! OpenAPI description, read in place from `../shared/specs/`): the request examples, by their
//! names, as JSON. The examples are plain block YAML (mappings, sequences, quoted and plain
//! scalars), which the small reader below covers; a shape it does not know fails the test.

use std::path::PathBuf;

use serde_json::{Map, Number, Value};

const SPEC: &str = "business-messaging-api_v23.0.yaml";
const PATH_LINE: &str = "  /{Version}/{Phone-Number-ID}/messages:";

/// Every request example of the send operation, in the file's order.
pub fn send_examples() -> Vec<(String, Value)> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs").join(SPEC);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == PATH_LINE).expect("the send operation");
    let examples = start + lines[start..].iter().position(|l| l.trim() == "examples:").expect("its examples");
    let base = indent(lines[examples]);
    let mut block: Vec<String> = Vec::new();
    for l in &lines[examples + 1..] {
        if !l.trim().is_empty() && indent(l) <= base {
            break;
        }
        block.push(l.to_string());
    }
    let mut i = 0;
    let all = parse(&mut block, &mut i, base + 2);
    all.as_object().expect("examples by name").iter().map(|(name, e)| (name.clone(), e["value"].clone())).collect()
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The block at `at` spaces that starts at line `i`.
fn parse(lines: &mut [String], i: &mut usize, at: usize) -> Value {
    while *i < lines.len() && lines[*i].trim().is_empty() {
        *i += 1;
    }
    if *i >= lines.len() {
        return Value::Null;
    }
    if lines[*i][at..].starts_with("- ") {
        let mut items = Vec::new();
        while *i < lines.len() && indent(&lines[*i]) == at && lines[*i][at..].starts_with("- ") {
            let rest = lines[*i][at + 2..].to_string();
            if rest.contains(": ") || rest.ends_with(':') {
                // A mapping inside the item: read it as if the dash were a space.
                lines[*i].replace_range(at..at + 2, "  ");
                items.push(parse(lines, i, at + 2));
            } else {
                items.push(scalar(&rest));
                *i += 1;
            }
        }
        return Value::Array(items);
    }
    let mut map = Map::new();
    while *i < lines.len() && indent(&lines[*i]) == at && !lines[*i][at..].starts_with("- ") {
        let line = lines[*i][at..].to_string();
        let (key, rest) = match line.split_once(": ") {
            Some((k, r)) => (k.to_string(), r.trim().to_string()),
            None => (line.trim_end_matches(':').to_string(), String::new()),
        };
        let key = match scalar(&key) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        *i += 1;
        let value = if rest.is_empty() {
            match lines.get(*i) {
                Some(next) if indent(next) > at || (indent(next) == at && next[at..].starts_with("- ")) => {
                    let child = indent(next);
                    parse(lines, i, child)
                }
                _ => Value::Null,
            }
        } else {
            // A plain scalar may go on over deeper lines.
            let mut text = rest;
            while *i < lines.len() && indent(&lines[*i]) > at && !lines[*i].trim().is_empty() {
                text.push(' ');
                text.push_str(lines[*i].trim());
                *i += 1;
            }
            scalar(&text)
        };
        map.insert(key, value);
    }
    Value::Object(map)
}

fn scalar(s: &str) -> Value {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return Value::String(inner.replace("''", "'"));
    }
    if s.starts_with('"') {
        return serde_json::from_str(s).unwrap_or_else(|e| panic!("a double-quoted scalar {s}: {e}"));
    }
    match s {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" | "~" => return Value::Null,
        "[]" => return Value::Array(vec![]),
        "{}" => return Value::Object(Map::new()),
        _ => {}
    }
    if let Ok(n) = s.parse::<i64>() {
        return Value::Number(n.into());
    }
    if let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

#[test]
fn the_spec_examples_are_read() {
    let all = send_examples();
    assert!(all.len() >= 40, "{} examples", all.len());
    let get = |n: &str| all.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
    let contact = get("Send Contact Message");
    assert_eq!(contact["contacts"][0]["name"]["formatted_name"], "John Smith");
    assert_eq!(contact["contacts"][0]["phones"][1]["wa_id"], "16505551234");
    assert_eq!(contact["contacts"][0]["addresses"][0]["zip"], "94025");
    let list = get("Send List Message");
    assert_eq!(list["interactive"]["type"], "list");
    assert!(list["interactive"]["action"]["sections"][0]["rows"].as_array().is_some_and(|r| !r.is_empty()));
    let template = get("Send Catalog Template Message");
    assert_eq!(template["template"]["components"][1]["index"], 0);
    assert_eq!(template["template"]["components"][0]["parameters"][0]["text"], "100");
}
