//! The SQL of Boxoffice, written once and compiled for each backend.
//!
//! Included as a child module by `sqlite.rs` and `postgres.rs`; `super::Db`
//! is the concrete database and `super::FOR_UPDATE` the row-lock clause.

use super::notifications::{RETURNING_SEAT_STATE, SeatState, booking_change, event_change, record};
use super::{Backend, Db, FOR_UPDATE};
use crate::rows::{AttendeeRow, BookingRow, EventRow, UserRow};
use crate::{
    BookingFilter, BookingFor, BookingOutcome, EventFilter, IdempotencyKey, RenderResponse,
    StoreError, StoredResponse,
};
use boxoffice_domain::{
    Attendee, AttendeeId, AttendeePatch, Booking, BookingId, BookingRefusal, Event, EventId,
    EventPatch, Invalid, NewAttendee, NewEvent, Page, PageRequest, SecretHash, UserId, When,
};
use boxoffice_domain::{DomainEventKind, NewUser, User};
use chrono::{DateTime, Utc};
use sqlx::query::QueryAs;
use sqlx::{Acquire, Database, Executor, QueryBuilder, Transaction};

type DbArguments<'q> = <Db as Database>::Arguments<'q>;
use std::collections::HashMap;

type Tx<'t> = Transaction<'t, Db>;

const EVENT_COLUMNS: &str = "SELECT e.id, e.title, e.description, e.location, e.country, e.timezone, \
     e.start_time, e.end_time, e.ends_at, e.capacity, e.seats_booked, e.status, e.longitude, e.latitude, \
     e.attachment_url, e.owner_id, u.username AS created_by, e.created_at, e.updated_at, \
     f.object_key AS file_key, f.file_name, f.content_type AS file_content_type, \
     f.size_bytes AS file_size, f.sha256 AS file_sha256, f.uploaded_at AS file_uploaded_at \
     FROM events e LEFT JOIN users u ON u.id = e.owner_id \
     LEFT JOIN event_attachments f ON f.event_id = e.id";

const USER_COLUMNS: &str = "SELECT id, email, username, full_name, role, is_verified, password_hash, created_at FROM users";

/// Frees one seat of an event.
const FREE_SEAT: &str = "UPDATE events SET seats_booked = seats_booked - 1 WHERE id = $1";

const ATTENDEE_COLUMNS: &str =
    "SELECT a.id, a.name, a.email, a.phone, a.locale, a.created_at, a.updated_at FROM attendees a";

const BOOKING_COLUMNS: &str = "SELECT b.id, b.event_id, e.timezone AS event_timezone, e.title AS event_title, b.attendee_id, a.name AS attendee_name, \
     a.email AS attendee_email, b.status, b.cancel_token_hash, b.created_at, b.cancelled_at \
     FROM bookings b JOIN attendees a ON a.id = b.attendee_id JOIN events e ON e.id = b.event_id";

/// Binds an event's content as `$1` to `$13`, in the column order of the events table.
fn bind_content<'q, O>(
    query: QueryAs<'q, Db, O, DbArguments<'q>>,
    event: &'q NewEvent,
) -> QueryAs<'q, Db, O, DbArguments<'q>> {
    query
        .bind(event.title.as_str())
        .bind(event.description.as_deref())
        .bind(event.location.as_str())
        .bind(event.country.alpha2())
        .bind(event.zone.name())
        .bind(event.schedule.start())
        .bind(event.schedule.end())
        .bind(event.schedule.ends_at())
        .bind(event.capacity.map(|c| c.get()))
        .bind(event.status.as_str())
        .bind(event.coordinates.map(|c| c.lon()))
        .bind(event.coordinates.map(|c| c.lat()))
        .bind(event.attachment_url.as_deref())
}

/// Tags of the given events, keyed by event id, sorted.
async fn tags_of<'c, E: Executor<'c, Database = Db>>(
    exec: E,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(tags);
    }
    let mut qb =
        QueryBuilder::<Db>::new("SELECT event_id, tag FROM event_tags WHERE event_id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(") ORDER BY event_id, tag");
    let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(exec).await?;
    for (id, tag) in rows {
        tags.entry(id).or_default().push(tag);
    }
    Ok(tags)
}

pub(super) async fn event_in(
    tx: &mut Tx<'_>,
    id: EventId,
    lock: bool,
) -> Result<Option<Event>, StoreError> {
    let sql = format!(
        "{EVENT_COLUMNS} WHERE e.id = $1{}",
        if lock { FOR_UPDATE } else { "" }
    );
    // PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    let sql = sql.replace(" FOR UPDATE", " FOR UPDATE OF e");
    let Some(row) = sqlx::query_as::<Db, EventRow>(&sql)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let mut tags = tags_of(&mut **tx, &[id.0]).await?;
    row.into_event(tags.remove(&id.0).unwrap_or_default())
        .map(Some)
}

async fn write_tags(tx: &mut Tx<'_>, id: EventId, event: &NewEvent) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM event_tags WHERE event_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    for tag in event.tags.iter() {
        sqlx::query("INSERT INTO event_tags (event_id, tag) VALUES ($1, $2)")
            .bind(id.0)
            .bind(tag.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn push_event_filter(qb: &mut QueryBuilder<'_, Db>, filter: &EventFilter, now: DateTime<Utc>) {
    qb.push(" WHERE 1 = 1");
    match filter.when {
        When::Upcoming => {
            qb.push(" AND e.ends_at > ").push_bind(now);
        }
        When::Past => {
            qb.push(" AND e.ends_at <= ").push_bind(now);
        }
        When::All => {}
    }
    if let Some(country) = filter.country {
        qb.push(" AND e.country = ").push_bind(country.alpha2());
    }
    if let Some(tag) = &filter.tag {
        qb.push(" AND EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND t.tag = ")
            .push_bind(tag.as_str().to_owned())
            .push(")");
    }
    if let Some(status) = filter.status {
        qb.push(" AND e.status = ").push_bind(status.as_str());
    }
    if let Some(pattern) = filter.like_pattern() {
        qb.push(" AND (lower(e.title) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(coalesce(e.description, '')) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(from) = filter.from {
        qb.push(" AND e.start_time >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        qb.push(" AND e.start_time < ").push_bind(to);
    }
    if let Some(owner) = filter.owner {
        qb.push(" AND e.owner_id = ").push_bind(owner.0);
    }
}

fn page_of<T>(items: Vec<T>, total: i64, request: PageRequest) -> Page<T> {
    Page {
        items,
        total,
        request,
    }
}

impl Backend {
    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(self.reader()).await?;
        Ok(())
    }

    pub(crate) async fn execute_script(&self, sql: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn create_event(
        &self,
        event: &NewEvent,
        owner: Option<UserId>,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Event, StoreError> {
        let mut tx = self.begin_write().await?;
        let insert = sqlx::query_as(
            "INSERT INTO events (title, description, location, country, timezone, start_time, end_time, ends_at, \
             capacity, status, longitude, latitude, attachment_url, owner_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        );
        let (id,): (i64,) = bind_content(insert, event)
            .bind(owner.map(|o| o.0))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        write_tags(&mut tx, EventId(id), event).await?;
        let created = event_in(&mut tx, EventId(id), false)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("event {id} vanished after insert")))?;
        let change =
            event_change(&mut tx, DomainEventKind::EventCreated, &created, actor, now).await?;
        record(&mut tx, &change).await?;
        tx.commit().await?;
        self.outbox_signal().notify_one();
        Ok(created)
    }

    pub(crate) async fn get_event(&self, id: EventId) -> Result<Option<Event>, StoreError> {
        let sql = format!("{EVENT_COLUMNS} WHERE e.id = $1");
        let Some(row) = sqlx::query_as::<Db, EventRow>(&sql)
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?
        else {
            return Ok(None);
        };
        let mut tags = tags_of(self.reader(), &[id.0]).await?;
        row.into_event(tags.remove(&id.0).unwrap_or_default())
            .map(Some)
    }

    pub(crate) async fn list_events(
        &self,
        filter: &EventFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Page<Event>, StoreError> {
        let mut count = QueryBuilder::<Db>::new("SELECT count(*) FROM events e");
        push_event_filter(&mut count, filter, now);
        let (total,): (i64,) = count.build_query_as().fetch_one(self.reader()).await?;

        let mut select = QueryBuilder::<Db>::new(EVENT_COLUMNS);
        push_event_filter(&mut select, filter, now);
        select.push(" ORDER BY ").push(filter.order_by());
        select
            .push(" LIMIT ")
            .push_bind(page.limit())
            .push(" OFFSET ")
            .push_bind(page.offset());
        let rows: Vec<EventRow> = select.build_query_as().fetch_all(self.reader()).await?;

        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags = tags_of(self.reader(), &ids).await?;
        let events = rows
            .into_iter()
            .map(|row| {
                let event_tags = tags.remove(&row.id).unwrap_or_default();
                row.into_event(event_tags)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page_of(events, total, page))
    }

    pub(crate) async fn update_event(
        &self,
        id: EventId,
        patch: EventPatch,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Result<Event, Invalid>>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(current) = event_in(&mut tx, id, true).await? else {
            return Ok(None);
        };
        let updated = match current.apply(patch, now) {
            Ok(updated) => updated,
            Err(invalid) => return Ok(Some(Err(invalid))),
        };
        let update = sqlx::query_as::<Db, (i64,)>(
            "UPDATE events SET title = $1, description = $2, location = $3, country = $4, timezone = $5, \
             start_time = $6, end_time = $7, ends_at = $8, capacity = $9, status = $10, longitude = $11, \
             latitude = $12, attachment_url = $13, updated_at = $14 WHERE id = $15 RETURNING id",
        );
        bind_content(update, &updated)
            .bind(now)
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        write_tags(&mut tx, id, &updated).await?;
        let Some(event) = event_in(&mut tx, id, false).await? else {
            return Ok(None);
        };
        let change =
            event_change(&mut tx, DomainEventKind::EventUpdated, &event, actor, now).await?;
        record(&mut tx, &change).await?;
        tx.commit().await?;
        self.outbox_signal().notify_one();
        Ok(Some(Ok(event)))
    }

    pub(crate) async fn delete_event(
        &self,
        id: EventId,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(event) = event_in(&mut tx, id, true).await? else {
            return Ok(false);
        };
        // Subscribers and attendees are read before the cascade removes their rows.
        let mut change =
            event_change(&mut tx, DomainEventKind::EventDeleted, &event, actor, now).await?;
        change.farewell = Some(boxoffice_domain::Farewell {
            attendees: super::channels::confirmed_attendees(&mut tx, id).await?,
            start: event.content.schedule.start(),
            zone: event.content.zone.name().to_owned(),
        });
        sqlx::query("DELETE FROM events WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        record(&mut tx, &change).await?;
        tx.commit().await?;
        self.outbox_signal().notify_one();
        Ok(true)
    }

    pub(crate) async fn event_attendees(
        &self,
        id: EventId,
        page: PageRequest,
    ) -> Result<Option<Page<Attendee>>, StoreError> {
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM events WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        let active = "JOIN bookings b ON b.attendee_id = a.id WHERE b.event_id = $1 AND b.status = 'confirmed'";
        let (total,): (i64,) =
            sqlx::query_as(&format!("SELECT count(*) FROM attendees a {active}"))
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
        let items = rows
            .into_iter()
            .map(Attendee::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Some(page_of(items, total, page)))
    }

    pub(crate) async fn create_attendee(
        &self,
        attendee: &NewAttendee,
        token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Attendee, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = insert_attendee(&mut tx, attendee, token, now)
            .await?
            .ok_or(StoreError::EmailTaken)?;
        let created = attendee_in(&mut tx, id).await?;
        tx.commit().await?;
        created.ok_or_else(|| StoreError::Corrupt(format!("attendee {id} vanished after insert")))
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
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM attendees WHERE token_hash = $1")
            .bind(&token.0)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|(id,)| AttendeeId(id)))
    }

    pub(crate) async fn list_attendees(
        &self,
        page: PageRequest,
    ) -> Result<Page<Attendee>, StoreError> {
        let (total,): (i64,) = sqlx::query_as("SELECT count(*) FROM attendees")
            .fetch_one(self.reader())
            .await?;
        let rows: Vec<AttendeeRow> = sqlx::query_as(&format!(
            "{ATTENDEE_COLUMNS} ORDER BY a.id LIMIT $1 OFFSET $2"
        ))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.reader())
        .await?;
        let items = rows
            .into_iter()
            .map(Attendee::try_from)
            .collect::<Result<_, _>>()?;
        Ok(page_of(items, total, page))
    }

    pub(crate) async fn update_attendee(
        &self,
        id: AttendeeId,
        patch: AttendeePatch,
        now: DateTime<Utc>,
    ) -> Result<Option<Attendee>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(current) = attendee_in(&mut tx, id).await? else {
            return Ok(None);
        };
        let updated = current.apply(patch);
        let result = sqlx::query("UPDATE attendees SET name = $1, email = $2, phone = $3, locale = $4, updated_at = $5 WHERE id = $6")
            .bind(updated.name.as_str())
            .bind(updated.email.as_ref().map(|e| e.as_str()))
            .bind(updated.phone.as_ref().map(|p| p.as_str()))
            .bind(updated.locale.as_str())
            .bind(now)
            .bind(id.0)
            .execute(&mut *tx)
            .await;
        match result {
            Err(e) if StoreError::is_unique_violation(&e) => return Err(StoreError::EmailTaken),
            other => other?,
        };
        let attendee = attendee_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(attendee)
    }

    pub(crate) async fn delete_attendee(
        &self,
        id: AttendeeId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // Lock order, as in booking and cancelling: events first (in id order), then the
        // attendee, then bookings. Locking the attendee holds off new bookings for them
        // until the erasure commits.
        let events = format!(
            "SELECT id FROM events WHERE id IN (SELECT event_id FROM bookings \
             WHERE attendee_id = $1 AND status = 'confirmed') ORDER BY id{FOR_UPDATE}"
        );
        sqlx::query(&events).bind(id.0).execute(&mut *tx).await?;
        let sql = format!("SELECT id FROM attendees WHERE id = $1{FOR_UPDATE}");
        let exists: Option<(i64,)> = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(false);
        }
        // Cancelling through the bookings' rows (locked by the update) frees each seat exactly
        // once, even if the holder cancels the same booking at this moment.
        let freed: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = $1 \
             WHERE attendee_id = $2 AND status = 'confirmed' RETURNING id, event_id",
        )
        .bind(now)
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await?;
        let (name,): (String,) = sqlx::query_as("SELECT name FROM attendees WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        for (booking_id, event_id) in freed {
            let seat_state: SeatState =
                sqlx::query_as(&format!("{FREE_SEAT}{RETURNING_SEAT_STATE}"))
                    .bind(event_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let kind = DomainEventKind::BookingCancelled;
            let change = booking_change(
                kind,
                BookingId(booking_id),
                EventId(event_id),
                seat_state,
                Some(&name),
                now,
            );
            record(&mut tx, &change).await?;
        }
        sqlx::query("DELETE FROM attendees WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.outbox_signal().notify_one();
        Ok(true)
    }

    pub(crate) async fn book(
        &self,
        event: EventId,
        who: &BookingFor,
        cancel_token: &SecretHash,
        idempotency: Option<(&IdempotencyKey, RenderResponse<'_>)>,
        now: DateTime<Utc>,
    ) -> Result<BookingOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some((key, _)) = idempotency
            && let Some(earlier) = claim_idempotency_key(&mut tx, key, now).await?
        {
            tx.rollback().await?;
            return Ok(earlier);
        }
        let result = if idempotency.is_some() {
            // A savepoint, so that a refusal undoes the booking but keeps the idempotency record.
            let mut attempt = tx.begin().await?;
            let result = book_and_record(&mut attempt, event, who, cancel_token, now).await?;
            if result.is_ok() {
                attempt.commit().await?;
            } else {
                attempt.rollback().await?;
            }
            result
        } else {
            let result = book_and_record(&mut tx, event, who, cancel_token, now).await?;
            if let Err(refusal) = result {
                tx.rollback().await?;
                return Ok(BookingOutcome::Refused(refusal));
            }
            result
        };
        if let Some((key, render)) = idempotency {
            let response = render(&result);
            sqlx::query("UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE scope = $3 AND key_hash = $4")
                .bind(i32::from(response.status))
                .bind(&response.body)
                .bind(&key.scope)
                .bind(&key.key_hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        if result.is_ok() {
            self.outbox_signal().notify_one();
        }
        Ok(match result {
            Ok(booking) => BookingOutcome::Booked(booking),
            Err(refusal) => BookingOutcome::Refused(refusal),
        })
    }

    pub(crate) async fn get_booking(
        &self,
        id: BookingId,
    ) -> Result<Option<(Booking, SecretHash)>, StoreError> {
        let row: Option<BookingRow> = sqlx::query_as(&format!("{BOOKING_COLUMNS} WHERE b.id = $1"))
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        row.map(BookingRow::into_booking).transpose()
    }

    pub(crate) async fn list_bookings(
        &self,
        filter: &BookingFilter,
        page: PageRequest,
    ) -> Result<Page<Booking>, StoreError> {
        let push_filter = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(" WHERE 1 = 1");
            if let Some(attendee) = filter.attendee {
                qb.push(" AND b.attendee_id = ").push_bind(attendee.0);
            }
            if let Some(event) = filter.event {
                qb.push(" AND b.event_id = ").push_bind(event.0);
            }
        };
        let mut count = QueryBuilder::<Db>::new("SELECT count(*) FROM bookings b");
        push_filter(&mut count);
        let (total,): (i64,) = count.build_query_as().fetch_one(self.reader()).await?;
        let mut select = QueryBuilder::<Db>::new(BOOKING_COLUMNS);
        push_filter(&mut select);
        select
            .push(" ORDER BY b.id LIMIT ")
            .push_bind(page.limit())
            .push(" OFFSET ")
            .push_bind(page.offset());
        let rows: Vec<BookingRow> = select.build_query_as().fetch_all(self.reader()).await?;
        let items = rows
            .into_iter()
            .map(|r| r.into_booking().map(|(b, _)| b))
            .collect::<Result<_, _>>()?;
        Ok(page_of(items, total, page))
    }

    pub(crate) async fn cancel_booking(
        &self,
        id: BookingId,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_event_of_booking(&mut tx, id).await?;
        // Only the transition confirmed -> cancelled frees a seat, so repeats change nothing.
        let cancelled: Option<(i64,)> = sqlx::query_as(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = $1 WHERE id = $2 AND status = 'confirmed' RETURNING event_id",
        )
        .bind(now)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let seat_state: Option<SeatState> = match cancelled {
            Some((event_id,)) => Some(
                sqlx::query_as(&format!("{FREE_SEAT}{RETURNING_SEAT_STATE}"))
                    .bind(event_id)
                    .fetch_one(&mut *tx)
                    .await?,
            ),
            None => None,
        };
        let row: Option<BookingRow> = sqlx::query_as(&format!("{BOOKING_COLUMNS} WHERE b.id = $1"))
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        if let (Some((event_id,)), Some(seat_state), Some(row)) = (cancelled, seat_state, &row) {
            let actor = actor.unwrap_or(&row.attendee_name);
            let kind = DomainEventKind::BookingCancelled;
            let change = booking_change(kind, id, EventId(event_id), seat_state, Some(actor), now);
            record(&mut tx, &change).await?;
        }
        tx.commit().await?;
        if cancelled.is_some() {
            self.outbox_signal().notify_one();
        }
        Ok(row
            .map(BookingRow::into_booking)
            .transpose()?
            .map(|(b, _)| b))
    }

    pub(crate) async fn create_user(
        &self,
        user: &NewUser,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO users (email, username, password_hash, full_name, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(user.username.as_str())
        .bind(&user.password_hash)
        .bind(user.full_name.as_deref())
        .bind(user.role.as_str())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id,)) = inserted else {
            let email_taken: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM users WHERE lower(email) = lower($1)")
                    .bind(user.email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(if email_taken.is_some() {
                StoreError::AccountEmailTaken
            } else {
                StoreError::UsernameTaken
            });
        };
        let row: UserRow = sqlx::query_as(&format!("{USER_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.into_user()?.0)
    }

    pub(crate) async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        Ok(row
            .map(UserRow::into_user)
            .transpose()?
            .map(|(user, _)| user))
    }

    pub(crate) async fn user_for_login(
        &self,
        login: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "{USER_COLUMNS} WHERE lower(username) = lower($1) OR lower(email) = lower($1)"
        ))
        .bind(login.trim())
        .fetch_optional(self.reader())
        .await?;
        row.map(UserRow::into_user).transpose()
    }

    pub(crate) async fn purge_idempotency_keys(
        &self,
        before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}

async fn attendee_in(tx: &mut Tx<'_>, id: AttendeeId) -> Result<Option<Attendee>, StoreError> {
    let row: Option<AttendeeRow> = sqlx::query_as(&format!("{ATTENDEE_COLUMNS} WHERE a.id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(Attendee::try_from).transpose()
}

/// Inserts an attendee unless the e-mail address is taken (`None` then).
async fn insert_attendee(
    tx: &mut Tx<'_>,
    attendee: &NewAttendee,
    token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Option<AttendeeId>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO attendees (name, email, phone, locale, token_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(attendee.name.as_str())
    .bind(attendee.email.as_ref().map(|e| e.as_str()))
    .bind(attendee.phone.as_ref().map(|p| p.as_str()))
    .bind(attendee.locale.as_str())
    .bind(&token.0)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id,)| AttendeeId(id)))
}

/// The attendee with this e-mail address, registered now if new: id, name and address.
/// A walk-in (no address) is always registered anew: nothing says two are the same person.
///
/// The insert comes first: for a new person (the common case in a rush) it is the only statement.
async fn attendee_for(
    tx: &mut Tx<'_>,
    person: &NewAttendee,
    now: DateTime<Utc>,
) -> Result<(i64, String, Option<String>), StoreError> {
    // Nobody receives this token: a person registered by booking manages each booking
    // with its cancel token.
    let token = boxoffice_domain::SecretToken::generate().hash();
    if let Some(id) = insert_attendee(tx, person, &token, now).await? {
        return Ok((
            id.0,
            person.name.as_str().to_owned(),
            person.email.as_ref().map(|e| e.as_str().to_owned()),
        ));
    }
    // Known address (perhaps registered concurrently, now committed). The database's own
    // lower() on both sides, so the lookup agrees with the unique index.
    let find = "SELECT id, name, email FROM attendees WHERE lower(email) = lower($1)";
    let email = person.email.as_ref().ok_or_else(|| {
        StoreError::Corrupt("an attendee without e-mail conflicted on insert".into())
    })?;
    Ok(sqlx::query_as(find)
        .bind(email.as_str())
        .fetch_one(&mut **tx)
        .await?)
}

/// Locks the event a booking belongs to (if the booking exists).
///
/// Booking locks the event row (the seat update) before the booking index (the insert), so
/// everything else that touches both takes them in that order too: a cancellation racing a
/// new booking by the same person then queues instead of deadlocking.
async fn lock_event_of_booking(tx: &mut Tx<'_>, id: BookingId) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT id FROM events WHERE id = (SELECT event_id FROM bookings WHERE id = $1){FOR_UPDATE}"
    );
    sqlx::query(&sql).bind(id.0).execute(&mut **tx).await?;
    Ok(())
}

/// Records the key, or returns what the first request with it produced.
async fn claim_idempotency_key(
    tx: &mut Tx<'_>,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> Result<Option<BookingOutcome>, StoreError> {
    // Concurrent requests with one key queue on this insert until the first commits.
    let claimed: Option<(i32,)> = sqlx::query_as(
        "INSERT INTO idempotency_keys (scope, key_hash, request_hash, status_code, response_body, created_at) \
         VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING RETURNING status_code",
    )
    .bind(&key.scope)
    .bind(&key.key_hash)
    .bind(&key.request_hash)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    if claimed.is_some() {
        return Ok(None);
    }
    let (request_hash, status, body): (String, i32, String) =
        sqlx::query_as("SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key_hash = $2")
            .bind(&key.scope)
            .bind(&key.key_hash)
            .fetch_one(&mut **tx)
            .await?;
    if request_hash != key.request_hash {
        return Ok(Some(BookingOutcome::KeyReused));
    }
    let status = u16::try_from(status)
        .map_err(|_| StoreError::Corrupt(format!("idempotency status {status}")))?;
    Ok(Some(BookingOutcome::Replayed(StoredResponse {
        status,
        body,
    })))
}

/// Books a seat and records `booking.created` in the outbox, in the caller's transaction.
async fn book_and_record(
    tx: &mut Tx<'_>,
    event: EventId,
    who: &BookingFor,
    cancel_token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Result<Booking, BookingRefusal>, StoreError> {
    let (booking, seat_state) = match book_seat(tx, event, who, cancel_token, now).await? {
        Ok(booked) => booked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let actor = Some(booking.attendee_name.as_str());
    let change = booking_change(
        DomainEventKind::BookingCreated,
        booking.id,
        event,
        seat_state,
        actor,
        now,
    );
    record(tx, &change).await?;
    Ok(Ok(booking))
}

/// What the seat increment returns: title, owner, capacity, seats booked, zone.
type BookedSeat = (String, Option<i64>, Option<i32>, i32, String);

/// The booking itself. Every decision is made by the database: the conditional
/// increment refuses a full or unbookable event, and the partial unique index
/// refuses a second active booking. The common case takes four statements.
async fn book_seat(
    tx: &mut Tx<'_>,
    event: EventId,
    who: &BookingFor,
    cancel_token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Result<(Booking, SeatState), BookingRefusal>, StoreError> {
    let attendee = match who {
        BookingFor::Person(person) => attendee_for(tx, person, now).await?,
        BookingFor::Attendee(id) => {
            let known: Option<(i64, String, Option<String>)> =
                sqlx::query_as("SELECT id, name, email FROM attendees WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut **tx)
                    .await?;
            match known {
                Some(attendee) => attendee,
                None => return Ok(Err(BookingRefusal::AttendeeNotFound)),
            }
        }
    };
    // A NULL capacity is no limit.
    let seat: Option<BookedSeat> = sqlx::query_as(
        "UPDATE events SET seats_booked = seats_booked + 1 \
         WHERE id = $1 AND (capacity IS NULL OR seats_booked < capacity) AND status = 'scheduled' AND ends_at > $2 \
         RETURNING title, owner_id, capacity, seats_booked, timezone",
    )
    .bind(event.0)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((title, owner, capacity, seats_booked, timezone)) = seat else {
        // Only a caller who proved who the attendee is may learn that they hold a seat.
        let proven = matches!(who, BookingFor::Attendee(_));
        let refusal = refusal_for(tx, event, AttendeeId(attendee.0), proven, now).await?;
        return Ok(Err(refusal));
    };
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at) \
         VALUES ($1, $2, 'confirmed', $3, $4) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(event.0)
    .bind(attendee.0)
    .bind(&cancel_token.0)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    // The partial unique index refused a second active booking; the caller rolls the seat back.
    let Some((id,)) = inserted else {
        return Ok(Err(BookingRefusal::AlreadyBooked));
    };
    let corrupt = |reason: String| StoreError::Corrupt(format!("booking {id}: {reason}"));
    let booking = Booking {
        id: BookingId(id),
        event_id: event,
        event_zone: boxoffice_domain::Zone::parse(&timezone).map_err(corrupt)?,
        event_title: title.clone(),
        attendee_id: AttendeeId(attendee.0),
        attendee_name: boxoffice_domain::PersonName::parse(&attendee.1).map_err(corrupt)?,
        attendee_email: (attendee.2.as_deref())
            .map(boxoffice_domain::Email::parse)
            .transpose()
            .map_err(corrupt)?,
        status: boxoffice_domain::BookingStatus::Confirmed,
        created_at: now,
        cancelled_at: None,
    };
    Ok(Ok((booking, (title, owner, capacity, seats_booked))))
}

/// Why the conditional increment matched no row.
///
/// For a caller who proved who the attendee is (attendee token, admin), holding a seat
/// already is said first, even if the event is also full. Someone who merely typed an
/// e-mail address hears why the event takes no booking instead: a full or closed event
/// must not tell strangers whether that address holds a seat.
async fn refusal_for(
    tx: &mut Tx<'_>,
    event: EventId,
    attendee: AttendeeId,
    proven: bool,
    now: DateTime<Utc>,
) -> Result<BookingRefusal, StoreError> {
    let Some(current) = event_in(tx, event, false).await? else {
        return Ok(BookingRefusal::EventNotFound);
    };
    let closed = current
        .unbookable_reason(now)
        .map(BookingRefusal::NotBookable)
        .unwrap_or(BookingRefusal::EventFull);
    if !proven {
        return Ok(closed);
    }
    let already =
        "SELECT id FROM bookings WHERE event_id = $1 AND attendee_id = $2 AND status = 'confirmed'";
    let active: Option<(i64,)> = sqlx::query_as(already)
        .bind(event.0)
        .bind(attendee.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(if active.is_some() {
        BookingRefusal::AlreadyBooked
    } else {
        closed
    })
}
