//! `boxoffice-bench`: load scenarios against a running Boxoffice server.
//!
//! Start the server the way you want to measure it (SQLite or PostgreSQL, in-process
//! broker or RabbitMQ, release build), then point this at it. See docs/performance.md.

mod client;
mod load;
mod plot;
mod scenarios;
mod stats;

use clap::{Parser, Subcommand};
use scenarios::{capacity, ceiling, fanout, flash_sale, profile, secs};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "boxoffice-bench",
    version,
    about = "Load scenarios against a running Boxoffice server."
)]
struct Cli {
    /// The server's base URL; several, comma-separated, for processes sharing one database
    /// (requests go to each in turn).
    #[arg(
        long,
        global = true,
        value_delimiter = ',',
        default_value = "http://127.0.0.1:8000"
    )]
    target: Vec<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
    /// No progress display.
    #[arg(long, global = true)]
    quiet: bool,
    /// Also draw the latency distribution into this PNG file.
    #[arg(long, global = true)]
    plot: Option<PathBuf>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// `/healthz` as fast as possible: the machine's HTTP ceiling.
    Ceiling {
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Open loop at this rate instead of closed loop.
        #[arg(long)]
        rate: Option<f64>,
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
    },
    /// Raise the rate until p99 passes the limit or errors appear, for each operation.
    Capacity {
        #[arg(long, value_delimiter = ',', default_value = "list,get,book")]
        ops: Vec<String>,
        #[arg(long, default_value_t = 500.0)]
        start_rate: f64,
        #[arg(long, default_value_t = 1.5)]
        factor: f64,
        #[arg(long, default_value_t = 100_000.0)]
        max_rate: f64,
        /// Seconds per step.
        #[arg(long, default_value_t = 5.0)]
        step: f64,
        #[arg(long, default_value_t = 100.0)]
        p99_limit_ms: f64,
    },
    /// Many clients book one event at once; exactly `seats` must win.
    FlashSale {
        #[arg(long, default_value_t = 10_000)]
        clients: usize,
        #[arg(long, default_value_t = 1_000)]
        seats: i64,
    },
    /// Many WebSocket clients watch events while bookings run; measures booking-to-frame delay.
    Fanout {
        #[arg(long, default_value_t = 5_000)]
        clients: usize,
        /// Events booked (in turn) and watched (clients spread evenly); one event caps the
        /// booking rate at what one event's row lock allows.
        #[arg(long, default_value_t = 1)]
        events: usize,
        /// Seconds to keep listening after the last booking, so late frames are counted.
        #[arg(long, default_value_t = 3.0)]
        grace: f64,
        /// Bookings per second.
        #[arg(long, default_value_t = 100.0)]
        rate: f64,
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        /// The server's process id, to report its memory.
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// The reference load profile: users, requests/s, event creations/minute, WebSocket clients.
    Profile {
        #[arg(long, default_value_t = 1_000)]
        users: usize,
        #[arg(long, default_value_t = 100.0)]
        rate: f64,
        #[arg(long, default_value_t = 50.0)]
        creations_per_minute: f64,
        #[arg(long, default_value_t = 500)]
        ws_clients: usize,
        #[arg(long, default_value_t = 60.0)]
        duration: f64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let api = client::Api::new(&cli.target);
    let quiet = cli.quiet || cli.json;
    let report = match cli.scenario {
        Scenario::Ceiling {
            connections,
            rate,
            duration,
        } => ceiling::run(&api, connections, rate, secs(duration), quiet).await,
        Scenario::Capacity {
            ops,
            start_rate,
            factor,
            max_rate,
            step,
            p99_limit_ms,
        } => {
            let ramp = capacity::Ramp {
                start_rate,
                factor,
                max_rate,
                step: secs(step),
                p99_limit_ms,
            };
            capacity::run(&api, &ops, ramp, quiet).await?
        }
        Scenario::FlashSale { clients, seats } => {
            flash_sale::run(&api, clients, seats, quiet).await?
        }
        Scenario::Fanout {
            clients,
            events,
            grace,
            rate,
            duration,
            server_pid,
        } => {
            let shape = fanout::Shape {
                clients,
                events,
                rate,
                duration: secs(duration),
                grace: secs(grace),
            };
            fanout::run(&api, shape, server_pid, quiet).await?
        }
        Scenario::Profile {
            users,
            rate,
            creations_per_minute,
            ws_clients,
            duration,
        } => {
            let load = profile::Profile {
                users,
                rate,
                creations_per_minute,
                ws_clients,
                duration: secs(duration),
            };
            profile::run(&api, load, quiet).await?
        }
    };
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    if let Some(path) = &cli.plot {
        plot::latency_png(
            path,
            &format!("Boxoffice {}: latency by percentile", report.scenario),
            &report.histograms,
        )?;
        eprintln!("latency plot written to {}", path.display());
    }
    Ok(())
}
