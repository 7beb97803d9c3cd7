//! Languages: one catalogue of strings per language (`en.rs`, `ar.rs`), chosen by the `lang`
//! cookie, else the browser's `Accept-Language`; numbers and dates formatted for it, and the
//! text direction the page is laid out in.

pub mod ads;
mod ar;
pub mod badge;
pub mod bots;
pub mod broadcasts;
pub mod commerce;
mod compose;
pub mod console;
pub mod contacts;
mod en;
pub mod faq;
mod inbox;
pub mod operator;
pub mod payments;
pub mod reasons;
pub mod refusals;
pub mod refusals_bots;
pub mod refusals_templates;
pub mod shop;
pub mod tools;
mod webchat;

use axum::http::HeaderMap;

pub use compose::ComposeStrings;
pub use en::Strings;
pub use inbox::{invalid, InboxStrings};
pub use webchat::WebchatStrings;

/// A language of the web app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
}

/// The cookie that keeps a chosen language.
pub const LANG_COOKIE: &str = "risala_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ar];

    /// The BCP 47 tag (`<html lang>`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "ar" => Some(Lang::Ar),
            _ => None,
        }
    }

    /// `rtl` or `ltr` (`<html dir>`).
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Ar => "rtl",
        }
    }

    /// The arrow of a link back (to the start side): `‹` left to right, `›` right to left.
    pub fn back_arrow(self) -> &'static str {
        match self {
            Lang::En => "‹",
            Lang::Ar => "›",
        }
    }

    /// The arrow of a link onward (to the end side): `→` left to right, `←` right to left.
    pub fn forward_arrow(self) -> &'static str {
        match self {
            Lang::En => "→",
            Lang::Ar => "←",
        }
    }

    /// This language's strings.
    pub fn t(self) -> &'static Strings {
        match self {
            Lang::En => &en::EN,
            Lang::Ar => &ar::AR,
        }
    }

    /// The language of a request: the cookie, else the first language of `Accept-Language`
    /// (by quality) that the app speaks, else English.
    pub fn of(headers: &HeaderMap) -> Lang {
        if let Some(l) = cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
            return l;
        }
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mut ranked: Vec<(f32, Lang)> = accept
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|r| r.1).unwrap_or(Lang::En)
    }

    /// `n` with grouped thousands, in this language's digits.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Lang::En => ',',
            Lang::Ar => '٬',
        };
        let mut out = String::new();
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        self.digits(&out)
    }

    /// ASCII digits of `s` in this language's digits (Arabic-Indic for Arabic).
    pub fn digits(self, s: &str) -> String {
        match self {
            Lang::En => s.to_string(),
            Lang::Ar => s
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
                    None => c,
                })
                .collect(),
        }
    }

    /// A decimal amount in the reader's digits and decimal separator: `12.50` / `١٢٫٥٠`.
    pub fn decimal(self, s: &str) -> String {
        match self {
            Lang::En => s.to_string(),
            Lang::Ar => self.digits(s).replace('.', "\u{066B}"),
        }
    }

    /// A moment (ms since the epoch, shown in UTC): `3 Dec 2026, 15:09` / `٣ ديسمبر ٢٠٢٦، ١٥:٠٩`.
    pub fn datetime(self, ms: i64) -> String {
        let (y, m, d, hh, mm) = civil(ms);
        let month = self.t().months[(m - 1) as usize];
        let comma = match self {
            Lang::En => ",",
            Lang::Ar => "،",
        };
        self.digits(&format!("{d} {month} {y}{comma} {hh:02}:{mm:02}"))
    }

    /// A day (UTC) as a chat's separator names it: `Today`, `Yesterday` (by `now`), else
    /// `3 Dec 2026` / `٣ ديسمبر ٢٠٢٦`.
    pub fn day(self, ms: i64, now: i64) -> String {
        match now.div_euclid(DAY_MS) - ms.div_euclid(DAY_MS) {
            0 => self.t().today.to_string(),
            1 => self.t().yesterday.to_string(),
            _ => {
                let (y, m, d, _, _) = civil(ms);
                self.digits(&format!("{d} {} {y}", self.t().months[(m - 1) as usize]))
            }
        }
    }
}

const DAY_MS: i64 = 86_400_000;

/// The UTC day of a moment, `YYYY-MM-DD`.
pub fn iso_day(ms: i64) -> String {
    let (y, m, d, _, _) = civil(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `text` set apart from the sentence around it (Unicode's first-strong isolate), so a name or
/// value in another script keeps its own direction: a Latin "VIP" or "25:00" in an Arabic
/// sentence, an Arabic name in an English one.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// ISO 8601 of a moment in UTC, for `<time datetime>`.
pub fn iso(ms: i64) -> String {
    let (y, m, d, hh, mm) = civil(ms);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}Z")
}

/// Year, month, day, hour, minute in UTC of ms since the epoch (days-from-civil inverted,
/// after Howard Hinnant's algorithm).
fn civil(ms: i64) -> (i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_spoken_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::of(&h), Lang::En);
        h.insert("accept-language", "fr-FR, ar-EG;q=0.9, en;q=0.8".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::Ar);
        h.insert("accept-language", "en-GB;q=0.5, ar;q=0.4".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::En);
        h.insert("cookie", "a=b; risala_lang=ar".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::Ar);
    }

    #[test]
    fn numbers_and_dates_per_language() {
        assert_eq!(Lang::En.number(1234567), "1,234,567");
        assert_eq!(Lang::Ar.number(1234567), "١٬٢٣٤٬٥٦٧");
        assert_eq!(Lang::En.number(-12), "-12");
        // 2026-12-03 15:09 UTC
        let ms = 1_796_310_540_000;
        assert_eq!(iso(ms), "2026-12-03T15:09Z");
        assert_eq!(Lang::En.datetime(ms), "3 Dec 2026, 15:09");
        assert_eq!(Lang::Ar.datetime(ms), "٣ ديسمبر ٢٠٢٦، ١٥:٠٩");
        assert_eq!(iso(0), "1970-01-01T00:00Z");
        // Day separators: 5 Dec 20:45 and 6 Dec 07:06 are different days.
        let (dec5, dec6) = (1_796_503_500_000, 1_796_540_760_000);
        assert_eq!((iso_day(dec5), iso_day(dec6)), ("2026-12-05".into(), "2026-12-06".into()));
        assert_eq!(Lang::En.day(dec6, dec6 + 3_600_000), "Today");
        assert_eq!(Lang::En.day(dec5, dec6), "Yesterday");
        assert_eq!(Lang::Ar.day(dec5, dec6), "أمس");
        assert_eq!(Lang::En.day(ms, dec6), "3 Dec 2026");
        assert_eq!(Lang::Ar.day(ms, dec6), "٣ ديسمبر ٢٠٢٦");
    }
}
