//! The shared side of a rate limit: counts in the database, and remembers refusals.
//!
//! A refusal from the shared table says "not before T". No process can make T earlier
//! (the arrival time only moves forward), so this process answers the same address's
//! further requests until T from memory, exactly as the table would, without asking it.

use boxoffice_store::{Rate, RateLimitTable};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a count may take before the shared table is treated as unreachable.
pub const SHARED_TIMEOUT: Duration = Duration::from_secs(2);

/// Addresses remembered as refused, at most; past that, refusals are not cached
/// (answers stay exact, they just cost a query).
const MAX_REMEMBERED: usize = 100_000;

/// What a limit does when its shared counters cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    /// Refuse the request (503): sign-in fails closed.
    Refuse,
    /// Count in this process's memory meanwhile.
    CountLocally,
}

/// Counters in the shared table and this process's memory of its refusals.
#[derive(Debug)]
pub struct Shared {
    table: RateLimitTable,
    refused_until: Mutex<HashMap<IpAddr, Instant>>,
}

impl Shared {
    pub fn new(table: RateLimitTable) -> Self {
        Shared {
            table,
            refused_until: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok(None)` if allowed, `Ok(Some(wait))` if refused, `Err` if the table is unreachable.
    pub async fn take(&self, bucket: &str, ip: IpAddr, rate: Rate) -> Result<Option<Duration>, ()> {
        let now = Instant::now();
        if let Some(until) = self.remembered(ip, now) {
            return Ok(Some(until - now));
        }
        let counted = tokio::time::timeout(
            SHARED_TIMEOUT,
            self.table.take(bucket, &ip.to_string(), rate),
        )
        .await;
        match counted {
            Ok(Ok(None)) => Ok(None),
            Ok(Ok(Some(wait))) => {
                self.remember(ip, now + wait);
                Ok(Some(wait))
            }
            Ok(Err(err)) => {
                metrics::counter!("boxoffice_rate_limit_store_errors_total", "limit" => bucket.to_owned())
                    .increment(1);
                tracing::warn!(limit = bucket, error = %err, "shared rate-limit counters unavailable");
                Err(())
            }
            Err(_elapsed) => {
                metrics::counter!("boxoffice_rate_limit_store_errors_total", "limit" => bucket.to_owned())
                    .increment(1);
                tracing::warn!(limit = bucket, "shared rate-limit counters timed out");
                Err(())
            }
        }
    }

    fn remembered(&self, ip: IpAddr, now: Instant) -> Option<Instant> {
        let refused = self.refused_until.lock().unwrap_or_else(|e| e.into_inner());
        refused.get(&ip).copied().filter(|until| *until > now)
    }

    fn remember(&self, ip: IpAddr, until: Instant) {
        let mut refused = self.refused_until.lock().unwrap_or_else(|e| e.into_inner());
        if refused.len() >= MAX_REMEMBERED {
            let now = Instant::now();
            refused.retain(|_, until| *until > now);
        }
        if refused.len() < MAX_REMEMBERED {
            refused.insert(ip, until);
        }
    }

    /// Drops refusals that have run out.
    pub fn forget_expired(&self) {
        let now = Instant::now();
        self.refused_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, until| *until > now);
    }
}
