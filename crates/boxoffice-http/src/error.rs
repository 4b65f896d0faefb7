//! RFC 9457 problem details with a stable `code` for every failure the API reports.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{BookingRefusal, FieldError, Invalid};
use boxoffice_store::StoreError;
use serde::Serialize;
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

/// An error on its way to becoming a problem+json response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<ProblemField>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn not_found(what: &'static str, id: impl std::fmt::Display) -> Self {
        let code = match what {
            "event" => "event_not_found",
            "attendee" => "attendee_not_found",
            "booking" => "booking_not_found",
            "device" => "device_not_found",
            _ => "not_found",
        };
        Self::new(
            StatusCode::NOT_FOUND,
            code,
            "Not found",
            format!("{what} {id} does not exist"),
        )
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request", detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut err = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Request validation failed",
            detail,
        );
        err.errors = errors
            .into_iter()
            .map(|e| ProblemField {
                field: e.field,
                message: e.message,
            })
            .collect();
        err
    }

    /// A bearer token that was sent but cannot be accepted.
    pub fn invalid_token(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            code,
            "Invalid access token",
            detail,
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub fn too_many_requests(detail: impl Into<String>, retry_after_seconds: u64) -> Self {
        let mut err = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
            detail,
        );
        err.retry_after = Some(retry_after_seconds.max(1));
        err
    }

    /// The shared rate-limit counters cannot be reached: sign-in fails closed for a moment.
    pub fn rate_limit_unavailable() -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "rate_limit_unavailable",
            "Service unavailable",
            "Sign-in attempts cannot be counted right now; try again shortly.",
        );
        err.retry_after = Some(5);
        err
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_required",
            "Authentication required",
            detail,
        )
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict", detail)
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Payload too large",
            "The request body exceeds the size limit.",
        )
    }

    /// The database cannot be reached right now; the client should retry shortly.
    pub fn database_unavailable() -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "Service unavailable",
            "The database is unreachable; retry shortly.",
        );
        err.retry_after = Some(crate::availability::RETRY_AFTER_SECONDS);
        err
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal server error",
            "The server failed to handle the request; it has been logged.",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
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
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self.errors.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.code == "database_unavailable" {
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

impl From<BookingRefusal> for ApiError {
    fn from(refusal: BookingRefusal) -> Self {
        let title = match &refusal {
            BookingRefusal::EventFull => "Event is fully booked",
            BookingRefusal::AlreadyBooked => "Attendee already booked this event",
            BookingRefusal::NotBookable(_) => "Event is not bookable",
            BookingRefusal::EventNotFound | BookingRefusal::AttendeeNotFound => "Not found",
        };
        let (status, code, detail) = match refusal {
            BookingRefusal::EventNotFound => (
                StatusCode::NOT_FOUND,
                "event_not_found",
                "The event does not exist.".to_owned(),
            ),
            BookingRefusal::AttendeeNotFound => (
                StatusCode::NOT_FOUND,
                "attendee_not_found",
                "The attendee does not exist.".to_owned(),
            ),
            BookingRefusal::EventFull => (
                StatusCode::BAD_REQUEST,
                "event_full",
                "Every seat of this event is booked.".to_owned(),
            ),
            BookingRefusal::AlreadyBooked => (
                StatusCode::BAD_REQUEST,
                "already_booked",
                "This attendee already holds a booking for this event.".to_owned(),
            ),
            BookingRefusal::NotBookable(reason) => (
                StatusCode::BAD_REQUEST,
                "event_not_bookable",
                format!("No booking possible: {reason}."),
            ),
        };
        ApiError::new(status, code, title, detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::EmailTaken => ApiError::conflict(
                "email_taken",
                "An attendee with this e-mail address already exists.",
            ),
            StoreError::AccountEmailTaken => ApiError::conflict(
                "email_taken",
                "An account with this e-mail address already exists.",
            ),
            StoreError::UsernameTaken => {
                ApiError::conflict("username_taken", "This username is taken.")
            }
            // The domain parsers refuse such text first; this catches any path that slips by.
            StoreError::InvalidText => {
                tracing::warn!("the database refused a text value");
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_text",
                    "Request validation failed",
                    "A text value holds a character that cannot be stored, such as NUL.",
                )
            }
            StoreError::Contention => {
                let mut err = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_contended",
                    "Service busy",
                    "The database is too contended to finish the request; retry shortly.",
                );
                err.retry_after = Some(1);
                err
            }
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
