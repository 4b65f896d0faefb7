//! Oversized request headers: 431 with a problem+json body like every other error.
//!
//! The HTTP server refuses a request head past its own buffer (hundreds of KiB) with a
//! bare 431 before any handler runs; this middleware draws the line much lower, where
//! the answer can still say what happened.

use crate::error::{ApiError, ErrorCode};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest accepted total of header names and values, in bytes.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Middleware: refuses requests whose headers add up to more than [`MAX_HEADER_BYTES`].
pub async fn limit_headers(request: Request, next: Next) -> Response {
    let size: usize = request
        .headers()
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
