//! `fanout`: thousands of WebSocket clients watch events while bookings run at a fixed rate;
//! measures how long seat counts take to reach them (from the booking, through the outbox
//! and the broker, to the socket), and the server's memory.

use crate::client::{Api, SeatFrame, delay_since};
use crate::load::open_loop;
use crate::stats::{OpStats, Report};
use anyhow::Context;
use std::sync::Arc;
use std::time::Duration;

/// What one client heard, kept apart from the others (no lock shared by thousands of
/// listeners) and merged when the run is over.
#[derive(Debug, Default)]
struct Heard {
    /// Microseconds from each frame's change to its arrival.
    frame_delays_us: Vec<u32>,
    /// Microseconds until each seat count was first shown (see [`Heard::record`]).
    state_delays_us: Vec<u32>,
    /// The frame with the highest count so far.
    newest: Option<SeatFrame>,
    /// Frames with a lower count than one already shown.
    out_of_order: u64,
    last: Option<SeatFrame>,
}

fn micros(delay: Duration) -> u32 {
    delay.as_micros().min(u128::from(u32::MAX)) as u32
}

impl Heard {
    /// Every booking adds one seat, so a frame that raises the highest count from `m` to `n`
    /// shows `n - m` counts for the first time: its own, timed from its change, and the ones
    /// coalesced into it, timed at their upper bound (from the change of the frame that
    /// showed `m`, before which they cannot have happened).
    fn record(&mut self, frame: SeatFrame, arrived_at: chrono::DateTime<chrono::Utc>) {
        let delay = micros(delay_since(frame.changed_at, arrived_at));
        self.frame_delays_us.push(delay);
        self.last = Some(frame);
        let Some(newest) = self.newest else {
            self.newest = Some(frame);
            return;
        };
        if frame.seats_booked < newest.seats_booked {
            self.out_of_order += 1;
        }
        if frame.seats_booked <= newest.seats_booked {
            return;
        }
        let coalesced = (frame.seats_booked - newest.seats_booked - 1) as usize;
        let bound = micros(delay_since(newest.changed_at, arrived_at));
        self.state_delays_us
            .extend(std::iter::repeat_n(bound, coalesced));
        self.state_delays_us.push(delay);
        self.newest = Some(frame);
    }
}

/// Seats booked on `event` according to the server, once the run is over.
async fn seats_booked(api: &Api, event: i64) -> anyhow::Result<i64> {
    let body: serde_json::Value = api
        .http
        .get(api.url(&format!("/events/{event}")))
        .send()
        .await?
        .json()
        .await?;
    body["seats_booked"].as_i64().context("seats_booked")
}

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

    let until = tokio::time::Instant::now() + duration + shape.grace;
    let listeners: Vec<_> = watchers
        .into_iter()
        .map(|watcher| {
            tokio::spawn(async move {
                let mut heard = Heard {
                    newest: Some(watcher.first),
                    last: Some(watcher.first),
                    ..Heard::default()
                };
                watcher
                    .listen(until, |frame, arrived_at| heard.record(frame, arrived_at))
                    .await;
                heard
            })
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
    let heard: Vec<Heard> = futures::future::join_all(listeners)
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let mut final_seats = Vec::with_capacity(events.len());
    for event in &events {
        final_seats.push(seats_booked(api, *event).await?);
    }

    let (mut delivery, mut states) = (OpStats::default(), OpStats::default());
    let (mut frames_received, mut out_of_order) = (0, 0);
    let mut final_state_seen = 0;
    for (client, heard) in heard.iter().enumerate() {
        frames_received += heard.frame_delays_us.len() as u64;
        out_of_order += heard.out_of_order;
        for &us in &heard.frame_delays_us {
            delivery.record(Duration::from_micros(us.into()), Ok(()));
        }
        for &us in &heard.state_delays_us {
            states.record(Duration::from_micros(us.into()), Ok(()));
        }
        let last = heard.last.map(|frame| frame.seats_booked);
        if last == Some(final_seats[client % events.len()]) {
            final_state_seen += 1;
        }
    }
    let mut report = Report::new("fanout");
    report.push("POST /events/{id}/book", &bookings.stats, bookings.elapsed);
    report.push("seat frame delivery", &delivery, bookings.elapsed);
    // Every count a client was shown, a coalesced one at its upper bound (see `Heard`).
    report.push("seat state delivery", &states, bookings.elapsed);
    report.add_errors(&bookings.stats);
    // Bookings go to the events in turn and each event has the same number of watchers.
    let expected = bookings.stats.ok * (clients / events.len()) as u64;
    report.figure("websocket_clients", clients);
    report.figure("events", events.len());
    report.figure("frames_expected", expected);
    report.figure("frames_received", frames_received);
    report.figure("states_received", states.latency.len());
    report.figure("frames_out_of_order", out_of_order);
    report.figure("clients_with_final_state", final_state_seen);
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
