//! The map beside the lists: Leaflet, served from `static/vendor/leaflet` (no CDN), with
//! background tiles from one configurable URL (by default PDOK's BRT-Achtergrondkaart). The
//! content security policy allows that tile host and no other. Without tiles (offline, or
//! switched off) the markers still show on a plain background; the list stays the primary,
//! accessible view.

/// The map's settings are part of the configuration; re-exported for the map's users.
pub use crate::config::map::MapSettings;

/// Whether a point lies in or near the Netherlands (the register's facilities do).
pub fn in_netherlands(lat: f64, lon: f64) -> bool {
    (50.6..=53.7).contains(&lat) && (3.2..=7.3).contains(&lon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_netherlands_is_where_facilities_are() {
        assert!(in_netherlands(52.357, 6.662));
        assert!(!in_netherlands(6.662, 52.357), "swapped");
        assert!(!in_netherlands(48.85, 2.35));
    }
}
