//! Seat holds.

use boxoffice_domain::{Invalid, MAX_HELD_SEATS, SeatHold, Validator, Zone};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Set seats aside for a few minutes.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"seats": 2}))]
pub struct HoldCreate {
    /// Seats to hold; default 1.
    #[schema(minimum = 1, maximum = 10)]
    pub seats: Option<i64>,
}

impl HoldCreate {
    pub fn seats(&self) -> Result<i32, Invalid> {
        let seats = self.seats.unwrap_or(1);
        let mut v = Validator::new();
        if !(1..=i64::from(MAX_HELD_SEATS)).contains(&seats) {
            v.fail("seats", format!("must be 1 to {MAX_HELD_SEATS}"));
        }
        v.finish()?;
        i32::try_from(seats).map_err(|_| Invalid::field("seats", "out of range"))
    }
}

/// Seats set aside until `expires_at`, counted against the capacity meanwhile.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldView {
    pub id: i64,
    pub event_id: i64,
    /// Seats still held (each booking made with the hold uses one).
    pub seats: i32,
    pub created_at: String,
    /// When the seats go back if not booked.
    pub expires_at: String,
    /// Seconds left until `expires_at`, as the server counts them.
    pub expires_in_seconds: i64,
    /// Only in the response that created the hold: send it as `X-Hold-Token` to book a
    /// held seat (`POST /events/{id}/book`), see the hold, or release it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl HoldView {
    pub fn render(hold: &SeatHold, zone: Zone, now: DateTime<Utc>) -> Self {
        HoldView {
            id: hold.id.0,
            event_id: hold.event_id.0,
            seats: hold.seats,
            created_at: zone.format(hold.created_at),
            expires_at: zone.format(hold.expires_at),
            expires_in_seconds: (hold.expires_at - now).num_seconds().max(0),
            token: None,
        }
    }
}
