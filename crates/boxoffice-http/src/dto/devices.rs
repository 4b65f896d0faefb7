//! Devices registered for push notifications.

use boxoffice_domain::{Device, DeviceToken, Invalid, Platform, Validator};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A device to send push notifications to.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"platform": "ios", "token": "7f3c1e0b9a2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c0d2e"}))]
pub struct DeviceRegister {
    /// `ios` (sent through APNs) or `android` (sent through FCM).
    #[schema(value_type = String, required = true, pattern = "^(ios|android)$")]
    pub platform: Option<String>,
    /// The token the app received from APNs or FCM: letters, digits and `-_:.~`.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 4096, pattern = "^[A-Za-z0-9_:.~-]+$")]
    pub token: Option<String>,
}

impl DeviceRegister {
    pub fn into_domain(self) -> Result<(Platform, DeviceToken), Invalid> {
        let mut v = Validator::new();
        let platform = v.require("platform", self.platform).and_then(|p| {
            v.check(
                "platform",
                Platform::parse(&p).ok_or_else(|| "must be \"ios\" or \"android\"".to_owned()),
            )
        });
        let token = v
            .require("token", self.token)
            .and_then(|t| v.check("token", DeviceToken::parse(&t)));
        v.finish()?;
        match (platform, token) {
            (Some(platform), Some(token)) => Ok((platform, token)),
            // `finish` reported any field that is missing.
            _ => Err(Invalid::field("platform", "is required")),
        }
    }
}

/// A registered device.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceView {
    #[schema(example = 3)]
    pub id: i64,
    /// `ios` or `android`.
    #[schema(example = "android")]
    pub platform: String,
    pub token: String,
    /// UTC, RFC 3339.
    #[schema(example = "2026-11-21T10:00:00Z")]
    pub created_at: String,
    /// Last registration or accepted push, UTC.
    #[schema(example = "2026-11-21T10:00:00Z")]
    pub last_used_at: String,
}

impl DeviceView {
    pub fn render(device: &Device) -> Self {
        DeviceView {
            id: device.id.0,
            platform: device.platform.as_str().to_owned(),
            token: device.token.as_str().to_owned(),
            created_at: boxoffice_notify::frames::timestamp(device.created_at),
            last_used_at: boxoffice_notify::frames::timestamp(device.last_used_at),
        }
    }
}
