//! Who may touch which record: the contract's "who" column in one place.
//!
//! - Users sign in with a bearer token; admins may do everything, owners
//!   manage their own events and see who booked them.
//! - Attendees prove who they are with the token they received at
//!   registration (`X-Attendee-Token`); a booking's holder may also use its
//!   cancel token (`X-Cancel-Token`).
//! - No credential at all: 401. A signed-in user who is not allowed: 403.
//!   For attendee records and bookings, a credential that does not fit gets
//!   the same 404 as a record that does not exist, so nobody can probe for
//!   other people's bookings.

use crate::auth::{MaybeSignedIn, TokenUser};
use crate::error::{ApiError, Missing};
use crate::extract::header_text;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use boxoffice_domain::{
    AttendeeId, Booking, BookingId, Event, EventId, SecretHash, WaitlistEntry, WaitlistEntryId,
};

pub const ATTENDEE_TOKEN: &str = "x-attendee-token";
pub const CANCEL_TOKEN: &str = "x-cancel-token";
pub const WAITLIST_TOKEN: &str = "x-waitlist-token";
pub const HOLD_TOKEN: &str = "x-hold-token";

/// Everything a request presents about who sends it.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub user: Option<TokenUser>,
    attendee_token: Option<SecretHash>,
    cancel_token: Option<SecretHash>,
    waitlist_token: Option<SecretHash>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let MaybeSignedIn(user) = MaybeSignedIn::from_request_parts(parts, app).await?;
        Ok(Caller {
            user,
            attendee_token: header_text(&parts.headers, ATTENDEE_TOKEN).map(SecretHash::of),
            cancel_token: header_text(&parts.headers, CANCEL_TOKEN).map(SecretHash::of),
            waitlist_token: header_text(&parts.headers, WAITLIST_TOKEN).map(SecretHash::of),
        })
    }
}

fn not_signed_in() -> ApiError {
    ApiError::unauthorized(
        "Sign in (Authorization: Bearer), or send the attendee's X-Attendee-Token.",
    )
}

impl Caller {
    fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(TokenUser::is_admin)
    }

    fn is_anonymous(&self) -> bool {
        self.user.is_none()
            && self.attendee_token.is_none()
            && self.cancel_token.is_none()
            && self.waitlist_token.is_none()
    }

    /// The attendee the `X-Attendee-Token` belongs to, if one was sent; 401 if it is unknown.
    pub async fn attendee(&self, app: &AppState) -> Result<Option<AttendeeId>, ApiError> {
        let Some(token) = &self.attendee_token else {
            return Ok(None);
        };
        let found = app.store.attendee_by_token(token).await?;
        found
            .map(Some)
            .ok_or_else(|| ApiError::unauthorized("The attendee token is not valid."))
    }

    /// Admins only.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match &self.user {
            Some(user) if user.is_admin() => Ok(()),
            Some(_) => Err(ApiError::forbidden("Only an admin may do this.")),
            None => Err(ApiError::unauthorized(
                "Sign in as an admin (Authorization: Bearer).",
            )),
        }
    }

    /// The event's owner or an admin.
    pub fn require_owner(&self, event: &Event) -> Result<(), ApiError> {
        match &self.user {
            Some(user) if user.owns_or_admin(event.owner_id) => Ok(()),
            Some(_) => Err(ApiError::forbidden(
                "Only the event's owner or an admin may do this.",
            )),
            None => Err(ApiError::unauthorized("Sign in (Authorization: Bearer).")),
        }
    }

    /// An admin, or the attendee `id` with their own token.
    pub async fn require_attendee(&self, app: &AppState, id: AttendeeId) -> Result<(), ApiError> {
        if self.is_admin() {
            return Ok(());
        }
        match self.attendee(app).await? {
            Some(own) if own == id => Ok(()),
            Some(_) => Err(ApiError::not_found(Missing::Attendee, id)),
            None if self.user.is_some() => Err(ApiError::forbidden(
                "Only the attendee (X-Attendee-Token) or an admin may do this.",
            )),
            None => Err(not_signed_in()),
        }
    }

    /// May book a seat of `event` for `attendee`: that attendee (their token), the event's
    /// organizer, or an admin. Attendees have no account, so a bare id proves nothing.
    pub async fn require_booker(
        &self,
        app: &AppState,
        attendee: AttendeeId,
        event: EventId,
    ) -> Result<(), ApiError> {
        match self.attendee(app).await? {
            Some(own) if own == attendee => return Ok(()),
            Some(_) => {
                return Err(ApiError::forbidden(
                    "An attendee token books for its own attendee only.",
                ));
            }
            None => {}
        }
        let Some(user) = &self.user else {
            return Err(ApiError::unauthorized(
                "Send the attendee's X-Attendee-Token, or sign in as the event's organizer or an admin.",
            ));
        };
        if user.is_admin() {
            return Ok(());
        }
        let event = app
            .store
            .get_event(event)
            .await?
            .ok_or_else(|| ApiError::not_found(Missing::Event, event))?;
        self.require_owner(&event)
    }

    /// Who a listing of bookings is for: `None` means all (admins), else one attendee.
    pub async fn booking_scope(&self, app: &AppState) -> Result<Option<AttendeeId>, ApiError> {
        if let Some(own) = self.attendee(app).await? {
            return Ok(Some(own));
        }
        self.require_admin().map(|()| None)
    }

    /// The booking, if this caller may see it: its holder (either token), the event's owner, or an admin.
    pub async fn held_booking(&self, app: &AppState, id: BookingId) -> Result<Booking, ApiError> {
        if self.is_anonymous() {
            return Err(ApiError::unauthorized(
                "Send the booking's X-Cancel-Token, the attendee's X-Attendee-Token, or sign in.",
            ));
        }
        let (booking, cancel_hash) = app
            .store
            .get_booking(id)
            .await?
            .ok_or_else(|| ApiError::not_found(Missing::Booking, id))?;
        if self.is_admin() || self.cancel_token.as_ref() == Some(&cancel_hash) {
            return Ok(booking);
        }
        if let Some(token) = &self.attendee_token
            && app.store.attendee_by_token(token).await? == Some(booking.attendee_id)
        {
            return Ok(booking);
        }
        if let Some(user) = &self.user
            && let Some(event) = app.store.get_event(booking.event_id).await?
            && user.owns_or_admin(event.owner_id)
        {
            return Ok(booking);
        }
        Err(ApiError::not_found(Missing::Booking, id))
    }

    /// A place in a waitlist, if this caller may see it: its holder (`X-Waitlist-Token` or
    /// the attendee's `X-Attendee-Token`), the event's owner, or an admin.
    pub async fn held_place(
        &self,
        app: &AppState,
        id: WaitlistEntryId,
    ) -> Result<WaitlistEntry, ApiError> {
        if self.is_anonymous() {
            return Err(ApiError::unauthorized(
                "Send the place's X-Waitlist-Token, the attendee's X-Attendee-Token, or sign in.",
            ));
        }
        let (entry, token_hash) = app
            .store
            .waitlist_entry(id)
            .await?
            .ok_or_else(|| ApiError::not_found(Missing::WaitlistEntry, id))?;
        if self.is_admin() || self.waitlist_token.as_ref() == Some(&token_hash) {
            return Ok(entry);
        }
        if let Some(token) = &self.attendee_token
            && app.store.attendee_by_token(token).await? == Some(entry.attendee_id)
        {
            return Ok(entry);
        }
        if let Some(user) = &self.user
            && let Some(event) = app.store.get_event(entry.event_id).await?
            && user.owns_or_admin(event.owner_id)
        {
            return Ok(entry);
        }
        Err(ApiError::not_found(Missing::WaitlistEntry, id))
    }
}
