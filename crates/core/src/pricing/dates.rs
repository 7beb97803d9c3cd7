//! Calendar dates in UTC for rate-card effective dates and invoice months, without a date
//! library: days from the civil date (Howard Hinnant's algorithm).

use crate::clock::Millis;

const DAY_MS: Millis = 86_400_000;

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)
}

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `2026-10-01` → the start of that day, UTC, in milliseconds.
pub fn parse_date(s: &str) -> Option<Millis> {
    let mut it = s.trim().split('-');
    let (y, m, d) = (num(it.next()?, 4)?, num(it.next()?, 2)?, num(it.next()?, 2)?);
    if it.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * DAY_MS)
}

/// `2026-11` → `[start, end)` of that month, UTC, in milliseconds.
pub fn parse_month(s: &str) -> Option<(Millis, Millis)> {
    let mut it = s.trim().split('-');
    let (y, m) = (num(it.next()?, 4)?, num(it.next()?, 2)?);
    if it.next().is_some() || !(1..=12).contains(&m) {
        return None;
    }
    let start = days_from_civil(y, m, 1);
    Some((start * DAY_MS, (start + days_in_month(y, m)) * DAY_MS))
}

/// Milliseconds → `2026-10-01`.
pub fn format_date(ms: Millis) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The start of the UTC day holding `ms`.
pub fn day_start(ms: Millis) -> Millis {
    ms.div_euclid(DAY_MS) * DAY_MS
}

/// The start of the UTC month holding `ms`, and of the next month.
pub fn month_bounds(ms: Millis) -> (Millis, Millis) {
    let (y, m, _) = civil_from_days(ms.div_euclid(DAY_MS));
    let start = days_from_civil(y, m, 1);
    (start * DAY_MS, (start + days_in_month(y, m)) * DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-10-01"), Some(1_790_812_800_000));
        assert_eq!(format_date(1_790_812_800_000), "2026-10-01");
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2028-02-29").map(format_date).as_deref(), Some("2028-02-29"));
        assert_eq!(parse_date("2026-13-01"), None);
        let (a, b) = parse_month("2026-11").unwrap();
        assert_eq!(format_date(a), "2026-11-01");
        assert_eq!(format_date(b), "2026-12-01");
        assert_eq!(month_bounds(a + 5 * DAY_MS), (a, b));
        assert_eq!(parse_month("2026-12").map(|(_, e)| format_date(e)).as_deref(), Some("2027-01-01"));
        assert_eq!(day_start(a + 1234), a);
    }
}
