//! ISO 4217 currency exponents: how many decimal digits a currency's minor unit has. An amount
//! on the wire is `{value, offset}` with `value` an integer in minor units and `offset` equal to
//! 10^exponent (100 for rupees and reais, 1 for yen, 1000 for dinars), as Meta's payment
//! messages carry them.

/// Currencies without a minor unit (exponent 0).
const ZERO: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
    "XPF",
];

/// Currencies with three decimal digits.
const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Currencies with two decimal digits (the common case): the rest of ISO 4217's active codes.
const TWO: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND",
    "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CUP", "CVE", "CZK",
    "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK",
    "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
    "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON",
    "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL",
    "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VES", "WST", "XCD", "XCG",
    "YER", "ZAR", "ZMW", "ZWG",
];

/// The exponent of `code` (upper-case ISO 4217), `None` for a code this server does not know.
pub fn exponent(code: &str) -> Option<u32> {
    if ZERO.contains(&code) {
        Some(0)
    } else if TWO.contains(&code) {
        Some(2)
    } else if THREE.contains(&code) {
        Some(3)
    } else {
        None
    }
}

/// The exponent of `code`, 2 for a code this server does not know (most currencies have two).
pub fn digits(code: &str) -> u32 {
    exponent(code).unwrap_or(2)
}

/// The `offset` an amount in `code` carries: 10^exponent.
pub fn offset(code: &str) -> Option<i64> {
    exponent(code).map(|e| 10i64.pow(e))
}

/// `value` minor units of `code` as a plain decimal text (`"1234.50"`, `"500"`), for
/// providers and logs; the pages format it for the reader's language.
pub fn decimal(value: i64, code: &str) -> String {
    let e = digits(code) as usize;
    if e == 0 {
        return value.to_string();
    }
    let sign = if value < 0 { "-" } else { "" };
    let v = value.unsigned_abs();
    let div = 10u64.pow(e as u32);
    format!("{sign}{}.{:0width$}", v / div, v % div, width = e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_and_offsets() {
        assert_eq!(offset("INR"), Some(100));
        assert_eq!(offset("BRL"), Some(100));
        assert_eq!(offset("JPY"), Some(1));
        assert_eq!(offset("KWD"), Some(1000));
        assert_eq!(offset("XYZ"), None);
        assert_eq!(offset("inr"), None);
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(123450, "INR"), "1234.50");
        assert_eq!(decimal(5, "USD"), "0.05");
        assert_eq!(decimal(500, "JPY"), "500");
        assert_eq!(decimal(1500, "KWD"), "1.500");
        assert_eq!(decimal(-250, "EUR"), "-2.50");
    }
}
