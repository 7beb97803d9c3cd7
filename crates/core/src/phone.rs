//! Phone numbers: parsing what clients write into WhatsApp ids (digits with country code),
//! display formatting and the country a number belongs to.

use std::fmt;

/// A phone number as WhatsApp keys it: digits only, country code first (a `wa_id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WaId(String);

/// Why a number could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    BadCharacter(char),
    Length(usize),
    /// The digits start with 0, where the country calling code goes: no code starts with 0.
    NoCountryCode,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhoneError::Empty => write!(f, "the phone number is empty"),
            PhoneError::BadCharacter(c) => {
                write!(f, "the phone number contains the character '{c}'")
            }
            PhoneError::Length(n) => {
                write!(f, "the phone number has {n} digits; 7 to 15 are allowed")
            }
            PhoneError::NoCountryCode => {
                write!(f, "the phone number must start with a country calling code, and none starts with 0")
            }
        }
    }
}

impl WaId {
    /// Read a number as clients write it: `+`, spaces, dashes, dots and parentheses are
    /// dropped. A number written without `+` is taken as already carrying its country code
    /// unless it is shorter than a full number, in which case `default_cc` (the sender's
    /// country calling code) is put in front, as Meta does.
    pub fn parse(input: &str, default_cc: Option<&str>) -> Result<WaId, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let has_plus = trimmed.starts_with('+');
        let mut digits = String::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' | ' ' | '-' | '(' | ')' | '.' => {}
                other => return Err(PhoneError::BadCharacter(other)),
            }
        }
        if trimmed.matches('+').count() > 1 || (trimmed.contains('+') && !has_plus) {
            return Err(PhoneError::BadCharacter('+'));
        }
        // Without `+`, `00…` is the international call prefix (`0044 7911 123456` is +44…),
        // and a number written with its national trunk prefix (`0…`) is national: the
        // sender's country code goes in front. Anything else already carries its country
        // code, as SDKs send `wa_id` digits.
        if !has_plus && digits.starts_with("00") {
            digits.drain(..2);
        } else if !has_plus && digits.starts_with('0') {
            if let Some(cc) = default_cc {
                let national = digits.trim_start_matches('0');
                digits = format!("{cc}{national}");
            }
        }
        if !(7..=15).contains(&digits.len()) {
            return Err(PhoneError::Length(digits.len()));
        }
        // `+00…`, `+0…`, or a national number with no sender's code to put in front: E.164
        // numbers begin with the country calling code, and every code starts with 1 to 9.
        if digits.starts_with('0') {
            return Err(PhoneError::NoCountryCode);
        }
        Ok(WaId(digits))
    }

    /// Wrap digits that are already known to be a valid id (read back from storage).
    pub fn from_trusted(digits: String) -> WaId {
        WaId(digits)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    fn parsed(&self) -> Option<phonenumber::PhoneNumber> {
        phonenumber::parse(None, format!("+{}", self.0)).ok()
    }

    /// The country calling code (`1`, `44`, `91`, …).
    pub fn calling_code(&self) -> String {
        calling_code_of(&self.0).to_owned()
    }

    /// The ISO country (`US`, `GB`, `CA`, …) the number belongs to, if known.
    pub fn country(&self) -> Option<String> {
        country_of(&self.0).map(str::to_owned)
    }

    fn parse_region(&self) -> (String, Option<String>) {
        // Parsed once per number (see `region_of`).
        let Some(p) = self.parsed() else {
            return (self.0.chars().take(1).collect(), None);
        };
        let code = p.code().value().to_string();
        if let Some(id) = p.country().id() {
            return (code, Some(format!("{id:?}")));
        }
        // Numbers in reserved or fictional ranges have no region of their own: take the main
        // country of their calling code.
        let main = phonenumber::metadata::DATABASE.by_code(&p.code().value()).and_then(|entries| {
            entries.iter().find(|m| m.is_main_country_for_code()).or(entries.first()).map(|m| m.id().to_string())
        });
        (code, main)
    }

    /// International display form, as Meta shows `display_phone_number` (`+1 631-555-5555`).
    pub fn display(&self) -> String {
        match self.parsed() {
            Some(p) => {
                let f = p.format().mode(phonenumber::Mode::International).to_string();
                if f.len() > 1 {
                    f
                } else {
                    format!("+{}", self.0)
                }
            }
            None => format!("+{}", self.0),
        }
    }
}

impl fmt::Display for WaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The country calling code of a number's digits (`1`, `44`, `91`, …), as [`WaId::calling_code`]
/// without copying the number or the code.
pub fn calling_code_of(digits: &str) -> &'static str {
    region_of(digits).0
}

/// The ISO country of a number's digits (`US`, `GB`, `CA`, …), as [`WaId::country`] without
/// copying the number or the country.
pub fn country_of(digits: &str) -> Option<&'static str> {
    region_of(digits).1
}

/// Calling code and country, remembered per number: parsing with the full metadata costs
/// tens of microseconds, and every send and status prices by country. Both are kept once for
/// the process (a few hundred codes and countries exist), so a number's costs no copy.
fn region_of(digits: &str) -> (&'static str, Option<&'static str>) {
    use std::collections::{HashMap, HashSet};
    use std::sync::{Mutex, OnceLock, RwLock};
    type Region = (&'static str, Option<&'static str>);
    /// Beyond this many numbers the memory starts over (each entry is a few dozen bytes).
    const MAX: usize = 200_000;
    static REGIONS: OnceLock<RwLock<HashMap<String, Region>>> = OnceLock::new();
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let regions = REGIONS.get_or_init(Default::default);
    if let Some(r) = regions.read().ok().and_then(|m| m.get(digits).copied()) {
        return r;
    }
    // Calling codes and countries are few (about 500; the first character of a number that
    // does not parse at worst): each is leaked once and shared by every number with it. Past
    // `NAMES_MAX`, which only made-up input reaches, a new one is not kept and reads as empty.
    const NAMES_MAX: usize = 4096;
    let keep = |name: String| -> &'static str {
        let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match names.get(name.as_str()) {
            Some(kept) => kept,
            None if names.len() >= NAMES_MAX => "",
            None => {
                let kept: &'static str = Box::leak(name.into_boxed_str());
                names.insert(kept);
                kept
            }
        }
    };
    let (code, country) = WaId(digits.to_owned()).parse_region();
    let r = (keep(code), country.map(keep));
    if let Ok(mut m) = regions.write() {
        if m.len() >= MAX {
            m.clear();
        }
        m.insert(digits.to_owned(), r);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_clients_write() {
        for s in ["+1 (650) 555-1234", "1-650-555-1234", "+16505551234", " 1.650.555.1234 "] {
            assert_eq!(WaId::parse(s, None).unwrap().as_str(), "16505551234", "{s}");
        }
    }

    #[test]
    fn prepends_sender_country_code_for_short_numbers() {
        assert_eq!(WaId::parse("07700 900123", Some("44")).unwrap().as_str(), "447700900123");
        assert_eq!(WaId::parse("+447700900123", Some("1")).unwrap().as_str(), "447700900123");
        // `00` is the international call prefix, not a trunk prefix.
        assert_eq!(WaId::parse("0044 7911 123456", Some("1")).unwrap().as_str(), "447911123456");
        assert_eq!(WaId::parse("0016505551234", None).unwrap().as_str(), "16505551234");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(WaId::parse("", None), Err(PhoneError::Empty));
        assert_eq!(WaId::parse("12ab", None), Err(PhoneError::BadCharacter('a')));
        assert_eq!(WaId::parse("+123", None), Err(PhoneError::Length(3)));
        assert!(WaId::parse("1+2345678", None).is_err());
        assert_eq!(WaId::parse("+1234567890123456", None), Err(PhoneError::Length(16)));
    }

    #[test]
    fn refuses_numbers_no_country_code_starts() {
        for s in ["+0016505551234", "+00 44 7700 900123", "+07700900123", "00016505551234", "07700900123"] {
            assert_eq!(WaId::parse(s, None), Err(PhoneError::NoCountryCode), "{s}");
        }
        // With the sender's code, a national number is still read as national.
        assert_eq!(WaId::parse("07700900123", Some("44")).unwrap().as_str(), "447700900123");
    }

    #[test]
    fn countries_and_display() {
        assert_eq!(WaId::parse("+447700900123", None).unwrap().country().as_deref(), Some("GB"));
        assert_eq!(WaId::parse("+14165550199", None).unwrap().country().as_deref(), Some("CA"));
        assert_eq!(WaId::parse("+12125550199", None).unwrap().country().as_deref(), Some("US"));
        assert_eq!(WaId::parse("+16315555555", None).unwrap().display(), "+1 631-555-5555");
        assert_eq!(WaId::parse("+447700900123", None).unwrap().calling_code(), "44");
    }

    #[test]
    fn a_country_is_kept_once_for_every_number_of_it() {
        let (a, b) = (country_of("447700900123"), country_of("447700900456"));
        assert_eq!((a, b), (Some("GB"), Some("GB")));
        assert!(std::ptr::eq(a.unwrap(), b.unwrap()), "one copy of GB for both numbers");
        assert!(std::ptr::eq(calling_code_of("14165550199"), calling_code_of("12125550199")));
        assert_eq!(calling_code_of("14165550199"), "1");
        // Asked again, a number gives the same answers (from memory).
        assert_eq!(country_of("14165550199"), Some("CA"));
        assert_eq!(country_of("14165550199"), Some("CA"));
        assert_eq!(WaId::from_trusted("12125550199".into()).country().as_deref(), Some("US"));
    }
}
