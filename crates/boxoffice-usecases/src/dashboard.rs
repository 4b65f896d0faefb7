//! An organizer's view of an event's bookings: totals by status and activity over time.

use boxoffice_domain::{Activity, Event};
use boxoffice_store::{BookingTotals, Store, StoreError};

/// What the dashboard of an event shows besides its seat counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub totals: BookingTotals,
    /// Bookings and cancellations per local hour or day of the event's zone.
    pub activity: Activity,
}

/// The dashboard of `event`; the caller has checked who may see it.
pub async fn dashboard(store: &Store, event: &Event) -> Result<Dashboard, StoreError> {
    let totals = store.booking_totals(event.id).await?;
    let slots = store.booking_activity(event.id).await?;
    Ok(Dashboard {
        totals,
        activity: Activity::fold(&slots, event.content.zone),
    })
}
