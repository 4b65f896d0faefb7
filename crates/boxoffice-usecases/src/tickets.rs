//! Admitting a ticket at the door.

use boxoffice_domain::{BookingId, EventId, UserId};
use boxoffice_store::{CheckInOutcome, Store, StoreError};
use chrono::{DateTime, Utc};

/// Admits a booking to `event` once, in one transaction: the event row lock orders it
/// with cancellations of the same booking, the primary key of `check_ins` with other
/// scans of the same ticket. Nothing is written unless the booking is admitted now.
pub async fn check_in(
    store: &Store,
    event: EventId,
    booking: BookingId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome, StoreError> {
    store
        .retrying("check_in", || async move {
            let mut tx = store.begin().await?;
            let outcome = tx.check_in(event, booking, by, now).await?;
            if matches!(outcome, CheckInOutcome::Admitted(_)) {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok(outcome)
        })
        .await
}
