//! Creating, changing and deleting events, and their attached files.

use crate::changes::{booking_change, event_change};
use boxoffice_domain::{
    Attachment, DomainEventKind, Event, EventId, EventPatch, Farewell, Invalid, NewEvent, UserId,
};
use boxoffice_store::{Store, StoreError, WriteTx};
use chrono::{DateTime, Utc};

/// An event after its attached file was set or removed, and the file it replaced.
#[derive(Debug, Clone)]
pub struct AttachmentChange {
    pub event: Event,
    /// The previous file, whose object the caller now removes.
    pub replaced: Option<Attachment>,
}

/// Records `kind` for `event` in the outbox and commits.
async fn commit_with(
    mut tx: WriteTx,
    kind: DomainEventKind,
    event: &Event,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let change = event_change(&mut tx, kind, event, actor, now).await?;
    tx.record(&change).await?;
    tx.commit().await
}

/// Creates an event and tells everyone; `actor` is the creator's username.
pub async fn create(
    store: &Store,
    event: &NewEvent,
    owner: Option<UserId>,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Event, StoreError> {
    store
        .retrying("create_event", || async move {
            let mut tx = store.begin().await?;
            let created = tx.insert_event(event, owner, now).await?;
            commit_with(tx, DomainEventKind::EventCreated, &created, actor, now).await?;
            Ok(created)
        })
        .await
}

/// Applies `patch` to the event, locked meanwhile; `None` if the event does not exist.
pub async fn update(
    store: &Store,
    id: EventId,
    patch: &EventPatch,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Result<Event, Invalid>>, StoreError> {
    store
        .retrying("update_event", || async move {
            let mut tx = store.begin().await?;
            let Some(current) = tx.event(id, true).await? else {
                return Ok(None);
            };
            let content = match current.apply(patch.clone(), now) {
                Ok(content) => content,
                Err(invalid) => return Ok(Some(Err(invalid))),
            };
            let Some(mut updated) = tx.update_event(id, &content, now).await? else {
                return Ok(None);
            };
            // Seats a larger capacity adds go first to the people waiting.
            let promoted = tx.promote_to_free_seats(id, now).await?;
            for released in &promoted {
                if let Some(seat) = &released.promoted {
                    let who = seat.booking.attendee_name.as_str();
                    let kind = DomainEventKind::BookingPromoted;
                    let seats = seat.seats.clone();
                    tx.record(&booking_change(kind, seat.booking.id, seats, who, now))
                        .await?;
                }
            }
            if let Some(last) = promoted.last() {
                updated.seats_booked = last.seats.seats.seats_booked;
            }
            commit_with(tx, DomainEventKind::EventUpdated, &updated, actor, now).await?;
            Ok(Some(Ok(updated)))
        })
        .await
}

/// Deletes an event and, by cascade, its bookings; `false` if it did not exist.
pub async fn delete(
    store: &Store,
    id: EventId,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    store
        .retrying("delete_event", || async move {
            let mut tx = store.begin().await?;
            let Some(event) = tx.event(id, true).await? else {
                return Ok(false);
            };
            // Subscribers and attendees are read before the cascade removes their rows.
            let mut change =
                event_change(&mut tx, DomainEventKind::EventDeleted, &event, actor, now).await?;
            change.farewell = Some(Farewell {
                attendees: tx.confirmed_attendees(id).await?,
                start: event.content.schedule.start(),
                zone: event.content.zone.name().to_owned(),
            });
            tx.delete_event(id).await?;
            tx.record(&change).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
}

/// Records `file` (already in the object store) as the event's attachment and tells who
/// follows the event; `None` if the event does not exist.
pub async fn set_attachment(
    store: &Store,
    id: EventId,
    file: &Attachment,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<AttachmentChange>, StoreError> {
    let mut tx = store.begin().await?;
    let Some(event) = tx.event(id, true).await? else {
        return Ok(None);
    };
    tx.put_attachment(id, file, now).await?;
    finish_attachment(tx, id, event.attachment, actor, now).await
}

/// Forgets the event's attachment (telling who follows the event, if there was one);
/// `None` if the event does not exist.
pub async fn remove_attachment(
    store: &Store,
    id: EventId,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<AttachmentChange>, StoreError> {
    let mut tx = store.begin().await?;
    let Some(event) = tx.event(id, true).await? else {
        return Ok(None);
    };
    if event.attachment.is_none() {
        // Nothing to remove: nothing changes and nobody is told.
        tx.rollback().await?;
        let replaced = None;
        return Ok(Some(AttachmentChange { event, replaced }));
    }
    tx.delete_attachment(id, now).await?;
    finish_attachment(tx, id, event.attachment, actor, now).await
}

/// Re-reads the event after its attachment changed, records `event.updated`, commits.
async fn finish_attachment(
    mut tx: WriteTx,
    id: EventId,
    replaced: Option<Attachment>,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<AttachmentChange>, StoreError> {
    let Some(event) = tx.event(id, false).await? else {
        return Ok(None);
    };
    commit_with(tx, DomainEventKind::EventUpdated, &event, actor, now).await?;
    Ok(Some(AttachmentChange { event, replaced }))
}
