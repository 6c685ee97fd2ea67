//! Keyed pseudonyms for the double-funding check (the Maastricht beleidsnotitie Algemene voorzieningen 2020 §6.3): a participant's BSN never
//! leaves the partner's machine; what is uploaded is HMAC-SHA256 of the nine-digit BSN under the
//! tenant's key, in lower-case hex. Without the key a pseudonym cannot be turned back into a
//! BSN (the key is 256 random bits; trying all BSNs needs it). The browser script
//! (`static/js/app.js`, `data-pseudonymise`) and `voorzieningen pseudonymise` compute the same.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// A key: 32 random bytes, written as 64 hex characters.
pub fn new_key() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key's bytes from its hex text (spaces allowed), or `None`.
pub fn parse_key(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.len() != 64 || !clean.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(&clean[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// What identifies a key without revealing it: hex SHA-256 of its bytes.
pub fn fingerprint(key: &[u8]) -> String {
    hex(&Sha256::digest(key))
}

/// A BSN as nine digits (an eight-digit one gets its leading zero), if it passes the 11-proef.
pub fn bsn(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    if !(8..=9).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let nine = format!("{digits:0>9}");
    let d: Vec<i64> = nine.bytes().map(|b| (b - b'0') as i64).collect();
    let sum: i64 = (0..8).map(|i| d[i] * (9 - i as i64)).sum::<i64>() - d[8];
    (sum % 11 == 0 && nine != "000000000").then_some(nine)
}

/// The pseudonym of a (checked, nine-digit) BSN under `key`.
pub fn pseudonym(key: &[u8], bsn: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(bsn.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleven_test() {
        assert_eq!(bsn("111222333").as_deref(), Some("111222333"));
        assert_eq!(bsn("123456782").as_deref(), Some("123456782"));
        assert_eq!(bsn("1234 56 782").as_deref(), Some("123456782"));
        assert_eq!(bsn("12345678"), None, "12345678 → 012345678 fails the test");
        assert_eq!(bsn("123456789"), None);
        assert_eq!(bsn("abc"), None);
        assert_eq!(bsn("000000000"), None);
    }

    #[test]
    fn pseudonyms_are_hmac_sha256_in_hex() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            pseudonym(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let key = parse_key(&"ab".repeat(32)).unwrap();
        assert_eq!(pseudonym(&key, "111222333").len(), 64);
        assert_ne!(pseudonym(&key, "111222333"), pseudonym(&key, "123456782"));
        assert_eq!(parse_key("zz"), None);
        assert_eq!(new_key().len(), 64);
        assert_eq!(fingerprint(&key).len(), 64);
    }
}
