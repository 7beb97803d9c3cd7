//! CSV as RFC 4180 writes it: fields separated by commas, a field in double quotes may hold
//! commas, line breaks and doubled quotes; lines end with CRLF or LF. A leading byte-order
//! mark is ignored (spreadsheets write one).

/// The records of `text` with the line each starts on (1-based); the reason when a quoted
/// field never closes.
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut line, mut start) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
                any = false;
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start}: a quoted field is not closed"));
    }
    if any {
        record.push(field);
        records.push((start, record));
    }
    // Blank lines carry nothing.
    records.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(records)
}

/// One CSV line (CRLF-terminated) of `fields`, quoted where needed. A field starting with
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet shows it instead of running it.
pub fn line(fields: &[&str]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = if f.starts_with(['=', '+', '-', '@']) { format!("'{f}") } else { f.to_string() };
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_quotes_and_line_breaks() {
        let r = parse("\u{feff}wa_id,name\r\n15550001111,\"Haddad, Layla\"\n\n15550002222,\"say \"\"hi\"\"\nthere\"\n15550003333,عمر").unwrap();
        assert_eq!(r[0], (1, vec!["wa_id".to_string(), "name".to_string()]));
        assert_eq!(r[1], (2, vec!["15550001111".to_string(), "Haddad, Layla".to_string()]));
        assert_eq!(r[2], (4, vec!["15550002222".to_string(), "say \"hi\"\nthere".to_string()]));
        assert_eq!(r[3], (6, vec!["15550003333".to_string(), "عمر".to_string()]));
        assert!(parse("a,\"b").unwrap_err().contains("not closed"));
    }

    #[test]
    fn lines_round_trip_and_formulas_are_defused() {
        let l = line(&["1", "a,b", "say \"x\"", "=SUM(A1)"]);
        assert_eq!(l, "1,\"a,b\",\"say \"\"x\"\"\",'=SUM(A1)\r\n");
        assert_eq!(parse(&l).unwrap()[0].1, vec!["1", "a,b", "say \"x\"", "'=SUM(A1)"]);
    }
}
