//! Booking a seat and cancelling it.

use crate::changes::booking_change;
use crate::recorded::Recorded;
use boxoffice_domain::{
    Booking, BookingId, BookingRefusal, DomainEventKind, EventId, SecretToken, Zone,
};
use boxoffice_store::{BookingFor, IdempotencyKey, KeyClaim, Store, StoreError, WriteTx};
use chrono::{DateTime, Utc};

/// A request for one seat.
#[derive(Debug, Clone)]
pub struct BookRequest {
    pub event: EventId,
    pub who: BookingFor,
    /// Present when the client sent an idempotency key.
    pub idempotency: Option<IdempotencyKey>,
    /// The zone the answer is rendered in, kept with the idempotent outcome so that a
    /// repeat reads exactly like the first answer.
    pub render_zone: Option<Zone>,
}

/// A seat booked, with the cancel token its holder is shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub booking: Booking,
    pub cancel_token: SecretToken,
    pub render_zone: Option<Zone>,
}

/// What became of a booking request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookOutcome {
    Booked(Booked),
    Refused(BookingRefusal),
    /// The idempotency key was used before for the same request: what happened then.
    Replayed(Result<Booked, BookingRefusal>),
    /// The idempotency key was used before for a different request.
    KeyReused,
}

/// Books one seat in one transaction: the seat counter, the booking row, its domain event
/// and the idempotency record commit together or not at all.
pub async fn book(
    store: &Store,
    request: &BookRequest,
    now: DateTime<Utc>,
) -> Result<BookOutcome, StoreError> {
    let cancel_token = &SecretToken::generate();
    store
        .retrying("book", || async move {
            let mut tx = store.begin().await?;
            let Some(key) = &request.idempotency else {
                let result = book_in(&mut tx, request, cancel_token, now).await?;
                finish(tx, result.is_ok()).await?;
                return Ok(result.map_or_else(BookOutcome::Refused, BookOutcome::Booked));
            };
            match tx.claim_key(key, now).await? {
                KeyClaim::Fresh => {}
                KeyClaim::Seen(outcome) => {
                    tx.rollback().await?;
                    return Ok(BookOutcome::Replayed(Recorded::decode(&outcome)?));
                }
                KeyClaim::OtherRequest => {
                    tx.rollback().await?;
                    return Ok(BookOutcome::KeyReused);
                }
            }
            // A refusal undoes the booking but keeps the key and its recorded outcome.
            tx.savepoint().await?;
            let result = book_in(&mut tx, request, cancel_token, now).await?;
            if result.is_err() {
                tx.rollback_to_savepoint().await?;
            }
            tx.record_outcome(key, &Recorded::encode(&result)?).await?;
            tx.commit().await?;
            Ok(result.map_or_else(BookOutcome::Refused, BookOutcome::Booked))
        })
        .await
}

/// The booking and its `booking.created`, in the caller's transaction.
async fn book_in(
    tx: &mut WriteTx,
    request: &BookRequest,
    cancel_token: &SecretToken,
    now: DateTime<Utc>,
) -> Result<Result<Booked, BookingRefusal>, StoreError> {
    let booked = match tx
        .book_seat(request.event, &request.who, &cancel_token.hash(), now)
        .await?
    {
        Ok(booked) => booked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let booking = booked.booking;
    let actor = booking.attendee_name.as_str();
    let kind = DomainEventKind::BookingCreated;
    let change = booking_change(kind, booking.id, booked.seats, actor, now);
    tx.record(&change).await?;
    Ok(Ok(Booked {
        booking,
        cancel_token: cancel_token.clone(),
        render_zone: request.render_zone,
    }))
}

/// Commits what was done, or undoes a refused booking.
async fn finish(tx: WriteTx, keep: bool) -> Result<(), StoreError> {
    if keep {
        tx.commit().await
    } else {
        tx.rollback().await
    }
}

/// Cancels a booking, freeing its seat once; repeating it changes nothing. `actor` is who
/// cancels (the attendee's name when `None`). `None` if the booking does not exist.
pub async fn cancel(
    store: &Store,
    id: BookingId,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Booking>, StoreError> {
    store
        .retrying("cancel_booking", || async move {
            let mut tx = store.begin().await?;
            let freed = tx.cancel_booking(id, now).await?;
            let Some(booking) = tx.booking(id).await? else {
                return Ok(None);
            };
            if let Some(seats) = freed {
                let actor = actor.unwrap_or(booking.attendee_name.as_str());
                let kind = DomainEventKind::BookingCancelled;
                tx.record(&booking_change(kind, id, seats, actor, now))
                    .await?;
            }
            tx.commit().await?;
            Ok(Some(booking))
        })
        .await
}
