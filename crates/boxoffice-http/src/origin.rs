//! The origin a request was addressed to, named as the server of the OpenAPI document
//! served at `/openapi.json`, so that Swagger UI's "Try it out" calls this server on
//! whatever host and port it runs.
//!
//! `PUBLIC_URL`, when configured, wins. Otherwise the scheme is `http` (this server speaks
//! plain HTTP) and the authority is the `Host` header; `X-Forwarded-Proto` and
//! `X-Forwarded-Host` are believed only from a trusted proxy. A value that is not a plain
//! `host[:port]` is never echoed: the local default stands in.

use crate::auth::TrustedProxies;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use boxoffice_domain::PublicUrl;
use std::net::{IpAddr, Ipv6Addr};
use utoipa::openapi::OpenApi;
use utoipa::openapi::server::Server;

/// The origin of `boxoffice serve` with its defaults, named by the committed document.
pub const DEFAULT_ORIGIN: &str = "http://127.0.0.1:8000";

/// The request's origin, e.g. `https://tickets.example.com` or `http://10.0.0.5:8080`.
pub fn request_origin(
    headers: &HeaderMap,
    peer: IpAddr,
    trusted: &TrustedProxies,
    public_url: Option<&PublicUrl>,
) -> String {
    if let Some(url) = public_url {
        return url.as_str().to_owned();
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
    };
    let behind_proxy = trusted.0.contains(&peer);
    let forwarded_host = behind_proxy
        .then(|| header("x-forwarded-host"))
        .flatten()
        .filter(|host| is_authority(host));
    let scheme = behind_proxy
        .then(|| header("x-forwarded-proto"))
        .flatten()
        .map(str::to_ascii_lowercase)
        .filter(|scheme| matches!(scheme.as_str(), "http" | "https"))
        .unwrap_or_else(|| "http".to_owned());
    let host = forwarded_host.or_else(|| header(HOST.as_str()).filter(|host| is_authority(host)));
    match host {
        Some(host) => format!("{scheme}://{}", host.to_ascii_lowercase()),
        None => DEFAULT_ORIGIN.to_owned(),
    }
}

/// `host[:port]` where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
fn is_authority(value: &str) -> bool {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.parse::<Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => (None, Some(port)),
                None => return false,
            },
        }
    } else {
        match value.rsplit_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(value), None),
        }
    };
    let host_ok = host.is_none_or(|host| {
        (1..=253).contains(&host.len())
            && host.split('.').all(|label| {
                (1..=63).contains(&label.len())
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    });
    let port_ok = port.is_none_or(|port| {
        (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok()
    });
    host_ok && port_ok
}

/// The OpenAPI document serialized once, with a slot for its server URL.
#[derive(Debug, Clone)]
pub struct ServedSpec {
    before: String,
    after: String,
}

impl ServedSpec {
    const SLOT: &'static str = "urn:boxoffice:request-origin";

    pub fn new(mut spec: OpenApi) -> Self {
        let mut server = Server::new(Self::SLOT);
        server.description = Some("This server".into());
        spec.servers = Some(vec![server]);
        let json = spec.to_json().expect("the OpenAPI document serializes");
        let quoted = format!("\"{}\"", Self::SLOT);
        let (before, after) = json
            .split_once(&quoted)
            .expect("the server slot appears in the document");
        ServedSpec {
            before: before.to_owned(),
            after: after.to_owned(),
        }
    }

    /// The document naming `origin` as its server.
    pub fn render(&self, origin: &str) -> String {
        let quoted = serde_json::to_string(origin).expect("a string serializes");
        [self.before.as_str(), &quoted, self.after.as_str()].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9));
    const PROXY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    #[test]
    fn plain_authorities_are_accepted_and_anything_else_is_not() {
        for good in [
            "localhost",
            "localhost:8080",
            "10.0.0.5:80",
            "[::1]:8000",
            "[::1]",
            "a-b.example.com",
        ] {
            assert!(is_authority(good), "{good:?}");
        }
        for bad in [
            "",
            "evil.com/x",
            "user@host",
            "host:port",
            "host:99999",
            "a b",
            "[::1",
            "[zz]:80",
            "host:",
            "-bad.com",
            "a..b",
            "\"},{\"url\":\"x",
            "host:80:80",
        ] {
            assert!(!is_authority(bad), "{bad:?}");
        }
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies(vec![PROXY]);
        let sent = headers(&[
            ("host", "10.0.0.7:8000"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "tickets.example.com"),
        ]);
        assert_eq!(
            request_origin(&sent, PROXY, &trusted, None),
            "https://tickets.example.com"
        );
        assert_eq!(
            request_origin(&sent, CLIENT, &trusted, None),
            "http://10.0.0.7:8000"
        );
    }

    #[test]
    fn a_bad_host_falls_back_to_the_default_and_public_url_wins() {
        let trusted = TrustedProxies::default();
        let sent = headers(&[("host", "evil.com\"}],\"x\":{\"a")]);
        assert_eq!(
            request_origin(&sent, CLIENT, &trusted, None),
            DEFAULT_ORIGIN
        );
        assert_eq!(
            request_origin(&HeaderMap::new(), CLIENT, &trusted, None),
            DEFAULT_ORIGIN
        );
        let public = PublicUrl::parse("https://tickets.example.com/").unwrap();
        let good = headers(&[("host", "other:9000")]);
        assert_eq!(
            request_origin(&good, CLIENT, &trusted, Some(&public)),
            "https://tickets.example.com"
        );
    }

    #[test]
    fn the_served_document_names_the_origin_and_stays_valid_json() {
        let spec = ServedSpec::new(crate::openapi());
        let doc: serde_json::Value =
            serde_json::from_str(&spec.render("http://127.0.0.1:4321")).unwrap();
        assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:4321");
        assert_eq!(doc["servers"].as_array().unwrap().len(), 1);
        assert!(doc["paths"]["/events"].is_object());
    }
}
