//! An organizer's view of an event's bookings: totals by status and activity over time.

use boxoffice_domain::{Activity, ActivitySlot, Event};
use boxoffice_store::{Store, StoreError};

/// An event's bookings by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BookingTotals {
    /// Bookings holding a seat.
    pub confirmed: i64,
    pub cancelled: i64,
    /// Tickets admitted at the door.
    pub checked_in: i64,
}

impl BookingTotals {
    /// Every booking was made once and is cancelled at most once (a cancelled booking stays
    /// cancelled; booking again makes a new one), so the activity holds the totals too, read
    /// in the same statement.
    fn of(slots: &[ActivitySlot]) -> Self {
        let (made, cancelled, checked_in) =
            slots
                .iter()
                .fold((0, 0, 0), |(made, cancelled, checked_in), slot| {
                    (
                        made + slot.counts.bookings,
                        cancelled + slot.counts.cancellations,
                        checked_in + slot.counts.check_ins,
                    )
                });
        BookingTotals {
            confirmed: made - cancelled,
            cancelled,
            checked_in,
        }
    }
}

/// What the dashboard of an event shows besides its seat counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub totals: BookingTotals,
    /// Bookings and cancellations per local hour or day of the event's zone.
    pub activity: Activity,
}

/// The dashboard of `event`; the caller has checked who may see it.
pub async fn dashboard(store: &Store, event: &Event) -> Result<Dashboard, StoreError> {
    let slots = store.booking_activity(event.id).await?;
    Ok(Dashboard {
        totals: BookingTotals::of(&slots),
        activity: Activity::fold(&slots, event.content.zone),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxoffice_domain::ActivityCounts;

    #[test]
    fn totals_are_what_was_booked_less_what_was_cancelled_and_who_came_in() {
        let slot = |bookings, cancellations, check_ins| ActivitySlot {
            start: chrono::DateTime::UNIX_EPOCH,
            counts: ActivityCounts {
                bookings,
                cancellations,
                check_ins,
            },
        };
        let totals = BookingTotals::of(&[slot(5, 0, 0), slot(2, 3, 1), slot(0, 1, 2)]);
        assert_eq!((totals.confirmed, totals.cancelled), (3, 4));
        assert_eq!(totals.checked_in, 3);
        assert_eq!(BookingTotals::of(&[]), BookingTotals::default());
    }
}
