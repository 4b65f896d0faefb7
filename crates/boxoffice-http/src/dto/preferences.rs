//! Notification preferences: which channels reach someone, in which language.

use boxoffice_domain::{Invalid, Locale, Validator};
use boxoffice_store::ChannelPreferences;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whose preferences these are.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PreferenceHolder {
    /// A signed-in user (bearer token).
    User,
    /// An attendee (`X-Attendee-Token`).
    Attendee,
}

/// The channels notices reach someone on, and the language they are written in.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"holder": "attendee", "websocket": true, "email": true, "push": false, "locale": "fr-CA"}))]
pub struct NotificationPreferencesView {
    pub holder: PreferenceHolder,
    /// Live notifications over `/ws` (signed-in users).
    pub websocket: bool,
    pub email: bool,
    /// Mobile push to registered devices (signed-in users).
    pub push: bool,
    /// Language of e-mail and push, e.g. `fr` or `fr-CA` (English where a language is not
    /// available); `null` for a user who has not chosen (English).
    #[schema(required = true)]
    pub locale: Option<String>,
}

impl NotificationPreferencesView {
    pub fn new(
        holder: PreferenceHolder,
        chosen: ChannelPreferences,
        locale: Option<String>,
    ) -> Self {
        NotificationPreferencesView {
            holder,
            websocket: chosen.websocket,
            email: chosen.email,
            push: chosen.push,
            locale,
        }
    }
}

/// New preferences; every channel must be given. Without `locale` the language stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"websocket": true, "email": true, "push": false, "locale": "de"}))]
pub struct NotificationPreferencesUpdate {
    pub websocket: Option<bool>,
    pub email: Option<bool>,
    pub push: Option<bool>,
    /// A language tag such as `en`, `fr-CA` or `hi`.
    pub locale: Option<String>,
}

impl NotificationPreferencesUpdate {
    pub fn into_parts(self) -> Result<(ChannelPreferences, Option<Locale>), Invalid> {
        let mut v = Validator::new();
        let websocket = v.require("websocket", self.websocket);
        let email = v.require("email", self.email);
        let push = v.require("push", self.push);
        let locale = v
            .check_opt("locale", self.locale, |l| Locale::parse(&l))
            .flatten();
        v.finish()?;
        Ok((
            ChannelPreferences {
                websocket: websocket.expect("validated"),
                email: email.expect("validated"),
                push: push.expect("validated"),
            },
            locale,
        ))
    }
}
