//! Who is calling: the user named by a valid `Authorization: Bearer` token.

use super::token::TokenUser;
use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
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

fn bearer(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::invalid_token("invalid_token", "The Authorization header is not text.")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(ApiError::invalid_token(
            "invalid_token",
            "Use Authorization: Bearer <access token>.",
        )),
    }
}

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        match bearer(parts)? {
            Some(token) => app
                .security
                .tokens
                .verify(token)
                .map(|user| MaybeSignedIn(Some(user))),
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
