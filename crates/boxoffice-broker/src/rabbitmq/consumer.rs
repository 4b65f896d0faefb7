//! Subscriptions: a background task per subscription that consumes one queue and forwards
//! each delivery into the subscription's channel, reconnecting with exponential backoff
//! whenever the connection or channel is lost, until the subscription is dropped.

use super::{Endpoint, RabbitMqSettings, open, topology};
use crate::{BrokerError, Delivery, Message, Settle, Subscription};
use futures::StreamExt;
use futures::future::BoxFuture;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{Acker, Connection, Consumer};
use std::time::Duration;
use tokio::sync::mpsc;

/// Deliveries buffered between the consumer task and the subscriber. Small on purpose:
/// when the subscriber falls behind, messages wait in RabbitMQ rather than in memory.
const CHANNEL_CAPACITY: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QueueKind {
    /// Shared by all consumers; each delivery is settled by the subscriber.
    Work,
    /// This process's own queue; deliveries are acknowledged once handed over.
    Fanout,
}

impl QueueKind {
    /// The `queue` label of the consumed counter: the kind, not the name, since fan-out
    /// queue names are per process and would make the label unbounded.
    fn label(self) -> &'static str {
        match self {
            QueueKind::Work => "work",
            QueueKind::Fanout => "fanout",
        }
    }
}

/// Everything a subscription task needs to (re)open its consumer.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) endpoint: Endpoint,
    pub(super) settings: RabbitMqSettings,
    pub(super) kind: QueueKind,
    pub(super) queue: String,
}

/// Opens the consumer once, then hands it to a task that keeps it alive. Failing here
/// (rather than retrying in the background) means a returned subscription's queue exists.
pub(super) async fn subscribe(source: Source) -> Result<Subscription, BrokerError> {
    let session = Session::open(&source).await?;
    tracing::info!(queue = %source.queue, "consuming from RabbitMQ");
    let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
    tokio::spawn(keep_consuming(source, session, sender));
    Ok(Subscription::new(receiver))
}

/// One connection consuming one queue.
#[derive(Debug)]
struct Session {
    connection: Connection,
    consumer: Consumer,
}

/// Why a session stopped.
enum Ended {
    /// The subscription was dropped: stop for good.
    Unsubscribed,
    /// The connection, channel or consumer went away: reconnect.
    Lost(String),
}

impl Session {
    async fn open(source: &Source) -> Result<Session, BrokerError> {
        let role = source.kind.label();
        let (connection, consumer) = open(&source.endpoint, &source.settings, role, async |c| {
            start_consumer(c, source).await
        })
        .await?;
        Ok(Session {
            connection,
            consumer,
        })
    }

    /// Forwards deliveries until the connection is lost or the subscriber goes away.
    async fn forward(&mut self, source: &Source, sender: &mpsc::Sender<Delivery>) -> Ended {
        loop {
            let next = tokio::select! {
                next = self.consumer.next() => next,
                () = sender.closed() => return Ended::Unsubscribed,
            };
            let delivery = match next {
                Some(Ok(delivery)) => delivery,
                Some(Err(error)) => return Ended::Lost(error.to_string()),
                None => return Ended::Lost("the consumer was cancelled".into()),
            };
            if !hand_over(delivery, source, sender).await {
                return Ended::Unsubscribed;
            }
        }
    }

    /// Closes the connection; RabbitMQ requeues whatever work was not settled.
    async fn close(self) {
        let closing = self.connection.close(200, "subscription dropped".into());
        let _ = tokio::time::timeout(Duration::from_secs(1), closing).await;
    }
}

async fn start_consumer(connection: &Connection, source: &Source) -> lapin::Result<Consumer> {
    let channel = connection.create_channel().await?;
    topology::declare_shared(&channel, &source.settings).await?;
    if source.kind == QueueKind::Fanout {
        topology::declare_fanout_queue(&channel, &source.settings, &source.queue).await?;
    }
    channel
        .basic_qos(source.settings.prefetch, BasicQosOptions::default())
        .await?;
    let options = BasicConsumeOptions::default(); // manual acknowledgement
    channel
        .basic_consume(
            topology::short(&source.queue),
            "".into(),
            options,
            FieldTable::default(),
        )
        .await
}

/// The subscription task: consume, and after a loss reconnect, until unsubscribed.
async fn keep_consuming(source: Source, mut session: Session, sender: mpsc::Sender<Delivery>) {
    let mut backoff = Backoff::new(
        source.settings.reconnect_backoff_min,
        source.settings.reconnect_backoff_max,
    );
    loop {
        match session.forward(&source, &sender).await {
            Ended::Unsubscribed => {
                tracing::debug!(queue = %source.queue, "subscription dropped; closing its RabbitMQ connection");
                session.close().await;
                return;
            }
            Ended::Lost(reason) => {
                tracing::warn!(queue = %source.queue, %reason, "RabbitMQ consumer connection lost; reconnecting");
            }
        }
        drop(session);
        match reconnect(&source, &sender, &mut backoff).await {
            Some(reopened) => session = reopened,
            None => return,
        }
    }
}

/// Retries with backoff until a session opens, or gives up when the subscriber is gone.
async fn reconnect(
    source: &Source,
    sender: &mpsc::Sender<Delivery>,
    backoff: &mut Backoff,
) -> Option<Session> {
    loop {
        let delay = backoff.next_delay();
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = sender.closed() => return None,
        }
        match Session::open(source).await {
            Ok(session) => {
                backoff.reset();
                metrics::counter!("boxoffice_broker_reconnects_total").increment(1);
                tracing::info!(queue = %source.queue, "RabbitMQ consumer reconnected");
                return Some(session);
            }
            Err(error) => {
                tracing::warn!(queue = %source.queue, %error, retry_in = ?backoff.peek(), "RabbitMQ reconnect failed");
            }
        }
    }
}

/// Passes one delivery to the subscriber. False once the subscriber is gone.
async fn hand_over(
    delivery: lapin::message::Delivery,
    source: &Source,
    sender: &mpsc::Sender<Delivery>,
) -> bool {
    let lapin::message::Delivery {
        routing_key,
        redelivered,
        properties,
        data,
        acker,
        ..
    } = delivery;
    let settle = AmqpSettle {
        acker,
        within: source.settings.operation_timeout,
    };
    let Some(id) = properties.message_id().as_ref().map(|id| id.to_string()) else {
        discard_anonymous(settle, source).await;
        return true;
    };
    let message = Message {
        id,
        routing_key: routing_key.to_string(),
        body: data,
    };
    let handed = match source.kind {
        QueueKind::Work => Delivery::new(message, redelivered, Box::new(settle.clone())),
        QueueKind::Fanout => Delivery::new(message, redelivered, Box::new(AlreadyAcked)),
    };
    if sender.send(handed).await.is_err() {
        return false;
    }
    metrics::counter!("boxoffice_broker_consumed_total", "queue" => source.kind.label())
        .increment(1);
    if source.kind == QueueKind::Fanout {
        // Safe to forget now: the subscriber has it, and a copy lost in a crash of this
        // process would have gone to WebSocket clients that are disconnected by that crash.
        // In its own task, so an ack stuck on a dying connection cannot delay noticing the
        // loss and reconnecting.
        tokio::spawn(async move { settle.send_ack().await });
    }
    true
}

/// Our publisher always sets a message id, which consumers deduplicate by; a message
/// without one came from elsewhere. Work messages go to the dead-letter queue for a look.
async fn discard_anonymous(settle: AmqpSettle, source: &Source) {
    tracing::warn!(queue = %source.queue, "discarding a RabbitMQ message without message_id");
    match source.kind {
        QueueKind::Work => settle.send_nack(false).await,
        QueueKind::Fanout => settle.send_ack().await,
    }
}

/// Settles a delivery on the channel it came from.
#[derive(Debug, Clone)]
struct AmqpSettle {
    acker: Acker,
    /// lapin (4.12) never resolves an acknowledgement sent just as the connection drops;
    /// without a bound, a subscriber settling it would wait forever.
    within: Duration,
}

impl AmqpSettle {
    async fn send_ack(&self) {
        self.finish(self.acker.ack(BasicAckOptions::default()))
            .await;
    }

    async fn send_nack(&self, requeue: bool) {
        let options = BasicNackOptions {
            requeue,
            ..BasicNackOptions::default()
        };
        self.finish(self.acker.nack(options)).await;
    }

    /// A settlement that cannot reach RabbitMQ needs no handling: the connection is gone,
    /// so RabbitMQ requeues the message and delivers it again (consumers deduplicate).
    async fn finish(&self, settling: impl Future<Output = lapin::Result<bool>>) {
        match tokio::time::timeout(self.within, settling).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::debug!(%error, "could not settle a RabbitMQ delivery; it will be redelivered");
            }
            Err(_) => {
                tracing::debug!("settling a RabbitMQ delivery timed out; it will be redelivered")
            }
        }
    }
}

impl Settle for AmqpSettle {
    fn ack(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move { self.send_ack().await })
    }

    /// Requeues; the quorum queue counts it, and dead-letters the message past the limit.
    fn retry(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move { self.send_nack(true).await })
    }
}

/// Fan-out deliveries are acknowledged when handed over; settling them does nothing.
#[derive(Debug)]
struct AlreadyAcked;

impl Settle for AlreadyAcked {
    fn ack(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }

    fn retry(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

/// Exponential backoff with jitter: after a RabbitMQ restart, the processes that lost
/// their connections do not all knock again at the same instant.
#[derive(Debug)]
struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    fn new(min: Duration, max: Duration) -> Self {
        Backoff {
            min,
            max: max.max(min),
            next: min,
        }
    }

    /// Somewhere between half and all of the current step; the step then doubles up to `max`.
    fn next_delay(&mut self) -> Duration {
        let step = self.next;
        self.next = (step * 2).min(self.max);
        let half = step / 2;
        half + half.mul_f64(rand::random::<f64>())
    }

    /// The step the next delay will be drawn from (for logs).
    fn peek(&self) -> Duration {
        self.next
    }

    fn reset(&mut self) {
        self.next = self.min;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum_and_resets() {
        let (min, max) = (Duration::from_millis(100), Duration::from_secs(5));
        let mut backoff = Backoff::new(min, max);
        let mut step = min;
        for _ in 0..10 {
            let delay = backoff.next_delay();
            assert!(
                delay >= step / 2 && delay <= step,
                "{delay:?} within half of {step:?}"
            );
            step = (step * 2).min(max);
        }
        assert_eq!(backoff.peek(), max);
        backoff.reset();
        assert!(backoff.next_delay() <= min);
    }
}
