//! Seat holds: placing one, ending one early, and expiring them on the server.

use crate::changes::booking_change;
use boxoffice_domain::{
    Audience, BookingRefusal, DomainEvent, DomainEventKind, EventId, HoldDuration, HoldId,
    SeatHold, SecretToken,
};
use boxoffice_store::{HoldEnded, SeatsAfter, Store, StoreError, WriteTx};
use chrono::{DateTime, Utc};

/// A hold just placed, with the token its holder is shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub hold: SeatHold,
    pub token: SecretToken,
}

/// Sets `seats` seats of an event aside for `duration`. They count against the capacity
/// at once (the same conditional increment as a booking), so a hold never oversells.
pub async fn place(
    store: &Store,
    event: EventId,
    seats: i32,
    duration: HoldDuration,
    now: DateTime<Utc>,
) -> Result<Result<Held, BookingRefusal>, StoreError> {
    let token = &SecretToken::generate();
    let expires_at = now + duration.get();
    store
        .retrying("place_hold", || async move {
            let mut tx = store.begin().await?;
            let placed = tx
                .place_hold(event, seats, &token.hash(), now, expires_at)
                .await?;
            let (hold, after) = match placed {
                Ok(placed) => placed,
                Err(refusal) => {
                    tx.rollback().await?;
                    return Ok(Err(refusal));
                }
            };
            tx.record(&seats_change(DomainEventKind::SeatsHeld, after, now))
                .await?;
            tx.commit().await?;
            let token = token.clone();
            Ok(Ok(Held { hold, token }))
        })
        .await
}

/// Ends a hold before it expires, giving its seats back; `false` if it was gone already.
pub async fn release(store: &Store, id: HoldId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    store
        .retrying("release_hold", || async move {
            let mut tx = store.begin().await?;
            let ended = tx.end_hold(id, now).await?;
            let released = ended.is_some();
            if let Some(ended) = ended {
                record_ended(&mut tx, ended, now).await?;
            }
            tx.commit().await?;
            Ok(released)
        })
        .await
}

/// Ends up to `limit` expired holds, each in its own transaction, giving their seats back
/// (to the waitlist first). Processes skip each other's holds. Returns how many ended.
pub async fn expire(store: &Store, limit: usize, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut ended = 0;
    while ended < limit {
        let done = store
            .retrying("expire_hold", || async move {
                let mut tx = store.begin().await?;
                let Some(id) = tx.next_expired_hold(now).await? else {
                    tx.rollback().await?;
                    return Ok(false);
                };
                if let Some(ended) = tx.end_hold(id, now).await? {
                    record_ended(&mut tx, ended, now).await?;
                }
                tx.commit().await?;
                Ok(true)
            })
            .await?;
        if !done {
            break;
        }
        ended += 1;
    }
    Ok(ended)
}

/// `seats.released` for the live seat counts, and `booking.promoted` for each seat that
/// went to the waitlist.
async fn record_ended(
    tx: &mut WriteTx,
    ended: HoldEnded,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for seat in &ended.promoted {
        let who = seat.booking.attendee_name.as_str();
        let kind = DomainEventKind::BookingPromoted;
        let change = booking_change(kind, seat.booking.id, seat.seats.clone(), who, now);
        tx.record(&change).await?;
    }
    tx.record(&seats_change(
        DomainEventKind::SeatsReleased,
        ended.seats,
        now,
    ))
    .await
}

/// A change of the seat counts alone: watchers see it, nobody is notified.
fn seats_change(kind: DomainEventKind, seats: SeatsAfter, now: DateTime<Utc>) -> DomainEvent {
    let mut change = DomainEvent::new(kind, now, seats.event_id, seats.event_title);
    change.owner_id = seats.owner_id;
    change.audience = Audience::Users(Vec::new());
    change.seats = Some(seats.seats);
    change
}
