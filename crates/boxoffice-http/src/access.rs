//! Who may touch which record.
//!
//! Attendees prove who they are with the token they received at registration
//! (`X-Attendee-Token`); a booking's holder may also use its cancel token
//! (`X-Cancel-Token`). A credential that does not fit a record gets the same
//! 404 as a record that does not exist, so nobody can probe for other
//! people's bookings.

use crate::error::ApiError;
use crate::extract::header_text;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use boxoffice_domain::{AttendeeId, Booking, SecretHash};

pub const ATTENDEE_TOKEN: &str = "x-attendee-token";
pub const CANCEL_TOKEN: &str = "x-cancel-token";

/// The secrets a request carries, hashed for comparison with stored hashes.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    attendee_token: Option<SecretHash>,
    cancel_token: Option<SecretHash>,
}

impl<S: Send + Sync> FromRequestParts<S> for Credentials {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Credentials {
            attendee_token: header_text(&parts.headers, ATTENDEE_TOKEN).map(SecretHash::of),
            cancel_token: header_text(&parts.headers, CANCEL_TOKEN).map(SecretHash::of),
        })
    }
}

impl Credentials {
    pub fn is_anonymous(&self) -> bool {
        self.attendee_token.is_none() && self.cancel_token.is_none()
    }

    /// The attendee the `X-Attendee-Token` belongs to; 401 if it is missing or unknown.
    pub async fn attendee(&self, app: &AppState) -> Result<AttendeeId, ApiError> {
        let token = self.attendee_token.as_ref().ok_or_else(|| {
            ApiError::unauthorized("Send the attendee's token in X-Attendee-Token.")
        })?;
        app.store
            .attendee_by_token(token)
            .await?
            .ok_or_else(|| ApiError::unauthorized("The attendee token is not valid."))
    }

    /// The attendee, if a token was sent (401 if it is unknown).
    pub async fn optional_attendee(&self, app: &AppState) -> Result<Option<AttendeeId>, ApiError> {
        match self.attendee_token {
            Some(_) => self.attendee(app).await.map(Some),
            None => Ok(None),
        }
    }

    /// Allows access to attendee `id`'s own record only.
    pub async fn require_attendee(&self, app: &AppState, id: AttendeeId) -> Result<(), ApiError> {
        if self.attendee(app).await? == id {
            Ok(())
        } else {
            Err(ApiError::not_found("attendee", id))
        }
    }

    /// Allows the holder of a booking: its cancel token, or its attendee's token.
    pub async fn require_holder(
        &self,
        app: &AppState,
        booking: &Booking,
        cancel_hash: &SecretHash,
    ) -> Result<(), ApiError> {
        if self.is_anonymous() {
            return Err(ApiError::unauthorized(
                "Send the booking's X-Cancel-Token or the attendee's X-Attendee-Token.",
            ));
        }
        if self.cancel_token.as_ref() == Some(cancel_hash) {
            return Ok(());
        }
        if let Some(token) = &self.attendee_token
            && app.store.attendee_by_token(token).await? == Some(booking.attendee_id)
        {
            return Ok(());
        }
        Err(ApiError::not_found("booking", booking.id))
    }
}
