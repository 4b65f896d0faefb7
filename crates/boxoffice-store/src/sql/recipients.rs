//! The people a notice goes to, with their channel choices, read in one query per batch
//! instead of two round trips per person.

use super::{Db, Pools};
use crate::rows::AttendeeRow;
use crate::{ChannelPreferences, Recipient, StoreError};
use boxoffice_domain::{Attendee, AttendeeId, EventId};
use sqlx::QueryBuilder;

/// Attendee columns with their channel choices; `NULL` choices mean none were made.
const RECIPIENT_COLUMNS: &str = "SELECT a.id, a.name, a.email, a.phone, a.locale, \
     a.created_at, a.updated_at, p.websocket, p.email AS email_on, p.push \
     FROM attendees a LEFT JOIN attendee_notification_preferences p ON p.attendee_id = a.id";

/// Ids bound per statement: under SQLite's and PostgreSQL's limits on bound values
/// (32,766 and 65,535), so any list is read in a few statements.
const IDS_PER_QUERY: usize = 10_000;

#[derive(Debug, sqlx::FromRow)]
struct RecipientRow {
    #[sqlx(flatten)]
    attendee: AttendeeRow,
    websocket: Option<bool>,
    email_on: Option<bool>,
    push: Option<bool>,
}

impl TryFrom<RecipientRow> for Recipient {
    type Error = StoreError;
    fn try_from(row: RecipientRow) -> Result<Self, StoreError> {
        let all = ChannelPreferences::default();
        let channels = ChannelPreferences {
            websocket: row.websocket.unwrap_or(all.websocket),
            email: row.email_on.unwrap_or(all.email),
            push: row.push.unwrap_or(all.push),
        };
        Ok(Recipient {
            attendee: Attendee::try_from(row.attendee)?,
            channels,
        })
    }
}

impl Pools {
    /// The attendees among `ids` that still exist, in the order of `ids`.
    pub(crate) async fn recipients(
        &self,
        ids: &[AttendeeId],
    ) -> Result<Vec<Recipient>, StoreError> {
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let mut qb = QueryBuilder::<Db>::new(RECIPIENT_COLUMNS);
            qb.push(" WHERE a.id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(id.0);
            }
            qb.push(")");
            let rows: Vec<RecipientRow> = qb.build_query_as().fetch_all(self.reader()).await?;
            for row in rows {
                let recipient = Recipient::try_from(row)?;
                found.insert(recipient.attendee.id, recipient);
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Every attendee holding a confirmed booking of `event`, in booking order.
    pub(crate) async fn confirmed_recipients(
        &self,
        event: EventId,
    ) -> Result<Vec<Recipient>, StoreError> {
        let rows: Vec<RecipientRow> = sqlx::query_as(&format!(
            "{RECIPIENT_COLUMNS} JOIN bookings b ON b.attendee_id = a.id \
             WHERE b.event_id = $1 AND b.status = 'confirmed' ORDER BY b.created_at, b.id"
        ))
        .bind(event.0)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(Recipient::try_from).collect()
    }
}
