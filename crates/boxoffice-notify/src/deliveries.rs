//! The deliveries consumer: takes each domain event once (its own work queue, apart from
//! the history), enriches it, routes it, sends, and records every attempt.
//!
//! Each send is tried a few times with a growing pause. A send that still fails is
//! recorded as failed and the message goes back to the broker; when it comes back, what
//! was already sent is not sent again, and after the broker's delivery limit the message
//! ends in the dead-letter queue.

use crate::enrich::{EnrichError, Enriched, Enricher};
use crate::router::{Plan, Send};
use boxoffice_broker::{Delivery, Subscription};
use boxoffice_channels::{
    Channel, DeliveryAttempt, DeliveryStatus, Mailer, PushChannel, Templates,
};
use boxoffice_domain::{DomainEvent, PublicUrl, TicketKey};
use boxoffice_store::{DeliveryRecord, Store};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What the deliveries consumer sends with, and how hard it tries.
#[derive(Clone)]
pub struct DeliverySettings {
    /// `None`: e-mail is not configured (recorded as skipped).
    pub mailer: Option<Mailer>,
    /// `None`: push is not configured (recorded as skipped).
    pub push: Option<Arc<dyn PushChannel>>,
    /// Where links in messages point.
    pub public_url: Option<PublicUrl>,
    /// Signs the tickets attached to booking confirmations (the event service's key);
    /// `None`: confirmations go without a ticket.
    pub tickets: Option<TicketKey>,
    /// Tries of one send within one delivery of the message.
    pub tries: u32,
    /// Tries of the enrichment within one delivery: the broker hands a message back at
    /// once, so the pause between these is what lets a store or an event service that
    /// failed for a moment come back before the delivery limit dead-letters the message.
    pub enrich_tries: u32,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

impl std::fmt::Debug for DeliverySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliverySettings")
            .field("mailer", &self.mailer)
            .field("push", &self.push.is_some())
            .field("public_url", &self.public_url)
            .field("tries", &self.tries)
            .field("enrich_tries", &self.enrich_tries)
            .finish()
    }
}

impl DeliverySettings {
    pub fn new(mailer: Option<Mailer>, public_url: Option<PublicUrl>) -> Self {
        DeliverySettings {
            mailer,
            push: None,
            public_url,
            tickets: None,
            tries: 3,
            enrich_tries: 4,
            backoff_min: Duration::from_millis(200),
            backoff_max: Duration::from_secs(2),
        }
    }
}

/// Routes domain events to people; cheap to clone.
#[derive(Debug, Clone)]
pub struct Router {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    enricher: Enricher,
    templates: Templates,
    settings: DeliverySettings,
}

/// How handling one message ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was sent, skipped, or failed for good: settle the message.
    Done,
    /// Something may work later: deliver the message again.
    Retry,
}

impl Router {
    /// A router gathering facts with `enricher` (the store in one process, the event
    /// service when running apart).
    pub fn new(store: Store, enricher: Enricher, settings: DeliverySettings) -> Self {
        Router {
            inner: Arc::new(Inner {
                enricher,
                store,
                templates: Templates::new(),
                settings,
            }),
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Consumes the deliveries queue until `stop` (then handles what is already queued) or
    /// until the broker shuts down.
    pub async fn consume(self, mut subscription: Subscription, stop: CancellationToken) {
        while let Some(delivery) = crate::consumer::next_until(&mut subscription, &stop).await {
            self.settle(delivery).await;
        }
    }

    async fn settle(&self, delivery: Delivery) {
        let change: DomainEvent = match serde_json::from_slice(&delivery.message.body) {
            Ok(change) => change,
            Err(err) => {
                tracing::error!(step = "parse", error = %err, "malformed domain event");
                // Never valid: the broker dead-letters it after its retries.
                delivery.retry().await;
                return;
            }
        };
        match self.handle(&change).await {
            Outcome::Done => delivery.ack().await,
            Outcome::Retry => delivery.retry().await,
        }
    }

    /// Enriches, routes and sends one domain event; every attempt is recorded.
    pub async fn handle(&self, change: &DomainEvent) -> Outcome {
        let inner = &self.inner;
        let started = std::time::Instant::now();
        let source = inner.enricher.source().as_str();
        let facts = match self.enrich(change).await {
            Ok(Some(facts)) => facts,
            Ok(None) => {
                tracing::info!(step = "enrich", notification = %change.id, kind = %change.kind, source, elapsed_ms = started.elapsed().as_millis() as u64, outcome = "nothing to send");
                return Outcome::Done;
            }
            Err(err) => {
                metrics::counter!("boxoffice_notification_enrich_failures_total").increment(1);
                tracing::warn!(step = "enrich", notification = %change.id, kind = %change.kind, source, elapsed_ms = started.elapsed().as_millis() as u64, error = %err, "enrichment failed; will retry");
                return Outcome::Retry;
            }
        };
        tracing::info!(
            step = "enrich",
            notification = %change.id,
            kind = %change.kind,
            source,
            from_message = change.farewell.is_some(),
            attendees = facts.attendees.len(),
            booker = facts.booker.is_some(),
            organizer = facts.organizer.is_some(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "enriched"
        );
        let plan = Plan {
            change,
            facts: &facts,
            public_url: inner.settings.public_url.as_ref(),
            templates: &inner.templates,
            mail_configured: inner.settings.mailer.is_some(),
            push_configured: inner.settings.push.is_some(),
            tickets: inner.settings.tickets.as_ref(),
        };
        let sends = plan.sends();
        tracing::info!(step = "route", notification = %change.id, kind = %change.kind, sends = sends.len(), "routed");
        let earlier = match inner.store.deliveries_of(&change.id).await {
            Ok(records) => records,
            Err(err) => {
                tracing::warn!(step = "route", notification = %change.id, error = %err, "reading earlier attempts failed; will retry");
                return Outcome::Retry;
            }
        };
        let earlier: HashMap<(String, Channel, String), DeliveryRecord> = earlier
            .into_iter()
            .map(|r| ((r.notice.clone(), r.channel, r.recipient.clone()), r))
            .collect();
        let mut outcome = Outcome::Done;
        for send in sends {
            let notice = send.notice();
            let (channel, recipient) = send.key();
            let key = (notice.name().to_owned(), channel, recipient);
            let before = earlier.get(&key);
            if before.is_some_and(|r| r.status == DeliveryStatus::Sent) {
                continue;
            }
            let tried = before.map_or(0, |r| r.attempts.max(0) as u32);
            let (attempts, again) = self.send(send, tried).await;
            if again {
                outcome = Outcome::Retry;
            }
            for attempt in attempts {
                attempt.report(&change.id);
                let record = DeliveryRecord {
                    message_id: change.id.clone(),
                    notice: notice.name().to_owned(),
                    channel: attempt.channel,
                    recipient: attempt.recipient.clone(),
                    status: attempt.status,
                    error: attempt.error.clone(),
                    attempts: attempt.attempts as i32,
                };
                if let Err(err) = inner.store.record_delivery(&record, Utc::now()).await {
                    tracing::warn!(step = "record", notification = %change.id, error = %err, "recording a delivery failed; will retry");
                    outcome = Outcome::Retry;
                }
            }
        }
        outcome
    }

    /// Enriches `change`, trying again with a growing pause.
    async fn enrich(&self, change: &DomainEvent) -> Result<Option<Enriched>, EnrichError> {
        let settings = &self.inner.settings;
        let mut pause = settings.backoff_min;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.inner.enricher.enrich(change).await {
                Err(err) if attempt < settings.enrich_tries => {
                    tracing::info!(step = "enrich", notification = %change.id, source = self.inner.enricher.source().as_str(), attempt, error = %err, retry_in_ms = pause.as_millis() as u64, "enrichment failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(settings.backoff_max);
                }
                result => return result,
            }
        }
    }

    /// Sends one message, trying again with a growing pause; `tried` counts earlier
    /// deliveries. Also says whether the message is worth delivering again later.
    ///
    /// Push makes one attempt per device (the sender's contract) and is not repeated:
    /// its outcome is per device, and the devices that got it must not get it twice.
    async fn send(&self, send: Send, tried: u32) -> (Vec<DeliveryAttempt>, bool) {
        let settings = &self.inner.settings;
        match send {
            Send::Skip { attempt, .. } => (vec![attempt], false),
            Send::Push { user, note, .. } => match &settings.push {
                Some(push) => (push.push(user, note).await, false),
                None => (
                    vec![DeliveryAttempt::skipped(
                        Channel::Push,
                        format!("user:{}", user.0),
                        "push is not configured",
                    )],
                    false,
                ),
            },
            Send::Email { mail, .. } => {
                let Some(mailer) = &settings.mailer else {
                    let skipped = DeliveryAttempt::skipped(
                        Channel::Email,
                        mail.to_address.clone(),
                        "e-mail is not configured",
                    );
                    return (vec![skipped], false);
                };
                let mut pause = settings.backoff_min;
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    match mailer.send(&mail).await {
                        Ok(()) => {
                            let sent = DeliveryAttempt::sent(
                                Channel::Email,
                                mail.to_address.clone(),
                                tried + attempt,
                            );
                            return (vec![sent], false);
                        }
                        Err(err) if err.is_transient() && attempt < settings.tries => {
                            tracing::info!(step = "deliver", channel = "email", recipient = %mail.to_address, attempt, error = %err, retry_in_ms = pause.as_millis() as u64, "send failed; trying again");
                            tokio::time::sleep(pause).await;
                            pause = (pause * 2).min(settings.backoff_max);
                        }
                        Err(err) => {
                            let failed = DeliveryAttempt::failed(
                                Channel::Email,
                                mail.to_address.clone(),
                                err.to_string(),
                                tried + attempt,
                            );
                            // A bad message stays bad; a server that failed may answer later.
                            return (vec![failed], err.is_transient());
                        }
                    }
                }
            }
        }
    }
}
