//! Time. Every time-based rule reads a [`Clock`]; the sandbox clock is the system clock plus an
//! offset that can only move forward, so tests and users can make a 24-hour window expire.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The source of "now" for all rules.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> Millis;
}

/// Wall-clock milliseconds.
pub fn system_now_ms() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The system clock plus an offset. With offset 0 it is the plain system clock.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    pub fn new(offset_ms: Millis) -> Self {
        OffsetClock { offset_ms: AtomicI64::new(offset_ms) }
    }

    pub fn offset_ms(&self) -> Millis {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Move time forward by `by_ms` (negative values are ignored: time never goes back), as
    /// long as the offset stays at most `max_offset_ms`. Returns the new offset, or `None`
    /// (and the clock unmoved) when the move would pass that bound or overflow.
    pub fn advance(&self, by_ms: Millis, max_offset_ms: Millis) -> Option<Millis> {
        let by = by_ms.max(0);
        let moved = |o: Millis| o.checked_add(by).filter(|n| *n <= max_offset_ms);
        let before = self.offset_ms.fetch_update(Ordering::Relaxed, Ordering::Relaxed, moved).ok()?;
        moved(before)
    }

    /// Set the offset (used when loading a persisted offset).
    pub fn set_offset(&self, offset_ms: Millis) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> Millis {
        system_now_ms() + self.offset_ms()
    }
}

/// Parse a duration such as `25h`, `90m`, `30s`, `2d`, `1500ms` or `1h30m` into milliseconds.
pub fn parse_duration_ms(s: &str) -> Option<Millis> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let n: i64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let mult = match unit {
            "ms" => 1,
            "s" | "" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
    }
    Some(total)
}

/// Graph's time format: `2024-05-01T12:00:00+0000`.
pub fn iso_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+0000", rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("25h"), Some(25 * 3_600_000));
        assert_eq!(parse_duration_ms("1h30m"), Some(90 * 60_000));
        assert_eq!(parse_duration_ms("1500ms"), Some(1500));
        assert_eq!(parse_duration_ms("2d"), Some(2 * 86_400_000));
        assert_eq!(parse_duration_ms("10"), Some(10_000));
        assert_eq!(parse_duration_ms("h"), None);
        assert_eq!(parse_duration_ms("3x"), None);
        assert_eq!(parse_duration_ms(""), None);
    }

    #[test]
    fn offset_clock_only_moves_forward() {
        let c = OffsetClock::new(0);
        let t0 = c.now_ms();
        assert_eq!(c.advance(3_600_000, Millis::MAX), Some(3_600_000));
        assert_eq!(c.advance(-5, Millis::MAX), Some(3_600_000));
        // Past the bound or past i64: refused, and the clock does not move (nor wrap back).
        assert_eq!(c.advance(1, 3_600_000), None);
        assert_eq!(c.advance(Millis::MAX, Millis::MAX), None);
        assert_eq!(c.offset_ms(), 3_600_000);
        assert!(c.now_ms() >= t0 + 3_600_000);
    }

    #[test]
    fn iso_times() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00+0000");
        assert_eq!(iso_time(1_749_416_383_000), "2025-06-08T20:59:43+0000");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00+0000");
    }
}
