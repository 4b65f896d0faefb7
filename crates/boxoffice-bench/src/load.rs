//! Load drivers.
//!
//! - **Open loop**: requests start on a fixed schedule whatever the server does, and latency
//!   is measured from the scheduled start, so a stalled server shows up as latency instead of
//!   silently lowering the rate (no coordinated omission).
//! - **Closed loop**: N workers each send the next request when the previous one answered;
//!   the rate is whatever the server sustains.

use crate::stats::OpStats;
use futures::future::BoxFuture;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// One request; `Err` names the kind of failure (e.g. `http_503`, `timeout`).
pub type Op = Arc<dyn Fn(u64) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Results of one run.
#[derive(Debug)]
pub struct Run {
    pub stats: OpStats,
    pub elapsed: Duration,
}

fn progress(label: &str, total: Duration, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total.as_millis() as u64);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>12} [{bar:30}] {elapsed_precise} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(label.to_owned());
    bar
}

fn status(stats: &Mutex<OpStats>) -> String {
    let stats = stats.lock().expect("stats lock");
    format!(
        "{} done, {} errors, p99 {:.1} ms",
        stats.latency.len(),
        stats.error_count(),
        stats.quantile_ms(0.99)
    )
}

/// Starts `rate` requests per second for `duration`, at most `max_in_flight` at once
/// (beyond that a request counts as `client_saturated`).
pub async fn open_loop(
    label: &str,
    op: Op,
    rate: f64,
    duration: Duration,
    max_in_flight: usize,
    quiet: bool,
) -> Run {
    let stats = Arc::new(Mutex::new(OpStats::default()));
    let permits = Arc::new(Semaphore::new(max_in_flight));
    let bar = progress(label, duration, quiet);
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut tasks = Vec::new();
    let mut sent: u64 = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let total = due_by(duration, rate, duration);
    while sent < total {
        tick.tick().await;
        // Request n is due at n / rate seconds: request 0 at once.
        let due = due_by(started.elapsed(), rate, duration);
        while sent < due {
            let scheduled = started + interval * sent as u32;
            let (op, stats, permits) = (op.clone(), stats.clone(), permits.clone());
            let n = sent;
            tasks.push(tokio::spawn(async move {
                let Ok(_permit) = permits.try_acquire_owned() else {
                    stats
                        .lock()
                        .expect("stats lock")
                        .record(scheduled.elapsed(), Err("client_saturated".into()));
                    return;
                };
                let outcome = op(n).await;
                stats
                    .lock()
                    .expect("stats lock")
                    .record(scheduled.elapsed(), outcome);
            }));
            sent += 1;
        }
        if sent.is_multiple_of(64) {
            bar.set_position(started.elapsed().as_millis() as u64);
            bar.set_message(status(&stats));
        }
    }
    futures::future::join_all(tasks).await;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let stats = stats.lock().expect("stats lock").clone();
    Run { stats, elapsed }
}

/// How many requests of an open-loop schedule have fallen due after `elapsed`.
fn due_by(elapsed: Duration, rate: f64, duration: Duration) -> u64 {
    let total = (duration.as_secs_f64() * rate).ceil() as u64;
    ((elapsed.as_secs_f64() * rate).floor() as u64 + 1).min(total)
}

/// `workers` loops sending requests back to back for `duration`.
pub async fn closed_loop(
    label: &str,
    op: Op,
    workers: usize,
    duration: Duration,
    quiet: bool,
) -> Run {
    let stats = Arc::new(Mutex::new(OpStats::default()));
    let bar = progress(label, duration, quiet);
    let started = Instant::now();
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (op, stats, counter) = (op.clone(), stats.clone(), counter.clone());
            tokio::spawn(async move {
                while started.elapsed() < duration {
                    let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let begun = Instant::now();
                    let outcome = op(n).await;
                    stats
                        .lock()
                        .expect("stats lock")
                        .record(begun.elapsed(), outcome);
                }
            })
        })
        .collect();
    let watcher = {
        let (bar, stats) = (bar.clone(), stats.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                bar.set_position(started.elapsed().as_millis() as u64);
                bar.set_message(status(&stats));
            }
        })
    };
    futures::future::join_all(tasks).await;
    watcher.abort();
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let stats = stats.lock().expect("stats lock").clone();
    Run { stats, elapsed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_starts_at_once_and_sends_rate_times_duration_requests() {
        let second = Duration::from_secs(1);
        assert_eq!(
            due_by(Duration::ZERO, 10.0, second),
            1,
            "request 0 is due immediately"
        );
        assert_eq!(due_by(Duration::from_millis(99), 10.0, second), 1);
        assert_eq!(due_by(Duration::from_millis(100), 10.0, second), 2);
        assert_eq!(due_by(Duration::from_millis(999), 10.0, second), 10);
        assert_eq!(
            due_by(Duration::from_secs(5), 10.0, second),
            10,
            "never more than rate x duration"
        );
    }

    #[tokio::test]
    async fn open_loop_sends_exactly_rate_times_duration_requests() {
        let op: Op = Arc::new(|_| Box::pin(async { Ok(()) }));
        let run = open_loop("test", op, 20.0, Duration::from_millis(500), 10, true).await;
        assert_eq!(run.stats.latency.len(), 10);
        assert_eq!(run.stats.error_count(), 0);
    }
}
