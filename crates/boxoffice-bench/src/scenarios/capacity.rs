//! `capacity`: raise the arrival rate until p99 exceeds the limit or errors appear;
//! report the highest rate sustained for list, get and book.

use crate::client::Api;
use crate::load::{Op, open_loop};
use crate::stats::{Report, Row};
use std::sync::Arc;
use std::time::Duration;

/// How a ramp proceeds.
#[derive(Debug, Clone, Copy)]
pub struct Ramp {
    pub start_rate: f64,
    pub factor: f64,
    pub max_rate: f64,
    pub step: Duration,
    pub p99_limit_ms: f64,
}

pub async fn run(api: &Api, ops: &[String], ramp: Ramp, quiet: bool) -> anyhow::Result<Report> {
    let token = api.organizer().await?;
    let events = Arc::new(vec![api.create_event(&token, "Capacity", 1_000_000).await?]);
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let mut report = Report::new("capacity");
    for name in ops {
        // Every step books new people, so no booking meets an earlier one.
        let op_for_step = |step: usize| -> anyhow::Result<Op> {
            Ok(match name.as_str() {
                "list" => api.get("/events"),
                "get" => api.get_event(events.clone()),
                "book" => api.book(events.clone(), &format!("{run_id}-{step}")),
                other => anyhow::bail!("unknown operation {other:?} (list, get, book)"),
            })
        };
        let mut rate = ramp.start_rate;
        let mut best: Option<Row> = None;
        let mut step = 0;
        while rate <= ramp.max_rate {
            step += 1;
            let label = format!("{name} {rate:.0}/s");
            let run = open_loop(&label, op_for_step(step)?, rate, ramp.step, 20_000, quiet).await;
            let row = Row::of(&format!("{name} @ {rate:.0}/s"), &run.stats, run.elapsed);
            if !quiet {
                eprintln!(
                    "  {name}: {rate:>8.0}/s offered, p99 {:>8.2} ms, {} errors",
                    row.p99_ms, row.errors
                );
            }
            if row.errors > 0 || row.p99_ms > ramp.p99_limit_ms {
                report.add_errors(&run.stats);
                break;
            }
            best = Some(row);
            rate *= ramp.factor;
        }
        match best {
            Some(row) => {
                report.figure(
                    &format!("{name}_sustained_per_s"),
                    (row.rate_per_s * 10.0).round() / 10.0,
                );
                report.rows.push(row);
            }
            None => report.figure(&format!("{name}_sustained_per_s"), 0),
        }
    }
    report.figure("p99_limit_ms", ramp.p99_limit_ms);
    Ok(report)
}
