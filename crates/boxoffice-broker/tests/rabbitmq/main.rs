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

mod connection_losses;
mod publishing;
mod work_queue;

/// Only a guard against a hang: every wait below normally ends in milliseconds.
const GUARD: Duration = Duration::from_secs(10);

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
