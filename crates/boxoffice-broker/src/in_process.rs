//! The embedded broker: channels inside one process.
//!
//! Fan-out subscribers each get every message; the work queue hands each
//! message to one consumer and takes it back on `retry`, dead-lettering it
//! (logged and counted) after [`MAX_DELIVERIES`] attempts.

use crate::{BrokerError, Delivery, Message, Settle, Subscription};
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Deliveries of one message before it is dead-lettered.
pub const MAX_DELIVERIES: u32 = 5;

/// Room in each subscriber's channel; publishing waits when a consumer falls this far behind.
const CHANNEL_CAPACITY: usize = 4096;

#[derive(Debug, Default)]
struct Shared {
    fanout: Vec<mpsc::Sender<Delivery>>,
    work: Vec<mpsc::Sender<Delivery>>,
    next_worker: usize,
    /// Messages published before any work consumer existed.
    backlog: Vec<Message>,
}

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
    message: Message,
    deliveries: u32,
}

impl Settle for WorkSettle {
    fn ack(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }

    fn retry(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            if self.deliveries >= MAX_DELIVERIES {
                tracing::error!(message.id = %self.message.id, "message dead-lettered after repeated failures");
                metrics::counter!("boxoffice_broker_dead_lettered_total").increment(1);
                return;
            }
            self.broker.send_work(self.message, self.deliveries).await;
        })
    }
}

impl InProcessBroker {
    pub fn new() -> Self {
        Self::default()
    }

    pub async fn publish(&self, message: &Message) -> Result<(), BrokerError> {
        let fanout: Vec<_> = self.shared.lock().expect("broker lock").fanout.clone();
        for subscriber in fanout {
            // A closed subscriber has gone away; the others still get the message.
            let _ = subscriber
                .send(Delivery::new(
                    message.clone(),
                    false,
                    Box::new(FanoutSettle),
                ))
                .await;
        }
        self.send_work(message.clone(), 0).await;
        metrics::counter!("boxoffice_broker_published_total").increment(1);
        Ok(())
    }

    /// Hands a message to the next work consumer (round robin), or keeps it until one exists.
    async fn send_work(&self, message: Message, deliveries: u32) {
        loop {
            let worker = {
                let mut shared = self.shared.lock().expect("broker lock");
                shared.work.retain(|w| !w.is_closed());
                if shared.work.is_empty() {
                    shared.backlog.push(message);
                    return;
                }
                shared.next_worker = (shared.next_worker + 1) % shared.work.len();
                shared.work[shared.next_worker].clone()
            };
            let settle = WorkSettle {
                broker: self.clone(),
                message: message.clone(),
                deliveries: deliveries + 1,
            };
            let delivery = Delivery::new(message.clone(), deliveries > 0, Box::new(settle));
            if worker.send(delivery).await.is_ok() {
                return;
            }
        }
    }

    pub fn fanout(&self) -> Subscription {
        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let mut shared = self.shared.lock().expect("broker lock");
        shared.fanout.retain(|s| !s.is_closed());
        shared.fanout.push(sender);
        Subscription::new(receiver)
    }

    pub fn work(&self) -> Subscription {
        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let backlog = {
            let mut shared = self.shared.lock().expect("broker lock");
            shared.work.push(sender);
            std::mem::take(&mut shared.backlog)
        };
        let broker = self.clone();
        tokio::spawn(async move {
            for message in backlog {
                broker.send_work(message, 0).await;
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

    #[tokio::test]
    async fn every_fanout_subscriber_gets_every_message() {
        let broker = InProcessBroker::new();
        let (mut a, mut b) = (broker.fanout(), broker.fanout());
        broker.publish(&message("1")).await.unwrap();
        assert_eq!(a.next().await.unwrap().message.id, "1");
        assert_eq!(b.next().await.unwrap().message.id, "1");
    }

    #[tokio::test]
    async fn work_published_before_a_consumer_exists_is_kept() {
        let broker = InProcessBroker::new();
        broker.publish(&message("early")).await.unwrap();
        let mut work = broker.work();
        assert_eq!(work.next().await.unwrap().message.id, "early");
    }

    #[tokio::test]
    async fn a_retried_message_comes_back_marked_redelivered_until_dead_lettered() {
        let broker = InProcessBroker::new();
        let mut work = broker.work();
        broker.publish(&message("flaky")).await.unwrap();
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
    }
}
