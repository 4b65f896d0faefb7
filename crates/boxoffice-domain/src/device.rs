//! Mobile devices registered for push notifications.

use crate::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies a registered device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceId(pub i64);

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which push service reaches a device: APNs for iOS, FCM for Android.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Ios,
    Android,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::Android => "android",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ios" => Some(Platform::Ios),
            "android" => Some(Platform::Android),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest token accepted; APNs tokens are 64 hex digits, FCM tokens some 160 characters.
pub const DEVICE_TOKEN_MAX: usize = 4096;

/// The address a push service knows a device by, as the app received it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DeviceToken(String);

impl DeviceToken {
    /// Letters, digits and `-_:.~`: the token goes into a URL path (APNs) and a JSON body (FCM),
    /// and APNs (hex) and FCM tokens use nothing else.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.len() > DEVICE_TOKEN_MAX {
            return Err(format!("must be at most {DEVICE_TOKEN_MAX} characters"));
        }
        if !text.bytes().all(is_token_byte) {
            return Err("may hold only letters, digits and '-', '_', ':', '.', '~'".into());
        }
        Ok(DeviceToken(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `b` may appear in a device token: URL-safe without escaping.
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_:.~".contains(&b)
}

// Tokens address a person's phone: logs show only their start.
impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(8).collect();
        write!(f, "DeviceToken({head}…)")
    }
}

/// A device a user registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub user_id: UserId,
    pub platform: Platform,
    pub token: DeviceToken,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_printable_ascii_without_slashes() {
        assert_eq!(
            DeviceToken::parse(" abc:DEF_12-3 ").unwrap().as_str(),
            "abc:DEF_12-3"
        );
        for bad in [
            "",
            "   ",
            "a b",
            "a/b",
            "é",
            &"x".repeat(DEVICE_TOKEN_MAX + 1),
        ] {
            assert!(DeviceToken::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn platforms_round_trip() {
        for p in [Platform::Ios, Platform::Android] {
            assert_eq!(Platform::parse(p.as_str()), Some(p));
        }
        assert_eq!(Platform::parse("windows"), None);
    }
}
