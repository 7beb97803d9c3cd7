//! A broadcast's audience from an imported CSV: a header row naming the columns (`phone`,
//! optionally `country`, then one column per template parameter), one recipient a row. Every
//! row is checked; a row that cannot be used is reported with its number and why, and a
//! number given twice is kept once (the first row).

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::phone::WaId;

/// Recipients of one broadcast at most.
pub const MAX_RECIPIENTS: usize = 100_000;

/// A recipient read from the audience, with its parameters (column name → text).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The row of the CSV (1 is the header), 0 for recipients that came from elsewhere.
    pub row: usize,
    pub wa_id: String,
    pub params: Map<String, Value>,
}

/// A row that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub row: usize,
    pub input: String,
    pub reason: String,
}

impl Rejected {
    pub fn to_json(&self) -> Value {
        serde_json::json!({"row": self.row, "input": self.input, "reason": self.reason})
    }
}

/// The rows of a CSV text (RFC 4180: fields in double quotes may hold commas, quotes written
/// twice and line breaks). An unterminated quote is an error naming its row.
pub fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, ApiError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut at_start) = (false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err(ApiError::bad_value(format!(
            "audience.csv: row {} has a quote that is never closed",
            rows.len() + 1
        )));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// The calling code of an ISO country (`SA` → `966`).
pub fn calling_code(country: &str) -> Option<String> {
    let id = country.trim().to_ascii_uppercase();
    phonenumber::metadata::DATABASE.by_id(id.as_str()).map(|m| m.country_code().to_string())
}

/// A number as a person typed it: `+` (or `00`) and the country code, digits with the country
/// code when no country is given (as the Cloud API's `to`), or a national number of `country`
/// (its trunk prefix `0` dropped).
pub fn parse_number(input: &str, country: Option<&str>) -> Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("the phone number is empty".into());
    }
    let intl = t.starts_with('+') || t.starts_with("00");
    let Some(country) = country.map(str::trim).filter(|c| !c.is_empty() && !intl) else {
        let t = t.strip_prefix("00").map(|r| format!("+{r}")).unwrap_or_else(|| t.to_string());
        return WaId::parse(&t, None).map(WaId::into_string).map_err(|e| e.to_string());
    };
    let Some(cc) = calling_code(country) else {
        return Err(format!("unknown country {country}: use an ISO code such as SA, AE or GB"));
    };
    let digits: String = t.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!("the phone number contains the character '{bad}'"));
    }
    let national = digits.trim_start_matches('0');
    WaId::parse(&format!("+{cc}{national}"), None).map(WaId::into_string).map_err(|e| e.to_string())
}

/// Read a CSV audience. `default_country` reads local numbers of rows without a `country`.
pub fn read_csv(text: &str, default_country: Option<&str>) -> Result<(Vec<Candidate>, Vec<Rejected>), ApiError> {
    if let Some(c) = default_country.filter(|c| calling_code(c).is_none()) {
        return Err(ApiError::bad_value(format!(
            "audience.default_country: unknown country {c}; use an ISO code such as SA, AE or GB"
        )));
    }
    let rows = csv_rows(text)?;
    let Some(header) = rows.first() else {
        return Err(ApiError::bad_value("audience.csv: empty; the first row names the columns (phone, …)"));
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(phone_col) = col("phone") else {
        return Err(ApiError::bad_value(
            "audience.csv: the first row must name a `phone` column (and optionally `country` and one column per template parameter)",
        ));
    };
    let country_col = col("country");
    if let Some(dup) = header.iter().enumerate().find(|(i, h)| header[..*i].iter().any(|o| o.eq_ignore_ascii_case(h))) {
        return Err(ApiError::bad_value(format!("audience.csv: the column {} is named twice", dup.1)));
    }
    let (mut kept, mut rejected) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashMap::new();
    for (i, cells) in rows.iter().enumerate().skip(1) {
        let row = i + 1;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let input = cells.get(phone_col).cloned().unwrap_or_default();
        let reject = |reason: String| Rejected { row, input: input.clone(), reason };
        if cells.len() != header.len() {
            rejected.push(reject(format!("{} columns where the header has {}", cells.len(), header.len())));
            continue;
        }
        let country = country_col.map(|c| cells[c].trim()).filter(|c| !c.is_empty()).or(default_country);
        let wa_id = match parse_number(&input, country) {
            Ok(w) => w,
            Err(e) => {
                rejected.push(reject(e));
                continue;
            }
        };
        if let Some(first) = seen.get(&wa_id) {
            rejected.push(reject(format!("duplicate of row {first}")));
            continue;
        }
        if kept.len() >= MAX_RECIPIENTS {
            rejected.push(reject(format!("more than {MAX_RECIPIENTS} recipients")));
            continue;
        }
        seen.insert(wa_id.clone(), row);
        let mut params = Map::new();
        for (c, name) in header.iter().enumerate() {
            if c != phone_col && Some(c) != country_col && !name.is_empty() {
                params.insert(name.clone(), Value::String(cells[c].trim().to_string()));
            }
        }
        kept.push(Candidate { row, wa_id, params });
    }
    Ok((kept, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_line_ends() {
        let rows = csv_rows("phone,1\r\n\"+1 555, x\",\"say \"\"hi\"\"\"\n+2,b").unwrap();
        assert_eq!(rows, vec![vec!["phone", "1"], vec!["+1 555, x", "say \"hi\""], vec!["+2", "b"]]);
        assert!(csv_rows("phone\n\"open").is_err());
    }

    #[test]
    fn numbers_international_and_local() {
        assert_eq!(parse_number("+966 50 123 4567", None).unwrap(), "966501234567");
        assert_eq!(parse_number("00966501234567", Some("AE")).unwrap(), "966501234567");
        assert_eq!(parse_number("0501234567", Some("sa")).unwrap(), "966501234567");
        assert_eq!(parse_number("15550001111", None).unwrap(), "15550001111");
        assert!(parse_number("0501234567", Some("XX")).unwrap_err().contains("unknown country"));
        assert!(parse_number("12ab", None).is_err());
    }

    #[test]
    fn rows_are_checked_and_duplicates_dropped() {
        let csv =
            "phone,country,1\n+15550001111,,Ann\n0501234567,SA,Bo\n+1 555 000 1111,,Again\nnope,,X\n+15550002222\n\n";
        let (kept, rejected) = read_csv(csv, None).unwrap();
        assert_eq!(kept.iter().map(|c| c.wa_id.as_str()).collect::<Vec<_>>(), ["15550001111", "966501234567"]);
        assert_eq!(kept[1].params["1"], "Bo");
        let reasons: Vec<(usize, &str)> = rejected.iter().map(|r| (r.row, r.reason.as_str())).collect();
        assert_eq!(reasons[0], (4, "duplicate of row 2"));
        assert_eq!(reasons[1].0, 5);
        assert_eq!(reasons[2], (6, "1 columns where the header has 3"));
        assert!(read_csv("number\n1", None).is_err(), "no phone column");
        assert!(read_csv("phone\n1", Some("ZZ")).is_err(), "unknown default country");
    }
}
