//! Batching: the changes due for one endpoint are packed into POSTs of at most N changes and B
//! bytes, keeping every conversation's changes in one POST (so its order holds), and each POST is
//! Meta's envelope `{"object":"whatsapp_business_account","entry":[{"id":WABA,"changes":[…]}]}`
//! with the changes of one WABA sharing an entry.

use std::collections::HashMap;
use std::fmt::Write;

use risala_core::model::{Delivery, WABA_OBJECT};

/// Bytes a change adds to a body beyond its value and field name.
const CHANGE_OVERHEAD: usize = 24;

fn change_size(d: &Delivery) -> usize {
    d.value.len() + d.field.len() + CHANGE_OVERHEAD
}

/// Split one endpoint's rows (in id order) into POST-sized chunks. All rows of one ordering key
/// go into the same chunk; a conversation with more rows than fit in one POST sends what fits, and
/// the rest come back as `overflow` (to be released and claimed again once the first part is
/// acknowledged).
pub fn chunk(rows: Vec<Delivery>, max_count: usize, max_bytes: usize) -> (Vec<Vec<Delivery>>, Vec<i64>) {
    let max_count = max_count.max(1);
    // Group by ordering key, in order of first appearance.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<Delivery>> = Vec::new();
    for r in rows {
        match index.get(&r.ordering_key) {
            Some(&i) => groups[i].push(r),
            None => {
                index.insert(r.ordering_key.clone(), groups.len());
                groups.push(vec![r]);
            }
        }
    }
    let mut chunks: Vec<Vec<Delivery>> = Vec::new();
    let mut cur: Vec<Delivery> = Vec::new();
    let mut cur_bytes = 0usize;
    let mut overflow = Vec::new();
    for g in groups {
        let g_bytes: usize = g.iter().map(change_size).sum();
        if cur.len() + g.len() <= max_count && cur_bytes + g_bytes <= max_bytes {
            cur_bytes += g_bytes;
            cur.extend(g);
            continue;
        }
        if !cur.is_empty() {
            chunks.push(std::mem::take(&mut cur));
            cur_bytes = 0;
        }
        if g.len() <= max_count && g_bytes <= max_bytes {
            cur_bytes = g_bytes;
            cur = g;
            continue;
        }
        // Larger than one POST: the prefix that fits (at least one change) goes alone, and the
        // rest of this conversation waits for it.
        let mut part = Vec::new();
        let mut bytes = 0usize;
        let mut full = false;
        for r in g {
            let size = change_size(&r);
            if !full && (part.is_empty() || (part.len() < max_count && bytes + size <= max_bytes)) {
                bytes += size;
                part.push(r);
            } else {
                full = true;
                overflow.push(r.id);
            }
        }
        chunks.push(part);
    }
    if !cur.is_empty() {
        chunks.push(cur);
    }
    (chunks, overflow)
}

/// Append JSON text with every non-ASCII character written as `\uXXXX` (lowercase hex, a
/// surrogate pair beyond the BMP), as Meta writes webhook bodies: the signature is over these
/// bytes, and clients that re-escape the parsed body before checking it get the same bytes.
/// JSON's structure is ASCII, so non-ASCII only occurs inside strings, where the escape means
/// the same character.
pub fn push_ascii_json(out: &mut String, json: &str) {
    if json.is_ascii() {
        out.push_str(json);
        return;
    }
    let mut units = [0u16; 2];
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The POST body for one chunk. Values are stored JSON text and are embedded as they are.
/// Entries of non-`messages` fields carry `time` (Unix seconds, an integer), as Meta's do.
pub fn envelope(rows: &[Delivery]) -> String {
    // (waba, is_messages) → rows, in order of first appearance.
    let mut index: HashMap<(&str, bool), usize> = HashMap::new();
    let mut entries: Vec<((&str, bool), Vec<&Delivery>)> = Vec::new();
    for r in rows {
        let key = (r.waba_id.as_str(), r.field == "messages");
        match index.get(&key) {
            Some(&i) => entries[i].1.push(r),
            None => {
                index.insert(key, entries.len());
                entries.push((key, vec![r]));
            }
        }
    }
    let size: usize = rows.iter().map(change_size).sum::<usize>() + 64 * entries.len() + 64;
    let mut out = String::with_capacity(size);
    out.push_str("{\"object\":");
    out.push_str(&json_str(WABA_OBJECT));
    out.push_str(",\"entry\":[");
    for (i, ((waba, messages), changes)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        push_ascii_json(&mut out, &json_str(waba));
        if !messages {
            let t = changes.iter().map(|c| c.created_at).min().unwrap_or(0).div_euclid(1000);
            out.push_str(&format!(",\"time\":{t}"));
        }
        out.push_str(",\"changes\":[");
        for (j, c) in changes.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str("{\"value\":");
            // The payload in plain text: the store opens payloads encrypted at rest when it reads
            // them, so what is signed and sent does not depend on `encrypt_at_rest`.
            push_ascii_json(&mut out, if c.value.trim().is_empty() { "{}" } else { &c.value });
            out.push_str(",\"field\":");
            push_ascii_json(&mut out, &json_str(&c.field));
            out.push('}');
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use risala_core::model::DeliveryState;
    use serde_json::json;

    #[test]
    fn every_oversized_conversation_sends_its_head() {
        // One change per POST, two conversations of three: each sends its first change, the
        // rest wait; no empty POST.
        let rows: Vec<Delivery> =
            (0..6).map(|i| row(i, if i % 2 == 0 { "a" } else { "b" }, "w", "messages", "{}")).collect();
        let (chunks, overflow) = chunk(rows, 1, 1_000_000);
        let ids: Vec<Vec<i64>> = chunks.iter().map(|c| c.iter().map(|r| r.id).collect()).collect();
        assert_eq!(ids, vec![vec![0], vec![1]]);
        assert_eq!(overflow, vec![2, 4, 3, 5]);
    }

    #[test]
    fn non_ascii_is_escaped_as_meta_does() {
        let mut out = String::new();
        push_ascii_json(&mut out, r#"{"body":"مرحبا é 👍 \"x\""}"#);
        assert_eq!(out, r#"{"body":"\u0645\u0631\u062d\u0628\u0627 \u00e9 \ud83d\udc4d \"x\""}"#);
        assert!(out.is_ascii());
        // The same text once parsed.
        let a: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(a["body"], "مرحبا é 👍 \"x\"");
        let mut plain = String::new();
        push_ascii_json(&mut plain, r#"{"a":1}"#);
        assert_eq!(plain, r#"{"a":1}"#);
    }

    fn row(id: i64, key: &str, waba: &str, field: &str, value: &str) -> Delivery {
        Delivery {
            id,
            business_id: "b".into(),
            waba_id: waba.into(),
            phone_number_id: None,
            ordering_key: key.into(),
            field: field.into(),
            value: value.into(),
            created_at: 1_700_000_000_500,
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: 0,
            last_status: None,
            last_error: None,
            delivered_at: None,
            endpoint: None,
            updated_at: None,
            retry_from: 0,
        }
    }

    #[test]
    fn envelope_groups_by_waba() {
        let rows = vec![
            row(1, "a", "w1", "messages", r#"{"n":1}"#),
            row(2, "b", "w2", "messages", r#"{"n":2}"#),
            row(3, "a", "w1", "messages", r#"{"n":3}"#),
            row(4, "w1", "w1", "message_template_status_update", r#"{"event":"APPROVED"}"#),
        ];
        let v: serde_json::Value = serde_json::from_str(&envelope(&rows)).unwrap();
        assert_eq!(
            v,
            json!({"object":"whatsapp_business_account","entry":[
                {"id":"w1","changes":[{"value":{"n":1},"field":"messages"},{"value":{"n":3},"field":"messages"}]},
                {"id":"w2","changes":[{"value":{"n":2},"field":"messages"}]},
                {"id":"w1","time":1_700_000_000,"changes":[{"value":{"event":"APPROVED"},"field":"message_template_status_update"}]}
            ]})
        );
    }

    #[test]
    fn chunks_keep_conversations_together() {
        let rows: Vec<_> =
            (1..=10).map(|i| row(i, if i % 2 == 0 { "even" } else { "odd" }, "w", "messages", "{}")).collect();
        let (chunks, overflow) = chunk(rows, 6, 1_000_000);
        // "odd" (5 rows) fits; "even" (5 rows) does not fit next to it: its own chunk.
        assert_eq!(chunks.len(), 2);
        assert!(chunks[0].iter().all(|r| r.ordering_key == "odd"));
        assert!(chunks[1].iter().all(|r| r.ordering_key == "even"));
        assert!(overflow.is_empty());

        let rows: Vec<_> = (1..=10).map(|i| row(i, "one", "w", "messages", "{}")).collect();
        let (chunks, overflow) = chunk(rows, 4, 1_000_000);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(overflow, vec![5, 6, 7, 8, 9, 10]);

        let big = "x".repeat(100);
        let rows: Vec<_> =
            (1..=4).map(|i| row(i, &format!("k{i}"), "w", "messages", &format!("{{\"s\":\"{big}\"}}"))).collect();
        let (chunks, _) = chunk(rows, 100, 300);
        assert_eq!(chunks.len(), 2);
    }
}
