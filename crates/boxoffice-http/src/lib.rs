//! The Boxoffice HTTP API.
//!
//! - [`router`] builds the axum application and [`openapi`] its OpenAPI document;
//! - `routes/` holds one module per resource, `dto/` the wire types;
//! - [`error`] renders every failure as RFC 9457 problem+json with a stable `code`;
//! - [`extract`] holds extractors whose rejections use that format too.

pub mod access;
pub mod auth;
pub mod availability;
mod csv;
pub mod dto;
pub mod error;
mod error_code;
pub mod extract;
pub mod headers;
pub mod idempotency;
mod openapi;
pub mod origin;
pub mod routes;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod upload;

pub use state::{AppState, Attachments, Security};

use crate::error::ErrorCode;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::HeaderName;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::IntoResponse;
use error::ApiError;
use routes::{
    attachments, attendees, auth as auth_routes, bookings, devices, dialect, door, events, holds,
    internal, magic_links, notifications, ops, organizer, preferences, realtime, tickets, waitlist,
    webhooks,
};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Browser origins allowed to call the API (CORS); none by default.
    pub cors_origins: Vec<HeaderValue>,
    /// Which services this process runs.
    pub services: Services,
    /// Timeouts and the connection limit.
    pub limits: server::ServerLimits,
}

/// The two services of Boxoffice; one process runs either or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Services {
    /// Events, attendees, bookings, accounts, subscriptions.
    pub events: bool,
    /// `/ws` and `/notifications`.
    pub notifications: bool,
}

impl Services {
    pub const ALL: Services = Services {
        events: true,
        notifications: true,
    };
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            body_limit: 64 * 1024,
            cors_origins: Vec::new(),
            services: Services::ALL,
            limits: server::ServerLimits::default(),
        }
    }
}

fn api(services: Services) -> OpenApiRouter<AppState> {
    let mut api = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi());
    if services.events {
        api = api
            .routes(routes!(events::get_events, events::create_event))
            .routes(routes!(
                events::get_event,
                events::patch_event,
                events::delete_event
            ))
            .routes(routes!(events::get_event_attendees))
            .routes(routes!(organizer::get_event_attendees_csv))
            .routes(routes!(organizer::get_event_dashboard))
            .routes(routes!(
                attachments::get_event_attachment,
                attachments::put_event_attachment,
                attachments::delete_event_attachment
            ))
            .routes(routes!(
                notifications::subscribe_event,
                notifications::unsubscribe_event
            ))
            .routes(routes!(bookings::book_event))
            .routes(routes!(holds::hold_seats))
            .routes(routes!(holds::get_hold, holds::release_hold))
            .routes(routes!(
                waitlist::join_waitlist,
                waitlist::get_event_waitlist
            ))
            .routes(routes!(
                waitlist::get_waitlist_entry,
                waitlist::leave_waitlist
            ))
            // Aliases: same handler, documented by `openapi::ALIASES`.
            .route("/events/{id}", axum::routing::put(events::patch_event))
            .route(
                "/events/{id}/register",
                axum::routing::post(bookings::book_event),
            )
            .routes(routes!(
                attendees::get_attendees,
                attendees::create_attendee
            ))
            .routes(routes!(
                attendees::get_attendee,
                attendees::update_attendee,
                attendees::delete_attendee
            ))
            .routes(routes!(bookings::get_bookings, bookings::create_booking))
            .routes(routes!(bookings::get_booking, bookings::cancel_booking))
            .routes(routes!(tickets::get_booking_ticket_svg))
            .routes(routes!(tickets::get_booking_ticket_png))
            .routes(routes!(door::get_event_staff))
            .routes(routes!(door::put_event_staff, door::delete_event_staff))
            .routes(routes!(door::check_in_ticket, door::get_event_check_ins))
            .routes(routes!(
                dialect::events::api_get_events,
                dialect::events::api_create_event
            ))
            .routes(routes!(
                dialect::events::api_get_event,
                dialect::events::api_update_event,
                dialect::events::api_delete_event
            ))
            .routes(routes!(
                dialect::people::api_get_attendees,
                dialect::people::api_create_attendee
            ))
            .routes(routes!(dialect::people::api_get_attendee))
            .routes(routes!(
                dialect::people::api_get_bookings,
                dialect::people::api_create_booking
            ))
            .routes(routes!(
                dialect::people::api_get_booking,
                dialect::people::api_cancel_booking
            ))
            .routes(routes!(auth_routes::register_user))
            .routes(routes!(auth_routes::login))
            .routes(routes!(auth_routes::issue_token))
            .routes(routes!(auth_routes::get_me))
            .routes(routes!(devices::register_device, devices::get_devices))
            .routes(routes!(devices::delete_device))
            .routes(routes!(
                preferences::get_preferences,
                preferences::put_preferences
            ))
            .routes(routes!(magic_links::request_magic_link))
            .routes(routes!(magic_links::redeem_magic_link))
            .routes(routes!(internal::enrich))
            .routes(routes!(webhooks::create_webhook, webhooks::list_webhooks))
            .routes(routes!(
                webhooks::get_webhook,
                webhooks::update_webhook,
                webhooks::delete_webhook
            ))
            .routes(routes!(webhooks::list_webhook_deliveries))
            .routes(routes!(webhooks::replay_webhook_delivery));
        // Served by `get_event` (see `routes::calendar`), documented as its own operation.
        document_path::<routes::calendar::__path_get_event_calendar>(&mut api, "events");
    }
    if services.notifications {
        api = api
            .routes(routes!(realtime::connect_websocket))
            .routes(routes!(notifications::get_notifications));
    }
    api.routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
}

/// Adds an operation that shares another's route to the document, under `tag` (which
/// `utoipa::Path::operation` leaves out; `routes!` adds it for routed operations).
fn document_path<P: utoipa::Path>(api: &mut OpenApiRouter<AppState>, tag: &str) {
    let mut operation = P::operation();
    operation.tags = Some(vec![tag.to_owned()]);
    api.get_openapi_mut()
        .paths
        .add_path_operation(P::path(), P::methods(), operation);
}

/// The OpenAPI document, as served at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut spec = api(Services::ALL).split_for_parts().1;
    openapi::complete(&mut spec);
    spec
}

/// The whole application: API, Swagger UI at `/docs`, and the middleware stack.
pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let (api, mut spec) = api(config.services).split_for_parts();
    openapi::complete(&mut spec);
    let spec = Arc::new(origin::ServedSpec::new(spec));
    let mut app = api
        .route(
            "/openapi.json",
            axum::routing::get(move |state, request| serve_openapi(state, spec, request)),
        )
        .merge(SwaggerUi::new("/docs").config(utoipa_swagger_ui::Config::new(["/openapi.json"])));
    if config.services.events {
        // The web app under /app/ (not part of the OpenAPI document).
        app = app.merge(routes::webapp::router());
    }
    app
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::check_bearer))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            availability::guard_database,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::limit_api))
        .layer(axum::middleware::from_fn(telemetry::track))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            tracing::error!("handler panicked");
            ApiError::internal().into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    let path = magic_links::loggable_path(request.uri().path());
                    tracing::info_span!("request", method = %request.method(), path = %path, request_id = %request_id)
                })
                .on_request(())
                .on_response(|response: &axum::response::Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(status = response.status().as_u16(), duration_ms = latency.as_secs_f64() * 1000.0, "request handled");
                }),
        )
        .layer(axum::middleware::from_fn_with_state(
            config.limits.max_headers,
            headers::limit_headers,
        ))
        .layer(cors(&config.cors_origins))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The OpenAPI document naming the origin it was requested from as its server.
async fn serve_openapi(
    State(app): State<AppState>,
    spec: Arc<origin::ServedSpec>,
    request: Request,
) -> axum::response::Response {
    let origin = origin::request_origin(
        request.headers(),
        auth::peer_ip(request.extensions()),
        &app.security.trusted_proxies,
        app.public_url.as_ref(),
    );
    (
        [(header::CONTENT_TYPE, "application/json")],
        spec.render(&origin),
    )
        .into_response()
}

/// Drops one trailing slash so `/events/` routes like `/events` (Swagger UI keeps its own).
pub fn trim_trailing_slash(mut request: Request) -> Request {
    let path = request.uri().path();
    if path.len() > 1 && path.ends_with('/') && !path.starts_with("/docs") {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let rebuilt = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_owned(),
        };
        if let Ok(uri) = rebuilt.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// CORS for the configured origins only; without any, browsers on other origins are refused.
fn cors(origins: &[HeaderValue]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.iter().cloned()))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-attendee-token"),
            HeaderName::from_static("x-cancel-token"),
            HeaderName::from_static("x-timezone"),
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::LOCATION,
            header::CONTENT_DISPOSITION,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
            dialect::TOTAL_COUNT,
        ])
        .max_age(Duration::from_secs(600))
}

/// Headers that keep browsers from sniffing, framing or leaking API responses.
async fn security_headers(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let is_docs = request.uri().path().starts_with("/docs");
    let is_app = routes::webapp::is_app_path(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if is_app {
        // The web app runs its own scripts and styles and connects back to the API and
        // /ws; it sets its own Cache-Control (hashed assets are immutable).
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(routes::webapp::CONTENT_SECURITY_POLICY),
        );
    } else if !is_docs {
        // Swagger UI needs its own scripts and styles; everything else is data.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        ErrorCode::RouteNotFound,
        format!("No route for {}", uri.path()),
    )
}

async fn method_not_allowed() -> impl IntoResponse {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "This path does not accept that method.",
    )
}

/// Serves the application on `listener` until `shutdown` resolves, within `config.limits`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    config: &HttpConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app =
        Router::new()
            .fallback_service(router(state, config))
            .layer(axum::middleware::map_request(
                |request: Request| async move { trim_trailing_slash(request) },
            ));
    server::run(listener, app, config.limits, shutdown).await
}
