//! An event's booking and check-in activity over time for its organizer, aggregated by the database so
//! no booking row leaves it.

use super::{Pools, epoch_seconds};
use crate::StoreError;
use boxoffice_domain::{ActivityCounts, ActivitySlot, EventId, SLOT_SECONDS};
use chrono::DateTime;

#[derive(Debug, sqlx::FromRow)]
struct SlotRow {
    slot: i64,
    bookings: i64,
    cancellations: i64,
    check_ins: i64,
}

impl Pools {
    /// Bookings made and cancelled per quarter-hour slot, oldest first; empty slots omitted.
    pub(crate) async fn booking_activity(
        &self,
        id: EventId,
    ) -> Result<Vec<ActivitySlot>, StoreError> {
        let made = epoch_seconds("created_at");
        let cancelled = epoch_seconds("cancelled_at");
        let admitted = epoch_seconds("checked_in_at");
        let sql = format!(
            "SELECT slot, sum(made) AS bookings, sum(cancelled) AS cancellations, \
               sum(admitted) AS check_ins FROM ( \
               SELECT {made} / {SLOT_SECONDS} AS slot, 1 AS made, 0 AS cancelled, 0 AS admitted \
                 FROM bookings WHERE event_id = $1 \
               UNION ALL \
               SELECT {cancelled} / {SLOT_SECONDS}, 0, 1, 0 \
                 FROM bookings WHERE event_id = $1 AND cancelled_at IS NOT NULL \
               UNION ALL \
               SELECT {admitted} / {SLOT_SECONDS}, 0, 0, 1 FROM check_ins WHERE event_id = $1 \
             ) activity GROUP BY slot ORDER BY slot"
        );
        let rows: Vec<SlotRow> = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_all(self.reader())
            .await?;
        rows.into_iter()
            .map(|row| {
                let start =
                    DateTime::from_timestamp(row.slot * SLOT_SECONDS, 0).ok_or_else(|| {
                        StoreError::Corrupt(format!("booking time slot {} of event {id}", row.slot))
                    })?;
                Ok(ActivitySlot {
                    start,
                    counts: ActivityCounts {
                        bookings: row.bookings,
                        cancellations: row.cancellations,
                        check_ins: row.check_ins,
                    },
                })
            })
            .collect()
    }
}
