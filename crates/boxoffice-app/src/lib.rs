//! One Boxoffice process, assembled: the HTTP API, the broker consumers, the outbox
//! relay and housekeeping, started together by [`Application::start`] and stopped together.
//!
//! The binary and the test kit both build their processes here, so a test server is
//! wired exactly like a production one.
//!
//! Stopping ([`Running::stop`], or cancelling [`Running::stop_token`] on a signal) goes in
//! order: the listener closes and requests in progress finish; the relay finishes its step
//! and publishes what those last requests committed; the consumers handle what the broker
//! already handed them; the database pool closes. Whatever is still unpublished stays in
//! the outbox for the next start.

pub mod holds;
pub mod housekeeping;
mod workers;

use boxoffice_broker::Broker;
use boxoffice_channels::Mailer;
use boxoffice_domain::PublicUrl;
use boxoffice_http::{AppState, Attachments, HttpConfig, Security};
pub use boxoffice_notify::PresenceSettings;
use boxoffice_notify::{Hub, Presence, Router, WebhookSettings};
use boxoffice_store::Store;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use workers::{NotificationSide, Workers};

/// What a process is made of, before it starts.
#[derive(Debug)]
pub struct Application {
    store: Store,
    broker: Broker,
    security: Security,
    http: HttpConfig,
    ws_queue_capacity: usize,
    public_url: Option<PublicUrl>,
    attachments: Option<Attachments>,
    worker_step_timeout: Duration,
    presence: PresenceSettings,
    mailer: Option<Mailer>,
    router: Option<Router>,
    hold_duration: boxoffice_domain::HoldDuration,
    webhooks: WebhookSettings,
}

impl Application {
    /// A process over `store` and `broker`, serving every service with default HTTP settings.
    pub fn new(store: Store, broker: Broker, security: Security) -> Self {
        Application {
            store,
            broker,
            security,
            http: HttpConfig::default(),
            ws_queue_capacity: 256,
            public_url: None,
            attachments: None,
            worker_step_timeout: boxoffice_notify::DEFAULT_STEP_TIMEOUT,
            presence: PresenceSettings::default(),
            mailer: None,
            router: None,
            hold_duration: boxoffice_domain::HoldDuration::default(),
            webhooks: WebhookSettings::default(),
        }
    }

    /// Limits, CORS origins and which services run.
    pub fn http(mut self, config: HttpConfig) -> Self {
        self.http = config;
        self
    }

    /// Frames that may queue for one WebSocket client before it counts as too slow.
    pub fn ws_queue_capacity(mut self, frames: usize) -> Self {
        self.ws_queue_capacity = frames;
        self
    }

    /// How long seat holds last (`HOLD_MINUTES`).
    pub fn hold_duration(mut self, duration: boxoffice_domain::HoldDuration) -> Self {
        self.hold_duration = duration;
        self
    }

    /// `PUBLIC_URL`.
    pub fn public_url(mut self, url: Option<PublicUrl>) -> Self {
        self.public_url = url;
        self
    }

    /// Where event attachments are kept (used by the event service).
    pub fn attachments(mut self, attachments: Attachments) -> Self {
        self.attachments = Some(attachments);
        self
    }

    /// Longest a background worker's database step (relay round, history write, purge) may
    /// take before it fails and is retried: a database that stops answering without
    /// closing its connections cannot hold the workers.
    pub fn worker_step_timeout(mut self, timeout: Duration) -> Self {
        self.worker_step_timeout = timeout;
        self
    }

    /// How often this process renews its WebSocket presence, and when others give up on it.
    pub fn presence(mut self, settings: PresenceSettings) -> Self {
        self.presence = settings;
        self
    }

    /// How the event service sends e-mail of its own (sign-in links).
    pub fn mailer(mut self, mailer: Mailer) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// What the notification service does with each domain event beyond the WebSocket feed
    /// and the history: e-mail and push, per recipient.
    pub fn router(mut self, router: Router) -> Self {
        self.router = Some(router);
        self
    }

    /// How webhooks are sent (by the notification service) and which URLs are accepted
    /// (by the event service).
    pub fn webhooks(mut self, settings: WebhookSettings) -> Self {
        self.webhooks = settings;
        self
    }

    /// Starts the background tasks, then serves HTTP on `listener`.
    pub async fn start(self, listener: TcpListener) -> std::io::Result<Running> {
        let address = listener.local_addr()?;
        let services = self.http.services;
        let rate_limits = self.security.rate_limits.clone();
        let metrics = Some(boxoffice_http::telemetry::prometheus());
        let mut state = AppState::new(self.store.clone(), metrics, self.security)
            .with_broker(self.broker.clone())
            .with_public_url(self.public_url)
            .with_hold_duration(self.hold_duration)
            .with_webhooks_allow_private_networks(self.webhooks.allow_private_networks);
        let hub = services
            .notifications
            .then(|| Hub::new(self.ws_queue_capacity));
        if let Some(hub) = &hub {
            // Which process holds whose connections, for every process sharing the database.
            let presence = Presence::start(self.store.clone(), self.presence)
                .await
                .map_err(std::io::Error::other)?;
            hub.track_presence(presence);
            state = state.with_hub(hub.clone());
        }
        if services.events
            && let Some(attachments) = self.attachments
        {
            state = state.with_attachments(attachments);
        }
        if services.events
            && let Some(mailer) = self.mailer
        {
            state = state.with_mailer(mailer);
        }
        let workers = Workers::start(
            &self.store,
            &self.broker,
            services.events,
            hub.as_ref().map(|hub| NotificationSide {
                hub,
                webhooks: WebhookSettings {
                    step_timeout: self.worker_step_timeout,
                    ..self.webhooks
                },
            }),
            rate_limits,
            self.worker_step_timeout,
            self.router.filter(|_| services.notifications),
        )
        .await;
        let stop = CancellationToken::new();
        let config = self.http;
        let stopped = stop.clone().cancelled_owned();
        let server =
            tokio::spawn(
                async move { boxoffice_http::serve(listener, state, &config, stopped).await },
            );
        Ok(Running {
            address,
            hub,
            store: self.store,
            stop,
            server: Some(server),
            workers: Some(workers),
        })
    }
}

/// A started process; dropping it cancels everything at once (use [`Running::stop`] to
/// stop in order).
#[derive(Debug)]
pub struct Running {
    pub address: SocketAddr,
    /// The WebSocket connections, when this process runs the notification service.
    pub hub: Option<Hub>,
    store: Store,
    stop: CancellationToken,
    server: Option<JoinHandle<std::io::Result<()>>>,
    workers: Option<Workers>,
}

impl Running {
    /// Cancelling this token stops the process (see [`Running::wait`]).
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Waits until the process is told to stop, then stops it in order.
    pub async fn wait(mut self) -> std::io::Result<()> {
        let served = match self.server.take() {
            Some(server) => server
                .await
                .unwrap_or_else(|err| Err(std::io::Error::other(err))),
            None => Ok(()),
        };
        if let Some(workers) = self.workers.take() {
            workers.stop().await;
        }
        self.store.close().await;
        served
    }

    /// Stops the process in order and waits for it.
    pub async fn stop(self) -> std::io::Result<()> {
        self.stop.cancel();
        self.wait().await
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}
