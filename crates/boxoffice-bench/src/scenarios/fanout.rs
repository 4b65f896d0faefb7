//! `fanout`: thousands of WebSocket clients watch events while bookings run at a fixed rate;
//! measures how long seat counts take to reach them (from the booking, through the outbox
//! and the broker, to the socket), and the server's memory.

use crate::client::Api;
use crate::load::open_loop;
use crate::stats::{OpStats, Report};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the scenario runs.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// WebSocket clients, spread evenly over the events.
    pub clients: usize,
    pub events: usize,
    /// Bookings per second, spread over the events in turn.
    pub rate: f64,
    pub duration: Duration,
    /// Listening time after the last booking.
    pub grace: Duration,
}

pub async fn run(
    api: &Api,
    shape: Shape,
    server_pid: Option<u32>,
    quiet: bool,
) -> anyhow::Result<Report> {
    let Shape {
        clients,
        rate,
        duration,
        ..
    } = shape;
    anyhow::ensure!(
        shape.events > 0 && clients % shape.events == 0,
        "--clients must be a multiple of --events"
    );
    let token = api.organizer().await?;
    let mut events = Vec::with_capacity(shape.events);
    for _ in 0..shape.events {
        events.push(api.create_event(&token, "Fan-out", 1_000_000).await?);
    }
    let memory_before = server_pid.and_then(super::resident_mib);

    let mut watchers = Vec::with_capacity(clients);
    for chunk in (0..clients).collect::<Vec<_>>().chunks(250) {
        let connecting = chunk.iter().map(|i| api.watcher(events[i % events.len()]));
        for watcher in futures::future::join_all(connecting).await {
            watchers.push(watcher?);
        }
        if !quiet {
            eprint!("\r  {} WebSocket clients watching", watchers.len());
        }
    }
    if !quiet {
        eprintln!();
    }
    let memory_connected = server_pid.and_then(super::resident_mib);

    let delivery = Arc::new(Mutex::new(OpStats::default()));
    let frames = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let until = tokio::time::Instant::now() + duration + shape.grace;
    let listeners: Vec<_> = watchers
        .into_iter()
        .map(|watcher| {
            let (delivery, frames) = (delivery.clone(), frames.clone());
            tokio::spawn(watcher.listen(until, move |delay| {
                frames.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                delivery.lock().expect("lock").record(delay, Ok(()));
            }))
        })
        .collect();
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let bookings = open_loop(
        "bookings",
        api.book(Arc::new(events.clone()), &run_id),
        rate,
        duration,
        10_000,
        quiet,
    )
    .await;
    let memory_loaded = server_pid.and_then(super::resident_mib);
    futures::future::join_all(listeners).await;

    let delivery = delivery.lock().expect("lock").clone();
    let mut report = Report::new("fanout");
    report.push("POST /events/{id}/book", &bookings.stats, bookings.elapsed);
    report.push("seat frame delivery", &delivery, bookings.elapsed);
    report.add_errors(&bookings.stats);
    // Bookings go to the events in turn and each event has the same number of watchers.
    let expected = bookings.stats.ok * (clients / events.len()) as u64;
    report.figure("websocket_clients", clients);
    report.figure("events", events.len());
    report.figure("frames_expected", expected);
    report.figure(
        "frames_received",
        frames.load(std::sync::atomic::Ordering::Relaxed),
    );
    for (name, value) in [
        ("server_rss_mib_idle", memory_before),
        ("server_rss_mib_connected", memory_connected),
        ("server_rss_mib_loaded", memory_loaded),
    ] {
        if let Some(mib) = value {
            report.figure(name, (mib * 10.0).round() / 10.0);
        }
    }
    Ok(report)
}
