//! Door staff and check-ins: who may admit people to an event, and who was admitted.
//!
//! A check-in takes the event row lock first, like booking and cancelling (see
//! `bookings.rs`): a cancellation and a check-in of the same booking then run one after
//! the other, and the later one sees what the earlier did. The primary key of
//! `check_ins` admits a booking once, however many door devices scan it together.

use super::bookings::lock_event_of_booking;
use super::{Db, Pools, Tx, page_of};
use crate::StoreError;
use crate::tickets::{CheckIn, CheckInOutcome, StaffMember};
use boxoffice_domain::{AttendeeId, BookingId, EventId, Page, PageRequest, UserId};
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use std::collections::HashMap;

const CHECK_IN_COLUMNS: &str = "SELECT c.booking_id, c.event_id, a.name AS attendee_name, \
     c.checked_in_at, u.username AS checked_in_by \
     FROM check_ins c JOIN bookings b ON b.id = c.booking_id JOIN attendees a ON a.id = b.attendee_id \
     LEFT JOIN users u ON u.id = c.checked_in_by";

#[derive(Debug, sqlx::FromRow)]
struct CheckInRow {
    booking_id: i64,
    event_id: i64,
    attendee_name: String,
    checked_in_at: DateTime<Utc>,
    checked_in_by: Option<String>,
}

impl From<CheckInRow> for CheckIn {
    fn from(row: CheckInRow) -> Self {
        CheckIn {
            booking_id: BookingId(row.booking_id),
            event_id: EventId(row.event_id),
            attendee_name: row.attendee_name,
            checked_in_at: row.checked_in_at,
            checked_in_by: row.checked_in_by,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct StaffRow {
    user_id: i64,
    username: String,
    added_at: DateTime<Utc>,
}

impl From<StaffRow> for StaffMember {
    fn from(row: StaffRow) -> Self {
        StaffMember {
            user_id: UserId(row.user_id),
            username: row.username,
            added_at: row.added_at,
        }
    }
}

/// Admits the booking to `event` once; says why not otherwise.
pub(crate) async fn check_in(
    tx: &mut Tx<'_>,
    event: EventId,
    booking: BookingId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome, StoreError> {
    lock_event_of_booking(tx, booking).await?;
    let found: Option<(i64, String)> =
        sqlx::query_as("SELECT event_id, status FROM bookings WHERE id = $1")
            .bind(booking.0)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((booked_event, status)) = found else {
        return Ok(CheckInOutcome::UnknownBooking);
    };
    if booked_event != event.0 {
        return Ok(CheckInOutcome::OtherEvent(EventId(booked_event)));
    }
    if status != "confirmed" {
        return Ok(CheckInOutcome::Cancelled);
    }
    let admitted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO check_ins (booking_id, event_id, checked_in_by, checked_in_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (booking_id) DO NOTHING RETURNING booking_id",
    )
    .bind(booking.0)
    .bind(event.0)
    .bind(by.0)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let row: CheckInRow = sqlx::query_as(&format!("{CHECK_IN_COLUMNS} WHERE c.booking_id = $1"))
        .bind(booking.0)
        .fetch_one(&mut **tx)
        .await?;
    Ok(if admitted.is_some() {
        CheckInOutcome::Admitted(row.into())
    } else {
        CheckInOutcome::AlreadyIn(row.into())
    })
}

impl Pools {
    /// A booking's check-in, if it was admitted.
    pub(crate) async fn check_in_of(
        &self,
        booking: BookingId,
    ) -> Result<Option<CheckIn>, StoreError> {
        let row: Option<CheckInRow> =
            sqlx::query_as(&format!("{CHECK_IN_COLUMNS} WHERE c.booking_id = $1"))
                .bind(booking.0)
                .fetch_optional(self.reader())
                .await?;
        Ok(row.map(CheckIn::from))
    }

    /// One page of an event's check-ins, in the order they happened.
    pub(crate) async fn list_check_ins(
        &self,
        event: EventId,
        page: PageRequest,
    ) -> Result<Page<CheckIn>, StoreError> {
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM check_ins WHERE event_id = $1")
            .bind(event.0)
            .fetch_one(self.reader())
            .await?;
        let rows: Vec<CheckInRow> = sqlx::query_as(&format!(
            "{CHECK_IN_COLUMNS} WHERE c.event_id = $1 \
             ORDER BY c.checked_in_at, c.booking_id LIMIT $2 OFFSET $3"
        ))
        .bind(event.0)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.reader())
        .await?;
        let items = rows.into_iter().map(CheckIn::from).collect();
        Ok(page_of(items, total, page))
    }

    /// When each of `attendees` was admitted to `event`, for those who were.
    pub(crate) async fn admitted_attendees(
        &self,
        event: EventId,
        attendees: &[AttendeeId],
    ) -> Result<HashMap<AttendeeId, DateTime<Utc>>, StoreError> {
        if attendees.is_empty() {
            return Ok(HashMap::new());
        }
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT b.attendee_id, c.checked_in_at FROM check_ins c \
             JOIN bookings b ON b.id = c.booking_id WHERE c.event_id = ",
        );
        qb.push_bind(event.0).push(" AND b.attendee_id IN (");
        let mut list = qb.separated(", ");
        for id in attendees {
            list.push_bind(id.0);
        }
        qb.push(")");
        let rows: Vec<(i64, DateTime<Utc>)> = qb.build_query_as().fetch_all(self.reader()).await?;
        Ok(rows
            .into_iter()
            .map(|(id, at)| (AttendeeId(id), at))
            .collect())
    }

    /// How many confirmed bookings an event has: the people expected at its door.
    pub(crate) async fn confirmed_bookings(&self, event: EventId) -> Result<i64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM bookings WHERE event_id = $1 AND status = 'confirmed'",
        )
        .bind(event.0)
        .fetch_one(self.reader())
        .await?;
        Ok(count)
    }

    /// The account named `username` (case-insensitive): its id and its name as spelt.
    pub(crate) async fn user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(UserId, String)>, StoreError> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, username FROM users WHERE lower(username) = lower($1)")
                .bind(username)
                .fetch_optional(self.reader())
                .await?;
        Ok(row.map(|(id, name)| (UserId(id), name)))
    }

    /// Names `user` door staff of `event` (again: changes nothing); `None` if the event is gone.
    pub(crate) async fn add_staff(
        &self,
        event: EventId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffMember>, StoreError> {
        let mut tx = self.begin_write().await?;
        // Only where the event still exists: its foreign key would fail otherwise.
        sqlx::query(
            "INSERT INTO event_staff (event_id, user_id, added_at) \
             SELECT id, $2, $3 FROM events WHERE id = $1 ON CONFLICT DO NOTHING",
        )
        .bind(event.0)
        .bind(user.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let member = staff_member(&mut tx, event, user).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Ends `user`'s door duty at `event`; `false` if they had none.
    pub(crate) async fn remove_staff(
        &self,
        event: EventId,
        user: UserId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM event_staff WHERE event_id = $1 AND user_id = $2")
            .bind(event.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// Whether `user` is door staff of `event`.
    pub(crate) async fn is_staff(&self, event: EventId, user: UserId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM event_staff WHERE event_id = $1 AND user_id = $2",
        )
        .bind(event.0)
        .bind(user.0)
        .fetch_optional(self.reader())
        .await?;
        Ok(found.is_some())
    }

    /// An event's door staff, by username.
    pub(crate) async fn list_staff(&self, event: EventId) -> Result<Vec<StaffMember>, StoreError> {
        let rows: Vec<StaffRow> = sqlx::query_as(
            "SELECT s.user_id, u.username, s.added_at FROM event_staff s \
             JOIN users u ON u.id = s.user_id WHERE s.event_id = $1 ORDER BY lower(u.username)",
        )
        .bind(event.0)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(StaffMember::from).collect())
    }
}

async fn staff_member(
    tx: &mut Tx<'_>,
    event: EventId,
    user: UserId,
) -> Result<Option<StaffMember>, StoreError> {
    let row: Option<StaffRow> = sqlx::query_as(
        "SELECT s.user_id, u.username, s.added_at FROM event_staff s \
         JOIN users u ON u.id = s.user_id WHERE s.event_id = $1 AND s.user_id = $2",
    )
    .bind(event.0)
    .bind(user.0)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(StaffMember::from))
}
