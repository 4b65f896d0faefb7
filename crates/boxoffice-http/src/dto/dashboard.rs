//! The organizer's dashboard of an event.

use boxoffice_domain::{ActivityBucket, Event, Granularity, Zone};
use boxoffice_usecases::dashboard::Dashboard;
use serde::Serialize;
use utoipa::ToSchema;

/// An event's seats and bookings at a glance, and its booking activity over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDashboard {
    #[schema(example = 42)]
    pub event_id: i64,
    /// The event's IANA zone: buckets are its local hours or days.
    pub timezone: String,
    /// `null`: unlimited seats.
    #[schema(required = true)]
    pub capacity: Option<i32>,
    pub seats_booked: i32,
    /// `null` for an event with unlimited seats.
    #[schema(required = true)]
    pub seats_available: Option<i32>,
    pub totals: DashboardTotals,
    /// `hour` when the activity spans at most 48 hours, else `day`.
    pub granularity: BucketSize,
    /// From the first bucket with activity to the last, empty buckets included;
    /// empty when there was no booking yet.
    pub series: Vec<DashboardBucket>,
}

/// Bookings by status, and how many were admitted at the door.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardTotals {
    /// Bookings holding a seat.
    pub confirmed: i64,
    pub cancelled: i64,
    /// Tickets admitted at the door.
    pub checked_in: i64,
}

/// The width of a bucket of the series.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BucketSize {
    Hour,
    Day,
}

/// What happened in one local hour or day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardBucket {
    /// The bucket's first instant, in the event's zone.
    #[schema(example = "2026-12-01T00:00:00+05:30")]
    pub start: String,
    /// Bookings made (including those cancelled since).
    pub bookings: i64,
    pub cancellations: i64,
    /// Tickets admitted at the door.
    pub check_ins: i64,
}

impl EventDashboard {
    pub fn render(event: &Event, dashboard: &Dashboard) -> Self {
        let zone = event.content.zone;
        EventDashboard {
            event_id: event.id.0,
            timezone: zone.name().to_owned(),
            capacity: event.content.capacity.map(|c| c.get()),
            seats_booked: event.seats_booked,
            seats_available: event.seats_available(),
            totals: DashboardTotals {
                confirmed: dashboard.totals.confirmed,
                cancelled: dashboard.totals.cancelled,
                checked_in: dashboard.totals.checked_in,
            },
            granularity: match dashboard.activity.granularity {
                Granularity::Hour => BucketSize::Hour,
                Granularity::Day => BucketSize::Day,
            },
            series: dashboard
                .activity
                .buckets
                .iter()
                .map(|bucket| DashboardBucket::render(bucket, zone))
                .collect(),
        }
    }
}

impl DashboardBucket {
    fn render(bucket: &ActivityBucket, zone: Zone) -> Self {
        DashboardBucket {
            start: zone.format(bucket.start),
            bookings: bucket.counts.bookings,
            cancellations: bucket.counts.cancellations,
            check_ins: bucket.counts.check_ins,
        }
    }
}
