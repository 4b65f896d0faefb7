//! Seat holds end on the server: expired holds give their seats back without any client
//! action, within a second of expiring. Every event-service process runs this loop; they
//! skip each other's holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL).

use boxoffice_store::Store;
use chrono::Utc;
use std::time::Duration;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

/// How often expired holds are looked for.
pub const EVERY: Duration = Duration::from_secs(1);
/// Holds ended per step at most, so one step stays short.
const PER_STEP: usize = 200;

/// Ends expired holds every [`EVERY`], until `stop`.
pub async fn run(store: Store, stop: CancellationToken) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        match boxoffice_usecases::holds::expire(&store, PER_STEP, Utc::now()).await {
            Ok(0) => {}
            Ok(ended) => {
                metrics::counter!("boxoffice_holds_expired_total").increment(ended as u64);
                tracing::debug!(ended, "expired seat holds ended");
            }
            Err(err) => {
                tracing::warn!(error = %err, "ending expired seat holds failed; will retry")
            }
        }
    }
}
