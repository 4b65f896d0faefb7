//! Oversized request headers: 431 with a problem+json body like every other error.
//!
//! The HTTP parser refuses a request head past its own buffer (hundreds of KiB) or past
//! [`crate::server::HEADER_PARSE_CAPACITY`] fields with a bare 431 before any handler
//! runs; this middleware draws both lines much lower, where the answer can still say
//! what happened.

use crate::error::{ApiError, ErrorCode};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest accepted total of header names and values, in bytes.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Middleware: refuses requests with more than `max_headers` header fields (not counting
/// the `X-Request-Id` the server adds when a request has none) or whose headers add up to
/// more than [`MAX_HEADER_BYTES`].
pub async fn limit_headers(
    State(max_headers): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let count = headers.len() - headers.get_all("x-request-id").iter().count();
    if count > max_headers {
        return ApiError::new(
            ErrorCode::TooManyHeaders,
            format!("The request has {count} header fields; at most {max_headers} are accepted."),
        )
        .into_response();
    }
    let size: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > MAX_HEADER_BYTES {
        return ApiError::new(
            ErrorCode::HeadersTooLarge,
            format!("The request headers exceed {MAX_HEADER_BYTES} bytes."),
        )
        .into_response();
    }
    next.run(request).await
}
