//! Test harness: a real Boxoffice server on a random port, over a fresh
//! database of either kind, and a small client for talking to it.
//!
//! PostgreSQL tests create their own database on the server named by
//! `BOXOFFICE_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drop it afterwards.

mod database;
mod files;
mod process;
mod proxy;
mod session;
mod ws;
pub use database::TestDatabase;
pub use files::{Files, TestFiles, s3_endpoint};
pub use process::{RabbitNamespace, ServerProcess};
pub use proxy::TcpProxy;
pub use session::Session;
use session::send;
pub use ws::{PATIENCE, WsClient};

use boxoffice_app::{Application, Running};
use boxoffice_http::auth::{AuthSettings, RateLimits, TrustedProxies};
use boxoffice_http::{HttpConfig, Security};
use boxoffice_store::Store;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use std::net::SocketAddr;

/// The JWT secret every test server signs with, so tests can forge tokens on purpose.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// A password that meets the strength rules.
pub const PASSWORD: &str = "Str0ng!pass";

/// Knobs a test may turn; `Default` is what most tests want.
#[derive(Debug, Clone)]
pub struct Options {
    pub login_attempts_per_minute: u32,
    pub rate_limit_per_second: Option<u32>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub cors_origins: Vec<String>,
    /// Frames that may queue for one WebSocket client.
    pub ws_queue_capacity: usize,
    /// Count rate limits in the database's shared table when it is PostgreSQL (as
    /// `RATE_LIMIT_STORE=auto` does); `false` keeps them in memory.
    pub shared_rate_limits: bool,
    /// `PUBLIC_URL`.
    pub public_url: Option<boxoffice_domain::PublicUrl>,
    /// Where attachments go: a temporary folder, or a fresh bucket on the test S3 endpoint.
    pub files: Files,
    /// Largest accepted attachment, in bytes.
    pub attachment_max_bytes: u64,
    /// How long seat holds last.
    pub hold_duration: boxoffice_domain::HoldDuration,
    /// Route domain events to e-mail (and record every delivery) through this transport;
    /// `None`: no e-mail or push routing, as before it existed.
    pub mail: Option<boxoffice_channels::MailTransport>,
    /// With `mail`: push to registered devices through these providers (e.g. a local
    /// HTTP/2 server standing in for APNs); `None`: push is recorded as not configured.
    pub push: Option<boxoffice_push::PushConfig>,
    /// How webhooks are sent; by default to loopback receivers too, polled briskly.
    pub webhooks: boxoffice_notify::WebhookSettings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ws_queue_capacity: 256,
            login_attempts_per_minute: 1000,
            rate_limit_per_second: None,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            shared_rate_limits: true,
            public_url: None,
            files: Files::Local,
            attachment_max_bytes: 10 * 1024 * 1024,
            hold_duration: boxoffice_domain::HoldDuration::default(),
            mail: None,
            push: None,
            webhooks: test_webhook_settings(),
        }
    }
}

/// Webhook settings for tests: loopback receivers allowed, short polls and timeouts.
pub fn test_webhook_settings() -> boxoffice_notify::WebhookSettings {
    boxoffice_notify::WebhookSettings {
        allow_private_networks: true,
        timeout: std::time::Duration::from_secs(2),
        poll: std::time::Duration::from_millis(100),
        ..boxoffice_notify::WebhookSettings::default()
    }
}

/// Runs each listed `async fn(TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestApp::start($crate::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestApp::start($crate::Backend::Postgres).await).await
                }
            )*
        }
    };
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and a client pointed at it.
#[derive(Debug)]
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub store: Store,
    pub backend: Backend,
    /// A signed-in user who owns the events made by [`TestApp::create_event`].
    pub organizer_token: String,
    pub hub: boxoffice_notify::Hub,
    /// Where this server keeps attachments.
    pub files: TestFiles,
    running: Option<Running>,
    // Declared last: dropped after the server has stopped.
    pub database: TestDatabase,
}

impl TestApp {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, Options::default()).await
    }

    pub async fn start_with(backend: Backend, options: Options) -> Self {
        let database = TestDatabase::create(backend).await;
        let store = Store::connect(&database.url, 32)
            .await
            .expect("connect to test database");
        store.migrate().await.expect("migrate test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let address = listener.local_addr().expect("local address");
        let settings = AuthSettings {
            jwt_secret: JWT_SECRET.as_bytes().to_vec().into(),
            bcrypt_cost: 4,
            token_ttl: std::time::Duration::from_secs(30 * 60),
        };
        let nonzero = |n: u32| std::num::NonZeroU32::new(n).expect("a positive limit");
        let limits = RateLimits::new(
            nonzero(options.login_attempts_per_minute),
            options.rate_limit_per_second.map(nonzero),
            store
                .rate_limit_table()
                .filter(|_| options.shared_rate_limits),
        );
        let security = Security::new(&settings, limits, TrustedProxies(options.trusted_proxies))
            .expect("security settings");
        let files = TestFiles::create(options.files).await;
        let config = HttpConfig {
            cors_origins: options
                .cors_origins
                .iter()
                .map(|o| o.parse().expect("origin"))
                .collect(),
            ..HttpConfig::default()
        };
        let mut application = Application::new(
            store.clone(),
            boxoffice_broker::Broker::in_process(),
            security,
        )
        .http(config)
        .ws_queue_capacity(options.ws_queue_capacity)
        .public_url(options.public_url.clone())
        .hold_duration(options.hold_duration)
        .webhooks(options.webhooks.clone())
        .attachments(boxoffice_http::Attachments {
            files: files.store.clone(),
            max_bytes: options.attachment_max_bytes,
        });
        if let Some(transport) = options.mail {
            let mailer =
                boxoffice_channels::Mailer::new("Boxoffice <no-reply@boxoffice.test>", transport)
                    .expect("mail settings");
            let mut settings =
                boxoffice_notify::DeliverySettings::new(Some(mailer.clone()), options.public_url);
            settings.tickets = Some(boxoffice_domain::TicketKey::derive(JWT_SECRET.as_bytes()));
            if let Some(config) = options.push {
                let push = boxoffice_push::Push::new(config).expect("push settings");
                settings.push = Some(std::sync::Arc::new(boxoffice_push::DevicePush::new(
                    store.clone(),
                    std::sync::Arc::new(push),
                )));
            }
            application = application
                .mailer(mailer)
                .router(boxoffice_notify::Router::new(
                    store.clone(),
                    boxoffice_notify::Enricher::Store(boxoffice_notify::StoreFacts::new(
                        store.clone(),
                    )),
                    settings,
                ));
        }
        let running = application
            .start(listener)
            .await
            .expect("start the test server");
        let hub = running.hub.clone().expect("the notification service runs");
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .expect("HTTP client");
        let mut app = TestApp {
            address,
            client,
            store,
            backend,
            organizer_token: String::new(),
            hub,
            files,
            running: Some(running),
            database,
        };
        app.organizer_token = app.sign_up("organizer").await;
        app
    }

    /// Registers `username` (e-mail `<username>@example.com`) and returns an access token.
    pub async fn sign_up(&self, username: &str) -> String {
        let body = json!({"email": format!("{username}@example.com"), "username": username, "password": PASSWORD});
        expect_status(self.post("/auth/register", &body).await, 201).await;
        self.sign_in(username).await
    }

    /// Signs in with the test password and returns an access token.
    pub async fn sign_in(&self, login: &str) -> String {
        let response = self
            .post(
                "/auth/login",
                &json!({"username": login, "password": PASSWORD}),
            )
            .await;
        expect_status(response, 200).await["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// Creates an admin directly in the store (as `boxoffice user create --admin` does) and signs in.
    pub async fn admin_token(&self) -> String {
        let username = format!("admin_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let admin = boxoffice_domain::NewUser {
            email: boxoffice_domain::Email::parse(&format!("{username}@example.com"))
                .expect("e-mail"),
            username: boxoffice_domain::Username::parse(&username).expect("username"),
            full_name: None,
            password_hash: bcrypt::hash(PASSWORD, 4).expect("hash"),
            role: boxoffice_domain::Role::Admin,
        };
        self.store
            .create_user(&admin, chrono::Utc::now())
            .await
            .expect("create admin");
        self.sign_in(&username).await
    }

    /// A WebSocket connection to this server, signed in if `token` is given.
    pub async fn ws(&self, token: Option<&str>) -> WsClient {
        WsClient::connect(&self.url(""), token).await
    }

    /// Requests carrying `token` as a bearer token.
    pub fn session<'a>(&'a self, token: &'a str) -> Session<'a> {
        Session { app: self, token }
    }

    /// Requests as the organizer who owns [`TestApp::create_event`]'s events.
    pub fn organizer(&self) -> Session<'_> {
        self.session(&self.organizer_token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub async fn get(&self, path: &str) -> Response {
        send(self.request(Method::GET, path), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        send(self.request(Method::POST, path), Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        send(self.request(Method::PATCH, path), Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        send(self.request(Method::DELETE, path), None).await
    }

    /// Creates an upcoming event with `capacity` seats, owned by the organizer, and returns its id.
    pub async fn create_event(&self, capacity: i64) -> i64 {
        let body = event_body("Test event", capacity);
        let response = self.organizer().post("/events", &body).await;
        let body = expect_status(response, 201).await;
        body["id"].as_i64().expect("event id")
    }

    /// Books a seat for `email` on `event`.
    pub async fn book(&self, event: i64, email: &str) -> Response {
        self.post(
            &format!("/events/{event}/book"),
            &json!({"name": "Test Person", "email": email}),
        )
        .await
    }

    /// The event's seat counts `(seats_booked, seats_available)`.
    pub async fn seats(&self, event: i64) -> (i64, i64) {
        let body = expect_status(self.get(&format!("/events/{event}")).await, 200).await;
        (
            body["seats_booked"].as_i64().expect("seats_booked"),
            body["seats_available"].as_i64().expect("seats_available"),
        )
    }

    /// Stops the server in order (as on SIGTERM) and waits for it.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("the server stops cleanly");
        }
    }
}

/// A valid event body, 30 days ahead, with `capacity` seats.
pub fn event_body(title: &str, capacity: i64) -> Value {
    let start = chrono::Utc::now() + chrono::Duration::days(30);
    let end = start + chrono::Duration::hours(3);
    json!({
        "title": title,
        "description": "An event made by a test",
        "location": "Pune",
        "country": "IN",
        "start_time": start.to_rfc3339(),
        "end_time": end.to_rfc3339(),
        "capacity": capacity,
    })
}

/// Asserts the status and returns the JSON body (or `Null` for an empty one).
pub async fn expect_status(response: Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("response body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if status >= 400 {
        assert_eq!(
            content_type, "application/problem+json",
            "errors are problem+json; body: {text}"
        );
    }
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

/// Asserts an error response with the given status and `code`, and returns its body.
pub async fn expect_problem(response: Response, status: u16, code: &str) -> Value {
    let body = expect_status(response, status).await;
    assert_eq!(body["code"], code, "unexpected problem: {body}");
    assert_eq!(body["status"], status);
    body
}
