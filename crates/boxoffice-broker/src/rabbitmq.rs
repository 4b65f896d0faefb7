//! RabbitMQ broker (AMQP 0-9-1 via `lapin`), for several processes sharing one broker.
//!
//! The layout is described in `docs/broker.md`: a durable topic exchange, a quorum work
//! queue with a delivery limit and a dead-letter queue, and one durable fan-out queue per
//! notification process that expires once the process has been gone for a while.
//!
//! Publishing shares one connection and one confirm-mode channel per broker value. It never
//! retries on its own: a publish that fails returns an error, the next call reconnects, and
//! the caller (the outbox relay) keeps the message and chooses when to try again.
//!
//! Each subscription owns its connection, held by a background task that reconnects with
//! exponential backoff until the [`Subscription`] is dropped. [`RabbitMqBroker::fanout`] and
//! [`RabbitMqBroker::work`] return only once the queue is declared and consumed, so nothing
//! published after they return is missed; if RabbitMQ cannot be reached at that moment they
//! return [`BrokerError::Unavailable`] and the caller tries again later.

mod consumer;
mod publisher;
mod topology;

use crate::{BrokerError, Message, Subscription};
use consumer::{QueueKind, Source};
use lapin::{Connection, ConnectionProperties};
use publisher::Publisher;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long [`RabbitMqBroker::is_ready`] may take: readiness probes must answer quickly.
const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// Names and limits of the RabbitMQ layout. Every process of one deployment must agree on
/// the names and on `delivery_limit` (RabbitMQ refuses to redeclare a queue with other arguments).
#[derive(Debug, Clone)]
pub struct RabbitMqSettings {
    /// Durable topic exchange every domain event is published to, keyed by its kind.
    pub exchange: String,
    /// Durable quorum queue for work done once (notification history, e-mail).
    pub work_queue: String,
    /// Durable quorum queue for routing notices to people (e-mail, push), apart from the
    /// history so a slow mail server never holds it back.
    pub deliveries_queue: String,
    /// Durable fanout exchange receiving the work messages that kept failing.
    pub dead_letter_exchange: String,
    /// Durable queue bound to the dead-letter exchange, kept for inspection.
    pub dead_letter_queue: String,
    /// Fan-out queues are named `<prefix>.<instance_id>`.
    pub fanout_queue_prefix: String,
    /// Identifies this process; random by default. Setting a stable id (e.g. a pod name)
    /// lets a restarted process pick up what was queued for it while it was down.
    pub instance_id: String,
    /// The work queue's `x-delivery-limit`: a message retried more often than this is
    /// dead-lettered, so it is delivered at most `delivery_limit + 1` times.
    pub delivery_limit: u32,
    /// RabbitMQ deletes a fan-out queue that has had no consumer for this long (`x-expires`).
    pub fanout_queue_expiry: Duration,
    /// Unacknowledged deliveries a consumer may hold (`basic.qos`).
    pub prefetch: u16,
    /// First delay before a subscription reconnects; doubled after each failed attempt.
    pub reconnect_backoff_min: Duration,
    /// Longest delay between two reconnection attempts.
    pub reconnect_backoff_max: Duration,
    /// Bound on connecting and declaring the topology.
    pub connect_timeout: Duration,
    /// Bound on waiting for a publisher confirm, or for an acknowledgement to be sent.
    pub operation_timeout: Duration,
}

impl Default for RabbitMqSettings {
    fn default() -> Self {
        RabbitMqSettings {
            exchange: "boxoffice.events".into(),
            work_queue: "boxoffice.work".into(),
            deliveries_queue: "boxoffice.deliveries".into(),
            dead_letter_exchange: "boxoffice.dead-letter".into(),
            dead_letter_queue: "boxoffice.dead".into(),
            fanout_queue_prefix: "boxoffice.fanout".into(),
            instance_id: uuid::Uuid::new_v4().simple().to_string(),
            delivery_limit: 5,
            fanout_queue_expiry: Duration::from_secs(10 * 60),
            prefetch: 64,
            reconnect_backoff_min: Duration::from_millis(100),
            reconnect_backoff_max: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(10),
        }
    }
}

/// RabbitMQ as the broker. Cheap to clone: clones share the publishing connection.
#[derive(Debug, Clone)]
pub struct RabbitMqBroker {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    endpoint: Endpoint,
    settings: RabbitMqSettings,
    publisher: Publisher,
    /// Fan-out subscriptions opened so far; each gets its own queue. Locked while one
    /// opens, so a failed attempt does not use up a name and the first queue keeps
    /// `<prefix>.<instance_id>`.
    fanouts: Mutex<u32>,
}

impl RabbitMqBroker {
    /// Remembers where RabbitMQ is; connects on first use.
    pub fn new(url: &str, settings: RabbitMqSettings) -> Self {
        let shared = Shared {
            endpoint: Endpoint(url.to_owned()),
            settings,
            publisher: Publisher::default(),
            fanouts: Mutex::new(0),
        };
        RabbitMqBroker {
            shared: Arc::new(shared),
        }
    }

    /// The names and limits in use (the fan-out queue is `<prefix>.<instance_id>`).
    pub fn settings(&self) -> &RabbitMqSettings {
        &self.shared.settings
    }

    /// Publishes persistently and returns once RabbitMQ confirmed it stored the message.
    pub async fn publish(&self, message: &Message) -> Result<(), BrokerError> {
        let shared = &self.shared;
        shared
            .publisher
            .publish(&shared.endpoint, &shared.settings, message)
            .await
    }

    /// Every message from now on, for this process. Calling it again opens another
    /// queue (`<prefix>.<instance_id>.<n>`), so each subscription still sees every message.
    pub async fn fanout(&self) -> Result<Subscription, BrokerError> {
        let mut opened = self.shared.fanouts.lock().await;
        let queue = topology::fanout_queue_name(&self.shared.settings, *opened);
        let subscription = consumer::subscribe(self.source(QueueKind::Fanout, queue)).await?;
        *opened += 1;
        Ok(subscription)
    }

    /// Each message once across all consumers of all processes; deliveries must be settled.
    pub async fn work(&self) -> Result<Subscription, BrokerError> {
        let queue = self.shared.settings.work_queue.clone();
        consumer::subscribe(self.source(QueueKind::Work, queue)).await
    }

    /// Each message once across all consumers of the deliveries queue; deliveries must be settled.
    pub async fn deliveries(&self) -> Result<Subscription, BrokerError> {
        let queue = self.shared.settings.deliveries_queue.clone();
        consumer::subscribe(self.source(QueueKind::Work, queue)).await
    }

    /// Whether RabbitMQ answers now: the publishing connection is up or can be opened
    /// within [`READY_TIMEOUT`].
    pub async fn is_ready(&self) -> bool {
        let shared = &self.shared;
        let connect = shared
            .publisher
            .ensure_connected(&shared.endpoint, &shared.settings);
        matches!(
            tokio::time::timeout(READY_TIMEOUT, connect).await,
            Ok(Ok(()))
        )
    }

    fn source(&self, kind: QueueKind, queue: String) -> Source {
        Source {
            endpoint: self.shared.endpoint.clone(),
            settings: self.shared.settings.clone(),
            kind,
            queue,
        }
    }
}

/// The AMQP URL. Kept out of `Debug` output because it usually carries a password.
#[derive(Clone)]
struct Endpoint(String);

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.0;
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                write!(f, "{}://***@{}", &url[..scheme_end], &url[at + 1..])
            }
            _ => f.write_str(url),
        }
    }
}

/// Connects and prepares the connection with `setup` (a channel, the layout, a consumer),
/// all within the connect timeout. `role` names the connection in RabbitMQ's management UI
/// and `rabbitmqctl list_connections`, which helps when tracing a stuck consumer.
async fn open<T>(
    endpoint: &Endpoint,
    settings: &RabbitMqSettings,
    role: &str,
    setup: impl AsyncFnOnce(&Connection) -> lapin::Result<T>,
) -> Result<(Connection, T), BrokerError> {
    let name = format!("boxoffice {role} {}", settings.instance_id);
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let opening = async {
        let connection = Connection::connect(&endpoint.0, properties).await?;
        let prepared = setup(&connection).await?;
        Ok((connection, prepared))
    };
    match tokio::time::timeout(settings.connect_timeout, opening).await {
        Ok(result) => result.map_err(unavailable),
        Err(_) => Err(BrokerError::Unavailable(format!(
            "RabbitMQ did not answer within {:?}",
            settings.connect_timeout
        ))),
    }
}

fn unavailable(error: lapin::Error) -> BrokerError {
    BrokerError::Unavailable(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_name_the_documented_layout() {
        let settings = RabbitMqSettings::default();
        assert_eq!(settings.exchange, "boxoffice.events");
        assert_eq!(settings.work_queue, "boxoffice.work");
        assert_eq!(settings.deliveries_queue, "boxoffice.deliveries");
        assert_eq!(settings.dead_letter_exchange, "boxoffice.dead-letter");
        assert_eq!(settings.dead_letter_queue, "boxoffice.dead");
        assert_eq!(settings.delivery_limit, 5);
        assert_ne!(
            settings.instance_id,
            RabbitMqSettings::default().instance_id,
            "unique per process"
        );
    }

    #[test]
    fn debug_output_hides_the_password() {
        let broker = RabbitMqBroker::new(
            "amqp://guest:secret@rabbit:5672/%2f",
            RabbitMqSettings::default(),
        );
        let shown = format!("{broker:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("amqp://***@rabbit:5672/%2f"), "{shown}");
    }
}
