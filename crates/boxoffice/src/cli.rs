//! Command line and environment: every setting is a flag and an environment variable.

use boxoffice_domain::PublicUrl;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "boxoffice",
    version,
    about = "Event booking platform: events, attendees and bookings that never overbook."
)]
pub struct Cli {
    /// Log output: human-readable text, or one JSON object per line.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API server (migrates the database first).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Load sample data (db/seed_data.sql, built in) into the database.
    Seed {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Load this SQL file instead of the built-in sample data.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Verify the database's invariants; exits with status 1 and a report on any violation.
    Check(CheckArgs),
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
    /// Print the configuration `serve` would run with, from flags, environment and
    /// defaults, and where each value comes from; secrets are redacted.
    Config(Box<ConfigArgs>),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (an admin with --admin). The password is read from
    /// BOXOFFICE_PASSWORD, or else from the first line of standard input.
    Create {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: Option<String>,
        /// Give the account the admin role.
        #[arg(long)]
        admin: bool,
        #[arg(long, env = "BOXOFFICE_PASSWORD", hide_env_values = true)]
        password: Option<secrecy::SecretString>,
        /// bcrypt work factor for the password hash.
        #[arg(long, env = "BCRYPT_COST", default_value_t = 12, value_parser = clap::value_parser!(u32).range(4..=31))]
        bcrypt_cost: u32,
    },
}

/// `boxoffice config`: the settings of `serve`, and the output format.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Print JSON (one object per setting) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created if missing) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://boxoffice.db",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Upper bound of the PostgreSQL connection pool (SQLite uses one writer and a few readers).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,
    /// How long a request may wait for a PostgreSQL connection (connecting included) before
    /// it answers 503 `database_unavailable`, in milliseconds: bounds the queue when the pool
    /// is exhausted. An outage is detected sooner (a failed connection, or a request slower
    /// than a quarter of a second, triggers a check on a fresh connection).
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub database_acquire_timeout_ms: u64,
    /// SQLite: book and cancel in group commits (many in one transaction, each in its own
    /// savepoint); `false` runs each in a transaction of its own.
    #[arg(long, env = "SQLITE_GROUP_COMMIT", default_value_t = true, action = clap::ArgAction::Set)]
    pub sqlite_group_commit: bool,
    /// PostgreSQL: book and cancel in group commits per event (the requests of one event
    /// that this process receives meanwhile share one transaction, each in its own
    /// savepoint); `false` runs each in a transaction of its own.
    #[arg(long, env = "POSTGRES_GROUP_COMMIT", default_value_t = true, action = clap::ArgAction::Set)]
    pub postgres_group_commit: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Outbox rows published at least this many seconds ago must be in the notification
    /// history (the notification service has had time to record them).
    #[arg(long, env = "CHECK_DELIVERY_GRACE_SECONDS", default_value_t = 60)]
    pub delivery_grace_seconds: u64,
    /// Skip the delivery rule: the notification service records its history in another database.
    #[arg(long)]
    pub no_delivery_check: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (printed on start).
    #[arg(long, env = "PORT", default_value_t = 8000)]
    pub port: u16,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "BODY_LIMIT_BYTES", default_value_t = 64 * 1024)]
    pub body_limit: usize,
    /// Where generated state is kept (the JWT secret when none is configured).
    #[arg(long, env = "DATA_DIR", default_value = ".")]
    pub data_dir: PathBuf,
    /// HMAC secret for access tokens, at least 32 bytes. Without one, a random
    /// secret is generated and kept in DATA_DIR/jwt-secret. Set the same value
    /// on every process that shares a database.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<secrecy::SecretString>,
    /// Lifetime of an access token, in minutes.
    #[arg(long, env = "TOKEN_TTL_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub token_ttl_minutes: u64,
    /// bcrypt work factor for password hashes.
    #[arg(long, env = "BCRYPT_COST", default_value_t = 12, value_parser = clap::value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: u32,
    /// Sign-in attempts allowed per minute from one IP address.
    #[arg(long, env = "LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = NonZeroU32::new(5).expect("non-zero"))]
    pub login_attempts_per_minute: NonZeroU32,
    /// Requests per second allowed from one IP address across the API (off when unset).
    #[arg(long, env = "RATE_LIMIT_PER_SECOND")]
    pub rate_limit_per_second: Option<NonZeroU32>,
    /// Where rate-limit attempts are counted: `auto` shares them in PostgreSQL when the
    /// database is PostgreSQL (one quota across all processes) and keeps them in memory on SQLite.
    #[arg(long, env = "RATE_LIMIT_STORE", value_enum, default_value_t = RateLimitStore::Auto)]
    pub rate_limit_store: RateLimitStore,
    /// Reverse proxies whose X-Forwarded-For is trusted (comma-separated IP addresses).
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Where the public reaches this service, e.g. https://tickets.example.com: the server
    /// named by /openapi.json and the base of links sent out. Unset: each request's own origin.
    #[arg(long, env = "PUBLIC_URL", value_parser = PublicUrl::parse)]
    pub public_url: Option<PublicUrl>,
    /// Browser origins allowed to call the API (CORS), comma-separated, e.g. https://app.example.com.
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Run one service only (default: both in this process). Needs AMQP_URL.
    #[arg(long, env = "BOXOFFICE_ONLY", value_enum)]
    pub only: Option<Service>,
    /// The event service's base URL, e.g. http://events:8000: where a process started with
    /// `--only notifications` gathers what its messages need (`POST /internal/enrichment`,
    /// with a token signed with JWT_SECRET). Required with `--only notifications`; a process
    /// running both services reads its own store instead.
    #[arg(long, env = "EVENT_SERVICE_URL", value_parser = parse_service_url)]
    pub event_service_url: Option<url::Url>,
    /// Longest one call to the event service may take, connecting included, in
    /// milliseconds; a slower call fails and the delivery is retried.
    #[arg(long, env = "EVENT_SERVICE_TIMEOUT_MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(10..=120_000))]
    pub event_service_timeout_ms: u64,
    /// RabbitMQ, e.g. amqp://guest:guest@127.0.0.1:5672/%2f. Without it, an in-process broker is used.
    #[arg(long, env = "AMQP_URL", hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// Prefix of every RabbitMQ exchange and queue name, so several environments can share a broker.
    #[arg(long, env = "AMQP_NAMESPACE", default_value = "boxoffice")]
    pub amqp_namespace: String,
    /// Names this process's RabbitMQ fan-out queue; a stable id (e.g. a pod name) lets a
    /// restarted notification process receive what was queued for it meanwhile. Random by default.
    #[arg(long, env = "INSTANCE_ID")]
    pub instance_id: Option<String>,
    /// Time a client has to send a whole request header once it started one, in
    /// milliseconds; slower (half-sent) requests are dropped.
    #[arg(long, env = "HEADER_READ_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_ms: u64,
    /// Time a keep-alive connection may stay open with no request, in milliseconds.
    #[arg(long, env = "IDLE_TIMEOUT_MS", default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_ms: u64,
    /// Open connections at most, WebSockets included; beyond it new connections wait
    /// in the listen backlog until one closes.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Request header fields at most; a request with more is refused with 431.
    #[arg(long, env = "MAX_REQUEST_HEADERS", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=boxoffice_http::server::HEADER_PARSE_CAPACITY as u64))]
    pub max_request_headers: u64,
    /// Longest a background worker's database step (outbox relay round, notification
    /// history write, purge) may take, in milliseconds; a slower one fails and is
    /// retried, so a database that stops answering cannot hold the workers.
    #[arg(long, env = "WORKER_STEP_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub worker_step_timeout_ms: u64,
    /// Let webhook endpoints be on loopback, private or link-local addresses (a receiver on
    /// the same host or network). Off, such URLs are refused at registration and at sending,
    /// also when a name resolves to one (see docs/security.md).
    #[arg(long, env = "WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhooks_allow_private_networks: bool,
    /// Longest one webhook attempt may take, connecting included, in milliseconds.
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub webhook_timeout_ms: u64,
    /// Notifications and replies that may wait for one WebSocket client before it is dropped as
    /// too slow (seat counts are not queued: the newest replaces an unwritten one).
    #[arg(long, env = "WS_QUEUE_CAPACITY", default_value_t = 256)]
    pub ws_queue_capacity: usize,
    /// How long a seat hold lasts before its seats go back, in minutes (1 to 60).
    #[arg(long, env = "HOLD_MINUTES", default_value_t = 10, value_parser = clap::value_parser!(i64).range(1..=60))]
    pub hold_minutes: i64,
    /// How often a notification process renews its heartbeat in the database, in milliseconds.
    #[arg(long, env = "PRESENCE_HEARTBEAT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    pub presence_heartbeat_ms: u64,
    /// How old a heartbeat may get before the process counts as stopped and its WebSocket
    /// connections are no longer online, in milliseconds (several heartbeats).
    #[arg(long, env = "PRESENCE_EXPIRY_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(300..=3_600_000))]
    pub presence_expiry_ms: u64,
    #[command(flatten)]
    pub attachments: AttachmentArgs,
    #[command(flatten)]
    pub push: crate::push::PushArgs,
    #[command(flatten)]
    pub mail: crate::mail::MailArgs,
}

/// Where event attachments are kept, and how large they may be.
#[derive(Debug, Args)]
pub struct AttachmentArgs {
    /// Largest accepted attachment, in bytes (default 10 MiB).
    #[arg(long, env = "ATTACHMENT_MAX_BYTES", default_value_t = 10 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..=1024 * 1024 * 1024))]
    pub attachment_max_bytes: u64,
    /// Folder for attachments when no S3 bucket is set (default DATA_DIR/attachments).
    #[arg(long, env = "ATTACHMENT_DIR")]
    pub attachment_dir: Option<PathBuf>,
    /// Keep attachments in this S3 bucket instead of a folder. Credentials come from the
    /// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ...).
    #[arg(long, env = "ATTACHMENT_S3_BUCKET")]
    pub attachment_s3_bucket: Option<String>,
    /// The bucket's region (else AWS_REGION, else us-east-1).
    #[arg(long, env = "ATTACHMENT_S3_REGION")]
    pub attachment_s3_region: Option<String>,
    /// Endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000 for MinIO (else AWS).
    #[arg(long, env = "ATTACHMENT_S3_ENDPOINT")]
    pub attachment_s3_endpoint: Option<String>,
    /// How the bucket is addressed: `path` (endpoint/bucket/key) or `virtual-hosted`
    /// (bucket.endpoint/key). Default: path with an endpoint, virtual-hosted on AWS.
    #[arg(long, env = "ATTACHMENT_S3_ADDRESSING", value_enum)]
    pub attachment_s3_addressing: Option<Addressing>,
    /// Allow a plain http:// endpoint (a store on the local network).
    #[arg(long, env = "ATTACHMENT_S3_ALLOW_HTTP")]
    pub attachment_s3_allow_http: bool,
    /// Lifetime of the pre-signed S3 download URLs, in seconds.
    #[arg(long, env = "ATTACHMENT_URL_TTL_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub attachment_url_ttl_seconds: u64,
}

/// S3 bucket addressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Addressing {
    Path,
    VirtualHosted,
}

/// Where rate-limit attempts are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RateLimitStore {
    /// PostgreSQL's shared table when the database is PostgreSQL, else memory.
    Auto,
    /// Each process counts on its own.
    Memory,
    /// The database's shared table (PostgreSQL only).
    Database,
}

/// The two services: events (the HTTP API) and notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Service {
    /// Events, attendees, bookings, accounts; relays domain events to the broker.
    Events,
    /// WebSocket notifications, live seats and notification history.
    Notifications,
}

/// The URL without its password (in the user part or a `password=` query parameter), for messages.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &base[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("pass") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// An `http` or `https` URL.
fn parse_service_url(input: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(input).map_err(|err| format!("{input:?}: {err}"))?;
    match url.scheme() {
        "http" | "https" if url.has_host() => Ok(url),
        _ => Err(format!("{input:?} is not an http(s) URL with a host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(
            redact("postgres://bob:secret@db/app"),
            "postgres://bob:***@db/app"
        );
        assert_eq!(redact("postgres://bob@db/app"), "postgres://bob@db/app");
        assert_eq!(redact("sqlite://boxoffice.db"), "sqlite://boxoffice.db");
        assert_eq!(
            redact("postgres://db/app?user=bob&password=secret&sslmode=require"),
            "postgres://db/app?user=bob&password=***&sslmode=require"
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
