//! A number's opening hours as data: an IANA time zone, weekly ranges (several per day) and
//! closures (single days or date ranges), read from and written as JSON, and the questions the
//! away message asks of them: is the business open at an instant, and did it open between two
//! instants (a new closed period began). Local times are read in the zone with its daylight
//! saving rules, so 09:00 in `America/New_York` is 14:00 UTC in winter and 13:00 UTC in summer.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Map, Value};

use crate::clock::Millis;
use crate::error::ApiError;

/// The days of the week as the JSON names them, Monday first.
pub const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/// Most ranges in one day.
pub const MAX_RANGES: usize = 6;
/// Most closures a number keeps.
pub const MAX_CLOSURES: usize = 200;
/// Longest closure name.
pub const MAX_NAME: usize = 100;
/// An away period longer than this is treated as having seen an opening (no scan further back).
const MAX_SCAN_DAYS: i64 = 31;

/// Minutes since local midnight, `[open, close)`; `close` may be 1440 (`24:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub open: u16,
    pub close: u16,
}

/// Closed from `from` to `to`, both local dates, inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub from: Date,
    pub to: Date,
    pub name: String,
}

/// When a number is open.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub tz_name: String,
    tz: TimeZone,
    /// Monday first.
    pub weekly: [Vec<Range>; 7],
    pub closures: Vec<Closure>,
}

impl PartialEq for Schedule {
    fn eq(&self, o: &Self) -> bool {
        self.tz_name == o.tz_name && self.weekly == o.weekly && self.closures == o.closures
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// `HH:MM` (00:00–24:00) into minutes.
fn parse_hhmm(field: &str, v: Option<&Value>) -> Result<u16, ApiError> {
    let s = v.and_then(Value::as_str).ok_or_else(|| ApiError::missing(field))?;
    let bad = || ApiError::bad_value(format!("{field}: '{s}' is not a time like 09:00 (00:00 to 24:00)"));
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_date(field: &str, v: Option<&Value>) -> Result<Date, ApiError> {
    let s = v.and_then(Value::as_str).ok_or_else(|| ApiError::missing(field))?;
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    s.parse::<Date>()
        .ok()
        .filter(|_| ok)
        .ok_or_else(|| ApiError::bad_value(format!("{field}: '{s}' is not a date like 2026-12-25")))
}

fn object<'a>(field: &str, v: &'a Value) -> Result<&'a Map<String, Value>, ApiError> {
    v.as_object().ok_or_else(|| ApiError::bad_value(format!("{field} must be an object")))
}

/// A zone by its IANA name (`Europe/London`), or `UTC`.
pub fn time_zone(name: &str) -> Result<TimeZone, ApiError> {
    if name.is_empty() || name.len() > 64 {
        return Err(ApiError::bad_value("time_zone: give an IANA time zone such as Europe/London"));
    }
    TimeZone::get(name).map_err(|_| {
        ApiError::bad_value(format!("time_zone: '{name}' is not an IANA time zone (for example Europe/London)"))
    })
}

impl Schedule {
    /// Open every day, all day, in UTC: the hours of a number that set none.
    pub fn always_open() -> Schedule {
        Schedule {
            tz_name: "UTC".into(),
            tz: TimeZone::UTC,
            weekly: std::array::from_fn(|_| vec![Range { open: 0, close: 1440 }]),
            closures: Vec::new(),
        }
    }

    /// `{time_zone, weekly: {monday: [{open, close}], …}, closures: [{from, to?, name?}]}`; a
    /// day left out (or an empty list) is closed all day.
    pub fn parse(v: &Value) -> Result<Schedule, ApiError> {
        let o = object("hours", v)?;
        for k in o.keys() {
            if !["time_zone", "weekly", "closures"].contains(&k.as_str()) {
                return Err(ApiError::bad_value(format!("hours: unknown field {k}")));
            }
        }
        let tz_name = o.get("time_zone").and_then(Value::as_str).ok_or_else(|| ApiError::missing("time_zone"))?;
        let tz = time_zone(tz_name)?;
        let mut weekly: [Vec<Range>; 7] = Default::default();
        if let Some(w) = o.get("weekly") {
            let w = object("weekly", w)?;
            for (day, ranges) in w {
                let i = DAYS
                    .iter()
                    .position(|d| d == day)
                    .ok_or_else(|| ApiError::bad_value(format!("weekly: unknown day {day} (use monday … sunday)")))?;
                let list =
                    ranges.as_array().ok_or_else(|| ApiError::bad_value(format!("weekly.{day} must be a list")))?;
                if list.len() > MAX_RANGES {
                    return Err(ApiError::bad_value(format!("weekly.{day}: at most {MAX_RANGES} ranges a day")));
                }
                let mut out = Vec::new();
                for (n, r) in list.iter().enumerate() {
                    let f = format!("weekly.{day}[{n}]");
                    let r = object(&f, r)?;
                    let open = parse_hhmm(&format!("{f}.open"), r.get("open"))?;
                    let close = parse_hhmm(&format!("{f}.close"), r.get("close"))?;
                    if close <= open {
                        return Err(ApiError::bad_value(format!("{f}: close must be after open")));
                    }
                    out.push(Range { open, close });
                }
                out.sort_by_key(|r| r.open);
                if let Some(w) = out.windows(2).find(|w| w[1].open < w[0].close) {
                    return Err(ApiError::bad_value(format!(
                        "weekly.{day}: the ranges {}–{} and {}–{} overlap",
                        hhmm(w[0].open),
                        hhmm(w[0].close),
                        hhmm(w[1].open),
                        hhmm(w[1].close)
                    )));
                }
                weekly[i] = out;
            }
        }
        let mut closures = Vec::new();
        if let Some(c) = o.get("closures") {
            let list = c.as_array().ok_or_else(|| ApiError::bad_value("closures must be a list"))?;
            if list.len() > MAX_CLOSURES {
                return Err(ApiError::bad_value(format!("closures: at most {MAX_CLOSURES}")));
            }
            for (n, c) in list.iter().enumerate() {
                let f = format!("closures[{n}]");
                let c = object(&f, c)?;
                let from = parse_date(&format!("{f}.from"), c.get("from"))?;
                let to = match c.get("to") {
                    None | Some(Value::Null) => from,
                    t => parse_date(&format!("{f}.to"), t)?,
                };
                if to < from {
                    return Err(ApiError::bad_value(format!("{f}: to must not be before from")));
                }
                let name = match c.get("name") {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) if s.chars().count() <= MAX_NAME => s.trim().to_string(),
                    Some(_) => {
                        return Err(ApiError::bad_value(format!("{f}.name: a text of at most {MAX_NAME} characters")))
                    }
                };
                closures.push(Closure { from, to, name });
            }
            closures.sort_by_key(|c| c.from);
        }
        Ok(Schedule { tz_name: tz_name.to_string(), tz, weekly, closures })
    }

    pub fn to_json(&self) -> Value {
        let mut weekly = Map::new();
        for (i, day) in DAYS.iter().enumerate() {
            let list: Vec<Value> =
                self.weekly[i].iter().map(|r| json!({"open": hhmm(r.open), "close": hhmm(r.close)})).collect();
            weekly.insert(day.to_string(), Value::Array(list));
        }
        let closures: Vec<Value> = self
            .closures
            .iter()
            .map(|c| json!({"from": c.from.to_string(), "to": c.to.to_string(), "name": c.name}))
            .collect();
        json!({"time_zone": self.tz_name, "weekly": weekly, "closures": closures})
    }

    fn closed_on(&self, d: Date) -> bool {
        self.closures.iter().any(|c| c.from <= d && d <= c.to)
    }

    fn ranges_on(&self, d: Date) -> &[Range] {
        if self.closed_on(d) {
            return &[];
        }
        &self.weekly[d.weekday().to_monday_zero_offset() as usize]
    }

    /// The local date and minute of the day at `at`.
    pub fn local(&self, at: Millis) -> (Date, u16) {
        let ts = Timestamp::from_millisecond(at).unwrap_or(Timestamp::UNIX_EPOCH);
        let z = ts.to_zoned(self.tz.clone());
        (z.date(), (z.hour() as u16) * 60 + z.minute() as u16)
    }

    /// Whether the business is open at `at`.
    pub fn is_open(&self, at: Millis) -> bool {
        let (date, minute) = self.local(at);
        self.ranges_on(date).iter().any(|r| r.open <= minute && minute < r.close)
    }

    /// The instant a range of local date `d` opens. A time that a clock change skips opens at
    /// the first instant after the gap; an hour that repeats opens at its first occurrence.
    fn opening(&self, d: Date, minute: u16) -> Option<Millis> {
        let t = Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).ok()?;
        let z = d.to_datetime(t).to_zoned(self.tz.clone()).ok()?;
        Some(z.timestamp().as_millisecond())
    }

    /// Whether the business opened at some instant in `(after, until]`: a closed period that
    /// was current at `after` has ended since.
    pub fn opened_between(&self, after: Millis, until: Millis) -> bool {
        if until <= after {
            return false;
        }
        let (first, _) = self.local(after);
        let (last, _) = self.local(until);
        if first.until(last).map(|s| s.get_days() as i64).unwrap_or(i64::MAX) > MAX_SCAN_DAYS {
            return true;
        }
        let mut d = first;
        while d <= last {
            for r in self.ranges_on(d) {
                // A range that starts at midnight continues the day before's range ending at 24:00.
                let continues = r.open == 0
                    && d.yesterday().ok().is_some_and(|y| self.ranges_on(y).iter().any(|p| p.close == 1440));
                if continues {
                    continue;
                }
                if self.opening(d, r.open).is_some_and(|t| after < t && t <= until) {
                    return true;
                }
            }
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        false
    }
}

/// Monday-first index of a weekday (for the console's form).
pub fn day_index(w: Weekday) -> usize {
    w.to_monday_zero_offset() as usize
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ms(s: &str) -> Millis {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn new_york() -> Schedule {
        Schedule::parse(&json!({"time_zone": "America/New_York", "weekly": {
            "monday": [{"open": "09:00", "close": "12:00"}, {"open": "13:00", "close": "17:00"}],
            "friday": [{"open": "09:00", "close": "17:00"}]},
            "closures": [{"from": "2027-03-22", "name": "Spring day"}]}))
        .unwrap()
    }

    #[test]
    fn open_follows_the_zone_across_daylight_saving() {
        let s = new_york();
        // Friday 2027-03-12 is EST (UTC-5): 13:30Z is 08:30 local, closed; 14:30Z is open.
        assert!(!s.is_open(ms("2027-03-12T13:30:00Z")));
        assert!(s.is_open(ms("2027-03-12T14:30:00Z")));
        // Monday 2027-03-15 is EDT (UTC-4): 13:30Z is 09:30 local, open.
        assert!(s.is_open(ms("2027-03-15T13:30:00Z")));
        // The lunch break and the evening.
        assert!(!s.is_open(ms("2027-03-15T16:30:00Z")));
        assert!(!s.is_open(ms("2027-03-15T21:00:00Z")));
        // A closure day, and a day with no hours.
        assert!(!s.is_open(ms("2027-03-22T14:00:00Z")));
        assert!(!s.is_open(ms("2027-03-16T14:00:00Z")));
    }

    #[test]
    fn openings_between_two_instants() {
        let s = new_york();
        // Friday evening to Monday morning before opening: no opening.
        assert!(!s.opened_between(ms("2027-03-12T23:00:00Z"), ms("2027-03-15T12:00:00Z")));
        // …to Monday after 09:00 EDT (13:00Z): it opened.
        assert!(s.opened_between(ms("2027-03-12T23:00:00Z"), ms("2027-03-15T13:00:00Z")));
        // Lunch reopens at 13:00 local.
        assert!(s.opened_between(ms("2027-03-15T16:10:00Z"), ms("2027-03-15T17:10:00Z")));
        // Across the closure Monday: no opening until Friday.
        assert!(!s.opened_between(ms("2027-03-19T22:00:00Z"), ms("2027-03-25T12:00:00Z")));
    }

    #[test]
    fn a_day_running_into_the_next_is_one_open_period() {
        let s = Schedule::parse(&json!({"time_zone": "UTC", "weekly": {
            "monday": [{"open": "18:00", "close": "24:00"}], "tuesday": [{"open": "00:00", "close": "02:00"}]}}))
        .unwrap();
        // Monday 2027-03-15: open 18:00 to Tuesday 02:00.
        assert!(s.is_open(ms("2027-03-15T23:59:00Z")) && s.is_open(ms("2027-03-16T01:00:00Z")));
        assert!(!s.opened_between(ms("2027-03-15T19:00:00Z"), ms("2027-03-16T01:00:00Z")));
    }

    #[test]
    fn bad_hours_are_refused_with_the_field() {
        let bad = |v: Value, needle: &str| {
            let e = Schedule::parse(&v).unwrap_err();
            assert!(e.details.contains(needle), "{} does not name {needle}", e.details);
        };
        bad(json!({"time_zone": "Mars/Olympus"}), "time_zone");
        bad(json!({"time_zone": "UTC", "weekly": {"funday": []}}), "funday");
        bad(json!({"time_zone": "UTC", "weekly": {"monday": [{"open": "9:00", "close": "17:00"}]}}), "open");
        bad(json!({"time_zone": "UTC", "weekly": {"monday": [{"open": "17:00", "close": "09:00"}]}}), "after");
        bad(
            json!({"time_zone": "UTC", "weekly": {"monday": [{"open": "09:00", "close": "12:00"}, {"open": "11:00", "close": "13:00"}]}}),
            "overlap",
        );
        bad(json!({"time_zone": "UTC", "closures": [{"from": "2026-13-01"}]}), "closures[0].from");
        bad(json!({"time_zone": "UTC", "closures": [{"from": "2026-12-26", "to": "2026-12-24"}]}), "before");
    }

    #[test]
    fn json_round_trips() {
        let s = new_york();
        assert_eq!(Schedule::parse(&s.to_json()).unwrap(), s);
    }
}
