//! The SQL of Boxoffice, written once and compiled for each backend, one file per aggregate.
//!
//! Included as a child module by `sqlite.rs` and `postgres.rs`; `super::Db` is the
//! concrete database, `super::FOR_UPDATE` the row-lock clause, `super::SKIP_LOCKED`
//! the clause that lets relays skip each other's rows, `super::LEAST` the two-argument
//! minimum and `super::epoch_seconds` a timestamp as Unix seconds. Functions taking a `Tx`
//! run in the caller's transaction; methods of `Pools` read from the pool. The relay and the
//! notification history write through `background()`, which PostgreSQL keeps apart from
//! the requests' pool.

pub(crate) mod attachments;
pub(crate) mod attendees;
pub(crate) mod bookings;
pub(crate) mod channels;
mod dashboard;
mod distance;
pub(crate) mod events;
mod export;
pub(crate) mod holds;
pub(crate) mod idempotency;
pub(crate) mod invariants;
pub(crate) mod notifications;
pub(crate) mod outbox;
pub(crate) mod recipients;
pub(crate) mod tickets;
pub(crate) mod users;
pub(crate) mod waitlist;
pub(crate) mod webhook_sending;
pub(crate) mod webhooks;

pub(crate) use super::{Db, FOR_UPDATE, LEAST, Pools, SKIP_LOCKED, epoch_seconds};

use boxoffice_domain::{Page, PageRequest};

/// A write transaction on this backend.
pub(crate) type Tx<'t> = sqlx::Transaction<'t, Db>;

fn page_of<T>(items: Vec<T>, total: i64, request: PageRequest) -> Page<T> {
    Page {
        items,
        total,
        request,
    }
}

impl Pools {
    pub(crate) async fn ping(&self) -> Result<(), crate::StoreError> {
        sqlx::query("SELECT 1").execute(self.reader()).await?;
        Ok(())
    }

    pub(crate) async fn execute_script(&self, sql: &str) -> Result<(), crate::StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
