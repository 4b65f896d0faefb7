//! An event's booking activity over time, as its organizer's dashboard charts it.
//!
//! The database counts bookings and cancellations per quarter of an hour (UTC): every
//! time zone's offset is a whole number of quarters, so those slots fold exactly into
//! the local hours or days of the event's own zone, here.

use crate::Zone;
use chrono::{DateTime, Duration, Utc};

/// The width of the slots the database counts in.
pub const SLOT_SECONDS: i64 = 15 * 60;

/// Activity spanning at most this long is charted per hour, longer per day.
pub const HOURLY_SPAN: Duration = Duration::hours(48);

/// What happened in one slot or bucket of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActivityCounts {
    /// Bookings made (including those cancelled since).
    pub bookings: i64,
    pub cancellations: i64,
    /// Tickets admitted at the door.
    pub check_ins: i64,
}

impl ActivityCounts {
    fn add(&mut self, other: ActivityCounts) {
        self.bookings += other.bookings;
        self.cancellations += other.cancellations;
        self.check_ins += other.check_ins;
    }
}

/// The counts of one database slot, starting at `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivitySlot {
    pub start: DateTime<Utc>,
    pub counts: ActivityCounts,
}

/// How wide a bucket of the chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Hour,
    Day,
}

/// One bucket of the chart: a local hour or day, starting at `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityBucket {
    pub start: DateTime<Utc>,
    pub counts: ActivityCounts,
}

/// Activity from the first bucket with any to the last, empty buckets included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub granularity: Granularity,
    pub buckets: Vec<ActivityBucket>,
}

impl Activity {
    /// Folds slots (in any order) into local hours of `zone` when they span at most
    /// [`HOURLY_SPAN`], else into local days.
    pub fn fold(slots: &[ActivitySlot], zone: Zone) -> Activity {
        let (Some(first), Some(last)) = (
            slots.iter().map(|s| s.start).min(),
            slots.iter().map(|s| s.start).max(),
        ) else {
            return Activity {
                granularity: Granularity::Hour,
                buckets: Vec::new(),
            };
        };
        let granularity = if last - first <= HOURLY_SPAN {
            Granularity::Hour
        } else {
            Granularity::Day
        };
        let bucket_of = |at: DateTime<Utc>| match granularity {
            Granularity::Hour => zone.start_of_local_hour(at),
            Granularity::Day => zone.start_of_local_day(zone.local_date(at)).unwrap_or(at),
        };
        let mut buckets: Vec<ActivityBucket> = Vec::new();
        let mut start = bucket_of(first);
        while start <= last {
            buckets.push(ActivityBucket {
                start,
                counts: ActivityCounts::default(),
            });
            start = match granularity {
                Granularity::Hour => start + Duration::hours(1),
                // Midnight to midnight: 23 or 25 hours across a daylight-saving change.
                Granularity::Day => zone.end_of_local_day(start),
            };
        }
        for slot in slots {
            let at = bucket_of(slot.start);
            // Buckets are sorted by start; the slot belongs to the last one not after it.
            let index = buckets.partition_point(|b| b.start <= at).saturating_sub(1);
            buckets[index].counts.add(slot.counts);
        }
        Activity {
            granularity,
            buckets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(at: &str, bookings: i64, cancellations: i64) -> ActivitySlot {
        ActivitySlot {
            start: at.parse().unwrap(),
            counts: ActivityCounts {
                bookings,
                cancellations,
                check_ins: 0,
            },
        }
    }

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn starts(activity: &Activity, zone: Zone) -> Vec<String> {
        activity
            .buckets
            .iter()
            .map(|b| zone.format(b.start))
            .collect()
    }

    #[test]
    fn no_activity_is_no_bucket() {
        assert!(Activity::fold(&[], Zone::DEFAULT).buckets.is_empty());
    }

    #[test]
    fn a_short_span_is_charted_per_local_hour_with_half_hour_offsets() {
        let kolkata = zone("Asia/Kolkata");
        let activity = Activity::fold(
            &[
                slot("2026-12-01T04:30:00Z", 2, 0), // 10:00 local
                slot("2026-12-01T05:15:00Z", 1, 1), // 10:45 local
                slot("2026-12-01T06:45:00Z", 0, 1), // 12:15 local
            ],
            kolkata,
        );
        assert_eq!(activity.granularity, Granularity::Hour);
        assert_eq!(
            starts(&activity, kolkata),
            [
                "2026-12-01T10:00:00+05:30",
                "2026-12-01T11:00:00+05:30",
                "2026-12-01T12:00:00+05:30"
            ]
        );
        let counts: Vec<(i64, i64)> = activity
            .buckets
            .iter()
            .map(|b| (b.counts.bookings, b.counts.cancellations))
            .collect();
        assert_eq!(counts, [(3, 1), (0, 0), (0, 1)]);
    }

    #[test]
    fn a_long_span_is_charted_per_local_day_across_daylight_saving() {
        let paris = zone("Europe/Paris");
        let activity = Activity::fold(
            &[
                // 23:30 on 24 October in Paris (summer time), still that local day.
                slot("2026-10-24T21:30:00Z", 1, 0),
                slot("2026-10-27T10:00:00Z", 0, 1),
            ],
            paris,
        );
        assert_eq!(activity.granularity, Granularity::Day);
        assert_eq!(
            starts(&activity, paris),
            [
                "2026-10-24T00:00:00+02:00",
                "2026-10-25T00:00:00+02:00",
                "2026-10-26T00:00:00+01:00",
                "2026-10-27T00:00:00+01:00"
            ]
        );
        let bookings: Vec<i64> = activity.buckets.iter().map(|b| b.counts.bookings).collect();
        assert_eq!(bookings, [1, 0, 0, 0]);
        assert_eq!(activity.buckets[3].counts.cancellations, 1);
    }
}
