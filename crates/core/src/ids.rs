//! Identifiers: Graph object ids (numeric strings), message ids (`wamid.…`), access tokens.

use rand::{distributions::Alphanumeric, Rng};
use sha2::{Digest, Sha256};

/// A new Graph object id: a 15-digit numeric string, like Meta's.
pub fn new_object_id() -> String {
    let n: u64 = rand::thread_rng().gen_range(100_000_000_000_000..1_000_000_000_000_000);
    n.to_string()
}

/// True when `s` looks like a Graph object id (non-empty, ASCII digits only).
pub fn is_object_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A new secret of `len` alphanumeric characters.
pub fn new_secret(len: usize) -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

/// A new access token, shaped like Meta's (`EAA…`).
pub fn new_access_token() -> String {
    format!("EAAR{}", new_secret(60))
}

/// A new app secret: 32 hex characters, like Meta's.
pub fn new_app_secret() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    hex::encode(bytes)
}

const HMAC_BLOCK: usize = 64;

/// The `X-Hub-Signature-256` header value for `body`: `sha256=` + hex HMAC-SHA256 of the exact
/// body bytes keyed with the app secret, as Meta signs its webhook POSTs (and Risala its bots'
/// calls to a business's endpoint).
pub fn signature_header(app_secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(app_secret.as_bytes(), body)))
}

/// HMAC-SHA256 of `msg` under `key` (RFC 2104, written out over `sha2` to avoid another
/// dependency): webhook signatures, media URL signatures, the stored form of sign-in codes.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; HMAC_BLOCK];
    if key.len() > HMAC_BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; HMAC_BLOCK];
    let mut opad = [0x5cu8; HMAC_BLOCK];
    for i in 0..HMAC_BLOCK {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new().chain_update(ipad).chain_update(msg).finalize();
    Sha256::new().chain_update(opad).chain_update(inner).finalize().into()
}

/// The stored form of a token: hex SHA-256. Tokens are long random strings, so a fast hash
/// is enough; what matters is that the database never holds the token itself.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A request id, used as `fbtrace_id` in errors and logs.
pub fn new_trace_id() -> String {
    // `A` and 22 alphanumeric characters, as `new_secret(22)` draws them, from random bytes
    // drawn 32 at a time (a byte of 248 or more is drawn again, so each character is uniform):
    // every request gets one.
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    let mut id = String::with_capacity(23);
    id.push('A');
    while id.len() < 23 {
        let mut bytes = [0u8; 32];
        rng.fill(&mut bytes);
        for b in bytes.into_iter().filter(|b| *b < 248).take(23 - id.len()) {
            id.push(char::from(DIGITS[usize::from(b % 62)]));
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids_are_numeric_and_15_digits() {
        for _ in 0..100 {
            let id = new_object_id();
            assert_eq!(id.len(), 15);
            assert!(is_object_id(&id));
        }
        assert!(!is_object_id(""));
        assert!(!is_object_id("12a"));
    }

    #[test]
    fn token_hash_is_stable_and_not_the_token() {
        let t = new_access_token();
        assert!(t.starts_with("EAAR") && t.len() == 64);
        assert_eq!(hash_token(&t), hash_token(&t));
        assert_ne!(hash_token(&t), t);
        assert_ne!(hash_token(&t), hash_token(&new_access_token()));
    }

    #[test]
    fn trace_ids_are_an_a_and_22_alphanumerics_drawn_evenly() {
        let mut seen = std::collections::HashSet::new();
        let mut counts = [0u32; 128];
        for _ in 0..2000 {
            let id = new_trace_id();
            assert_eq!(id.len(), 23, "{id}");
            assert!(id.starts_with('A') && id[1..].bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
            for b in id[1..].bytes() {
                counts[usize::from(b)] += 1;
            }
            assert!(seen.insert(id));
        }
        // 44,000 characters over 62: about 710 each; every character is drawn, none twice as often.
        let used: Vec<u32> = counts.iter().copied().filter(|n| *n > 0).collect();
        assert_eq!(used.len(), 62);
        assert!(used.iter().all(|n| (450..1000).contains(n)), "{used:?}");
    }
}
