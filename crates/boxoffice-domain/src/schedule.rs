//! When an event runs, and when it counts as over.

use crate::Zone;
use chrono::{DateTime, Utc};

/// An event's start and optional end. An event entered with only a date or a
/// start runs until the end of its start's local day in the event's zone:
/// that instant ([`Schedule::ends_at`]) decides when it stops taking bookings
/// and moves from the upcoming to the past listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    ends_at: DateTime<Utc>,
}

impl Schedule {
    /// A given end must be strictly after the start.
    pub fn new(
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
        zone: Zone,
    ) -> Result<Self, String> {
        match end {
            Some(end) if end <= start => Err("must be after start_time".into()),
            Some(end) => Ok(Schedule {
                start,
                end: Some(end),
                ends_at: end,
            }),
            None => Ok(Schedule {
                start,
                end: None,
                ends_at: zone.end_of_local_day(start),
            }),
        }
    }

    /// A schedule read back from storage, keeping the `ends_at` computed when it
    /// was written (a later time-zone database must not move a stored event's end).
    pub fn stored(
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
        ends_at: DateTime<Utc>,
    ) -> Result<Self, String> {
        if ends_at <= start {
            return Err("ends_at must be after start_time".into());
        }
        if end.is_some_and(|end| end != ends_at) {
            return Err("ends_at must equal end_time".into());
        }
        Ok(Schedule {
            start,
            end,
            ends_at,
        })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The end as given; `None` for an event with only a start.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.end
    }

    /// When the event is over: its end, or the end of its start's local day.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.ends_at
    }

    pub fn has_ended(&self, now: DateTime<Utc>) -> bool {
        self.ends_at <= now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_event_must_end_after_it_starts() {
        let now = at("2026-11-21T10:00:00Z");
        assert!(Schedule::new(now, Some(now), Zone::DEFAULT).is_err());
        assert!(Schedule::new(now, Some(now - Duration::minutes(1)), Zone::DEFAULT).is_err());
        assert!(Schedule::new(now, Some(now + Duration::minutes(1)), Zone::DEFAULT).is_ok());
    }

    #[test]
    fn an_event_without_an_end_is_over_at_the_end_of_its_local_day() {
        // 10:00 in Kolkata; the local day ends at 18:30 UTC.
        let start = at("2026-11-21T04:30:00Z");
        let schedule = Schedule::new(start, None, Zone::DEFAULT).unwrap();
        assert_eq!(schedule.end(), None);
        assert_eq!(schedule.ends_at(), at("2026-11-21T18:30:00Z"));
        assert!(!schedule.has_ended(at("2026-11-21T18:29:59Z")));
        assert!(schedule.has_ended(at("2026-11-21T18:30:00Z")));
    }

    #[test]
    fn a_stored_schedule_keeps_its_end_and_is_checked() {
        let start = at("2026-11-21T04:30:00Z");
        let ends_at = at("2026-11-21T18:30:00Z");
        assert_eq!(
            Schedule::stored(start, None, ends_at).unwrap().ends_at(),
            ends_at
        );
        assert!(Schedule::stored(start, None, start).is_err());
        assert!(Schedule::stored(start, Some(ends_at), at("2026-11-22T00:00:00Z")).is_err());
    }

    #[test]
    fn the_local_day_depends_on_the_zone() {
        let start = at("2026-11-21T04:30:00Z");
        let paris = Zone::parse("Europe/Paris").unwrap();
        let schedule = Schedule::new(start, None, paris).unwrap();
        assert_eq!(schedule.ends_at(), at("2026-11-21T23:00:00Z"));
    }
}
