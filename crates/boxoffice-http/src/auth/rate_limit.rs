//! Per-IP rate limits (GCRA, from `governor`): login attempts always, the whole API when configured.

use super::ClientIp;
use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// The limiters of one server process.
#[derive(Debug, Clone)]
pub struct RateLimits {
    login: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    api: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
}

impl RateLimits {
    /// `login_per_minute` attempts per IP; `api_per_second` (with an equal burst) for everything, if set.
    pub fn new(login_per_minute: NonZeroU32, api_per_second: Option<NonZeroU32>) -> Self {
        RateLimits {
            login: Arc::new(RateLimiter::keyed(Quota::per_minute(login_per_minute))),
            api: api_per_second.map(|rate| Arc::new(RateLimiter::keyed(Quota::per_second(rate)))),
        }
    }

    /// Counts a login attempt; 429 with `Retry-After` past the quota.
    pub fn check_login(&self, ip: IpAddr) -> Result<(), ApiError> {
        check(
            &self.login,
            ip,
            "Too many sign-in attempts from this address.",
        )
    }

    /// Forgets addresses that have been quiet long enough to be back at full quota.
    pub fn forget_idle(&self) {
        self.login.retain_recent();
        if let Some(api) = &self.api {
            api.retain_recent();
        }
    }
}

fn check(
    limiter: &DefaultKeyedRateLimiter<IpAddr>,
    ip: IpAddr,
    detail: &str,
) -> Result<(), ApiError> {
    limiter.check_key(&ip).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::too_many_requests(detail, wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    })
}

/// Middleware: the general per-IP limit, when configured. Health and metrics are exempt.
pub async fn limit_api(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiter) = &app.security.rate_limits.api else {
        return next.run(request).await;
    };
    if matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &app).await;
    if let Err(limited) = check(limiter, ip, "Too many requests from this address.") {
        return limited.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
