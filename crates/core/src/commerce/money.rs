//! Prices as integer minor units of a currency, and the currency exponents (ISO 4217) that
//! turn them into amounts: 1250 USD minor units are 12.50, 1250 JPY are 1250, 1250 KWD are
//! 1.250.

use serde_json::Value;

use crate::error::ApiError;

/// The number of decimals of a currency (2 unless ISO 4217 says otherwise).
pub fn exponent(currency: &str) -> u32 {
    crate::model::currency::digits(currency)
}

/// A currency code of ISO 4217 that this server knows (its exponent decides how a price is
/// read), upper-cased. `XYZ` is refused: a catalog priced in it could not be totalled or paid.
pub fn check_currency(c: &str, field: &str) -> Result<String, ApiError> {
    let c = c.trim().to_ascii_uppercase();
    if crate::model::currency::exponent(&c).is_none() {
        return Err(ApiError::invalid(format!(
            "{field} must be an ISO 4217 currency code, e.g. USD, SAR or KWD (got '{c}')"
        )));
    }
    Ok(c)
}

/// An amount as typed in Arabic: Arabic-Indic digits (٠-٩, and the Persian ۰-۹) as ASCII
/// digits, the Arabic decimal separator `٫` as `.`; the Arabic thousands separator `٬` dropped.
pub fn ascii_amount(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| *c != '\u{066C}')
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            c => c,
        })
        .collect()
}

/// Minor units as the decimal amount text: `12.50`, `1250`, `1.250`.
pub fn format_minor(minor: i64, currency: &str) -> String {
    crate::model::currency::decimal(minor, currency)
}

/// Minor units as a JSON number of major units, as Meta's `order` webhook carries
/// `item_price` (12.5 for 1250 USD minor units, 1250 for 1250 JPY).
pub fn major_number(minor: i64, currency: &str) -> Value {
    let e = exponent(currency);
    if e == 0 || minor % 10i64.pow(e) == 0 {
        return Value::from(minor / 10i64.pow(e));
    }
    let text = format_minor(minor, currency);
    text.parse::<f64>().map(Value::from).unwrap_or(Value::Null)
}

/// A decimal amount of major units (`12.5`, `12.50`) as minor units; more decimals than the
/// currency has is an error.
pub fn parse_major(text: &str, currency: &str, field: &str) -> Result<i64, ApiError> {
    let e = exponent(currency) as usize;
    let bad =
        || ApiError::invalid(format!("{field}: '{text}' is not an amount of {currency} with at most {e} decimals"));
    let ascii = ascii_amount(text);
    let t = ascii.as_str();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > e {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac_val: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<e$}").parse().map_err(|_| bad())? };
    whole.checked_mul(10i64.pow(e as u32)).and_then(|w| w.checked_add(frac_val)).ok_or_else(bad)
}

/// A product's `price`: an integer of minor units (Meta's catalog API: "the price multiplied
/// by 100" for two-decimal currencies), as a JSON number or a text of digits; or Meta's feed
/// text `"12.50 USD"` in major units, which also gives the currency.
pub fn parse_price(v: &Value, currency: Option<&str>, field: &str) -> Result<(i64, Option<String>), ApiError> {
    let bad =
        || ApiError::invalid(format!("{field} must be an integer of minor units (1250 for 12.50) or \"12.50 USD\""));
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(p) if p >= 0 => Ok((p, None)),
            _ => Err(bad()),
        },
        Value::String(s) => {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                return s.parse().map(|p| (p, None)).map_err(|_| bad());
            }
            let Some((amount, cur)) = s.rsplit_once(' ') else { return Err(bad()) };
            let cur = check_currency(cur, field)?;
            if currency.is_some_and(|c| !c.eq_ignore_ascii_case(&cur)) {
                return Err(ApiError::invalid(format!("{field}: the currency {cur} differs from currency")));
            }
            Ok((parse_major(amount, &cur, field)?, Some(cur)))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_follow_the_currency_exponent() {
        assert_eq!(format_minor(1250, "USD"), "12.50");
        assert_eq!(format_minor(1250, "JPY"), "1250");
        assert_eq!(format_minor(1250, "KWD"), "1.250");
        assert_eq!(format_minor(5, "USD"), "0.05");
        assert_eq!(major_number(1250, "USD"), json!(12.5));
        assert_eq!(major_number(1200, "USD"), json!(12));
        assert_eq!(major_number(1250, "JPY"), json!(1250));
        assert_eq!(parse_major("12.5", "USD", "p").unwrap(), 1250);
        assert_eq!(parse_major("1.250", "KWD", "p").unwrap(), 1250);
        assert!(parse_major("12.505", "USD", "p").is_err());
        assert!(parse_major("1.5", "JPY", "p").is_err());
        assert!(parse_major("-1", "USD", "p").is_err());
        assert_eq!(parse_major("١٢٫٥٠", "SAR", "p").unwrap(), 1250);
        assert_eq!(parse_major("۱٬۲۰۰", "JPY", "p").unwrap(), 1200);
        assert!(check_currency("XYZ", "currency").is_err());
        assert_eq!(check_currency("sar", "currency").unwrap(), "SAR");
    }

    #[test]
    fn prices_in_minor_units_or_feed_text() {
        assert_eq!(parse_price(&json!(1250), None, "price").unwrap(), (1250, None));
        assert_eq!(parse_price(&json!("1250"), None, "price").unwrap(), (1250, None));
        assert_eq!(parse_price(&json!("12.50 USD"), None, "price").unwrap(), (1250, Some("USD".into())));
        assert!(parse_price(&json!(12.5), None, "price").is_err());
        assert!(parse_price(&json!(-1), None, "price").is_err());
        assert!(parse_price(&json!("12.50 EUR"), Some("USD"), "price").is_err());
        assert!(parse_price(&json!(true), None, "price").is_err());
    }
}
