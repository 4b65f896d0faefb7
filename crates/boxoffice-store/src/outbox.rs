//! The outbox as the relay and the routing of deliveries see it.
//!
//! A domain event is written with its change, then published by the relay (WebSocket
//! frames, history), then routed: its e-mails and pushes sent and recorded. On RabbitMQ the
//! broker's durable deliveries queue takes over at publishing; on the embedded broker the
//! outbox row itself is that queue, so a slow mail server never holds back publishing and
//! a crash loses no delivery.

use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::Notify;

/// A domain event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    /// Position in the outbox.
    pub id: i64,
    /// The domain event's id.
    pub message_id: String,
    /// e.g. `booking.created`.
    pub kind: String,
    /// JSON of the domain event.
    pub payload: String,
}

/// A published message whose deliveries are still to be routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnroutedMessage {
    pub message: OutboxMessage,
    /// Claims of this message for routing so far, this one included.
    pub attempts: u32,
}

/// Who routes a published message's deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// The broker keeps a durable deliveries queue: routed as soon as it is published.
    OnPublish,
    /// The routing loop takes it from the outbox once it is published.
    FromOutbox,
}

impl Store {
    /// Woken after every commit of this process that wrote to the outbox.
    pub fn outbox_signal(&self) -> Arc<Notify> {
        dispatch!(self, b => b.outbox_signal().clone())
    }

    /// Woken when this process published messages whose deliveries are routed from the outbox.
    pub fn routing_signal(&self) -> Arc<Notify> {
        dispatch!(self, b => b.routing_signal().clone())
    }

    /// Claims up to `limit` unpublished outbox messages for `lease`.
    pub async fn claim_outbox(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        dispatch!(self, b => b.claim_outbox(limit, now, lease).await)
    }

    /// Marks outbox messages published (and routed, if the broker routes them).
    pub async fn mark_published(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
        routing: Routing,
    ) -> Result<(), StoreError> {
        dispatch!(self, b => b.mark_published(ids, now, routing).await)?;
        if routing == Routing::FromOutbox && !ids.is_empty() {
            self.routing_signal().notify_one();
        }
        Ok(())
    }

    pub async fn release_claims(&self, ids: &[i64]) -> Result<(), StoreError> {
        dispatch!(self, b => b.release_claims(ids).await)
    }

    /// Unpublished messages and the age of the oldest, in seconds.
    pub async fn outbox_backlog(&self, now: DateTime<Utc>) -> Result<(i64, f64), StoreError> {
        dispatch!(self, b => b.outbox_backlog(now).await)
    }

    /// Claims up to `limit` published, unrouted messages for `lease`, counting the attempt.
    pub async fn claim_unrouted(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<UnroutedMessage>, StoreError> {
        dispatch!(self, b => b.claim_unrouted(limit, now, lease).await)
    }

    /// Marks messages routed: each delivery is recorded as sent, skipped or failed for good.
    pub async fn mark_routed(&self, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
        dispatch!(self, b => b.mark_routed(ids, now).await)
    }

    /// Leaves messages to be routed again no sooner than `not_before`.
    pub async fn defer_routing(
        &self,
        ids: &[i64],
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, b => b.defer_routing(ids, not_before).await)
    }

    /// Published messages whose deliveries are not yet routed, and the age of the oldest, in seconds.
    pub async fn routing_backlog(&self, now: DateTime<Utc>) -> Result<(i64, f64), StoreError> {
        dispatch!(self, b => b.routing_backlog(now).await)
    }

    /// Forgets messages published and routed before `before`.
    pub async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, b => b.purge_outbox(before).await)
    }
}
