//! Waitlists, as the store gives them: reads here, writes in a `WriteTx`.

use crate::rows::KnownAttendee;
use crate::{Store, StoreError};
use boxoffice_domain::{
    AttendeeId, BookingId, Email, EventId, Page, PageRequest, PersonName, SecretHash,
    WaitlistEntry, WaitlistEntryId, Zone,
};
use chrono::{DateTime, Utc};

/// A place just taken at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub id: WaitlistEntryId,
    pub attendee: AttendeeId,
    /// 1 for the first in line.
    pub position: i64,
}

/// The first in line, as a promotion needs them.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct WaitingRow {
    pub entry_id: i64,
    #[sqlx(flatten)]
    pub attendee: KnownAttendee,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct WaitlistRow {
    pub id: i64,
    pub event_id: i64,
    pub event_timezone: String,
    pub attendee_id: i64,
    pub attendee_name: String,
    pub attendee_email: Option<String>,
    pub status: String,
    pub token_hash: String,
    pub booking_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub position: Option<i64>,
}

impl WaitlistRow {
    pub(crate) fn into_entry(self) -> Result<(WaitlistEntry, SecretHash), StoreError> {
        let bad = |reason: String| StoreError::Corrupt(format!("waitlist {}: {reason}", self.id));
        let entry = WaitlistEntry {
            id: WaitlistEntryId(self.id),
            event_id: EventId(self.event_id),
            event_zone: Zone::parse(&self.event_timezone).map_err(bad)?,
            attendee_id: AttendeeId(self.attendee_id),
            attendee_name: PersonName::parse(&self.attendee_name).map_err(bad)?,
            attendee_email: (self.attendee_email.as_deref())
                .map(Email::parse)
                .transpose()
                .map_err(bad)?,
            status: self.status.parse().map_err(bad)?,
            position: self.position,
            booking_id: self.booking_id.map(BookingId),
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        Ok((entry, SecretHash(self.token_hash)))
    }
}

impl Store {
    /// A place in line (whatever became of it) and the hash of its token.
    pub async fn waitlist_entry(
        &self,
        id: WaitlistEntryId,
    ) -> Result<Option<(WaitlistEntry, SecretHash)>, StoreError> {
        dispatch!(self, b => b.waitlist_entry(id).await)
    }

    /// The people waiting for an event, first in line first.
    pub async fn waitlist(
        &self,
        event: EventId,
        page: PageRequest,
    ) -> Result<Page<WaitlistEntry>, StoreError> {
        dispatch!(self, b => b.waitlist(event, page).await)
    }
}
