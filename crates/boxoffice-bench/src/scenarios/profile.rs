//! `profile`: the reference load profile — 1,000 users, 100 requests per second of reads and
//! bookings, 50 new events per minute, 500 WebSocket clients measuring delivery.

use crate::client::Api;
use crate::load::{Op, open_loop};
use crate::stats::{OpStats, Report, Row};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The profile; the defaults are the reference load.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub users: usize,
    pub rate: f64,
    pub creations_per_minute: f64,
    pub ws_clients: usize,
    pub duration: Duration,
}

/// The request mix: (name, share of the rate).
const MIX: [(&str, f64); 3] = [
    ("GET /events", 0.5),
    ("GET /events/{id}", 0.3),
    ("POST /events/{id}/book", 0.2),
];

pub async fn run(api: &Api, profile: Profile, quiet: bool) -> anyhow::Result<Report> {
    let token = api.organizer().await?;
    let mut events = Vec::new();
    for n in 0..10 {
        events.push(
            api.create_event(&token, &format!("Profile event {n}"), 100_000)
                .await?,
        );
    }
    let events = Arc::new(events);

    let delivery = Arc::new(Mutex::new(OpStats::default()));
    let until = tokio::time::Instant::now() + profile.duration + Duration::from_secs(3);
    let mut listeners = Vec::new();
    for n in 0..profile.ws_clients {
        let watcher = api.watcher(events[n % events.len()]).await?;
        let delivery = delivery.clone();
        listeners.push(tokio::spawn(watcher.listen(
            until,
            move |frame, arrived_at| {
                let delay = crate::client::delay_since(frame.changed_at, arrived_at);
                delivery.lock().expect("lock").record(delay, Ok(()))
            },
        )));
    }

    // Bookings cycle through `users` people; each (person, event) pair books once.
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let users = profile.users as u64;
    let book_all = api.book(events.clone(), &run_id);
    let book: Op = Arc::new(move |n| {
        book_all((n % users) * 10 + (n / users) % 10 + (n / (users * 10)) * users * 10)
    });
    let ops: Vec<(String, Op, f64)> = vec![
        (MIX[0].0.into(), api.get("/events"), profile.rate * MIX[0].1),
        (
            MIX[1].0.into(),
            api.get_event(events.clone()),
            profile.rate * MIX[1].1,
        ),
        (MIX[2].0.into(), book, profile.rate * MIX[2].1),
        (
            "POST /events".into(),
            api.create(token.clone()),
            profile.creations_per_minute / 60.0,
        ),
    ];
    let runs = futures::future::join_all(ops.into_iter().map(|(name, op, rate)| async move {
        (
            name.clone(),
            open_loop(&name, op, rate, profile.duration, 10_000, quiet).await,
        )
    }))
    .await;
    futures::future::join_all(listeners).await;

    let mut report = Report::new("profile");
    let mut all = OpStats::default();
    for (name, run) in &runs {
        report.push(name, &run.stats, run.elapsed);
        report.add_errors(&run.stats);
        all.latency
            .add(&run.stats.latency)
            .expect("same histogram bounds");
    }
    let elapsed = runs.first().map_or(profile.duration, |(_, r)| r.elapsed);
    let mut overall = Row::of("all requests", &all, elapsed);
    overall.errors = report.errors.values().sum();
    report.rows.push(overall);
    let delivery = delivery.lock().expect("lock").clone();
    report.push("seat frame delivery", &delivery, elapsed);
    report.figure("virtual_users", profile.users);
    report.figure("websocket_clients", profile.ws_clients);
    report.figure("offered_rate_per_s", profile.rate);
    report.figure("event_creations_per_minute", profile.creations_per_minute);
    Ok(report)
}
