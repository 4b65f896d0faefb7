//! Booking a seat and cancelling it.

use crate::changes::booking_change;
use crate::recorded::Recorded;
use boxoffice_domain::{
    Booking, BookingId, BookingRefusal, DomainEvent, DomainEventKind, EventId, SecretHash,
    SecretToken, Zone,
};
use boxoffice_store::batch::{BookCommand, CancelCommand, Keyed};
use boxoffice_store::{
    BookingFor, IdempotencyKey, KeyClaim, SeatBooked, SeatReleased, Store, StoreError, WriteTx,
};
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
    /// The hash of a seat hold's token: book one of its seats instead of a free one.
    pub hold: Option<SecretHash>,
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
/// and the idempotency record commit together or not at all. With group commit (the
/// default on both databases) the booking is a command for the store's batches, which run
/// the same steps in a savepoint of a transaction shared with the bookings queued meanwhile.
pub async fn book(
    store: &Store,
    request: &BookRequest,
    now: DateTime<Utc>,
) -> Result<BookOutcome, StoreError> {
    let cancel_token = &SecretToken::generate();
    // A held seat is booked in a transaction of its own: holds are not the flash-sale path.
    if let Some(batches) = store.batches().filter(|_| request.hold.is_none()) {
        // A command undone alone (a deadlock inside its batch) or with its batch (another
        // caller in it stopped waiting) is run again.
        return store
            .retrying("book", || async move {
                let command = book_command(request, cancel_token, now);
                let render_zone = request.render_zone;
                let booked = |seat| booked(seat, cancel_token, render_zone);
                Ok(match batches.book(command).await? {
                    Keyed::Ran(result) => result
                        .map(booked)
                        .map_or_else(BookOutcome::Refused, BookOutcome::Booked),
                    Keyed::Seen(outcome) => BookOutcome::Replayed(Recorded::decode(&outcome)?),
                    Keyed::OtherRequest => BookOutcome::KeyReused,
                })
            })
            .await;
    }
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

/// The booking as a command for the batch writer, with this use case's rules for its
/// domain event and its idempotent record.
fn book_command(
    request: &BookRequest,
    cancel_token: &SecretToken,
    now: DateTime<Utc>,
) -> BookCommand {
    let idempotency = request.idempotency.clone().map(|key| {
        let (token, zone) = (cancel_token.clone(), request.render_zone);
        let record = move |result: &Result<SeatBooked, BookingRefusal>| {
            Recorded::encode(&result.clone().map(|seat| booked(seat, &token, zone)))
        };
        (key, Box::new(record) as _)
    });
    BookCommand {
        event: request.event,
        who: request.who.clone(),
        cancel_token: cancel_token.hash(),
        now,
        idempotency,
        change: Box::new(move |seat| booked_change(seat, now)),
    }
}

/// `booking.created`, told to the event's owner.
fn booked_change(seat: &SeatBooked, now: DateTime<Utc>) -> DomainEvent {
    let booking = &seat.booking;
    let kind = DomainEventKind::BookingCreated;
    let actor = booking.attendee_name.as_str();
    booking_change(kind, booking.id, seat.seats.clone(), actor, now)
}

/// What the caller hears of a seat booked.
fn booked(seat: SeatBooked, cancel_token: &SecretToken, render_zone: Option<Zone>) -> Booked {
    Booked {
        booking: seat.booking,
        cancel_token: cancel_token.clone(),
        render_zone,
    }
}

/// The booking and its `booking.created`, in the caller's transaction.
async fn book_in(
    tx: &mut WriteTx,
    request: &BookRequest,
    cancel_token: &SecretToken,
    now: DateTime<Utc>,
) -> Result<Result<Booked, BookingRefusal>, StoreError> {
    let token = &cancel_token.hash();
    let result = match &request.hold {
        Some(hold) => {
            tx.book_held_seat(request.event, &request.who, hold, token, now)
                .await?
        }
        None => {
            tx.book_seat(request.event, &request.who, token, now)
                .await?
        }
    };
    let seat = match result {
        Ok(seat) => seat,
        Err(refusal) => return Ok(Err(refusal)),
    };
    tx.record(&booked_change(&seat, now)).await?;
    Ok(Ok(booked(seat, cancel_token, request.render_zone)))
}

/// Commits what was done, or undoes a refused booking.
async fn finish(tx: WriteTx, keep: bool) -> Result<(), StoreError> {
    if keep {
        tx.commit().await
    } else {
        tx.rollback().await
    }
}

/// Cancels a booking, giving its seat back once; repeating it changes nothing. If people
/// wait for the event, the seat goes to the first in line in the same transaction. `actor`
/// is who cancels (the attendee's name when `None`). `None` if the booking does not exist.
pub async fn cancel(
    store: &Store,
    id: BookingId,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Booking>, StoreError> {
    if let Some(batches) = store.batches() {
        return store
            .retrying("cancel_booking", || async move {
                let actor = actor.map(str::to_owned);
                let change = Box::new(move |booking: &Booking, released: &SeatReleased| {
                    let actor = actor.as_deref().unwrap_or(booking.attendee_name.as_str());
                    released_changes(booking.id, actor, released, now)
                });
                batches.cancel(CancelCommand { id, now, change }).await
            })
            .await;
    }
    store
        .retrying("cancel_booking", || async move {
            let mut tx = store.begin().await?;
            let released = tx.cancel_booking(id, now).await?;
            let Some(booking) = tx.booking(id).await? else {
                return Ok(None);
            };
            if let Some(released) = released {
                let actor = actor.unwrap_or(booking.attendee_name.as_str());
                for change in released_changes(id, actor, &released, now) {
                    tx.record(&change).await?;
                }
            }
            tx.commit().await?;
            Ok(Some(booking))
        })
        .await
}

/// `booking.cancelled`, and `booking.promoted` when the seat went to the first in line;
/// both told to the event's owner.
pub(crate) fn released_changes(
    cancelled: BookingId,
    actor: &str,
    released: &SeatReleased,
    now: DateTime<Utc>,
) -> Vec<DomainEvent> {
    let kind = DomainEventKind::BookingCancelled;
    let cancelled = booking_change(kind, cancelled, released.seats.clone(), actor, now);
    let mut changes = vec![cancelled];
    if let Some(promoted) = &released.promoted {
        let kind = DomainEventKind::BookingPromoted;
        let who = promoted.booking.attendee_name.as_str();
        let seats = promoted.seats.clone();
        changes.push(booking_change(kind, promoted.booking.id, seats, who, now));
    }
    changes
}
