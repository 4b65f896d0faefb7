//! The SQL of event attachments, compiled for each backend like the rest of `sql/`.
//!
//! Only metadata lives here; the bytes are in the object store. The caller stores
//! the object first and changes the row afterwards, so a row never names a
//! missing object; the object a change replaced is handed back for removal.

use super::events::event_in;
use super::notifications::event_change;
use super::outbox::record;
use super::{Pools, Tx};
use crate::{AttachmentChange, StoreError};
use boxoffice_domain::{Attachment, DomainEventKind, EventId};
use chrono::{DateTime, Utc};

/// Bumps `updated_at`, re-reads the event and records `event.updated`, then commits.
async fn finish(
    backend: &Pools,
    mut tx: Tx<'_>,
    id: EventId,
    replaced: Option<Attachment>,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<AttachmentChange>, StoreError> {
    sqlx::query("UPDATE events SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    let Some(event) = event_in(&mut tx, id, false).await? else {
        return Ok(None);
    };
    let change = event_change(&mut tx, DomainEventKind::EventUpdated, &event, actor, now).await?;
    record(&mut tx, &change).await?;
    tx.commit().await?;
    backend.outbox_signal().notify_one();
    Ok(Some(AttachmentChange { event, replaced }))
}

impl Pools {
    pub(crate) async fn set_attachment(
        &self,
        id: EventId,
        file: &Attachment,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<AttachmentChange>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(event) = event_in(&mut tx, id, true).await? else {
            return Ok(None);
        };
        let replaced = event.attachment;
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
        .execute(&mut *tx)
        .await?;
        finish(self, tx, id, replaced, actor, now).await
    }

    pub(crate) async fn remove_attachment(
        &self,
        id: EventId,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<AttachmentChange>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(event) = event_in(&mut tx, id, true).await? else {
            return Ok(None);
        };
        let Some(removed) = event.attachment.clone() else {
            // Nothing to remove: nothing changes and nobody is told.
            tx.rollback().await?;
            return Ok(Some(AttachmentChange {
                event,
                replaced: None,
            }));
        };
        sqlx::query("DELETE FROM event_attachments WHERE event_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        finish(self, tx, id, Some(removed), actor, now).await
    }
}
