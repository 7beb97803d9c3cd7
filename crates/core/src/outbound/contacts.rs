//! `type: "contacts"`: an array of contact cards.

use serde_json::Value;

use super::fields::{as_obj, clean, index, missing_one_of, wrong_type, Obj, Res};
use crate::error::ApiError;

/// Cards one message may carry.
const CONTACTS_MAX: usize = 257;

/// Validate the `contacts` array; the content is the array with `null` keys dropped.
pub(crate) fn parse_contacts(v: &Value) -> Res<Value> {
    let Value::Array(items) = v else {
        return Err(wrong_type("contacts", "an array"));
    };
    if items.is_empty() {
        return Err(ApiError::missing("contacts"));
    }
    // Meta: "Each message can include information for up to 257 contacts."
    if items.len() > CONTACTS_MAX {
        return Err(ApiError::bad_value(format!("contacts: at most {CONTACTS_MAX} cards (got {})", items.len())));
    }
    for (i, item) in items.iter().enumerate() {
        parse_contact(&as_obj(index("contacts", i), item)?)?;
    }
    Ok(clean(v))
}

fn parse_contact(c: &Obj<'_>) -> Res<()> {
    c.allow(&["addresses", "birthday", "emails", "name", "org", "phones", "urls"])?;

    let name = c.req_obj("name")?;
    name.allow(&["formatted_name", "first_name", "last_name", "middle_name", "suffix", "prefix"])?;
    name.req_str("formatted_name")?;
    for key in ["first_name", "last_name", "middle_name", "suffix", "prefix"] {
        name.opt_str(key)?;
    }

    each(c, "phones", |p| {
        p.allow(&["phone", "type", "wa_id"])?;
        let phone = p.opt_str("phone")?.filter(|s| !s.trim().is_empty());
        let wa_id = p.opt_str("wa_id")?;
        p.opt_str("type")?;
        if phone.is_none() && wa_id.is_none() {
            return Err(missing_one_of(&p.field("phone"), &p.field("wa_id")));
        }
        if let Some(w) = wa_id {
            if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::bad_value(format!(
                    "{} must be a WhatsApp id (digits only) - got \"{w}\"",
                    p.field("wa_id")
                )));
            }
        }
        Ok(())
    })?;

    each(c, "emails", |e| {
        e.allow(&["email", "type"])?;
        e.req_str("email")?;
        e.opt_str("type")?;
        Ok(())
    })?;

    each(c, "urls", |u| {
        u.allow(&["url", "type"])?;
        u.req_str("url")?;
        u.opt_str("type")?;
        Ok(())
    })?;

    const ADDRESS_KEYS: &[&str] = &["street", "city", "state", "zip", "country", "country_code", "type"];
    each(c, "addresses", |a| {
        a.allow(ADDRESS_KEYS)?;
        for key in ADDRESS_KEYS {
            a.opt_str(key)?;
        }
        Ok(())
    })?;

    if let Some(org) = c.opt_obj("org")? {
        org.allow(&["company", "department", "title"])?;
        for key in ["company", "department", "title"] {
            org.opt_str(key)?;
        }
    }

    if let Some(b) = c.opt_str("birthday")? {
        if !is_date(b) {
            return Err(ApiError::bad_value(format!(
                "{} must be a date in YYYY-MM-DD format - got \"{b}\"",
                c.field("birthday")
            )));
        }
    }
    Ok(())
}

/// Check every object of the optional array `c[key]` with `f`.
fn each(c: &Obj<'_>, key: &str, f: impl Fn(&Obj<'_>) -> Res<()>) -> Res<()> {
    if let Some(items) = c.opt_arr(key)? {
        let path = c.field(key);
        for (i, item) in items.iter().enumerate() {
            f(&as_obj(index(&path, i), item)?)?;
        }
    }
    Ok(())
}

/// `YYYY-MM-DD`, a real calendar date.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    fn err(v: Value, code: ErrorCode, needle: &str) {
        let e = parse_contacts(&v).unwrap_err();
        assert_eq!(e.code, code, "{e:?}");
        assert!(e.details.contains(needle), "{:?} does not mention {needle}", e.details);
    }

    fn full() -> Value {
        json!([{
            "addresses": [{"street": "1 Hacker Way", "city": "Menlo Park", "state": "CA",
                           "zip": "94025", "country": "United States", "country_code": "us",
                           "type": "HOME"}],
            "birthday": "2012-08-18",
            "emails": [{"email": "test@fb.com", "type": "WORK"}],
            "name": {"formatted_name": "John Smith", "first_name": "John", "last_name": "Smith",
                     "middle_name": "D.", "suffix": "Jr", "prefix": "Dr"},
            "org": {"company": "WhatsApp", "department": "Design", "title": "Manager"},
            "phones": [{"phone": "+1 (940) 555-1234", "type": "HOME"},
                       {"phone": "+1 (650) 555-1234", "type": "WORK", "wa_id": "16505551234"},
                       {"wa_id": "16505550000"}],
            "urls": [{"url": "https://www.facebook.com", "type": "WORK"}]
        }, {"name": {"formatted_name": "Jane", "first_name": "Jane"}}])
    }

    #[test]
    fn accepts_full_and_minimal_cards() {
        let v = full();
        assert_eq!(parse_contacts(&v).unwrap(), v);
        let with_null = json!([{"name": {"formatted_name": "A", "prefix": null}, "org": null}]);
        assert_eq!(parse_contacts(&with_null).unwrap(), json!([{"name": {"formatted_name": "A"}}]));
    }

    #[test]
    fn rejects_bad_shapes() {
        err(json!({"name": {}}), ErrorCode::InvalidParameter, "contacts");
        err(json!([]), ErrorCode::RequiredParameterMissing, "contacts");
        err(json!(["x"]), ErrorCode::InvalidParameter, "contacts[0]");
        err(json!([{"phones": []}]), ErrorCode::RequiredParameterMissing, "contacts[0].name");
        err(
            json!([{"name": {"first_name": "J"}}]),
            ErrorCode::RequiredParameterMissing,
            "contacts[0].name.formatted_name",
        );
        err(
            json!([{"name": {"formatted_name": ""}}]),
            ErrorCode::RequiredParameterMissing,
            "contacts[0].name.formatted_name",
        );
        err(
            json!([{"name": {"formatted_name": "J", "nick": "x"}}]),
            ErrorCode::InvalidParameter,
            "Unexpected key \"nick\" on param \"contacts[0].name\"",
        );
        err(json!([{"name": {"formatted_name": "J"}, "photo": "x"}]), ErrorCode::InvalidParameter, "\"photo\"");
        err(json!([{"name": {"formatted_name": 5}}]), ErrorCode::InvalidParameter, "contacts[0].name.formatted_name");
    }

    #[test]
    fn rejects_bad_fields() {
        let base = |k: &str, v: Value| {
            let mut c = json!({"name": {"formatted_name": "J"}});
            c[k] = v;
            json!([{"name": {"formatted_name": "K"}}, c])
        };
        err(base("phones", json!("+1 650")), ErrorCode::InvalidParameter, "contacts[1].phones");
        err(
            base("phones", json!([{"type": "HOME"}])),
            ErrorCode::RequiredParameterMissing,
            "contacts[1].phones[0].phone",
        );
        err(
            base("phones", json!([{"phone": 16505551234u64}])),
            ErrorCode::InvalidParameter,
            "contacts[1].phones[0].phone",
        );
        err(
            base("phones", json!([{"phone": "1", "wa_id": "+1650"}])),
            ErrorCode::ParameterValueInvalid,
            "contacts[1].phones[0].wa_id",
        );
        err(
            base("emails", json!([{"type": "WORK"}])),
            ErrorCode::RequiredParameterMissing,
            "contacts[1].emails[0].email",
        );
        err(
            base("emails", json!([{"email": "a@b.c", "label": "x"}])),
            ErrorCode::InvalidParameter,
            "contacts[1].emails[0]",
        );
        err(base("urls", json!([{"url": ["x"]}])), ErrorCode::InvalidParameter, "contacts[1].urls[0].url");
        err(base("addresses", json!([{"zip": 94025}])), ErrorCode::InvalidParameter, "contacts[1].addresses[0].zip");
        err(base("org", json!({"company": "X", "ceo": "Y"})), ErrorCode::InvalidParameter, "contacts[1].org");
        err(base("org", json!("WhatsApp")), ErrorCode::InvalidParameter, "contacts[1].org");
        for bad in ["18-08-2012", "2012-13-01", "2013-02-29", "2012/08/18", "20120818", ""] {
            err(base("birthday", json!(bad)), ErrorCode::ParameterValueInvalid, "contacts[1].birthday");
        }
        err(base("birthday", json!(20120818)), ErrorCode::InvalidParameter, "contacts[1].birthday");
    }

    #[test]
    fn dates() {
        assert!(is_date("2012-08-18"));
        assert!(is_date("2012-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("2012-04-31"));
        assert!(!is_date("2012-00-10"));
        assert!(!is_date("+012-08-18"));
        assert!(!is_date("２０１２-08-18"));
        assert!(!is_date("é1-08-18xx"));
        assert!(!is_date("1é-08-1899"));
    }
}
