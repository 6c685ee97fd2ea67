//! Who is asking: the client's address, taken from `X-Forwarded-For` only as far as the
//! configured proxies vouch for it.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::config::cidr::Cidr;

/// The client: the socket peer, unless the peer is a trusted proxy and the server is told
/// to trust proxies (`--trust-proxy`). Then `X-Forwarded-For` is read from the right (each
/// proxy appends the address it saw): trusted proxies are skipped, and the first address that
/// is not one is the client. Entries further left were written by the client itself and are
/// never believed.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trust_proxy: bool,
    trusted: &[Cidr],
) -> Option<IpAddr> {
    let peer = peer.map(|p| p.to_canonical());
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !trust_proxy || !peer.is_some_and(is_trusted) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) => {
                let ip = ip.to_canonical();
                client = Some(ip);
                if !is_trusted(ip) {
                    break;
                }
            }
            // Garbage where an address should be: nothing to its left can be believed; the
            // hop that passed it on is the client as far as we know.
            Err(_) => break,
        }
    }
    client
}

/// The client's address as text, for throttling and the audit trail's origin.
pub struct ClientAddr(pub String);

impl FromRequestParts<crate::state::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let address = client_address(
            peer,
            &parts.headers,
            state.settings.trust_proxy,
            &state.settings.trusted_proxies,
        );
        Ok(ClientAddr(
            address.map_or_else(|| "onbekend".into(), |a| a.to_string()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_rightmost_untrusted_address_is_the_client() {
        let trusted = vec![Cidr::loopback()[0], "10.0.0.0/8".parse::<Cidr>().unwrap()];
        let local = Some(ip("127.0.0.1"));
        // nginx appends what it saw; whatever the client wrote itself stays on the left.
        let h = headers(&["6.6.6.6, 203.0.113.9"]);
        assert_eq!(
            client_address(local, &h, true, &trusted),
            Some(ip("203.0.113.9"))
        );
        // Two proxies of our own.
        let h = headers(&["1.2.3.4, 203.0.113.9, 10.0.0.5"]);
        assert_eq!(
            client_address(local, &h, true, &trusted),
            Some(ip("203.0.113.9"))
        );
        // Several headers count as one list.
        let h = headers(&["1.2.3.4", "203.0.113.9"]);
        assert_eq!(
            client_address(local, &h, true, &trusted),
            Some(ip("203.0.113.9"))
        );
        // Not told to trust proxies, or the peer is no proxy of ours: the peer.
        assert_eq!(client_address(local, &h, false, &trusted), local);
        let stranger = Some(ip("198.51.100.1"));
        assert_eq!(client_address(stranger, &h, true, &trusted), stranger);
        // Garbage stops the walk at the hop that passed it on.
        let h = headers(&["203.0.113.9, zzz, 10.0.0.5"]);
        assert_eq!(
            client_address(local, &h, true, &trusted),
            Some(ip("10.0.0.5"))
        );
        // No header: the proxy itself.
        assert_eq!(
            client_address(local, &HeaderMap::new(), true, &trusted),
            local
        );
    }
}
