//! `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the
//! app secret, as Meta signs its webhook POSTs.

/// HMAC-SHA256 of `msg` under `key` (core's, shared with the keyed hashes of sign-in codes).
pub use risala_core::ids::hmac_sha256;
/// The `X-Hub-Signature-256` header value for `body` (core's, shared with the bots' calls).
pub use risala_core::ids::signature_header;

/// Check a received `X-Hub-Signature-256` value in constant time.
pub fn verify(app_secret: &str, body: &[u8], header: &str) -> bool {
    let expected = signature_header(app_secret, body);
    let (a, b) = (expected.as_bytes(), header.trim().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_vectors() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Test case 6: a key longer than the block.
        let key = [0xaau8; 131];
        let mac = hmac_sha256(&key, b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex::encode(mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn header_round_trip() {
        let h = signature_header("36447f9241781d6b3df26ea635ecb8aa", b"{\"object\":\"x\"}");
        assert!(h.starts_with("sha256=") && h.len() == 7 + 64);
        assert!(verify("36447f9241781d6b3df26ea635ecb8aa", b"{\"object\":\"x\"}", &h));
        assert!(!verify("other", b"{\"object\":\"x\"}", &h));
        assert!(!verify("36447f9241781d6b3df26ea635ecb8aa", b"{\"object\":\"y\"}", &h));
    }
}
