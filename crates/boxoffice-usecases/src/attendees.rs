//! Registering attendees, changing their details, and erasing them.

use crate::bookings::released_changes;
use boxoffice_domain::SecretHash;
use boxoffice_domain::{Attendee, AttendeeId, AttendeePatch, NewAttendee};
use boxoffice_store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// Registers an attendee whose management token hashes to `token`;
/// [`StoreError::EmailTaken`] if the address is known.
pub async fn register(
    store: &Store,
    attendee: &NewAttendee,
    token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Attendee, StoreError> {
    store
        .retrying("create_attendee", || async move {
            let mut tx = store.begin().await?;
            let id =
                (tx.insert_attendee(attendee, token, now).await?).ok_or(StoreError::EmailTaken)?;
            let created = tx.attendee(id).await?.ok_or_else(|| {
                StoreError::Corrupt(format!("attendee {id} vanished after insert"))
            })?;
            tx.commit().await?;
            Ok(created)
        })
        .await
}

/// Applies `patch`; `None` if there is no such attendee.
pub async fn update(
    store: &Store,
    id: AttendeeId,
    patch: &AttendeePatch,
    now: DateTime<Utc>,
) -> Result<Option<Attendee>, StoreError> {
    store
        .retrying("update_attendee", || async move {
            let mut tx = store.begin().await?;
            let Some(current) = tx.attendee(id).await? else {
                return Ok(None);
            };
            tx.update_attendee(id, &current.apply(patch.clone()), now)
                .await?;
            let updated = tx.attendee(id).await?;
            tx.commit().await?;
            Ok(updated)
        })
        .await
}

/// Erases an attendee and their bookings, freeing the seats they held (each owner hears of
/// the cancellation); `false` if there was no such attendee.
pub async fn erase(store: &Store, id: AttendeeId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    store
        .retrying("delete_attendee", || async move {
            let mut tx = store.begin().await?;
            if !tx.lock_for_erasure(id).await? {
                return Ok(false);
            }
            let Some(attendee) = tx.attendee(id).await? else {
                return Ok(false);
            };
            let actor = attendee.name.as_str();
            for (booking, released) in tx.cancel_bookings_of(id, now).await? {
                for change in released_changes(booking, actor, &released, now) {
                    tx.record(&change).await?;
                }
            }
            tx.delete_attendee(id).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
}
