//! The address the public reaches Boxoffice at, for links that leave the server
//! (the OpenAPI document's server, links in e-mails).

use std::fmt;

/// An absolute `http` or `https` URL with a host, no credentials, query or fragment;
/// kept without a trailing slash so paths can be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn parse(input: &str) -> Result<Self, String> {
        let url = url::Url::parse(input.trim()).map_err(|e| format!("is not a URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("must start with http:// or https://".into());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("must name a host".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("must not have a query or fragment".into());
        }
        Ok(PublicUrl(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The URL without a trailing slash, e.g. `https://tickets.example.com/boxoffice`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, e.g. `tickets.example.com` (for identifiers such as calendar UIDs).
    pub fn host(&self) -> String {
        url::Url::parse(&self.0)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// An absolute link to `path` (which starts with `/`) under this URL.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = String;

    fn from_str(input: &str) -> Result<Self, String> {
        PublicUrl::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scheme_host_port_and_path_without_a_trailing_slash() {
        let url = PublicUrl::parse("https://Tickets.Example.com:8443/boxoffice/").unwrap();
        assert_eq!(url.as_str(), "https://tickets.example.com:8443/boxoffice");
        assert_eq!(
            url.link("/events/7"),
            "https://tickets.example.com:8443/boxoffice/events/7"
        );
        assert_eq!(
            PublicUrl::parse("http://10.0.0.5").unwrap().as_str(),
            "http://10.0.0.5"
        );
    }

    #[test]
    fn refuses_what_is_not_a_plain_public_address() {
        for bad in [
            "",
            "tickets.example.com",
            "ftp://tickets.example.com",
            "https://user:pw@tickets.example.com",
            "https://tickets.example.com/?a=1",
            "https://tickets.example.com/#top",
            "file:///etc/passwd",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
