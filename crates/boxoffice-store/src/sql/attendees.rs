//! Attendees: people who book, with or without e-mail.

use super::waitlist::release_seat;
use super::{FOR_UPDATE, Pools, Tx, page_of};
use crate::rows::{AttendeeRow, FreedSeat, KnownAttendee};
use crate::{SeatReleased, StoreError};
use boxoffice_domain::{
    Attendee, AttendeeId, BookingId, EventId, NewAttendee, Page, PageRequest, SecretHash,
};
use chrono::{DateTime, Utc};

const ATTENDEE_COLUMNS: &str =
    "SELECT a.id, a.name, a.email, a.phone, a.locale, a.created_at, a.updated_at FROM attendees a";

fn attendee_page(
    rows: Vec<AttendeeRow>,
    total: i64,
    page: PageRequest,
) -> Result<Page<Attendee>, StoreError> {
    let items = rows
        .into_iter()
        .map(Attendee::try_from)
        .collect::<Result<_, _>>()?;
    Ok(page_of(items, total, page))
}

impl Pools {
    pub(crate) async fn event_attendees(
        &self,
        id: EventId,
        page: PageRequest,
    ) -> Result<Option<Page<Attendee>>, StoreError> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        let active = "JOIN bookings b ON b.attendee_id = a.id WHERE b.event_id = $1 AND b.status = 'confirmed'";
        let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM attendees a {active}"))
            .bind(id.0)
            .fetch_one(self.reader())
            .await?;
        let rows: Vec<AttendeeRow> = sqlx::query_as(&format!(
            "{ATTENDEE_COLUMNS} {active} ORDER BY b.created_at, b.id LIMIT $2 OFFSET $3"
        ))
        .bind(id.0)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.reader())
        .await?;
        Ok(Some(attendee_page(rows, total, page)?))
    }

    pub(crate) async fn get_attendee(
        &self,
        id: AttendeeId,
    ) -> Result<Option<Attendee>, StoreError> {
        let row: Option<AttendeeRow> =
            sqlx::query_as(&format!("{ATTENDEE_COLUMNS} WHERE a.id = $1"))
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?;
        row.map(Attendee::try_from).transpose()
    }

    pub(crate) async fn attendee_by_token(
        &self,
        token: &SecretHash,
    ) -> Result<Option<AttendeeId>, StoreError> {
        let row: Option<i64> = sqlx::query_scalar("SELECT id FROM attendees WHERE token_hash = $1")
            .bind(&token.0)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(AttendeeId))
    }

    pub(crate) async fn list_attendees(
        &self,
        page: PageRequest,
    ) -> Result<Page<Attendee>, StoreError> {
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM attendees")
            .fetch_one(self.reader())
            .await?;
        let rows: Vec<AttendeeRow> = sqlx::query_as(&format!(
            "{ATTENDEE_COLUMNS} ORDER BY a.id LIMIT $1 OFFSET $2"
        ))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.reader())
        .await?;
        attendee_page(rows, total, page)
    }
}

/// Writes an attendee's new details; [`StoreError::EmailTaken`] if the address is another's.
pub(crate) async fn update_attendee(
    tx: &mut Tx<'_>,
    id: AttendeeId,
    updated: &NewAttendee,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let result = sqlx::query(
        "UPDATE attendees SET name = $1, email = $2, phone = $3, locale = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(updated.name.as_str())
    .bind(updated.email.as_ref().map(|e| e.as_str()))
    .bind(updated.phone.as_ref().map(|p| p.as_str()))
    .bind(updated.locale.as_str())
    .bind(now)
    .bind(id.0)
    .execute(&mut **tx)
    .await;
    match result {
        Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::EmailTaken),
        other => other.map(drop).map_err(StoreError::from),
    }
}

/// Locks what erasing an attendee touches; `false` if there is no such attendee.
///
/// Lock order, as in booking and cancelling: events first (in id order), then the
/// attendee, then bookings. Locking the attendee holds off new bookings for them
/// until the erasure commits.
pub(crate) async fn lock_for_erasure(tx: &mut Tx<'_>, id: AttendeeId) -> Result<bool, StoreError> {
    let events = format!(
        "SELECT id FROM events WHERE id IN (SELECT event_id FROM bookings \
         WHERE attendee_id = $1 AND status = 'confirmed' UNION SELECT event_id FROM waitlist \
         WHERE attendee_id = $1 AND status = 'waiting') ORDER BY id{FOR_UPDATE}"
    );
    sqlx::query(&events).bind(id.0).execute(&mut **tx).await?;
    let sql = format!("SELECT id FROM attendees WHERE id = $1{FOR_UPDATE}");
    let exists: Option<i64> = sqlx::query_scalar(&sql)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(exists.is_some())
}

/// Cancels every confirmed booking of an attendee and frees their seats.
pub(crate) async fn cancel_bookings_of(
    tx: &mut Tx<'_>,
    id: AttendeeId,
    now: DateTime<Utc>,
) -> Result<Vec<(BookingId, SeatReleased)>, StoreError> {
    // Cancelling through the bookings' rows (locked by the update) frees each seat exactly
    // once, even if the holder cancels the same booking at this moment.
    let freed: Vec<FreedSeat> = sqlx::query_as(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = $1 \
         WHERE attendee_id = $2 AND status = 'confirmed' RETURNING id AS booking_id, event_id",
    )
    .bind(now)
    .bind(id.0)
    .fetch_all(&mut **tx)
    .await?;
    let mut cancelled = Vec::with_capacity(freed.len());
    for FreedSeat {
        booking_id,
        event_id,
    } in freed
    {
        let released = release_seat(tx, EventId(event_id), now).await?;
        cancelled.push((BookingId(booking_id), released));
    }
    Ok(cancelled)
}

/// Deletes an attendee (their bookings go by cascade).
pub(crate) async fn delete_attendee(tx: &mut Tx<'_>, id: AttendeeId) -> Result<(), StoreError> {
    // Their places in line go by cascade: the lines they wait in get shorter first.
    sqlx::query(
        "UPDATE events SET waitlist_size = waitlist_size - 1 WHERE id IN \
         (SELECT event_id FROM waitlist WHERE attendee_id = $1 AND status = 'waiting')",
    )
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM attendees WHERE id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn attendee_in(
    tx: &mut Tx<'_>,
    id: AttendeeId,
) -> Result<Option<Attendee>, StoreError> {
    let row: Option<AttendeeRow> = sqlx::query_as(&format!("{ATTENDEE_COLUMNS} WHERE a.id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(Attendee::try_from).transpose()
}

/// Registers an attendee; nothing where the e-mail address is taken.
pub(crate) const INSERT_ATTENDEE: &str = "INSERT INTO attendees (name, email, phone, locale, token_hash, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id";
/// The attendee with an e-mail address, by the database's own lower() on both sides, so
/// that the lookup agrees with the unique index.
pub(crate) const ATTENDEE_BY_EMAIL: &str =
    "SELECT id, name, email FROM attendees WHERE lower(email) = lower($1)";

/// Inserts an attendee unless the e-mail address is taken (`None` then).
pub(crate) async fn insert_attendee(
    tx: &mut Tx<'_>,
    attendee: &NewAttendee,
    token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Option<AttendeeId>, StoreError> {
    let row: Option<i64> = sqlx::query_scalar(INSERT_ATTENDEE)
        .bind(attendee.name.as_str())
        .bind(attendee.email.as_ref().map(|e| e.as_str()))
        .bind(attendee.phone.as_ref().map(|p| p.as_str()))
        .bind(attendee.locale.as_str())
        .bind(&token.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(AttendeeId))
}

/// The attendee with this e-mail address, registered now if new: id, name and address.
/// A walk-in (no address) is always registered anew: nothing says two are the same person.
///
/// The insert comes first: for a new person (the common case in a rush) it is the only statement.
pub(super) async fn attendee_for(
    tx: &mut Tx<'_>,
    person: &NewAttendee,
    now: DateTime<Utc>,
) -> Result<KnownAttendee, StoreError> {
    // Nobody receives this token: a person registered by booking manages each booking
    // with its cancel token.
    let token = boxoffice_domain::SecretToken::generate().hash();
    if let Some(id) = insert_attendee(tx, person, &token, now).await? {
        return Ok(KnownAttendee {
            id: id.0,
            name: person.name.as_str().to_owned(),
            email: person.email.as_ref().map(|e| e.as_str().to_owned()),
        });
    }
    // Known address (perhaps registered concurrently, now committed).
    let email = person.email.as_ref().ok_or_else(|| {
        StoreError::Corrupt("an attendee without e-mail conflicted on insert".into())
    })?;
    Ok(sqlx::query_as(ATTENDEE_BY_EMAIL)
        .bind(email.as_str())
        .fetch_one(&mut **tx)
        .await?)
}
