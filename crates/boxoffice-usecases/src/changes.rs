//! The domain events of each change, and who hears of them.

use boxoffice_domain::{Audience, BookingId, DomainEvent, DomainEventKind, UserId};
use boxoffice_store::SeatsAfter;
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
