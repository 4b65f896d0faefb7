//! Seat holds: seats set aside for a few minutes while a person completes their details.

use crate::{EventId, HoldId};
use chrono::{DateTime, Duration, Utc};

/// Seats one hold may set aside.
pub const MAX_HELD_SEATS: i32 = 10;

/// How long holds last: up to an hour (operators set minutes; tests use seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldDuration(Duration);

impl HoldDuration {
    pub const DEFAULT_MINUTES: i64 = 10;

    pub fn minutes(minutes: i64) -> Result<Self, String> {
        if (1..=60).contains(&minutes) {
            Ok(HoldDuration(Duration::minutes(minutes)))
        } else {
            Err(format!("a hold lasts 1 to 60 minutes, not {minutes}"))
        }
    }

    pub fn seconds(seconds: i64) -> Result<Self, String> {
        if (1..=3600).contains(&seconds) {
            Ok(HoldDuration(Duration::seconds(seconds)))
        } else {
            Err(format!("a hold lasts 1 to 3600 seconds, not {seconds}"))
        }
    }

    pub fn get(self) -> Duration {
        self.0
    }
}

impl Default for HoldDuration {
    fn default() -> Self {
        HoldDuration(Duration::minutes(Self::DEFAULT_MINUTES))
    }
}

/// Seats set aside on an event until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatHold {
    pub id: HoldId,
    pub event_id: EventId,
    /// Seats still held (each booking made with the hold uses one).
    pub seats: i32,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_lasts_one_to_sixty_minutes() {
        assert!(HoldDuration::minutes(0).is_err());
        assert!(HoldDuration::minutes(61).is_err());
        assert_eq!(
            HoldDuration::minutes(5).unwrap().get(),
            Duration::minutes(5)
        );
        assert_eq!(HoldDuration::default().get(), Duration::minutes(10));
    }
}
