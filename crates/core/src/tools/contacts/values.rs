//! Field kinds and the values they accept, each kept in one canonical text form: numbers as
//! written without spaces (`12.5`), dates `YYYY-MM-DD`, booleans `true`/`false`, emails lower
//! case, choices exactly one of the field's options.

use crate::store::ContactField;

/// Field kinds.
pub const KINDS: &[&str] = &["text", "number", "date", "boolean", "email", "choice"];
/// Longest text value.
pub const MAX_VALUE: usize = 500;

/// `value` checked against the field's kind, in canonical form; the reason when it does not fit.
pub fn check(field: &ContactField, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.chars().count() > MAX_VALUE {
        return Err(format!("at most {MAX_VALUE} characters"));
    }
    match field.kind.as_str() {
        "number" => {
            // Arabic-Indic and Persian digits and the Arabic decimal separator (٫) are accepted.
            let canonical: String = v
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c {
                    '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
                    '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
                    '٫' => '.',
                    c => c,
                })
                .collect();
            let number = canonical.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
                && canonical.parse::<f64>().is_ok_and(f64::is_finite);
            if number {
                Ok(canonical)
            } else {
                Err(format!("{v:?} is not a number"))
            }
        }
        "date" => date(v).ok_or_else(|| format!("{v:?} is not a date (YYYY-MM-DD)")),
        "boolean" => match v.to_lowercase().as_str() {
            "true" | "yes" | "1" | "نعم" => Ok("true".into()),
            "false" | "no" | "0" | "لا" => Ok("false".into()),
            _ => Err(format!("{v:?} is not true or false")),
        },
        "email" => {
            let lower = v.to_lowercase();
            let ok = lower.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            }) && !lower.contains(char::is_whitespace);
            if ok {
                Ok(lower)
            } else {
                Err(format!("{v:?} is not an email address"))
            }
        }
        "choice" => field
            .options
            .iter()
            .find(|o| o.as_str() == v)
            .cloned()
            .ok_or_else(|| format!("{v:?} is not one of {}", field.options.join(", "))),
        _ => Ok(v.to_string()),
    }
}

/// `YYYY-MM-DD` of a real day.
fn date(v: &str) -> Option<String> {
    let mut it = v.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&m).then_some(())?;
    (1..=days[(m - 1) as usize]).contains(&d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A field key: 1–40 of `a-z`, `0-9`, `_`, starting with a letter, not `wa_id` or `name`.
pub fn check_key(key: &str) -> Result<(), String> {
    let ok = (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err("1 to 40 of a-z, 0-9 and _, starting with a letter".into());
    }
    if matches!(key, "wa_id" | "name") {
        return Err(format!("{key} is a built-in column"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(kind: &str) -> ContactField {
        ContactField {
            id: "f".into(),
            business_id: "b".into(),
            key: "k".into(),
            label: "K".into(),
            kind: kind.into(),
            options: vec!["gold".into(), "silver".into()],
            created_at: 0,
        }
    }

    #[test]
    fn values_take_their_canonical_form() {
        assert_eq!(check(&f("number"), " ١٢٫٥ "), Ok("12.5".into()));
        assert_eq!(check(&f("number"), "٤٢"), Ok("42".into()));
        assert_eq!(check(&f("number"), "-3.5"), Ok("-3.5".into()));
        assert!(check(&f("number"), "abc").is_err());
        assert_eq!(check(&f("date"), "2024-02-29"), Ok("2024-02-29".into()));
        assert!(check(&f("date"), "2023-02-29").is_err());
        assert!(check(&f("date"), "29/02/2024").is_err());
        assert_eq!(check(&f("boolean"), "Yes"), Ok("true".into()));
        assert!(check(&f("boolean"), "maybe").is_err());
        assert_eq!(check(&f("email"), "Layla@Example.com"), Ok("layla@example.com".into()));
        assert!(check(&f("email"), "layla@example").is_err());
        assert_eq!(check(&f("choice"), "gold"), Ok("gold".into()));
        assert!(check(&f("choice"), "bronze").is_err());
        assert!(check(&f("text"), &"x".repeat(501)).is_err());
    }

    #[test]
    fn keys() {
        assert!(check_key("loyalty_tier").is_ok());
        assert!(check_key("Tier").is_err());
        assert!(check_key("1st").is_err());
        assert!(check_key("name").is_err());
    }
}
