//! Seat holds, as the store gives them: reads here, writes in a `WriteTx`.

use crate::{SeatBooked, SeatsAfter, Store, StoreError};
use boxoffice_domain::{HoldId, SeatHold, SecretHash};
use chrono::{DateTime, Utc};

/// Seats given back when a hold ended, and who of the waitlist got them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldEnded {
    pub hold: HoldId,
    /// The event after the seats came back.
    pub seats: SeatsAfter,
    pub promoted: Vec<SeatBooked>,
}

impl Store {
    /// A live hold and the hash of its token; `None` once used up, released or expired.
    pub async fn seat_hold(
        &self,
        id: HoldId,
        now: DateTime<Utc>,
    ) -> Result<Option<(SeatHold, SecretHash)>, StoreError> {
        dispatch!(self, b => b.seat_hold(id, now).await)
    }
}
