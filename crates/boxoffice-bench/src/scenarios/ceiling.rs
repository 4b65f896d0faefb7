//! `ceiling`: the same client against `/healthz`, the machine's HTTP ceiling.

use crate::client::Api;
use crate::load::{closed_loop, open_loop};
use crate::stats::Report;
use std::time::Duration;

pub async fn run(
    api: &Api,
    connections: usize,
    rate: Option<f64>,
    duration: Duration,
    quiet: bool,
) -> Report {
    let op = api.get("/healthz");
    let run = match rate {
        Some(rate) => open_loop("healthz", op, rate, duration, 20_000, quiet).await,
        None => closed_loop("healthz", op, connections, duration, quiet).await,
    };
    let mut report = Report::new("ceiling");
    report.push("GET /healthz", &run.stats, run.elapsed);
    report.add_errors(&run.stats);
    report.figure(
        "mode",
        if rate.is_some() {
            "open loop"
        } else {
            "closed loop"
        },
    );
    report.figure("connections", connections);
    report
}
