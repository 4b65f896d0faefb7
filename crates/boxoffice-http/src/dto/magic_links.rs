//! Sign-in links for attendees who lost their token.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Ask for a sign-in link by e-mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "asha@example.com"}))]
pub struct MagicLinkRequest {
    /// The address the attendee booked with.
    pub email: Option<String>,
}

/// The same answer whether or not an attendee has the address.
#[derive(Debug, Serialize, ToSchema)]
pub struct MagicLinkAccepted {
    pub detail: String,
}

/// What a followed sign-in link yields: a new attendee token (the old one stops working).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"attendee_id": 7, "token": "q9X...", "token_type": "attendee"}))]
pub struct AttendeeSignIn {
    pub attendee_id: i64,
    /// Send it as `X-Attendee-Token` to see and manage this attendee's bookings.
    pub token: String,
    /// Always `attendee`.
    pub token_type: String,
}
