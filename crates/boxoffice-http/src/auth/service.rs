//! Callers of internal endpoints: other Boxoffice processes, with a service token.
//!
//! Internal paths skip the user-token check of every other route (a service token is no
//! user's), and this extractor decides instead: no token is 401, a user's valid access
//! token (an admin's too) is 403, anything else that is not a service token is 401.

use super::caller::bearer;
use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// Paths only Boxoffice processes call.
pub const INTERNAL_PREFIX: &str = "/internal/";

/// A request from another Boxoffice process; carries the calling service's name.
#[derive(Debug, Clone)]
pub struct ServiceCaller(pub String);

impl FromRequestParts<AppState> for ServiceCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer(&parts.headers)? else {
            return Err(ApiError::unauthorized(
                "Internal endpoints take a Boxoffice service token: Authorization: Bearer <token>.",
            ));
        };
        if let Ok(service) = app.security.service_tokens.verify(token) {
            return Ok(ServiceCaller(service));
        }
        if app.security.tokens.verify(token).is_ok() {
            return Err(ApiError::forbidden(
                "Internal endpoints serve Boxoffice processes only, not users.",
            ));
        }
        Err(ApiError::new(
            ErrorCode::InvalidToken,
            "The service token is not valid.",
        ))
    }
}
