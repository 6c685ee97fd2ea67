//! Coordinates for an address, from the PDOK Locatieserver when one is configured
//! (`GEOCODER_URL`, its `free` search). Asked only when a facility is saved with an address
//! (postcode and house number) and no coordinates, by someone who may save it, once the form
//! has passed every check; nothing else needs the network, and a geocoder that fails, is
//! slow, redirects or answers too much leaves the facility without a place on the map.

use std::time::Duration;

use serde::Deserialize;

use super::record::{FacilityInput, RawFacility};

/// How long a save waits for the geocoder.
const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Deserialize)]
struct Answer {
    response: Docs,
}

#[derive(Deserialize)]
struct Docs {
    docs: Vec<Doc>,
}

#[derive(Deserialize)]
struct Doc {
    /// `POINT(6.66251 52.35671)`: longitude, then latitude.
    centroide_ll: Option<String>,
}

/// (latitude, longitude) of `POINT(lon lat)`.
fn point(text: &str) -> Option<(f64, f64)> {
    let inner = text.trim().strip_prefix("POINT(")?.strip_suffix(')')?;
    let mut parts = inner.split_whitespace();
    let lon: f64 = parts.next()?.parse().ok()?;
    let lat: f64 = parts.next()?.parse().ok()?;
    crate::web::map::in_netherlands(lat, lon).then_some((lat, lon))
}

/// The most of an answer read: a Locatieserver answer of one row is about 2 kB.
const MAX_ANSWER: usize = 1024 * 1024;

/// What to ask the geocoder for a checked facility: `"7601AB 12"`, or `None` when it has
/// coordinates already, or no postcode or house number (the postcode is valid by now, the
/// house number must start with its digits).
pub fn wanted(input: &FacilityInput) -> Option<String> {
    if input.position.is_some() {
        return None;
    }
    let postcode: String = input.postcode.as_deref()?.split_whitespace().collect();
    let number: String = input
        .house_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(10)
        .collect();
    number
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| format!("{} {number}", postcode.to_uppercase()))
}

/// One client for every lookup: no redirects (an answer that sends us elsewhere, such as to
/// the machine itself, is no answer), at most [`TIMEOUT`] per lookup.
fn client() -> Option<&'static reqwest::Client> {
    static CLIENT: std::sync::OnceLock<Option<reqwest::Client>> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .ok()
        })
        .as_ref()
}

/// Looks up `query` (from [`wanted`]); `None` when the geocoder fails, finds nothing, redirects
/// or answers more than [`MAX_ANSWER`] bytes.
pub async fn lookup(url: &str, query: &str) -> Option<(f64, f64)> {
    let response = client()?
        .get(url)
        .query(&[("q", query), ("fq", "type:adres"), ("rows", "1")])
        .send()
        .await;
    let mut response = match response {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => {
            tracing::warn!(status = %r.status(), "the geocoder answered without a result");
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "the geocoder did not answer");
            return None;
        }
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER as u64)
    {
        tracing::warn!("the geocoder's answer is too large; not read");
        return None;
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_ANSWER => {
                body.extend_from_slice(&chunk)
            }
            Ok(Some(_)) => {
                tracing::warn!("the geocoder's answer is too large; stopped reading");
                return None;
            }
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "the geocoder's answer broke off");
                return None;
            }
        }
    }
    let answer: Answer = serde_json::from_slice(&body).ok()?;
    answer
        .response
        .docs
        .first()
        .and_then(|d| d.centroide_ll.as_deref())
        .and_then(point)
}

/// Places a checked facility without coordinates with the geocoder at `url`, if it finds the
/// address: in `input`, and in `raw`, so that a form shown again shows the place.
pub async fn place(url: &str, raw: &mut RawFacility, input: &mut FacilityInput) {
    let Some(query) = wanted(input) else { return };
    if let Some((lat, lon)) = lookup(url, &query).await {
        input.position = Some((lat, lon));
        raw.set("lat", format!("{lat:.6}"));
        raw.set("lon", format!("{lon:.6}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_longitude_then_latitude() {
        assert_eq!(point("POINT(6.66251 52.35671)"), Some((52.35671, 6.66251)));
        assert_eq!(point("POINT(2.35 48.85)"), None, "not in the Netherlands");
        assert_eq!(point("LINESTRING(1 2)"), None);
    }

    #[test]
    fn only_a_checked_address_without_a_place_is_asked() {
        let mut input = FacilityInput {
            postcode: Some("7601 AB".into()),
            house_number: "12a".into(),
            ..FacilityInput::default()
        };
        assert_eq!(wanted(&input).as_deref(), Some("7601AB 12a"));
        input.house_number = " 12 - 3 ".into();
        assert_eq!(wanted(&input).as_deref(), Some("7601AB 12-3"));
        input.house_number = "*:* OR x".into();
        assert_eq!(wanted(&input), None, "no number, no lookup");
        input.house_number = "12".into();
        input.position = Some((52.3, 6.6));
        assert_eq!(wanted(&input), None, "coordinates given win");
        input.position = None;
        input.postcode = None;
        assert_eq!(wanted(&input), None);
    }
}
