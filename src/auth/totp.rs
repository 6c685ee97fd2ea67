//! The second factor's arithmetic: TOTP codes (RFC 6238: HMAC-SHA1, six digits, 30-second
//! steps, one step of clock drift either way), the enrolment QR code drawn as SVG by the server,
//! and single-use recovery codes kept as digests.

use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per step.
pub const STEP: u64 = 30;

/// Recovery codes per user.
pub const RECOVERY_CODES: usize = 10;

/// A fresh secret of 160 bits (the length RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

fn totp(secret: &[u8]) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, secret.to_vec()).ok()
}

/// The code of `secret` at unix time `at`.
pub fn code_at(secret: &[u8], at: u64) -> String {
    totp(secret).map(|t| t.generate(at)).unwrap_or_default()
}

/// The code as typed, without spaces: six digits, or `None`.
pub fn clean_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// The time step at which `code` is valid for `secret` around unix time `now` (the step
/// before, now and after), or `None`.
pub fn matching_step(secret: &[u8], code: &str, now: u64) -> Option<i64> {
    let t = totp(secret)?;
    let step = now / STEP;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .find(|s| crate::auth::token::constant_time_eq(&t.generate(s * STEP), code))
        .map(|s| s as i64)
}

/// The secret as an authenticator app's user types it: base32, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let encoded = match Secret::Raw(secret.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    };
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> String {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let secret: String = secret_text(secret).split(' ').collect();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        encode(issuer).replace('+', "%20"),
        encode(account).replace('+', "%20"),
        encode(issuer).replace('+', "%20"),
    )
}

/// The QR code of `text` as an SVG image (no outside service sees the secret).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build();
            // Inline in HTML: no XML declaration; named for screen readers.
            let start = svg.find("<svg").unwrap_or(0);
            svg[start..].replacen(
                "<svg",
                "<svg role=\"img\" aria-label=\"QR-code voor de authenticator-app\"",
                1,
            )
        }
        Err(_) => String::new(),
    }
}

/// Ten fresh recovery codes, as the user writes them down: `xxxx-xxxx-xxxx` from an alphabet
/// without look-alikes (about 59 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
        })
        .collect()
}

/// A recovery code as typed, normalised (case, spaces and dashes do not matter); `None` when
/// it cannot be one.
pub fn clean_recovery_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == 12).then_some(code)
}

/// What is stored of a recovery code: the digest of its normalised form.
pub fn recovery_digest(code: &str) -> Vec<u8> {
    let clean = clean_recovery_code(code).unwrap_or_default();
    crate::auth::token::digest(&clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B, SHA1 (the last six of its eight digits).
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = b"12345678901234567890";
        for (at, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1111111111, "050471"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(code_at(secret, at), code, "at {at}");
        }
    }

    #[test]
    fn a_code_matches_one_step_either_way_and_no_further() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now);
        assert_eq!(
            matching_step(&secret, &code, now),
            Some((now / STEP) as i64)
        );
        assert!(matching_step(&secret, &code, now + STEP).is_some());
        assert!(matching_step(&secret, &code, now - STEP).is_some());
        assert_eq!(matching_step(&secret, &code, now + 3 * STEP), None);
        assert_eq!(matching_step(&new_secret(), &code, now), None);
    }

    #[test]
    fn typed_codes_are_cleaned() {
        assert_eq!(clean_code(" 123 456 "), Some("123456".into()));
        assert_eq!(clean_code("12345"), None);
        assert_eq!(clean_code("12345a"), None);
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_ne!(codes[0], codes[1]);
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(recovery_digest(&typed), recovery_digest(&codes[0]));
        assert_eq!(clean_recovery_code("kort"), None);
    }

    #[test]
    fn the_qr_code_carries_the_otpauth_address() {
        let url = otpauth_url(b"12345678901234567890", "Voorzieningenregister", "a@b.nl");
        assert!(url.starts_with("otpauth://totp/Voorzieningenregister:a%40b.nl?secret=GEZDGNBV"));
        let svg = qr_svg(&url);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        assert_eq!(
            secret_text(b"12345678901234567890").split(' ').next(),
            Some("GEZD")
        );
    }
}
