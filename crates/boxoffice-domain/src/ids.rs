//! Typed 64-bit identifiers, so an event id is never passed where a booking id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies an event.
    EventId
);
id_type!(
    /// Identifies an attendee (a person known by e-mail address).
    AttendeeId
);
id_type!(
    /// Identifies a booking of one seat.
    BookingId
);
id_type!(
    /// Identifies a user account (organizers and admins).
    UserId
);
id_type!(
    /// Identifies a place in an event's waitlist.
    WaitlistEntryId
);
id_type!(
    /// Identifies a hold on seats of an event.
    HoldId
);
