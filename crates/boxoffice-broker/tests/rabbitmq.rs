//! The RabbitMQ broker against a real RabbitMQ (`BOXOFFICE_TEST_AMQP_URL`, by default
//! amqp://guest:guest@127.0.0.1:5672/%2f; `scripts/services.sh rabbitmq` starts one).
//!
//! Every test declares its own exchanges and queues under a random prefix, so tests run in
//! parallel, and deletes them when it passes. Connection losses are made with a small TCP
//! proxy between the broker and RabbitMQ (deterministic, and no other test is disturbed),
//! and once with `rabbitmqctl close_connection` aimed at the test's own connection.
//! Timeouts only guard against hanging; no assertion depends on timing.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_broker::rabbitmq::{RabbitMqBroker, RabbitMqSettings};
use boxoffice_broker::{BrokerError, Delivery, Message, Subscription};
use lapin::options::{
    BasicGetOptions, ExchangeDeleteOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Only a guard against a hang: every wait below normally ends in milliseconds.
const GUARD: Duration = Duration::from_secs(10);

// --- publishing and fan-out -------------------------------------------------------------

#[tokio::test]
async fn a_published_message_reaches_every_fanout_subscriber() {
    let bed = Bed::new().await;
    let (first, second) = (bed.broker(), bed.broker());
    let mut first_sub = first.fanout().await.unwrap();
    let mut second_sub = second.fanout().await.unwrap();

    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();

    for subscription in [&mut first_sub, &mut second_sub] {
        let got = next(subscription).await;
        assert_eq!(
            got.message, sent,
            "id, routing key and body arrive unchanged"
        );
        assert!(!got.redelivered);
    }
    bed.finish().await;
}

#[tokio::test]
async fn published_messages_are_persistent_json_with_their_id() {
    let bed = Bed::new().await;
    let sent = message("event.updated");
    bed.broker().publish(&sent).await.unwrap();

    let stored = bed
        .admin
        .get(&bed.settings.work_queue)
        .await
        .expect("the work queue holds it");
    let properties = &stored.delivery.properties;
    assert_eq!(properties.delivery_mode(), &Some(2), "persistent");
    assert_eq!(
        properties.message_id().as_ref().map(|id| id.as_str()),
        Some(sent.id.as_str())
    );
    assert_eq!(
        properties.content_type().as_ref().map(|t| t.as_str()),
        Some("application/json")
    );
    assert_eq!(stored.delivery.routing_key.as_str(), "event.updated");
    assert_eq!(stored.delivery.exchange.as_str(), bed.settings.exchange);
    assert_eq!(stored.delivery.data, sent.body);
    bed.finish().await;
}

#[tokio::test]
async fn a_message_no_queue_takes_is_rejected() {
    let bed = Bed::new().await;
    let broker = bed.broker();
    assert!(broker.is_ready().await, "connects and declares the layout");
    bed.admin.delete_queue(&bed.settings.work_queue).await;
    bed.admin.delete_queue(&bed.settings.deliveries_queue).await;

    let refused = broker.publish(&message("event.created")).await;
    assert!(
        matches!(refused, Err(BrokerError::Rejected(_))),
        "{refused:?}"
    );
    bed.finish().await;
}

#[tokio::test]
async fn an_unreachable_broker_fails_fast_instead_of_hanging() {
    let port = closed_port().await;
    let settings = RabbitMqSettings {
        connect_timeout: Duration::from_secs(3),
        ..RabbitMqSettings::default()
    };
    let broker = RabbitMqBroker::new(
        &format!("amqp://guest:guest@127.0.0.1:{port}/%2f"),
        settings,
    );

    let published = timeout(GUARD, broker.publish(&message("event.created")))
        .await
        .expect("no hang");
    assert!(
        matches!(published, Err(BrokerError::Unavailable(_))),
        "{published:?}"
    );
    assert!(!timeout(GUARD, broker.is_ready()).await.expect("no hang"));
    let fanout = timeout(GUARD, broker.fanout()).await.expect("no hang");
    assert!(
        matches!(fanout, Err(BrokerError::Unavailable(_))),
        "{fanout:?}"
    );
    let work = timeout(GUARD, broker.work()).await.expect("no hang");
    assert!(matches!(work, Err(BrokerError::Unavailable(_))), "{work:?}");
}

// --- the work queue -----------------------------------------------------------------------

#[tokio::test]
async fn the_work_queue_gives_each_message_to_exactly_one_consumer() {
    // With a prefetch of one, a consumer holding an unsettled message gets no other, so two
    // messages must go one to each consumer.
    let bed = Bed::with(|s| s.prefetch = 1).await;
    let (mut left, mut right) = (
        bed.broker().work().await.unwrap(),
        bed.broker().work().await.unwrap(),
    );
    let (a, b) = (message("booking.created"), message("booking.cancelled"));
    let publisher = bed.broker();
    publisher.publish(&a).await.unwrap();
    publisher.publish(&b).await.unwrap();

    let (from_left, from_right) = (next(&mut left).await, next(&mut right).await);
    let ids: HashSet<_> = [from_left.message.id.clone(), from_right.message.id.clone()].into();
    assert_eq!(ids, [a.id, b.id].into(), "one each, no duplicates");
    from_left.ack().await;
    from_right.ack().await;

    // Whichever consumer gets the next message, it is the new one, not a copy of the others.
    let c = message("event.deleted");
    publisher.publish(&c).await.unwrap();
    let got = tokio::select! {
        got = next(&mut left) => got,
        got = next(&mut right) => got,
    };
    assert_eq!(got.message.id, c.id);
    got.ack().await;
    bed.finish().await;
}

#[tokio::test]
async fn an_acknowledged_message_is_gone_for_good() {
    let bed = Bed::new().await;
    let mut work = bed.broker().work().await.unwrap();
    bed.broker()
        .publish(&message("booking.created"))
        .await
        .unwrap();
    next(&mut work).await.ack().await;

    // Closing the consumer's connection would requeue anything unacknowledged.
    drop(work);
    bed.admin
        .wait_for_consumers(&bed.settings.work_queue, 0)
        .await;
    assert_eq!(bed.admin.counts(&bed.settings.work_queue).await.messages, 0);
    bed.finish().await;
}

#[tokio::test]
async fn a_retried_message_comes_back_flagged_redelivered() {
    let bed = Bed::new().await;
    let mut work = bed.broker().work().await.unwrap();
    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();

    let first = next(&mut work).await;
    assert!(!first.redelivered);
    first.retry().await;
    let again = next(&mut work).await;
    assert_eq!(again.message, sent);
    assert!(again.redelivered);
    again.ack().await;
    bed.finish().await;
}

#[tokio::test]
async fn a_message_failing_past_the_delivery_limit_lands_in_the_dead_letter_queue() {
    let bed = Bed::new().await;
    let limit = bed.settings.delivery_limit;
    let mut work = bed.broker().work().await.unwrap();
    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();

    // Retry every delivery until the message shows up in the dead-letter queue.
    let mut deliveries = 0;
    let dead = timeout(GUARD * 3, async {
        loop {
            tokio::select! {
                delivery = next(&mut work) => {
                    deliveries += 1;
                    assert_eq!(delivery.message.id, sent.id);
                    assert_eq!(delivery.redelivered, deliveries > 1);
                    delivery.retry().await;
                }
                () = tokio::time::sleep(Duration::from_millis(100)) => {
                    if let Some(dead) = bed.admin.get(&bed.settings.dead_letter_queue).await {
                        break dead;
                    }
                }
            }
        }
    })
    .await
    .expect("dead-lettered");

    assert_eq!(
        dead.delivery
            .properties
            .message_id()
            .as_ref()
            .map(|id| id.as_str()),
        Some(sent.id.as_str())
    );
    assert_eq!(dead.delivery.data, sent.body);
    // RabbitMQ dead-letters a message returned more than `limit` times: the first delivery
    // and `limit` retries (3.10 does exactly that); tolerate a version counting one less.
    assert!(
        (limit..=limit + 1).contains(&deliveries),
        "{deliveries} deliveries for a limit of {limit}"
    );
    assert_eq!(bed.admin.counts(&bed.settings.work_queue).await.messages, 0);
    bed.finish().await;
}

// --- connection losses ----------------------------------------------------------------------

#[tokio::test]
async fn fanout_messages_published_while_the_subscriber_is_disconnected_arrive_after_it_reconnects()
{
    let bed = Bed::new().await;
    let proxy = Proxy::start(&bed.url).await;
    let subscriber = bed.broker_at(&proxy.url());
    let mut subscription = subscriber.fanout().await.unwrap();
    let queue = bed.fanout_queue(&subscriber);
    let publisher = bed.broker();

    let before = message("event.created");
    publisher.publish(&before).await.unwrap();
    assert_eq!(next(&mut subscription).await.message, before);

    // Cut the connection and refuse new ones: the subscriber keeps retrying in vain.
    proxy.cut().await;
    bed.admin.wait_for_consumers(&queue, 0).await;
    let during: Vec<Message> = (0..3).map(|_| message("booking.created")).collect();
    for sent in &during {
        publisher.publish(sent).await.unwrap();
    }
    // Three, or four if the cut came before the acknowledgement of `before` reached
    // RabbitMQ: delivery is at least once, and consumers drop such copies by id.
    let kept = bed.admin.counts(&queue).await.messages;
    assert!((3..=4).contains(&kept), "kept by the durable queue: {kept}");

    proxy.restore();
    for sent in &during {
        assert_eq!(
            &next_except(&mut subscription, &before.id).await.message,
            sent,
            "delivered in order after reconnecting"
        );
    }
    bed.finish().await;
}

#[tokio::test]
async fn unsettled_work_is_redelivered_after_the_consumer_reconnects() {
    // An acknowledgement sent on a dead connection is given up after operation_timeout.
    let bed = Bed::with(|s| s.operation_timeout = Duration::from_millis(500)).await;
    let proxy = Proxy::start(&bed.url).await;
    let mut work = bed.broker_at(&proxy.url()).work().await.unwrap();
    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();
    let first = next(&mut work).await;
    assert!(!first.redelivered);

    proxy.cut().await;
    // Too late: the connection it came on is gone, so RabbitMQ requeues it.
    timeout(GUARD, first.ack())
        .await
        .expect("a failed ack does not hang");
    bed.admin
        .wait_for_consumers(&bed.settings.work_queue, 0)
        .await;
    proxy.restore();

    let again = next(&mut work).await;
    assert_eq!(again.message, sent);
    assert!(again.redelivered);
    again.ack().await;
    bed.finish().await;
}

#[tokio::test]
async fn publishing_fails_while_disconnected_and_reconnects_on_the_next_call() {
    let bed = Bed::new().await;
    let proxy = Proxy::start(&bed.url).await;
    let publisher = bed.broker_at(&proxy.url());
    publisher.publish(&message("event.created")).await.unwrap();

    proxy.cut().await;
    let failed = timeout(GUARD, publisher.publish(&message("event.updated")))
        .await
        .expect("no hang");
    assert!(
        matches!(failed, Err(BrokerError::Unavailable(_))),
        "{failed:?}"
    );
    assert!(!publisher.is_ready().await);

    proxy.restore();
    publisher.publish(&message("event.deleted")).await.unwrap();
    assert_eq!(
        bed.admin.counts(&bed.settings.work_queue).await.messages,
        2,
        "only the confirmed ones"
    );
    bed.finish().await;
}

#[tokio::test]
async fn a_fanout_subscription_that_could_not_start_keeps_the_process_queue_name() {
    let bed = Bed::new().await;
    let proxy = Proxy::start(&bed.url).await;
    let subscriber = bed.broker_at(&proxy.url());
    proxy.cut().await;
    assert!(subscriber.fanout().await.is_err());

    proxy.restore();
    let _subscription = subscriber.fanout().await.unwrap();
    let queue = bed.fanout_queue(&subscriber);
    assert_eq!(
        bed.admin.counts(&queue).await.consumers,
        1,
        "{queue} is consumed"
    );
    bed.finish().await;
}

#[tokio::test]
async fn a_fanout_subscription_survives_rabbitmq_closing_its_connection() {
    let bed = Bed::new().await;
    let subscriber = bed.broker();
    let mut subscription = subscriber.fanout().await.unwrap();
    let name = format!("boxoffice fanout {}", subscriber.settings().instance_id);
    let old = rabbitmq_connection(&name)
        .await
        .expect("the subscriber's connection is listed");

    rabbitmqctl(&["close_connection", &old, "closed by the broker test"]).await;
    timeout(GUARD, async {
        while rabbitmq_connection(&name)
            .await
            .is_none_or(|pid| pid == old)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the subscriber opened a new connection");

    let sent = message("event.created");
    bed.broker().publish(&sent).await.unwrap();
    assert_eq!(next(&mut subscription).await.message, sent);
    bed.finish().await;
}

#[tokio::test]
async fn is_ready_when_rabbitmq_answers() {
    let bed = Bed::new().await;
    assert!(bed.broker().is_ready().await);
    bed.finish().await;
}

// --- helpers --------------------------------------------------------------------------------

fn amqp_url() -> String {
    std::env::var("BOXOFFICE_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

fn message(routing_key: &str) -> Message {
    let id = uuid::Uuid::new_v4().to_string();
    let body = format!(r#"{{"id":"{id}","type":"{routing_key}"}}"#).into_bytes();
    Message {
        id,
        routing_key: routing_key.into(),
        body,
    }
}

async fn next(subscription: &mut Subscription) -> Delivery {
    timeout(GUARD, subscription.next())
        .await
        .expect("a delivery in time")
        .expect("subscription open")
}

/// The next delivery that is not a copy of an already seen message.
async fn next_except(subscription: &mut Subscription, seen: &str) -> Delivery {
    loop {
        let delivery = next(subscription).await;
        if delivery.message.id != seen {
            return delivery;
        }
        assert!(delivery.redelivered, "a second copy comes flagged");
    }
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// One test's names, brokers and an admin connection to inspect and clean up.
struct Bed {
    url: String,
    settings: RabbitMqSettings,
    admin: Admin,
    brokers: Mutex<Vec<RabbitMqBroker>>,
}

impl Bed {
    async fn new() -> Bed {
        Bed::with(|_| {}).await
    }

    async fn with(adjust: impl FnOnce(&mut RabbitMqSettings)) -> Bed {
        let prefix = format!("boxoffice-test.{}", uuid::Uuid::new_v4().simple());
        let mut settings = RabbitMqSettings {
            exchange: format!("{prefix}.events"),
            work_queue: format!("{prefix}.work"),
            deliveries_queue: format!("{prefix}.deliveries"),
            dead_letter_exchange: format!("{prefix}.dead-letter"),
            dead_letter_queue: format!("{prefix}.dead"),
            fanout_queue_prefix: format!("{prefix}.fanout"),
            fanout_queue_expiry: Duration::from_secs(60),
            reconnect_backoff_min: Duration::from_millis(20),
            reconnect_backoff_max: Duration::from_millis(200),
            connect_timeout: Duration::from_secs(3),
            operation_timeout: Duration::from_secs(3),
            ..RabbitMqSettings::default()
        };
        adjust(&mut settings);
        let url = amqp_url();
        let admin = Admin::connect(&url).await;
        Bed {
            url,
            settings,
            admin,
            brokers: Mutex::default(),
        }
    }

    /// A broker with its own instance id, as another process would have.
    fn broker(&self) -> RabbitMqBroker {
        self.broker_at(&self.url)
    }

    fn broker_at(&self, url: &str) -> RabbitMqBroker {
        let settings = RabbitMqSettings {
            instance_id: uuid::Uuid::new_v4().simple().to_string(),
            ..self.settings.clone()
        };
        let broker = RabbitMqBroker::new(url, settings);
        self.brokers.lock().unwrap().push(broker.clone());
        broker
    }

    fn fanout_queue(&self, broker: &RabbitMqBroker) -> String {
        format!(
            "{}.{}",
            self.settings.fanout_queue_prefix,
            broker.settings().instance_id
        )
    }

    /// Deletes everything the test declared.
    async fn finish(self) {
        let brokers = std::mem::take(&mut *self.brokers.lock().unwrap());
        for broker in &brokers {
            self.admin.delete_queue(&self.fanout_queue(broker)).await;
        }
        for queue in [
            &self.settings.work_queue,
            &self.settings.deliveries_queue,
            &self.settings.dead_letter_queue,
        ] {
            self.admin.delete_queue(queue).await;
        }
        for exchange in [&self.settings.exchange, &self.settings.dead_letter_exchange] {
            let _ = self
                .admin
                .channel()
                .await
                .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
                .await;
        }
    }
}

struct Counts {
    messages: u32,
    consumers: u32,
}

/// A plain lapin connection for looking into queues behind the broker's back.
struct Admin {
    connection: Connection,
}

impl Admin {
    async fn connect(url: &str) -> Admin {
        let connection = Connection::connect(url, ConnectionProperties::default())
            .await
            .expect("RabbitMQ must run for these tests: scripts/services.sh rabbitmq");
        Admin { connection }
    }

    /// A fresh channel per operation: a failed passive declare closes its channel.
    async fn channel(&self) -> Channel {
        self.connection.create_channel().await.unwrap()
    }

    async fn counts(&self, queue: &str) -> Counts {
        let passive = QueueDeclareOptions {
            passive: true,
            ..QueueDeclareOptions::default()
        };
        let declared = self
            .channel()
            .await
            .queue_declare(queue.into(), passive, FieldTable::default())
            .await
            .unwrap();
        Counts {
            messages: declared.message_count(),
            consumers: declared.consumer_count(),
        }
    }

    async fn wait_for_consumers(&self, queue: &str, consumers: u32) {
        timeout(GUARD, async {
            while self.counts(queue).await.consumers != consumers {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{queue} never had {consumers} consumers"));
    }

    /// Takes one message off a queue, if any.
    async fn get(&self, queue: &str) -> Option<lapin::message::BasicGetMessage> {
        let options = BasicGetOptions { no_ack: true };
        self.channel()
            .await
            .basic_get(queue.into(), options)
            .await
            .unwrap()
    }

    async fn delete_queue(&self, queue: &str) {
        let _ = self
            .channel()
            .await
            .queue_delete(queue.into(), QueueDeleteOptions::default())
            .await;
    }
}

/// A TCP proxy in front of RabbitMQ that can cut every connection through it and refuse
/// new ones until restored: a network failure the test controls exactly.
struct Proxy {
    url: String,
    state: Arc<Mutex<ProxyState>>,
    accepting: JoinHandle<()>,
}

struct ProxyState {
    open: bool,
    pipes: Vec<JoinHandle<()>>,
}

impl Proxy {
    async fn start(target_url: &str) -> Proxy {
        let uri: lapin::uri::AMQPUri = target_url.parse().expect("an AMQP URL");
        let target = format!("{}:{}", uri.authority.host, uri.authority.port);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let local = listener.local_addr().unwrap();
        let url = target_url.replacen(&target, &local.to_string(), 1);
        assert_ne!(url, target_url, "the URL names {target} literally");
        let state = Arc::new(Mutex::new(ProxyState {
            open: true,
            pipes: Vec::new(),
        }));
        let accepting = tokio::spawn(accept(listener, target, state.clone()));
        Proxy {
            url,
            state,
            accepting,
        }
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    /// Closes every connection through the proxy and refuses new ones. When this returns
    /// the sockets are closed, so nothing sent afterwards can reach RabbitMQ.
    async fn cut(&self) {
        let pipes = {
            let mut state = self.state.lock().unwrap();
            state.open = false;
            std::mem::take(&mut state.pipes)
        };
        for pipe in pipes {
            pipe.abort();
            let _ = pipe.await;
        }
    }

    fn restore(&self) {
        self.state.lock().unwrap().open = true;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accepting.abort();
        for pipe in &self.state.lock().unwrap().pipes {
            pipe.abort();
        }
    }
}

async fn accept(listener: TcpListener, target: String, state: Arc<Mutex<ProxyState>>) {
    while let Ok((mut client, _)) = listener.accept().await {
        let mut guard = state.lock().unwrap();
        if !guard.open {
            continue; // dropping the client closes it
        }
        let target = target.clone();
        guard.pipes.push(tokio::spawn(async move {
            if let Ok(mut upstream) = TcpStream::connect(target).await {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            }
        }));
    }
}

async fn rabbitmqctl(args: &[&str]) -> String {
    let output = tokio::process::Command::new("rabbitmqctl")
        .args(args)
        .output()
        .await
        .expect("rabbitmqctl runs");
    assert!(
        output.status.success(),
        "rabbitmqctl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The Erlang pid of the connection with this client-provided name, if it is open.
async fn rabbitmq_connection(name: &str) -> Option<String> {
    let listing = rabbitmqctl(&[
        "--quiet",
        "--no-table-headers",
        "list_connections",
        "pid",
        "client_properties",
    ])
    .await;
    let line = listing.lines().find(|line| line.contains(name))?;
    line.split_whitespace().next().map(str::to_owned)
}

#[tokio::test]
async fn the_deliveries_queue_gets_every_message_apart_from_the_history() {
    let bed = Bed::new().await;
    let broker = bed.broker();
    let mut history = timeout(GUARD, broker.work()).await.unwrap().unwrap();
    let mut deliveries = timeout(GUARD, broker.deliveries()).await.unwrap().unwrap();
    let sent = message("booking.created");
    broker.publish(&sent).await.unwrap();

    // The history settles its copy; the deliveries copy waits for its own consumer.
    let recorded = timeout(GUARD, history.next()).await.unwrap().unwrap();
    assert_eq!(recorded.message.id, sent.id);
    recorded.ack().await;
    let routed = timeout(GUARD, deliveries.next()).await.unwrap().unwrap();
    assert_eq!(routed.message.id, sent.id);
    routed.ack().await;
    bed.finish().await;
}
