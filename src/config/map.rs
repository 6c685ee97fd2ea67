//! The map's background tiles as configured (`MAP_TILES_URL`, by default PDOK's
//! BRT-Achtergrondkaart) and the content security policy that allows their host.

/// PDOK's BRT-Achtergrondkaart in web mercator (the Kadaster's open background map).
pub const PDOK_TILES: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";

#[derive(Debug, Clone)]
pub struct MapSettings {
    /// `…/{z}/{x}/{y}.png`; `None`: markers on a plain background.
    pub tiles_url: Option<String>,
    /// Shown in the map's corner.
    pub attribution: String,
}

impl Default for MapSettings {
    fn default() -> Self {
        Self::from_url(PDOK_TILES)
    }
}

impl MapSettings {
    /// From a tile URL; empty or `uit` switches tiles off.
    pub fn from_url(url: &str) -> Self {
        let url = url.trim();
        if url.is_empty() || url.eq_ignore_ascii_case("uit") || tile_origin(url).is_none() {
            return MapSettings {
                tiles_url: None,
                attribution: String::new(),
            };
        }
        MapSettings {
            tiles_url: Some(url.to_string()),
            attribution: if url.contains("pdok.nl") {
                "Kaart: © Kadaster (BRT-Achtergrondkaart)".into()
            } else {
                "Achtergrondkaart".into()
            },
        }
    }

    /// The content security policy: only this app, and images from the tile host.
    pub fn csp(&self) -> String {
        let tiles = self
            .tiles_url
            .as_deref()
            .and_then(tile_origin)
            .map(|o| format!(" {o}"))
            .unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; \
             font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
             object-src 'none'; frame-ancestors 'none'"
        )
    }
}

/// `https://host[:port]` of an http(s) URL, or `None`.
pub fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next()?;
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    valid.then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_allows_the_tile_host_only() {
        let pdok = MapSettings::default();
        assert!(pdok
            .csp()
            .contains("img-src 'self' data: https://service.pdok.nl;"));
        let off = MapSettings::from_url("uit");
        assert!(off.tiles_url.is_none());
        assert!(off.csp().contains("img-src 'self' data:;"));
        assert!(MapSettings::from_url("javascript:alert(1)/{z}")
            .tiles_url
            .is_none());
        assert!(MapSettings::from_url("https://a b/{z}").tiles_url.is_none());
        assert_eq!(
            tile_origin("http://127.0.0.1:9000/t/{z}/{x}/{y}.png").as_deref(),
            Some("http://127.0.0.1:9000")
        );
    }
}
