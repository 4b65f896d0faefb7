//! `boxoffice`: the one binary. `serve` runs the API; `migrate`, `seed` and
//! `openapi` are the administrative commands around it.

mod cli;
mod logging;

use anyhow::Context;
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
    tokio::spawn(purge_idempotency_keys(store.clone()));
    let state = AppState::new(store.clone(), Some(boxoffice_http::telemetry::prometheus()));
    let config = HttpConfig {
        body_limit: args.body_limit,
    };
    tracing::info!(%address, database = store.kind(), "serving");
    // Printed on stdout so scripts (and tests using port 0) learn the address.
    println!("Boxoffice listening on http://{address} (API docs: http://{address}/docs)");
    boxoffice_http::serve(listener, state, &config, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// Forgets idempotency keys after their retention period, hourly.
async fn purge_idempotency_keys(store: Store) {
    let retention = chrono::Duration::hours(boxoffice_http::idempotency::RETENTION_HOURS);
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
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
