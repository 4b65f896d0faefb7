//! `flash-sale`: many clients try to book one event at once. Exactly `seats` must win.

use crate::client::{Api, outcome};
use crate::stats::{OpStats, Report};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub async fn run(api: &Api, clients: usize, seats: i64, quiet: bool) -> anyhow::Result<Report> {
    let token = api.organizer().await?;
    let event = api.create_event(&token, "Flash sale", seats).await?;
    let stats = Arc::new(Mutex::new(OpStats::default()));
    let sold_out_at: Arc<Mutex<Option<Duration>>> = Arc::default();
    let confirmed = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let gate = Arc::new(tokio::sync::Barrier::new(clients + 1));
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            let (api, stats, gate, sold_out_at, confirmed, run_id) =
                (api.clone(), stats.clone(), gate.clone(), sold_out_at.clone(), confirmed.clone(), run_id.clone());
            tokio::spawn(async move {
                let body = json!({"name": format!("Fan {n}"), "email": format!("fan{n}.{run_id}@bench.example")});
                let request = api.http.post(api.url(&format!("/events/{event}/book"))).json(&body);
                gate.wait().await;
                let started = Instant::now();
                let result = outcome(request.send().await).await;
                let latency = started.elapsed();
                if result.is_ok() && confirmed.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == seats {
                    *sold_out_at.lock().expect("lock") = Some(latency);
                }
                stats.lock().expect("lock").record(latency, result);
            })
        })
        .collect();
    if !quiet {
        eprintln!("  {clients} clients ready; go");
    }
    let started = Instant::now();
    gate.wait().await;
    futures::future::join_all(tasks).await;
    let elapsed = started.elapsed();

    let stats = stats.lock().expect("lock").clone();
    let event_body: serde_json::Value = api
        .http
        .get(api.url(&format!("/events/{event}")))
        .send()
        .await?
        .json()
        .await?;
    let mut report = Report::new("flash-sale");
    report.push("POST /events/{id}/book", &stats, elapsed);
    report.figure("clients", clients);
    report.figure("seats", seats);
    report.figure("confirmed", stats.ok);
    report.figure(
        "refused_event_full",
        stats.errors.get("event_full").copied().unwrap_or(0),
    );
    report.figure("seats_booked_on_server", event_body["seats_booked"].clone());
    report.figure(
        "exactly_sold_out",
        stats.ok == seats as u64 && event_body["seats_booked"] == seats,
    );
    if let Some(at) = *sold_out_at.lock().expect("lock") {
        report.figure(
            "time_to_sell_out_ms",
            (at.as_secs_f64() * 1e4).round() / 10.0,
        );
    }
    report.figure(
        "all_answered_ms",
        (elapsed.as_secs_f64() * 1e4).round() / 10.0,
    );
    let mut unexpected = stats.clone();
    unexpected.errors.remove("event_full");
    report.add_errors(&unexpected);
    Ok(report)
}
