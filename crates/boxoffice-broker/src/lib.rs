//! The message broker between the event service and the notification service.
//!
//! One interface, two implementations:
//! - [`in_process`]: channels inside one process, the embedded default;
//! - [`rabbitmq`]: RabbitMQ via `lapin`, for several processes (`AMQP_URL`).
//!
//! Two kinds of subscription exist. [`Broker::fanout`] gives every message to
//! every notification process (WebSocket delivery). [`Broker::work`] gives each
//! message to one consumer, which must acknowledge it (notification history,
//! work that must happen once). Delivery is at least once: consumers
//! deduplicate by [`Message::id`].
//!
//! The [`relay`] moves domain events from the outbox table to the broker.

pub mod in_process;
pub mod rabbitmq;
pub mod relay;

use boxoffice_store::Routing;
use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// The durable work queues: each gets every message once, settled by one consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkQueue {
    /// The notification history.
    History,
    /// Routing to people: e-mail, push. Apart from the history, so a slow mail server
    /// never holds the history back.
    Deliveries,
}

/// A published domain event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The domain event's id: unique, used for deduplication.
    pub id: String,
    /// The domain event's kind, e.g. `booking.created`; the routing key on RabbitMQ.
    pub routing_key: String,
    /// JSON of the domain event.
    pub body: Vec<u8>,
}

/// What went wrong talking to the broker.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("broker unavailable: {0}")]
    Unavailable(String),
    #[error("the broker refused the message: {0}")]
    Rejected(String),
}

/// Settles a delivery with the broker.
pub trait Settle: Send + std::fmt::Debug {
    /// Done: the broker forgets the message.
    fn ack(self: Box<Self>) -> BoxFuture<'static, ()>;
    /// Failed: deliver it again later; after repeated failures the broker dead-letters it.
    fn retry(self: Box<Self>) -> BoxFuture<'static, ()>;
}

/// One message handed to a consumer.
#[derive(Debug)]
pub struct Delivery {
    pub message: Message,
    /// True if this message was delivered before (to this or another consumer).
    pub redelivered: bool,
    settle: Box<dyn Settle>,
}

impl Delivery {
    pub fn new(message: Message, redelivered: bool, settle: Box<dyn Settle>) -> Self {
        Delivery {
            message,
            redelivered,
            settle,
        }
    }

    pub async fn ack(self) {
        self.settle.ack().await;
    }

    pub async fn retry(self) {
        self.settle.retry().await;
    }
}

/// A stream of deliveries. Implementations keep it alive across reconnections.
#[derive(Debug)]
pub struct Subscription {
    receiver: mpsc::Receiver<Delivery>,
}

impl Subscription {
    pub fn new(receiver: mpsc::Receiver<Delivery>) -> Self {
        Subscription { receiver }
    }

    /// The next delivery; `None` once the broker is shut down.
    pub async fn next(&mut self) -> Option<Delivery> {
        self.receiver.recv().await
    }

    /// A delivery that is already waiting, if any.
    pub fn try_next(&mut self) -> Option<Delivery> {
        self.receiver.try_recv().ok()
    }
}

/// The broker in use.
#[derive(Debug, Clone)]
pub enum Broker {
    InProcess(in_process::InProcessBroker),
    RabbitMq(rabbitmq::RabbitMqBroker),
}

impl Broker {
    /// The in-process broker: no server, one process.
    pub fn in_process() -> Self {
        Broker::InProcess(in_process::InProcessBroker::new())
    }

    /// RabbitMQ at `url`; connects lazily and reconnects with backoff.
    pub fn rabbitmq(url: &str, settings: rabbitmq::RabbitMqSettings) -> Self {
        Broker::RabbitMq(rabbitmq::RabbitMqBroker::new(url, settings))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Broker::InProcess(_) => "in-process",
            Broker::RabbitMq(_) => "rabbitmq",
        }
    }

    /// Publishes and returns once the broker has taken responsibility for the message.
    pub async fn publish(&self, message: &Message) -> Result<(), BrokerError> {
        match self {
            Broker::InProcess(b) => b.publish(message).await,
            Broker::RabbitMq(b) => b.publish(message).await,
        }
    }

    /// Every message, for this process.
    pub async fn fanout(&self) -> Result<Subscription, BrokerError> {
        match self {
            Broker::InProcess(b) => Ok(b.fanout()),
            Broker::RabbitMq(b) => b.fanout().await,
        }
    }

    /// Each message once across all consumers; deliveries must be settled.
    pub async fn work(&self) -> Result<Subscription, BrokerError> {
        match self {
            Broker::InProcess(b) => Ok(b.work()),
            Broker::RabbitMq(b) => b.work().await,
        }
    }

    /// Each message once across all consumers of the deliveries queue; deliveries must be
    /// settled. RabbitMQ only: the embedded broker keeps nothing across a crash, so its
    /// deliveries are routed from the outbox instead (see [`Broker::routing`]).
    pub async fn deliveries(&self) -> Result<Subscription, BrokerError> {
        match self {
            Broker::InProcess(_) => Err(BrokerError::Unavailable(
                "the embedded broker has no deliveries queue: deliveries are routed from the outbox"
                    .into(),
            )),
            Broker::RabbitMq(b) => b.deliveries().await,
        }
    }

    /// Who routes a published message's deliveries (e-mail, push): RabbitMQ's durable
    /// deliveries queue, or for the embedded broker the routing loop over the outbox.
    pub fn routing(&self) -> Routing {
        match self {
            Broker::InProcess(_) => Routing::FromOutbox,
            Broker::RabbitMq(_) => Routing::OnPublish,
        }
    }

    /// Whether the broker answers (for `/readyz`).
    pub async fn is_ready(&self) -> bool {
        match self {
            Broker::InProcess(_) => true,
            Broker::RabbitMq(b) => b.is_ready().await,
        }
    }
}
