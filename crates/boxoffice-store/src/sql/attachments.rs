//! The SQL of event attachments, compiled for each backend like the rest of `sql/`.
//!
//! Only metadata lives here; the bytes are in the object store. The caller stores
//! the object first and changes the row afterwards, so a row never names a
//! missing object.

use super::Tx;
use crate::StoreError;
use boxoffice_domain::{Attachment, EventId};
use chrono::{DateTime, Utc};

/// Records `file` as the event's attached file, replacing any other.
pub(crate) async fn put_attachment(
    tx: &mut Tx<'_>,
    id: EventId,
    file: &Attachment,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO event_attachments (event_id, object_key, file_name, content_type, size_bytes, sha256, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (event_id) DO UPDATE SET object_key = excluded.object_key, \
         file_name = excluded.file_name, content_type = excluded.content_type, \
         size_bytes = excluded.size_bytes, sha256 = excluded.sha256, uploaded_at = excluded.uploaded_at",
    )
    .bind(id.0)
    .bind(&file.key)
    .bind(file.file_name.as_str())
    .bind(file.kind.content_type())
    .bind(file.size)
    .bind(&file.sha256)
    .bind(file.uploaded_at)
    .execute(&mut **tx)
    .await?;
    touch_event(tx, id, now).await
}

/// Forgets the event's attached file.
pub(crate) async fn delete_attachment(
    tx: &mut Tx<'_>,
    id: EventId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM event_attachments WHERE event_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    touch_event(tx, id, now).await
}

/// The event changed: its `updated_at` says when.
async fn touch_event(tx: &mut Tx<'_>, id: EventId, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE events SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
