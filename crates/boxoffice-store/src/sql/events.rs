//! Events: their content, tags and listing.

use super::{Db, FOR_UPDATE, Pools, Tx, distance, page_of};
use crate::rows::{EventRow, ListedEventRow, TagRow};
use crate::{EventFilter, ListedEvent, StoreError};
use boxoffice_domain::{Event, EventId, NewEvent, Page, PageRequest, UserId, When};
use chrono::{DateTime, Utc};
use sqlx::query::QueryScalar;
use sqlx::{Database, Executor, QueryBuilder};
use std::collections::HashMap;

type DbArguments<'q> = <Db as Database>::Arguments<'q>;

/// The selected columns of an event row, before `FROM`.
macro_rules! event_fields {
    () => {
        "SELECT e.id, e.title, e.description, e.location, e.country, e.timezone, \
         e.start_time, e.end_time, e.ends_at, e.capacity, e.seats_booked, e.status, e.longitude, e.latitude, \
         e.attachment_url, e.owner_id, u.username AS created_by, e.created_at, e.updated_at, \
         f.object_key AS file_key, f.file_name, f.content_type AS file_content_type, \
         f.size_bytes AS file_size, f.sha256 AS file_sha256, f.uploaded_at AS file_uploaded_at"
    };
}

/// The tables an event row is read from.
macro_rules! event_sources {
    () => {
        " FROM events e LEFT JOIN users u ON u.id = e.owner_id \
         LEFT JOIN event_attachments f ON f.event_id = e.id"
    };
}

pub(super) const EVENT_COLUMNS: &str = concat!(event_fields!(), event_sources!());

/// Binds an event's content as `$1` to `$13`, in the column order of the events table.
fn bind_content<'q>(
    query: QueryScalar<'q, Db, i64, DbArguments<'q>>,
    event: &'q NewEvent,
) -> QueryScalar<'q, Db, i64, DbArguments<'q>> {
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
    let rows: Vec<TagRow> = qb.build_query_as().fetch_all(exec).await?;
    for row in rows {
        tags.entry(row.event_id).or_default().push(row.tag);
    }
    Ok(tags)
}

pub(crate) async fn event_in(
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
    if let Some(near) = &filter.near {
        distance::push_within(qb, near);
    }
}

/// Inserts an event with its tags and reads it back.
pub(crate) async fn insert_event(
    tx: &mut Tx<'_>,
    event: &NewEvent,
    owner: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Event, StoreError> {
    let insert = sqlx::query_scalar(
        "INSERT INTO events (title, description, location, country, timezone, start_time, end_time, ends_at, \
         capacity, status, longitude, latitude, attachment_url, owner_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    );
    let id = bind_content(insert, event)
        .bind(owner.map(|o| o.0))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
    write_tags(tx, EventId(id), event).await?;
    event_in(tx, EventId(id), false)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("event {id} vanished after insert")))
}

/// Replaces an event's content and tags and reads it back; `None` if it is gone.
pub(crate) async fn update_event(
    tx: &mut Tx<'_>,
    id: EventId,
    content: &NewEvent,
    now: DateTime<Utc>,
) -> Result<Option<Event>, StoreError> {
    let update = sqlx::query_scalar(
        "UPDATE events SET title = $1, description = $2, location = $3, country = $4, timezone = $5, \
         start_time = $6, end_time = $7, ends_at = $8, capacity = $9, status = $10, longitude = $11, \
         latitude = $12, attachment_url = $13, updated_at = $14 WHERE id = $15 RETURNING id",
    );
    let updated: Option<i64> = bind_content(update, content)
        .bind(now)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    if updated.is_none() {
        return Ok(None);
    }
    write_tags(tx, id, content).await?;
    event_in(tx, id, false).await
}

/// Deletes an event and, by cascade, its tags, bookings, subscriptions and attachment row.
pub(crate) async fn delete_event(tx: &mut Tx<'_>, id: EventId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM events WHERE id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Pools {
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
    ) -> Result<Page<ListedEvent>, StoreError> {
        // One connection for the three statements: a pool acquire each would cost more
        // than the statements themselves.
        let mut conn = self.reader().acquire().await?;
        let mut count = QueryBuilder::<Db>::new("SELECT count(*) FROM events e");
        push_event_filter(&mut count, filter, now);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

        let mut select = QueryBuilder::<Db>::new(event_fields!());
        match &filter.near {
            Some(near) => {
                select.push(", ");
                distance::push_distance_km(&mut select, near);
            }
            None => {
                select.push(", CAST(NULL AS DOUBLE PRECISION)");
            }
        }
        select.push(" AS distance_km").push(event_sources!());
        push_event_filter(&mut select, filter, now);
        select.push(" ORDER BY ").push(filter.order_by());
        select
            .push(" LIMIT ")
            .push_bind(page.limit())
            .push(" OFFSET ")
            .push_bind(page.offset());
        let rows: Vec<ListedEventRow> = select.build_query_as().fetch_all(&mut *conn).await?;

        let ids: Vec<i64> = rows.iter().map(|r| r.event.id).collect();
        let mut tags = tags_of(&mut *conn, &ids).await?;
        let events = rows
            .into_iter()
            .map(|row| {
                let event_tags = tags.remove(&row.event.id).unwrap_or_default();
                Ok(ListedEvent {
                    event: row.event.into_event(event_tags)?,
                    distance_km: row.distance_km,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(page_of(events, total, page))
    }
}
