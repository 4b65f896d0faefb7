//! A write transaction on either backend: the unit a use case composes store functions in.
//!
//! Each method runs one backend's SQL (from `sql/`) in the open transaction. Dropping a
//! `WriteTx` without committing rolls it back.

use crate::{BookingFor, IdempotencyKey, KeyClaim, SeatBooked, SeatsAfter, StoreError};
use boxoffice_domain::{Booking, BookingId, BookingRefusal, DomainEvent, EventId, SecretHash};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Sqlite, Transaction};
use std::sync::Arc;
use tokio::sync::Notify;

/// The savepoint a use case may roll back to while keeping the rest of its transaction.
const SAVEPOINT: &str = "use_case_attempt";

/// An open write transaction.
#[derive(Debug)]
pub struct WriteTx {
    inner: Inner,
    /// Woken on commit if the transaction appended to the outbox.
    outbox_signal: Arc<Notify>,
    wrote_outbox: bool,
}

#[derive(Debug)]
enum Inner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same call on whichever backend the transaction belongs to, with that
/// backend's `sql` modules in scope.
macro_rules! on_tx {
    ($self:ident, $tx:ident => $call:expr) => {
        match &mut $self.inner {
            Inner::Sqlite($tx) => {
                #[allow(unused_imports)]
                use crate::sqlite::sql::*;
                $call
            }
            Inner::Postgres($tx) => {
                #[allow(unused_imports)]
                use crate::postgres::sql::*;
                $call
            }
        }
    };
}

impl WriteTx {
    pub(crate) fn sqlite(tx: Transaction<'static, Sqlite>, signal: &Arc<Notify>) -> Self {
        Self::new(Inner::Sqlite(tx), signal)
    }

    pub(crate) fn postgres(tx: Transaction<'static, Postgres>, signal: &Arc<Notify>) -> Self {
        Self::new(Inner::Postgres(tx), signal)
    }

    fn new(inner: Inner, signal: &Arc<Notify>) -> Self {
        WriteTx {
            inner,
            outbox_signal: signal.clone(),
            wrote_outbox: false,
        }
    }

    /// Commits, then wakes this process's outbox relay if a domain event was recorded.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Sqlite(tx) => tx.commit().await?,
            Inner::Postgres(tx) => tx.commit().await?,
        }
        if self.wrote_outbox {
            self.outbox_signal.notify_one();
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Sqlite(tx) => tx.rollback().await?,
            Inner::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    /// Marks a point [`WriteTx::rollback_to_savepoint`] can return to (one at a time).
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        let sql = format!("SAVEPOINT {SAVEPOINT}");
        on_tx!(self, tx => sqlx::query(&sql).execute(&mut **tx).await.map(drop))?;
        Ok(())
    }

    /// Undoes everything since [`WriteTx::savepoint`], keeping what came before.
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        let sql = format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}");
        on_tx!(self, tx => sqlx::query(&sql).execute(&mut **tx).await.map(drop))?;
        Ok(())
    }

    /// Appends a domain event to the outbox; it is published once the transaction commits.
    pub async fn record(&mut self, change: &DomainEvent) -> Result<(), StoreError> {
        on_tx!(self, tx => outbox::record(tx, change).await)?;
        self.wrote_outbox = true;
        Ok(())
    }

    /// Takes an idempotency key for this transaction, or tells what its first use produced.
    pub async fn claim_key(
        &mut self,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, StoreError> {
        on_tx!(self, tx => idempotency::claim_key(tx, key, now).await)
    }

    /// Stores the (serialized) outcome of the request holding `key`.
    pub async fn record_outcome(
        &mut self,
        key: &IdempotencyKey,
        outcome: &str,
    ) -> Result<(), StoreError> {
        on_tx!(self, tx => idempotency::record_outcome(tx, key, outcome).await)
    }

    /// Books one seat, or says why not. The database decides: a conditional increment
    /// refuses a full or closed event, a partial unique index a second active booking.
    /// On a refusal the caller rolls back (the seat may have been counted).
    pub async fn book_seat(
        &mut self,
        event: EventId,
        who: &BookingFor,
        cancel_token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Result<SeatBooked, BookingRefusal>, StoreError> {
        on_tx!(self, tx => bookings::book_seat(tx, event, who, cancel_token, now).await)
    }

    /// Cancels a confirmed booking, freeing its seat; `None` if it was not confirmed.
    pub async fn cancel_booking(
        &mut self,
        id: BookingId,
        now: DateTime<Utc>,
    ) -> Result<Option<SeatsAfter>, StoreError> {
        on_tx!(self, tx => bookings::cancel_booking(tx, id, now).await)
    }

    /// A booking as this transaction sees it.
    pub async fn booking(&mut self, id: BookingId) -> Result<Option<Booking>, StoreError> {
        on_tx!(self, tx => bookings::booking_in(tx, id).await)
    }
}
