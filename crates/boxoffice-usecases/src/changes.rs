//! The domain events of each change, and who hears of them.

use boxoffice_domain::{
    Audience, BookingId, DomainEvent, DomainEventKind, Event, SeatCounts, UserId,
};
use boxoffice_store::{SeatsAfter, StoreError, WriteTx};
use chrono::{DateTime, Utc};

/// The owner plus `users`, without duplicates.
pub(crate) fn with_owner(mut users: Vec<UserId>, owner: Option<UserId>) -> Audience {
    if let Some(owner) = owner
        && !users.contains(&owner)
    {
        users.push(owner);
    }
    Audience::Users(users)
}

/// A booking made or cancelled; told to the event's owner.
pub(crate) fn booking_change(
    kind: DomainEventKind,
    booking: BookingId,
    seats: SeatsAfter,
    actor: &str,
    now: DateTime<Utc>,
) -> DomainEvent {
    let mut change = DomainEvent::new(kind, now, seats.event_id, seats.event_title);
    change.actor = Some(actor.to_owned());
    change.owner_id = seats.owner_id;
    change.audience = with_owner(Vec::new(), seats.owner_id);
    change.seats = Some(seats.seats);
    change.booking_id = Some(booking);
    change
}

/// An event created, updated or deleted. A new event is news for everyone; a change is
/// told to its owner and subscribers (read in `tx`, before a deletion removes them).
pub(crate) async fn event_change(
    tx: &mut WriteTx,
    kind: DomainEventKind,
    event: &Event,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DomainEvent, StoreError> {
    let mut change = DomainEvent::new(kind, now, event.id, event.content.title.as_str());
    change.actor = actor.map(str::to_owned);
    change.owner_id = event.owner_id;
    change.audience = match kind {
        DomainEventKind::EventCreated => Audience::Everyone,
        _ => with_owner(tx.subscribers_of(event.id).await?, event.owner_id),
    };
    if kind != DomainEventKind::EventDeleted {
        change.seats = Some(SeatCounts {
            capacity: event.content.capacity.map(|c| c.get()),
            seats_booked: event.seats_booked,
        });
    }
    Ok(change)
}
