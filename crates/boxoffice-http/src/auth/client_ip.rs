//! The client's IP address: the socket peer, or `X-Forwarded-For` when the peer is a trusted proxy.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

/// Where a request comes from, for rate limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// Walks `X-Forwarded-For` from the right, skipping trusted proxies; the first other address is the client.
    pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &TrustedProxies) -> IpAddr {
        if !trusted.0.contains(&peer) {
            return peer;
        }
        let hops = forwarded_for
            .unwrap_or_default()
            .split(',')
            .rev()
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok());
        let mut client = peer;
        for hop in hops {
            client = hop;
            if !trusted.0.contains(&hop) {
                break;
            }
        }
        client
    }
}

/// The address of the connection's other end (unspecified when unknown, as in-process).
pub fn peer_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| {
            addr.ip()
        })
}

impl FromRequestParts<crate::AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Infallible> {
        let peer = peer_ip(&parts.extensions);
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(ClientIp(ClientIp::resolve(
            peer,
            forwarded,
            &state.security.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let trusted = TrustedProxies(vec![ip("10.0.0.1")]);
        assert_eq!(
            ClientIp::resolve(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies(vec![ip("10.0.0.1"), ip("10.0.0.2")]);
        assert_eq!(
            ClientIp::resolve(ip("10.0.0.1"), Some("6.6.6.6, 1.2.3.4, 10.0.0.2"), &trusted),
            ip("1.2.3.4")
        );
        assert_eq!(
            ClientIp::resolve(ip("10.0.0.1"), None, &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            ClientIp::resolve(ip("10.0.0.1"), Some("garbage"), &trusted),
            ip("10.0.0.1")
        );
    }
}
