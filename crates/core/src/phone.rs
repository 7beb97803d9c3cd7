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
        self.region().0
    }

    /// The ISO country (`US`, `GB`, `CA`, …) the number belongs to, if known.
    pub fn country(&self) -> Option<String> {
        self.region().1
    }

    /// Calling code and country, remembered per number: parsing with the full metadata costs
    /// tens of microseconds, and every send and status prices by country.
    fn region(&self) -> (String, Option<String>) {
        use std::collections::HashMap;
        use std::sync::{OnceLock, RwLock};
        type Regions = RwLock<HashMap<String, (String, Option<String>)>>;
        /// Beyond this many numbers the memory starts over (each entry is a few dozen bytes).
        const MAX: usize = 200_000;
        static REGIONS: OnceLock<Regions> = OnceLock::new();
        let regions = REGIONS.get_or_init(Default::default);
        if let Some(r) = regions.read().ok().and_then(|m| m.get(&self.0).cloned()) {
            return r;
        }
        let r = self.parse_region();
        if let Ok(mut m) = regions.write() {
            if m.len() >= MAX {
                m.clear();
            }
            m.insert(self.0.clone(), r.clone());
        }
        r
    }

    fn parse_region(&self) -> (String, Option<String>) {
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
}
