//! What the notification channels keep: preferences, delivery attempts, sign-in links.

use crate::{Store, StoreError};
use boxoffice_domain::{
    Attendee, AttendeeId, Channel, DeliveryStatus, EventId, SecretHash, UserId,
};
use chrono::{DateTime, Utc};

/// Which channels a person wants; all of them unless they said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChannelPreferences {
    pub websocket: bool,
    pub email: bool,
    pub push: bool,
}

impl Default for ChannelPreferences {
    fn default() -> Self {
        ChannelPreferences {
            websocket: true,
            email: true,
            push: true,
        }
    }
}

/// An attendee to tell, with their channel choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub attendee: Attendee,
    pub channels: ChannelPreferences,
}

/// One recorded delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// The domain event's id, or the sign-in link's id.
    pub message_id: String,
    /// e.g. `booking_confirmed`.
    pub notice: String,
    pub channel: Channel,
    pub recipient: String,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub attempts: i32,
}

impl Store {
    /// A user's channels and chosen language (`None`: not chosen).
    pub async fn user_preferences(
        &self,
        user: UserId,
    ) -> Result<(ChannelPreferences, Option<String>), StoreError> {
        dispatch!(self, b => b.user_preferences(user).await)
    }

    pub async fn set_user_preferences(
        &self,
        user: UserId,
        chosen: ChannelPreferences,
        locale: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, b => b.set_user_preferences(user, chosen, locale, now).await)
    }

    pub async fn attendee_preferences(
        &self,
        attendee: AttendeeId,
    ) -> Result<ChannelPreferences, StoreError> {
        dispatch!(self, b => b.attendee_preferences(attendee).await)
    }

    /// The attendees among `ids` that still exist, with their channel choices, in the
    /// order of `ids`: one query per 10,000 ids, whatever their number.
    pub async fn recipients(&self, ids: &[AttendeeId]) -> Result<Vec<Recipient>, StoreError> {
        dispatch!(self, b => b.recipients(ids).await)
    }

    /// Every attendee holding a confirmed booking of `event`, with their channel choices,
    /// in booking order, in one query.
    pub async fn confirmed_recipients(&self, event: EventId) -> Result<Vec<Recipient>, StoreError> {
        dispatch!(self, b => b.confirmed_recipients(event).await)
    }

    /// Sets an attendee's channels and, when given, their language.
    pub async fn set_attendee_preferences(
        &self,
        attendee: AttendeeId,
        chosen: ChannelPreferences,
        locale: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, b => b.set_attendee_preferences(attendee, chosen, locale, now).await)
    }

    /// Records a delivery attempt; a later attempt at the same delivery replaces it.
    pub async fn record_delivery(
        &self,
        record: &DeliveryRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, b => b.record_delivery(record, now).await)
    }

    pub async fn deliveries_of(&self, message_id: &str) -> Result<Vec<DeliveryRecord>, StoreError> {
        dispatch!(self, b => b.deliveries_of(message_id).await)
    }

    /// The latest `limit` attempts, newest first.
    pub async fn recent_deliveries(&self, limit: i64) -> Result<Vec<DeliveryRecord>, StoreError> {
        dispatch!(self, b => b.recent_deliveries(limit).await)
    }

    pub async fn attendee_by_email(&self, email: &str) -> Result<Option<AttendeeId>, StoreError> {
        dispatch!(self, b => b.attendee_by_email(email).await)
    }

    /// Stores a sign-in link (by the hash of its token) for `attendee`.
    pub async fn create_magic_link(
        &self,
        attendee: AttendeeId,
        token: &SecretHash,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, b => b.create_magic_link(attendee, token, now, expires_at).await)
    }

    /// Uses a sign-in link once and gives its attendee `new_attendee_token`.
    pub async fn redeem_magic_link(
        &self,
        token: &SecretHash,
        new_attendee_token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Option<AttendeeId>, StoreError> {
        dispatch!(self, b => b.redeem_magic_link(token, new_attendee_token, now).await)
    }
}
