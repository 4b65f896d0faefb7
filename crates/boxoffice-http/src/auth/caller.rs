//! Who is calling: the user named by a valid `Authorization: Bearer` token.
//!
//! A token that is sent is checked on every API request, also where anonymous
//! callers are welcome (a client never silently loses the rights it thinks it has),
//! and the account is looked up each time: a deleted user's token stops working
//! and a changed role applies at once.

use super::token::TokenUser;
use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{Role, UserId};

/// A request from a signed-in user; 401 without a valid token.
#[derive(Debug, Clone)]
pub struct SignedIn(pub TokenUser);

/// A request that may come from a signed-in user; a token that is sent must be valid.
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<TokenUser>);

impl TokenUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// True for an admin, or for the owner of a record owned by `owner`.
    pub fn owns_or_admin(&self, owner: Option<UserId>) -> bool {
        self.is_admin() || owner == Some(self.id)
    }
}

pub(super) fn bearer(headers: &axum::http::HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidToken,
            "The Authorization header is not text.",
        )
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(ApiError::new(
            ErrorCode::InvalidToken,
            "Use Authorization: Bearer <access token>.",
        )),
    }
}

/// The account a token names, as it is now: a valid signature is not enough if the
/// account was deleted since, and the role is the current one.
pub async fn authenticate(app: &AppState, token: &str) -> Result<TokenUser, ApiError> {
    let claimed = app.security.tokens.verify(token)?;
    let user =
        app.store.get_user(claimed.id).await?.ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidToken, "The account no longer exists.")
        })?;
    Ok(TokenUser {
        id: user.id,
        username: user.username.as_str().to_owned(),
        role: user.role,
    })
}

/// The outcome of [`check_bearer`], kept for the extractors.
#[derive(Debug, Clone)]
struct Authenticated(Option<TokenUser>);

/// Paths that never read a user's token: probes, metrics, the document and the UIs, and
/// the internal endpoints (which check service tokens themselves).
fn ignores_tokens(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics" | "/openapi.json")
        || path.starts_with("/docs")
        || path.starts_with(super::service::INTERNAL_PREFIX)
        || crate::routes::webapp::is_app_path(path)
}

/// Middleware: a bearer token that is sent must be valid, on every API route.
pub async fn check_bearer(
    State(app): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if ignores_tokens(request.uri().path()) {
        return next.run(request).await;
    }
    let user = match bearer(request.headers()) {
        Ok(Some(token)) => match authenticate(&app, token).await {
            Ok(user) => Some(user),
            Err(err) => return err.into_response(),
        },
        Ok(None) => None,
        Err(err) => return err.into_response(),
    };
    request.extensions_mut().insert(Authenticated(user));
    next.run(request).await
}

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        if let Some(Authenticated(user)) = parts.extensions.get::<Authenticated>() {
            return Ok(MaybeSignedIn(user.clone()));
        }
        match bearer(&parts.headers)? {
            Some(token) => Ok(MaybeSignedIn(Some(authenticate(app, token).await?))),
            None => Ok(MaybeSignedIn(None)),
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let MaybeSignedIn(user) = MaybeSignedIn::from_request_parts(parts, app).await?;
        user.map(SignedIn).ok_or_else(|| {
            ApiError::unauthorized("Sign in and send Authorization: Bearer <access token>.")
        })
    }
}
