//! The HTTP server: an accept loop with a connection limit, and a watchdog per
//! connection that enforces the header-read and idle keep-alive timeouts.
//!
//! - At most [`ServerLimits::max_connections`] connections are open at once, WebSockets
//!   included (the permit travels with the socket through the upgrade). Beyond that,
//!   new connections wait in the listen backlog until one closes; open ones are served.
//! - A connection with no request in progress is closed when a started request header
//!   is not complete within [`ServerLimits::header_read_timeout`] (slow or half-sent
//!   requests), or when nothing arrives within [`ServerLimits::idle_timeout`].

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper_util::rt::TokioIo;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

/// Connection-level limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Time a client has to send a whole request header once it started one.
    pub header_read_timeout: Duration,
    /// Time a keep-alive connection may sit with no request before it is closed.
    pub idle_timeout: Duration,
    /// Open connections (WebSockets included) at most.
    pub max_connections: usize,
    /// Request header fields at most (beyond it: 431 `too_many_headers`), up to
    /// [`HEADER_PARSE_CAPACITY`].
    pub max_headers: usize,
}

/// Header fields the HTTP parser reads per request. It answers a bare 431 itself past
/// this, before any handler runs, so it is set well above [`ServerLimits::max_headers`]:
/// the refusal then comes from the application, with a problem+json body.
pub const HEADER_PARSE_CAPACITY: usize = 1024;

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 10_000,
            max_headers: 100,
        }
    }
}

/// How long shutdown waits for requests in progress.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Every connection holds a receiver; shutdown is announced through it, and
    // `closed()` resolves once the last connection has finished.
    let (stopping, stop) = watch::channel(false);
    let clock = Instant::now();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => permit.expect("never closed"),
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        metrics::gauge!("boxoffice_http_connections").increment(1.0);
        let activity = Arc::new(Activity::new(clock));
        let io = TrackedIo {
            stream,
            activity: Arc::clone(&activity),
            _permit: permit,
        };
        let service = hyper_service(app.clone(), peer, Arc::clone(&activity));
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .keep_alive(true)
            .header_read_timeout(None)
            .max_headers(HEADER_PARSE_CAPACITY);
        let connection = builder
            .serve_connection(TokioIo::new(io), service)
            .with_upgrades();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let closed = tokio::select! {
                result = connection.as_mut() => Some(result),
                reason = watchdog(&activity, limits) => {
                    metrics::counter!("boxoffice_http_connections_timed_out_total", "reason" => reason).increment(1);
                    tracing::debug!(%peer, reason, "connection closed");
                    return;
                }
                _ = stop.wait_for(|stopping| *stopping) => None,
            };
            let result = match closed {
                Some(result) => result,
                // Shutting down: finish the request in progress, then close.
                None => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(err) = result {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    drop(stop);
    let _ = stopping.send(true);
    if tokio::time::timeout(SHUTDOWN_GRACE, stopping.closed())
        .await
        .is_err()
    {
        tracing::warn!("requests still in progress at shutdown were cut");
    }
    Ok(())
}

/// The router as a hyper service that knows the peer address and counts requests in progress.
fn hyper_service(
    app: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
) -> hyper_util::service::TowerToHyperService<
    impl tower::Service<
        Request<hyper::body::Incoming>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future: Send,
    > + Clone,
> {
    let service = tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        let activity = Arc::clone(&activity);
        activity.request_started();
        async move {
            let response = app.oneshot(request.map(axum::body::Body::new)).await;
            activity.request_finished();
            response
        }
    });
    hyper_util::service::TowerToHyperService::new(service)
}

/// What a connection is doing, as the watchdog sees it. Times are milliseconds since `clock`.
#[derive(Debug)]
struct Activity {
    clock: Instant,
    in_flight: AtomicUsize,
    /// When the connection last became idle (opened, or its last request answered).
    idle_since: AtomicU64,
    /// When the first byte after `idle_since` arrived; 0 while none did.
    header_started: AtomicU64,
}

impl Activity {
    fn new(clock: Instant) -> Self {
        let activity = Activity {
            clock,
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            header_started: AtomicU64::new(0),
        };
        activity.idle_since.store(activity.now(), Ordering::Release);
        activity
    }

    /// Never 0, which means "no byte yet".
    fn now(&self) -> u64 {
        self.clock.elapsed().as_millis() as u64 + 1
    }

    fn bytes_read(&self) {
        if self.header_started.load(Ordering::Acquire) == 0 {
            let _ = self.header_started.compare_exchange(
                0,
                self.now(),
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }

    fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
    }

    fn request_finished(&self) {
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.header_started.store(0, Ordering::Release);
            self.idle_since.store(self.now(), Ordering::Release);
        }
    }

    /// Why the connection should be closed now, if it should.
    fn expired(&self, limits: ServerLimits) -> Option<&'static str> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let now = self.now();
        let header_started = self.header_started.load(Ordering::Acquire);
        if header_started != 0 {
            let waited = Duration::from_millis(now.saturating_sub(header_started));
            return (waited >= limits.header_read_timeout).then_some("header_read_timeout");
        }
        let idle =
            Duration::from_millis(now.saturating_sub(self.idle_since.load(Ordering::Acquire)));
        (idle >= limits.idle_timeout).then_some("idle_timeout")
    }
}

/// Resolves when the connection has overstayed a timeout, with which one.
async fn watchdog(activity: &Activity, limits: ServerLimits) -> &'static str {
    let tick = (limits.header_read_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(20), Duration::from_secs(1));
    loop {
        tokio::time::sleep(tick).await;
        if let Some(reason) = activity.expired(limits) {
            return reason;
        }
    }
}

/// The TCP stream, noting when bytes arrive, holding the connection's permit until it closes.
struct TrackedIo {
    stream: TcpStream,
    activity: Arc<Activity>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for TrackedIo {
    fn drop(&mut self) {
        metrics::gauge!("boxoffice_http_connections").decrement(1.0);
    }
}

impl AsyncRead for TrackedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.bytes_read();
        }
        poll
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl std::fmt::Debug for TrackedIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackedIo").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ServerLimits {
        ServerLimits {
            header_read_timeout: Duration::from_millis(100),
            idle_timeout: Duration::from_millis(300),
            max_connections: 1,
            max_headers: 100,
        }
    }

    #[tokio::test]
    async fn a_started_header_must_finish_within_the_header_timeout() {
        let activity = Activity::new(Instant::now());
        activity.bytes_read();
        assert_eq!(activity.expired(limits()), None);
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(activity.expired(limits()), Some("header_read_timeout"));
    }

    #[tokio::test]
    async fn a_request_in_progress_is_never_cut_and_idleness_counts_from_its_end() {
        let activity = Activity::new(Instant::now());
        activity.bytes_read();
        activity.request_started();
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(activity.expired(limits()), None);
        activity.request_finished();
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(activity.expired(limits()), None, "idle, not a slow header");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(activity.expired(limits()), Some("idle_timeout"));
    }
}
