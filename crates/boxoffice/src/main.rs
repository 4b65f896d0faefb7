//! `boxoffice`: the one binary. `serve` runs the API; `migrate`, `seed` and
//! `openapi` are the administrative commands around it.

mod cli;
mod config;
mod logging;
mod mail;
mod push;
mod secret;
mod users;

use anyhow::Context;
use boxoffice_app::Application;
use boxoffice_app::PresenceSettings;
use boxoffice_broker::Broker;
use boxoffice_broker::rabbitmq::RabbitMqSettings;
use boxoffice_http::HttpConfig;
use boxoffice_http::Services;
use boxoffice_http::auth::{AuthSettings, RateLimits, TrustedProxies};
use boxoffice_notify::service_token::ServiceTokens;
use boxoffice_notify::{Enricher, EventServiceClient, EventServiceSettings, StoreFacts};
use boxoffice_store::Store;
use clap::{CommandFactory, FromArgMatches};
use cli::{CheckArgs, Cli, Command, DatabaseArgs, RateLimitStore, ServeArgs, Service};
use std::time::Duration;

/// The sample data, also used by `boxoffice seed` when no file is given.
const SEED_DATA: &str = include_str!("../../../db/seed_data.sql");

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let command = Cli::command();
    let matches = command.clone().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let _log_writer = logging::init(cli.log_format);
    match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Migrate(db) => {
            let store = connect(&db).await?;
            store.migrate().await.context("applying migrations")?;
            println!("migrations applied to {} database", store.backend());
            Ok(())
        }
        Command::Seed { db, file } => {
            let store = connect(&db).await?;
            store.migrate().await.context("applying migrations")?;
            let sql = match file {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
                None => SEED_DATA.to_owned(),
            };
            store
                .execute_script(&sql)
                .await
                .context("loading seed data")?;
            println!("seed data loaded into {} database", store.backend());
            Ok(())
        }
        Command::User(command) => users::run(command).await,
        Command::Config(args) => {
            let settings = config::settings(&command, &matches, &args);
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&config::to_json(&settings))?
                );
            } else {
                print!("{}", config::to_table(&settings));
            }
            Ok(())
        }
        Command::Check(args) => check(args).await,
        Command::Openapi => {
            println!("{}", boxoffice_http::openapi().to_pretty_json()?);
            Ok(())
        }
    }
}

async fn connect(db: &DatabaseArgs) -> anyhow::Result<Store> {
    let settings = boxoffice_store::PoolSettings {
        max_connections: db.database_max_connections,
        acquire_timeout: Duration::from_millis(db.database_acquire_timeout_ms),
        sqlite_group_commit: db.sqlite_group_commit,
        postgres_group_commit: db.postgres_group_commit,
    };
    Store::connect_with(&db.database_url, settings)
        .await
        .with_context(|| format!("connecting to {}", cli::redact(&db.database_url)))
}

/// `boxoffice check`: prints each violated rule with examples; fails if there is any.
async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let store = connect(&args.db).await?;
    let delivered_before = (!args.no_delivery_check).then(|| {
        chrono::Utc::now() - chrono::Duration::seconds(args.delivery_grace_seconds as i64)
    });
    let violations = store
        .check_invariants(delivered_before)
        .await
        .context("reading the database")?;
    store.close().await;
    if violations.is_empty() {
        println!(
            "ok: every invariant holds in the {} database",
            store.backend()
        );
        return Ok(());
    }
    for violation in &violations {
        println!(
            "VIOLATION {} ({} rows): {}",
            violation.rule, violation.count, violation.meaning
        );
        for example in &violation.examples {
            println!("  {example}");
        }
    }
    println!("{} rule(s) violated", violations.len());
    std::process::exit(1);
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = connect(&args.db).await?;
    store.migrate().await.context("applying migrations")?;
    let services = services(args.only);
    let broker = broker(&args)?;
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("binding {}:{}", args.host, args.port))?;
    let address = listener.local_addr()?;
    let security = security(&args, &store)?;
    let service_tokens = security.service_tokens.clone();
    let tickets = security.tickets.clone();
    let cors_origins = args
        .cors_origins
        .iter()
        .map(|origin| {
            origin
                .parse()
                .with_context(|| format!("CORS origin {origin:?}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let config = HttpConfig {
        body_limit: args.body_limit,
        cors_origins,
        services,
        limits: boxoffice_http::server::ServerLimits {
            header_read_timeout: Duration::from_millis(args.header_read_timeout_ms),
            idle_timeout: Duration::from_millis(args.idle_timeout_ms),
            max_connections: args.max_connections as usize,
            max_headers: args.max_request_headers as usize,
        },
    };
    let only = args.only.map_or("events and notifications", |s| match s {
        Service::Events => "events",
        Service::Notifications => "notifications",
    });
    let rate_limits_shared = security.rate_limits.is_shared();
    let mut app = Application::new(store.clone(), broker.clone(), security)
        .http(config)
        .ws_queue_capacity(args.ws_queue_capacity)
        .worker_step_timeout(Duration::from_millis(args.worker_step_timeout_ms))
        .presence(PresenceSettings {
            heartbeat: Duration::from_millis(args.presence_heartbeat_ms),
            expiry: Duration::from_millis(
                args.presence_expiry_ms.max(args.presence_heartbeat_ms * 2),
            ),
        })
        .public_url(args.public_url.clone())
        .hold_duration(
            boxoffice_domain::HoldDuration::minutes(args.hold_minutes)
                .map_err(anyhow::Error::msg)?,
        )
        .webhooks(boxoffice_notify::WebhookSettings {
            allow_private_networks: args.webhooks_allow_private_networks,
            timeout: Duration::from_millis(args.webhook_timeout_ms),
            ..boxoffice_notify::WebhookSettings::default()
        });
    if services.notifications {
        // Checked at start-up: a bad key stops the process now, not at the first notification.
        let push = args.push.channel(&store)?;
        let router = args.mail.router(
            &store,
            &args.data_dir,
            args.public_url.clone(),
            push,
            enricher(&args, &store, service_tokens)?,
            tickets,
        )?;
        app = app.router(router);
    }
    if services.events {
        app = app
            .attachments(attachments(&args)?)
            .mailer(args.mail.mailer(&args.data_dir)?);
    }
    let running = app.start(listener).await?;
    let limits = if rate_limits_shared {
        "shared"
    } else {
        "per process"
    };
    tracing::info!(%address, database = store.backend().as_str(), broker = broker.kind(), services = only, rate_limits = limits, "serving");
    // Printed on stdout so scripts (and tests using port 0) learn the address.
    println!("Boxoffice listening on http://{address} (API docs: http://{address}/docs)");
    let stop = running.stop_token();
    tokio::spawn(async move {
        shutdown_signal().await;
        stop.cancel();
    });
    running.wait().await?;
    tracing::info!("stopped");
    Ok(())
}

fn services(only: Option<Service>) -> Services {
    match only {
        None => Services::ALL,
        Some(Service::Events) => Services {
            events: true,
            notifications: false,
        },
        Some(Service::Notifications) => Services {
            events: false,
            notifications: true,
        },
    }
}

/// Where the notification service gathers what its messages need: the store when this
/// process also runs the event service; the event service's API when it runs apart, whose
/// URL is then required (reading the event service's tables is what it avoids).
fn enricher(
    args: &ServeArgs,
    store: &Store,
    service_tokens: ServiceTokens,
) -> anyhow::Result<Enricher> {
    match (args.only, &args.event_service_url) {
        (Some(Service::Notifications), Some(url)) => {
            let settings = EventServiceSettings {
                url: url.clone(),
                timeout: Duration::from_millis(args.event_service_timeout_ms),
            };
            let client = EventServiceClient::new(&settings, service_tokens)
                .context("the event service client")?;
            tracing::info!(endpoint = %client.endpoint(), "enrichment from the event service");
            Ok(Enricher::EventService(client))
        }
        (Some(Service::Notifications), None) => anyhow::bail!(
            "--only notifications asks the event service for what its messages need: set EVENT_SERVICE_URL (e.g. http://events:8000)"
        ),
        (_, url) => {
            if url.is_some() {
                tracing::info!(
                    "EVENT_SERVICE_URL is not used: this process runs the event service and reads its store"
                );
            }
            Ok(Enricher::Store(StoreFacts::new(store.clone())))
        }
    }
}

/// RabbitMQ when `AMQP_URL` is set; else the in-process broker, which only a single process can use.
fn broker(args: &ServeArgs) -> anyhow::Result<Broker> {
    match (&args.amqp_url, args.only) {
        (Some(url), _) => Ok(Broker::rabbitmq(url, rabbitmq_settings(args))),
        (None, None) => Ok(Broker::in_process()),
        (None, Some(_)) => anyhow::bail!(
            "--only runs one service of two; they talk through RabbitMQ: set AMQP_URL"
        ),
    }
}

fn rabbitmq_settings(args: &ServeArgs) -> RabbitMqSettings {
    let ns = &args.amqp_namespace;
    let defaults = RabbitMqSettings::default();
    RabbitMqSettings {
        exchange: format!("{ns}.events"),
        work_queue: format!("{ns}.work"),
        deliveries_queue: format!("{ns}.deliveries"),
        dead_letter_exchange: format!("{ns}.dead-letter"),
        dead_letter_queue: format!("{ns}.dead"),
        fanout_queue_prefix: format!("{ns}.fanout"),
        instance_id: args
            .instance_id
            .clone()
            .unwrap_or(defaults.instance_id.clone()),
        ..defaults
    }
}

/// The attachment store: the S3 bucket if one is set, else a folder under the data directory.
fn attachments(args: &ServeArgs) -> anyhow::Result<boxoffice_http::Attachments> {
    let a = &args.attachments;
    let files = match &a.attachment_s3_bucket {
        Some(bucket) => {
            let settings = boxoffice_files::S3Settings {
                bucket: bucket.clone(),
                region: a.attachment_s3_region.clone(),
                endpoint: a.attachment_s3_endpoint.clone(),
                addressing: a.attachment_s3_addressing.map(|mode| match mode {
                    cli::Addressing::Path => boxoffice_files::S3Addressing::Path,
                    cli::Addressing::VirtualHosted => boxoffice_files::S3Addressing::VirtualHosted,
                }),
                allow_http: a.attachment_s3_allow_http,
                credentials: None,
            };
            let ttl = Duration::from_secs(a.attachment_url_ttl_seconds);
            boxoffice_files::FileStore::s3(&settings, ttl)?
        }
        None => {
            let dir = a
                .attachment_dir
                .clone()
                .unwrap_or_else(|| args.data_dir.join("attachments"));
            boxoffice_files::FileStore::local(&dir)?
        }
    };
    tracing::info!(
        store = files.describe(),
        max_bytes = a.attachment_max_bytes,
        "attachments"
    );
    Ok(boxoffice_http::Attachments {
        files,
        max_bytes: a.attachment_max_bytes,
    })
}

/// Token signing, password hashing and rate limits, from the configuration.
fn security(args: &ServeArgs, store: &Store) -> anyhow::Result<boxoffice_http::Security> {
    let secret = secret::jwt_secret(args.jwt_secret.as_ref(), &args.data_dir)?;
    if args.jwt_secret.is_none() && store.backend() == boxoffice_store::Backend::Postgres {
        tracing::warn!(
            "no JWT_SECRET set: tokens are valid only on processes sharing this data directory"
        );
    }
    let settings = AuthSettings {
        jwt_secret: secret,
        bcrypt_cost: args.bcrypt_cost,
        token_ttl: Duration::from_secs(args.token_ttl_minutes * 60),
    };
    let table = match (args.rate_limit_store, store.rate_limit_table()) {
        (RateLimitStore::Memory, _) => None,
        (RateLimitStore::Auto, table) => table,
        (RateLimitStore::Database, Some(table)) => Some(table),
        (RateLimitStore::Database, None) => anyhow::bail!(
            "RATE_LIMIT_STORE=database needs a PostgreSQL database; SQLite serves one process, which counts in memory"
        ),
    };
    let rate_limits = RateLimits::new(
        args.login_attempts_per_minute,
        args.rate_limit_per_second,
        table,
    );
    let proxies = TrustedProxies(args.trusted_proxies.clone());
    boxoffice_http::Security::new(&settings, rate_limits, proxies)
        .context("preparing password hashing")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
