//! The attendee list of an event as a stream of rows, for exports of any size: rows
//! leave the database as the reader asks for them, never all at once.

use super::{Db, Pools};
use crate::{AttendeeLine, StoreError};
use boxoffice_domain::EventId;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};

/// Rows waiting between the database and a slow reader.
const IN_FLIGHT: usize = 256;

#[derive(Debug, sqlx::FromRow)]
struct LineRow {
    booking_id: i64,
    booked_at: DateTime<Utc>,
    attendee_id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

impl Pools {
    /// The confirmed bookings of an event with their attendees, in booking order.
    ///
    /// A task reads the rows on a connection of its own and hands them over through a
    /// bounded channel: the stream is `'static` (an HTTP body can own it), and a reader
    /// that stops (a client gone) ends the query at the next row.
    pub(crate) fn attendee_lines(
        &self,
        id: EventId,
    ) -> BoxStream<'static, Result<AttendeeLine, StoreError>> {
        let pool = self.reader().clone();
        let (sender, receiver) = tokio::sync::mpsc::channel(IN_FLIGHT);
        tokio::spawn(async move {
            let mut rows = sqlx::query_as::<Db, LineRow>(
                "SELECT b.id AS booking_id, b.created_at AS booked_at, a.id AS attendee_id, \
                 a.name, a.email, a.phone FROM bookings b JOIN attendees a ON a.id = b.attendee_id \
                 WHERE b.event_id = $1 AND b.status = 'confirmed' ORDER BY b.created_at, b.id",
            )
            .bind(id.0)
            .fetch(&pool)
            .map_ok(|row| AttendeeLine {
                booking_id: row.booking_id,
                booked_at: row.booked_at,
                attendee_id: row.attendee_id,
                name: row.name,
                email: row.email,
                phone: row.phone,
            })
            .map_err(StoreError::from);
            while let Some(line) = rows.next().await {
                let failed = line.is_err();
                if sender.send(line).await.is_err() || failed {
                    break;
                }
            }
        });
        futures::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|line| (line, receiver))
        })
        .boxed()
    }
}
