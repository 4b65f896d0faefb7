//! Door staff and check-ins (the SQL is in `sql/tickets.rs`).

use crate::{Store, StoreError, retry};
use boxoffice_domain::{AttendeeId, BookingId, EventId, Page, PageRequest, UserId};
use chrono::{DateTime, Utc};

/// A user who may admit people to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub user_id: UserId,
    pub username: String,
    pub added_at: DateTime<Utc>,
}

/// A booking admitted at the door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub booking_id: BookingId,
    pub event_id: EventId,
    pub attendee_name: String,
    pub checked_in_at: DateTime<Utc>,
    /// The username of whoever scanned the ticket; `None` once that account is deleted.
    pub checked_in_by: Option<String>,
}

/// What a scan of a valid ticket came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckInOutcome {
    /// Admitted now.
    Admitted(CheckIn),
    /// Admitted before: when and by whom.
    AlreadyIn(CheckIn),
    /// The booking was cancelled.
    Cancelled,
    /// The ticket is for this other event.
    OtherEvent(EventId),
    /// The booking no longer exists (its event was deleted).
    UnknownBooking,
}

impl Store {
    /// A booking's check-in, if it was admitted.
    pub async fn check_in_of(&self, booking: BookingId) -> Result<Option<CheckIn>, StoreError> {
        dispatch!(self, b => b.check_in_of(booking).await)
    }

    /// One page of an event's check-ins, in the order they happened.
    pub async fn list_check_ins(
        &self,
        event: EventId,
        page: PageRequest,
    ) -> Result<Page<CheckIn>, StoreError> {
        dispatch!(self, b => b.list_check_ins(event, page).await)
    }

    /// When each of `attendees` was admitted to `event`, for those who were.
    pub async fn admitted_attendees(
        &self,
        event: EventId,
        attendees: &[AttendeeId],
    ) -> Result<std::collections::HashMap<AttendeeId, DateTime<Utc>>, StoreError> {
        dispatch!(self, b => b.admitted_attendees(event, attendees).await)
    }

    /// How many confirmed bookings an event has: the people expected at its door.
    pub async fn confirmed_bookings(&self, event: EventId) -> Result<i64, StoreError> {
        dispatch!(self, b => b.confirmed_bookings(event).await)
    }

    /// The account named `username` (case-insensitive): its id and its name as spelt.
    pub async fn user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(UserId, String)>, StoreError> {
        dispatch!(self, b => b.user_by_username(username).await)
    }

    /// Names `user` door staff of `event`; repeating it changes nothing. `None` if the
    /// event does not exist.
    pub async fn add_staff(
        &self,
        event: EventId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffMember>, StoreError> {
        retried!(self, "add_staff", b => b.add_staff(event, user, now))
    }

    /// Ends `user`'s door duty at `event`; `false` if they had none.
    pub async fn remove_staff(&self, event: EventId, user: UserId) -> Result<bool, StoreError> {
        retried!(self, "remove_staff", b => b.remove_staff(event, user))
    }

    pub async fn is_staff(&self, event: EventId, user: UserId) -> Result<bool, StoreError> {
        dispatch!(self, b => b.is_staff(event, user).await)
    }

    /// An event's door staff, by username.
    pub async fn list_staff(&self, event: EventId) -> Result<Vec<StaffMember>, StoreError> {
        dispatch!(self, b => b.list_staff(event).await)
    }
}
