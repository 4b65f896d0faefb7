//! The embedded broker: channels inside one process.
//!
//! Fan-out subscribers each get every message; the work queue hands each
//! message to one consumer and takes it back on `retry`, dead-lettering it
//! (logged and counted) after [`MAX_DELIVERIES`] attempts.
//!
//! Nothing here survives the process, so [`InProcessBroker::publish`] returns only
//! once a work consumer has acknowledged the message, that is after its work
//! committed. The relay marks an outbox row published after that: a crash in
//! between leaves the row unpublished, and it is delivered again on restart.
//! Deliveries to people (e-mail, push) do not go through here: they are routed from
//! the outbox once a message is published, so a slow mail server never holds back
//! the WebSocket frames and the history.

use crate::{BrokerError, Delivery, Message, Settle, Subscription, WorkQueue};
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Deliveries of one message before it is dead-lettered.
pub const MAX_DELIVERIES: u32 = 5;

/// Room in each subscriber's channel; publishing waits when a consumer falls this far behind.
const CHANNEL_CAPACITY: usize = 4096;

#[derive(Debug, Default)]
struct Shared {
    fanout: Vec<mpsc::Sender<Delivery>>,
    /// The history lane always exists; the deliveries lane from its first subscription on.
    lanes: HashMap<WorkQueue, Lane>,
}

/// One work queue: its consumers, served in turn.
#[derive(Debug, Default)]
struct Lane {
    consumers: Vec<mpsc::Sender<Delivery>>,
    next: usize,
    /// Messages published before any consumer of this lane existed.
    backlog: Vec<(Message, Done)>,
}

/// Told once the work consumer has settled a message for good.
type Done = Option<oneshot::Sender<()>>;

/// Channels shared by every publisher and subscriber of this process.
#[derive(Debug, Clone, Default)]
pub struct InProcessBroker {
    shared: Arc<Mutex<Shared>>,
}

#[derive(Debug)]
struct FanoutSettle;

impl Settle for FanoutSettle {
    fn ack(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
    fn retry(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

#[derive(Debug)]
struct WorkSettle {
    broker: InProcessBroker,
    lane: WorkQueue,
    message: Message,
    deliveries: u32,
    done: Done,
}

impl Settle for WorkSettle {
    fn ack(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            if let Some(done) = self.done {
                let _ = done.send(());
            }
        })
    }

    fn retry(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            if self.deliveries >= MAX_DELIVERIES {
                tracing::error!(message.id = %self.message.id, "message dead-lettered after repeated failures");
                metrics::counter!("boxoffice_broker_dead_lettered_total").increment(1);
                // Settled for good: the publisher stops waiting, like RabbitMQ's dead-letter queue.
                if let Some(done) = self.done {
                    let _ = done.send(());
                }
                return;
            }
            self.broker
                .send_work(self.lane, self.message, self.deliveries, self.done)
                .await;
        })
    }
}

impl InProcessBroker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands the message to every fan-out subscriber and to one work consumer, and
    /// returns once that consumer has acknowledged it (or it was dead-lettered).
    pub async fn publish(&self, message: &Message) -> Result<(), BrokerError> {
        // Handed over before the first await: the relay publishes a batch at once, and a
        // publish that waited here could be overtaken by a later one (seat counts would then
        // reach watchers out of order). Only a subscriber 4,096 messages behind is waited for.
        let fanout: Vec<_> = self.shared.lock().expect("broker lock").fanout.clone();
        let mut full = Vec::new();
        for subscriber in fanout {
            let delivery = Delivery::new(message.clone(), false, Box::new(FanoutSettle));
            // A closed subscriber has gone away; the others still get the message.
            if let Err(mpsc::error::TrySendError::Full(delivery)) = subscriber.try_send(delivery) {
                full.push((subscriber, delivery));
            }
        }
        for (subscriber, delivery) in full {
            let _ = subscriber.send(delivery).await;
        }
        let lanes: Vec<WorkQueue> = {
            let mut shared = self.shared.lock().expect("broker lock");
            shared.lanes.entry(WorkQueue::History).or_default();
            shared.lanes.keys().copied().collect()
        };
        let mut settled = Vec::with_capacity(lanes.len());
        for lane in lanes {
            let (done, settle) = oneshot::channel();
            self.send_work(lane, message.clone(), 0, Some(done)).await;
            settled.push(settle);
        }
        // Each lane settles on its own; the publisher waits for all of them.
        for outcome in futures::future::join_all(settled).await {
            outcome.map_err(|_| {
                BrokerError::Unavailable("a consumer stopped before settling the message".into())
            })?;
        }
        metrics::counter!("boxoffice_broker_published_total").increment(1);
        Ok(())
    }

    /// Hands a message to the lane's next consumer (round robin), or keeps it until one exists.
    async fn send_work(&self, lane: WorkQueue, message: Message, deliveries: u32, done: Done) {
        loop {
            let worker = {
                let mut shared = self.shared.lock().expect("broker lock");
                let lane = shared.lanes.entry(lane).or_default();
                lane.consumers.retain(|w| !w.is_closed());
                if lane.consumers.is_empty() {
                    lane.backlog.push((message, done));
                    return;
                }
                lane.next = (lane.next + 1) % lane.consumers.len();
                lane.consumers[lane.next].clone()
            };
            // A consumer that went away refuses the permit; the next one is tried.
            let Ok(permit) = worker.reserve().await else {
                continue;
            };
            let settle = WorkSettle {
                broker: self.clone(),
                lane,
                message: message.clone(),
                deliveries: deliveries + 1,
                done,
            };
            permit.send(Delivery::new(message, deliveries > 0, Box::new(settle)));
            return;
        }
    }

    pub fn fanout(&self) -> Subscription {
        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let mut shared = self.shared.lock().expect("broker lock");
        shared.fanout.retain(|s| !s.is_closed());
        shared.fanout.push(sender);
        Subscription::new(receiver)
    }

    /// Consumes the history work queue.
    pub fn work(&self) -> Subscription {
        self.consume(WorkQueue::History)
    }

    /// Consumes `queue`. The deliveries queue exists from its first subscription on;
    /// messages published before that are not kept for it.
    pub fn consume(&self, queue: WorkQueue) -> Subscription {
        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let backlog = {
            let mut shared = self.shared.lock().expect("broker lock");
            let lane = shared.lanes.entry(queue).or_default();
            lane.consumers.push(sender);
            std::mem::take(&mut lane.backlog)
        };
        let broker = self.clone();
        tokio::spawn(async move {
            for (message, done) in backlog {
                broker.send_work(queue, message, 0, done).await;
            }
        });
        Subscription::new(receiver)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str) -> Message {
        Message {
            id: id.into(),
            routing_key: "event.created".into(),
            body: b"{}".to_vec(),
        }
    }

    /// Acknowledges every work delivery, as the history recorder does.
    fn acknowledge_all(broker: &InProcessBroker) {
        let mut work = broker.work();
        tokio::spawn(async move {
            while let Some(delivery) = work.next().await {
                delivery.ack().await;
            }
        });
    }

    #[tokio::test]
    async fn every_fanout_subscriber_gets_every_message() {
        let broker = InProcessBroker::new();
        acknowledge_all(&broker);
        let (mut a, mut b) = (broker.fanout(), broker.fanout());
        broker.publish(&message("1")).await.unwrap();
        assert_eq!(a.next().await.unwrap().message.id, "1");
        assert_eq!(b.next().await.unwrap().message.id, "1");
    }

    #[tokio::test]
    async fn a_batch_published_at_once_reaches_fanout_subscribers_in_order() {
        // The relay publishes a claimed batch concurrently; seat counts must still arrive in
        // outbox order, or a watcher's last frame could be an older count.
        let broker = InProcessBroker::new();
        acknowledge_all(&broker);
        let mut feed = broker.fanout();
        let batch: Vec<Message> = (0..500).map(|n| message(&n.to_string())).collect();
        let outcomes = futures::future::join_all(batch.iter().map(|m| broker.publish(m))).await;
        assert!(outcomes.iter().all(Result::is_ok));
        for n in 0..500 {
            assert_eq!(feed.next().await.unwrap().message.id, n.to_string());
        }
    }

    #[tokio::test]
    async fn work_published_before_a_consumer_exists_is_kept() {
        let broker = InProcessBroker::new();
        let publisher = broker.clone();
        let published = tokio::spawn(async move { publisher.publish(&message("early")).await });
        tokio::task::yield_now().await;
        let mut work = broker.work();
        let delivery = work.next().await.unwrap();
        assert_eq!(delivery.message.id, "early");
        delivery.ack().await;
        published.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn publishing_returns_only_after_the_consumer_acknowledged() {
        let broker = InProcessBroker::new();
        let mut work = broker.work();
        let publisher = broker.clone();
        let published = tokio::spawn(async move { publisher.publish(&message("m")).await });
        let delivery = work.next().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!published.is_finished(), "publish waits for the ack");
        delivery.ack().await;
        published.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_delivery_dropped_unsettled_fails_the_publish_so_it_is_retried() {
        let broker = InProcessBroker::new();
        let mut work = broker.work();
        let publisher = broker.clone();
        let published = tokio::spawn(async move { publisher.publish(&message("m")).await });
        drop(work.next().await.unwrap());
        assert!(published.await.unwrap().is_err());
    }

    #[tokio::test]
    async fn a_retried_message_comes_back_marked_redelivered_until_dead_lettered() {
        let broker = InProcessBroker::new();
        let mut work = broker.work();
        let publisher = broker.clone();
        let published = tokio::spawn(async move { publisher.publish(&message("flaky")).await });
        let first = work.next().await.unwrap();
        assert!(!first.redelivered);
        first.retry().await;
        for _ in 1..MAX_DELIVERIES {
            let again = work.next().await.unwrap();
            assert!(again.redelivered);
            again.retry().await;
        }
        let nothing = tokio::time::timeout(std::time::Duration::from_millis(50), work.next()).await;
        assert!(
            nothing.is_err(),
            "dead-lettered after {MAX_DELIVERIES} deliveries"
        );
        published.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn each_work_queue_gets_every_message_and_publishing_waits_for_both() {
        let broker = InProcessBroker::new();
        let mut history = broker.work();
        let mut deliveries = broker.consume(WorkQueue::Deliveries);
        let publisher = broker.clone();
        let published = tokio::spawn(async move { publisher.publish(&message("m")).await });
        let recorded = history.next().await.unwrap();
        assert_eq!(recorded.message.id, "m");
        recorded.ack().await;
        let routed = deliveries.next().await.unwrap();
        assert_eq!(routed.message.id, "m");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(
            !published.is_finished(),
            "waits for the deliveries queue too"
        );
        routed.ack().await;
        published.await.unwrap().unwrap();
    }
}
