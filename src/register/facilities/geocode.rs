//! Coordinates for an address, from the PDOK Locatieserver when one is configured
//! (`GEOCODER_URL`, its `free` search). Asked only when a facility is saved with an address
//! (postcode and house number) and no coordinates; nothing else needs the network, and a
//! geocoder that fails or is slow leaves the facility without a place on the map.

use std::time::Duration;

use serde::Deserialize;

use super::record::RawFacility;

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

/// Looks up the address of `raw`; `None` when it has none, or the geocoder finds nothing.
pub async fn lookup(url: &str, raw: &RawFacility) -> Option<(f64, f64)> {
    let postcode = raw.one("postcode").replace(' ', "").to_uppercase();
    let number = raw.one("huisnummer").trim().to_string();
    if postcode.is_empty() || number.is_empty() {
        return None;
    }
    let query = format!("{postcode} {number}");
    let client = reqwest::Client::builder().timeout(TIMEOUT).build().ok()?;
    let answer = client
        .get(url)
        .query(&[("q", query.as_str()), ("fq", "type:adres"), ("rows", "1")])
        .send()
        .await
        .and_then(|r| r.error_for_status());
    let body = match answer {
        Ok(r) => r.bytes().await.ok()?,
        Err(e) => {
            tracing::warn!(error = %e, "the geocoder did not answer");
            return None;
        }
    };
    let answer: Answer = serde_json::from_slice(&body).ok()?;
    answer
        .response
        .docs
        .first()
        .and_then(|d| d.centroide_ll.as_deref())
        .and_then(point)
}

/// Fills `lat` and `lon` of a form or import row without coordinates, when a geocoder is set.
pub async fn fill(url: Option<&str>, raw: &mut RawFacility) {
    let Some(url) = url else { return };
    if !raw.one("lat").trim().is_empty() || !raw.one("lon").trim().is_empty() {
        return;
    }
    if let Some((lat, lon)) = lookup(url, raw).await {
        raw.set("lat", format!("{lat:.6}"));
        raw.set("lon", format!("{lon:.6}"));
    }
}

#[cfg(test)]
mod tests {
    use super::point;

    #[test]
    fn a_point_is_longitude_then_latitude() {
        assert_eq!(point("POINT(6.66251 52.35671)"), Some((52.35671, 6.66251)));
        assert_eq!(point("POINT(2.35 48.85)"), None, "not in the Netherlands");
        assert_eq!(point("LINESTRING(1 2)"), None);
    }
}
