//! Per-IP rate limits: login attempts always, the whole API when configured.
//!
//! Each limit is a generic cell rate (GCRA: a burst, then one request per interval). It is
//! counted in this process's memory (`governor`), or, when the store is PostgreSQL, in the
//! `rate_limits` table that every process on the database shares, so N processes behind a
//! load balancer still grant one quota. Either way a refusal is a 429 with `Retry-After`.

use super::ClientIp;
use super::caller::bearer;
use super::shared_limit::{Shared, Unreachable};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use boxoffice_store::{Rate, RateLimitTable};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// The limits of one server process.
#[derive(Debug, Clone)]
pub struct RateLimits {
    login: Arc<Limiter>,
    api: Option<Arc<Limiter>>,
    table: Option<RateLimitTable>,
}

/// One limit: its rate, the in-memory counters, and the shared ones when configured.
#[derive(Debug)]
struct Limiter {
    /// `login` or `api`: the limit's name in the shared table and in metrics.
    bucket: &'static str,
    rate: Rate,
    local: DefaultKeyedRateLimiter<IpAddr>,
    shared: Option<Shared>,
    /// What to do when the shared counters cannot be reached.
    unreachable: Unreachable,
}

/// What a limit says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allowed,
    Refused(Duration),
    /// The shared counters could not be reached and this limit fails closed.
    Unavailable,
}

impl Limiter {
    fn new(bucket: &'static str, quota: Quota, unreachable: Unreachable) -> Self {
        Limiter {
            bucket,
            rate: Rate {
                interval: quota.replenish_interval(),
                burst: quota.burst_size().get(),
            },
            local: RateLimiter::keyed(quota),
            shared: None,
            unreachable,
        }
    }

    async fn check(&self, ip: IpAddr) -> Verdict {
        let Some(shared) = &self.shared else {
            return self.check_locally(ip);
        };
        match shared.take(self.bucket, ip, self.rate).await {
            Ok(None) => Verdict::Allowed,
            Ok(Some(wait)) => Verdict::Refused(wait),
            Err(()) => match self.unreachable {
                Unreachable::Refuse => Verdict::Unavailable,
                Unreachable::CountLocally => self.check_locally(ip),
            },
        }
    }

    fn check_locally(&self, ip: IpAddr) -> Verdict {
        match self.local.check_key(&ip) {
            Ok(()) => Verdict::Allowed,
            Err(not_until) => {
                Verdict::Refused(not_until.wait_time_from(DefaultClock::default().now()))
            }
        }
    }

    /// The verdict as an HTTP outcome.
    async fn enforce(&self, ip: IpAddr, detail: &str) -> Result<(), ApiError> {
        match self.check(ip).await {
            Verdict::Allowed => Ok(()),
            Verdict::Refused(wait) => {
                metrics::counter!("boxoffice_rate_limited_total", "limit" => self.bucket)
                    .increment(1);
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(ApiError::too_many_requests(detail, seconds))
            }
            Verdict::Unavailable => Err(ApiError::rate_limit_unavailable()),
        }
    }

    fn forget_idle(&self) {
        self.local.retain_recent();
        if let Some(shared) = &self.shared {
            shared.forget_expired();
        }
    }
}

impl RateLimits {
    /// `login_per_minute` attempts per IP; `api_per_second` (with an equal burst) for
    /// everything, if set. Counted in `table` when given, shared by every process on its
    /// database; else in this process. When the table cannot be reached, sign-in fails
    /// closed (503) and the API-wide limit counts in memory.
    pub fn new(
        login_per_minute: NonZeroU32,
        api_per_second: Option<NonZeroU32>,
        table: Option<RateLimitTable>,
    ) -> Self {
        let limiter = |bucket, quota, unreachable| {
            let mut limiter = Limiter::new(bucket, quota, unreachable);
            limiter.shared = table.clone().map(Shared::new);
            Arc::new(limiter)
        };
        RateLimits {
            login: limiter(
                "login",
                Quota::per_minute(login_per_minute),
                Unreachable::Refuse,
            ),
            api: api_per_second
                .map(|rate| limiter("api", Quota::per_second(rate), Unreachable::CountLocally)),
            table,
        }
    }

    /// Whether the counts are shared with other processes.
    pub fn is_shared(&self) -> bool {
        self.table.is_some()
    }

    /// Counts a login attempt; 429 with `Retry-After` past the quota.
    pub async fn check_login(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.login
            .enforce(ip, "Too many sign-in attempts from this address.")
            .await
    }

    /// Forgets addresses that have been quiet long enough to be back at full quota,
    /// here and in the shared table.
    pub async fn forget_idle(&self) {
        self.login.forget_idle();
        if let Some(api) = &self.api {
            api.forget_idle();
        }
        if let Some(table) = &self.table {
            match table.purge().await {
                Ok(purged) => tracing::debug!(purged, "rate-limit rows purged"),
                Err(err) => tracing::warn!(error = %err, "purging rate-limit rows failed"),
            }
        }
    }
}

/// Middleware: the general per-IP limit, when configured. Health and metrics are exempt, and
/// so are other Boxoffice processes on internal paths: a notification host enriches every
/// notice through the event service and must not be throttled as one busy client.
pub async fn limit_api(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiter) = &app.security.rate_limits.api else {
        return next.run(request).await;
    };
    if matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics")
        || is_service_call(&app, &request)
    {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &app).await;
    if let Err(limited) = limiter
        .enforce(ip, "Too many requests from this address.")
        .await
    {
        return limited.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// An internal path called with a valid service token.
fn is_service_call(app: &AppState, request: &Request) -> bool {
    request
        .uri()
        .path()
        .starts_with(super::service::INTERNAL_PREFIX)
        && matches!(bearer(request.headers()), Ok(Some(token))
            if app.security.service_tokens.verify(token).is_ok())
}
