//! RFC 9457 problem details with a stable `code` for every failure the API reports.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{BookingRefusal, FieldError, Invalid, WaitlistRefusal};
use boxoffice_store::StoreError;
use serde::Serialize;

pub use crate::error_code::ErrorCode;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// Field path, e.g. `capacity` or `coordinates.coordinates[1]`.
    pub field: String,
    pub message: String,
}

/// An `application/problem+json` body (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:boxoffice:problem:event_full", "title": "Event is fully booked", "status": 400,
    "detail": "All 5 seats of event 7 are booked.", "code": "event_full"}))]
pub struct Problem {
    /// `urn:boxoffice:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, snake_case; clients branch on this.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// What was not found, for [`ApiError::not_found`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Event,
    Attendee,
    Booking,
    Device,
    WaitlistEntry,
    Hold,
    Webhook,
    WebhookDelivery,
}

/// An error on its way to becoming a problem+json response.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    errors: Vec<ProblemField>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// A problem with `code`'s status and title.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn not_found(what: Missing, id: impl std::fmt::Display) -> Self {
        let (code, noun) = match what {
            Missing::Event => (ErrorCode::EventNotFound, "event"),
            Missing::Attendee => (ErrorCode::AttendeeNotFound, "attendee"),
            Missing::Booking => (ErrorCode::BookingNotFound, "booking"),
            Missing::Device => (ErrorCode::DeviceNotFound, "device"),
            Missing::WaitlistEntry => (ErrorCode::WaitlistEntryNotFound, "waitlist place"),
            Missing::Hold => (ErrorCode::HoldNotFound, "hold"),
            Missing::Webhook => (ErrorCode::WebhookNotFound, "webhook"),
            Missing::WebhookDelivery => (ErrorCode::WebhookDeliveryNotFound, "webhook delivery"),
        };
        Self::new(code, format!("{noun} {id} does not exist"))
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut err = Self::new(ErrorCode::ValidationFailed, detail);
        err.errors = errors
            .into_iter()
            .map(|e| ProblemField {
                field: e.field,
                message: e.message,
            })
            .collect();
        err
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn too_many_requests(detail: impl Into<String>, retry_after_seconds: u64) -> Self {
        Self::new(ErrorCode::RateLimited, detail).retry_after(retry_after_seconds.max(1))
    }

    /// The shared rate-limit counters cannot be reached: sign-in fails closed for a moment.
    pub fn rate_limit_unavailable() -> Self {
        let detail = "Sign-in attempts cannot be counted right now; try again shortly.";
        Self::new(ErrorCode::RateLimitUnavailable, detail).retry_after(5)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::AuthenticationRequired, detail)
    }

    pub fn payload_too_large() -> Self {
        let detail = "The request body exceeds the size limit.";
        Self::new(ErrorCode::PayloadTooLarge, detail)
    }

    /// The database cannot be reached right now; the client should retry shortly.
    pub fn database_unavailable() -> Self {
        let detail = "The database is unreachable; retry shortly.";
        Self::new(ErrorCode::DatabaseUnavailable, detail)
            .retry_after(crate::availability::RETRY_AFTER_SECONDS)
    }

    pub fn internal() -> Self {
        let detail = "The server failed to handle the request; it has been logged.";
        Self::new(ErrorCode::InternalError, detail)
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// Renames invalid fields (and the detail naming them) for a client that spells them otherwise.
    pub fn rename_fields(mut self, rename: impl Fn(&str) -> Option<&'static str>) -> Self {
        for error in &mut self.errors {
            if let Some(name) = rename(&error.field) {
                self.detail = self
                    .detail
                    .replace(&format!("{}:", error.field), &format!("{name}:"));
                error.field = name.to_owned();
            }
        }
        self
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            kind: format!("urn:boxoffice:problem:{}", self.code),
            title: self.code.title().to_owned(),
            status: self.status().as_u16(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_owned(),
            errors: self.errors.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        let status = self.status();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.code == ErrorCode::DatabaseUnavailable {
            response
                .extensions_mut()
                .insert(crate::availability::DatabaseUnavailable);
        }
        response
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::validation(invalid.0)
    }
}

impl From<WaitlistRefusal> for ApiError {
    fn from(refusal: WaitlistRefusal) -> Self {
        match refusal {
            WaitlistRefusal::EventNotFound => BookingRefusal::EventNotFound.into(),
            WaitlistRefusal::NotBookable(reason) => BookingRefusal::NotBookable(reason).into(),
            WaitlistRefusal::AlreadyBooked => BookingRefusal::AlreadyBooked.into(),
            WaitlistRefusal::SeatsAvailable => ApiError::new(
                ErrorCode::SeatsAvailable,
                "This event has free seats (or no limit): book a seat instead.",
            ),
            WaitlistRefusal::AlreadyWaiting => ApiError::new(
                ErrorCode::AlreadyWaitlisted,
                "This attendee is already waiting for a seat of this event.",
            ),
        }
    }
}

impl From<BookingRefusal> for ApiError {
    fn from(refusal: BookingRefusal) -> Self {
        match refusal {
            BookingRefusal::EventNotFound => {
                ApiError::new(ErrorCode::EventNotFound, "The event does not exist.")
            }
            BookingRefusal::AttendeeNotFound => {
                ApiError::new(ErrorCode::AttendeeNotFound, "The attendee does not exist.")
            }
            BookingRefusal::EventFull => {
                ApiError::new(ErrorCode::EventFull, "Every seat of this event is booked.")
            }
            BookingRefusal::AlreadyBooked => ApiError::new(
                ErrorCode::AlreadyBooked,
                "This attendee already holds a booking for this event.",
            ),
            BookingRefusal::HoldExpired => ApiError::new(
                ErrorCode::HoldExpired,
                "The hold expired, was used up or released, or belongs to another event; its seats went back.",
            ),
            BookingRefusal::NotBookable(reason) => ApiError::new(
                ErrorCode::EventNotBookable,
                format!("No booking possible: {reason}."),
            ),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::EmailTaken => ApiError::new(
                ErrorCode::EmailTaken,
                "An attendee with this e-mail address already exists.",
            ),
            StoreError::AccountEmailTaken => ApiError::new(
                ErrorCode::EmailTaken,
                "An account with this e-mail address already exists.",
            ),
            StoreError::UsernameTaken => {
                ApiError::new(ErrorCode::UsernameTaken, "This username is taken.")
            }
            // The domain parsers refuse such text first; this catches any path that slips by.
            StoreError::InvalidText => {
                tracing::warn!("the database refused a text value");
                ApiError::new(
                    ErrorCode::InvalidText,
                    "A text value holds a character that cannot be stored, such as NUL.",
                )
            }
            StoreError::Contention => ApiError::new(
                ErrorCode::DatabaseContended,
                "The database is too contended to finish the request; retry shortly.",
            )
            .retry_after(1),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::database_unavailable()
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                ApiError::internal()
            }
        }
    }
}
