//! `boxoffice`: the one binary. `serve` runs the API; `migrate`, `seed` and
//! `openapi` are the administrative commands around it.

mod cli;
mod logging;
mod secret;
mod users;

use anyhow::Context;
use boxoffice_http::auth::{AuthSettings, RateLimits, TrustedProxies};
use boxoffice_http::{AppState, HttpConfig};
use boxoffice_store::Store;
use clap::Parser;
use cli::{Cli, Command, DatabaseArgs, ServeArgs};
use std::time::Duration;

/// Sample data of seed 004, also used by `boxoffice seed` when no file is given.
const SEED_DATA: &str = include_str!("../../../db/seed_data.sql");

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    logging::init(cli.log_format);
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(db) => {
            let store = connect(&db).await?;
            store.migrate().await.context("applying migrations")?;
            println!("migrations applied to {} database", store.kind());
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
            println!("seed data loaded into {} database", store.kind());
            Ok(())
        }
        Command::User(command) => users::run(command).await,
        Command::Openapi => {
            println!("{}", boxoffice_http::openapi().to_pretty_json()?);
            Ok(())
        }
    }
}

async fn connect(db: &DatabaseArgs) -> anyhow::Result<Store> {
    Store::connect(&db.database_url, db.database_max_connections)
        .await
        .with_context(|| format!("connecting to {}", cli::redact(&db.database_url)))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = connect(&args.db).await?;
    store.migrate().await.context("applying migrations")?;
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("binding {}:{}", args.host, args.port))?;
    let address = listener.local_addr()?;
    let secret = secret::jwt_secret(args.jwt_secret.as_ref(), &args.data_dir)?;
    if args.jwt_secret.is_none() && store.kind() == "postgres" {
        tracing::warn!(
            "no JWT_SECRET set: tokens are valid only on processes sharing this data directory"
        );
    }
    let settings = AuthSettings {
        jwt_secret: secret,
        bcrypt_cost: args.bcrypt_cost,
        token_ttl: Duration::from_secs(args.token_ttl_minutes * 60),
    };
    let rate_limits = RateLimits::new(args.login_attempts_per_minute, args.rate_limit_per_second);
    let proxies = TrustedProxies(args.trusted_proxies.clone());
    let security = boxoffice_http::Security::new(&settings, rate_limits.clone(), proxies)
        .context("preparing password hashing")?;
    let cors_origins = args
        .cors_origins
        .iter()
        .map(|origin| {
            origin
                .parse()
                .with_context(|| format!("CORS origin {origin:?}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    tokio::spawn(housekeeping(store.clone(), rate_limits));
    let metrics = Some(boxoffice_http::telemetry::prometheus());
    let state = AppState::new(store.clone(), metrics, security);
    let config = HttpConfig {
        body_limit: args.body_limit,
        cors_origins,
    };
    tracing::info!(%address, database = store.kind(), "serving");
    // Printed on stdout so scripts (and tests using port 0) learn the address.
    println!("Boxoffice listening on http://{address} (API docs: http://{address}/docs)");
    boxoffice_http::serve(listener, state, &config, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// Hourly: forgets idempotency keys past their retention, and idle rate-limit entries.
async fn housekeeping(store: Store, rate_limits: RateLimits) {
    let retention = chrono::Duration::hours(boxoffice_http::idempotency::RETENTION_HOURS);
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        rate_limits.forget_idle();
        if let Err(err) = store
            .purge_idempotency_keys(chrono::Utc::now() - retention)
            .await
        {
            tracing::warn!(error = %err, "purging idempotency keys failed");
        }
    }
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
