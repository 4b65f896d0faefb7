//! HS256 access tokens carrying the user's id, username and role.

use crate::error::{ApiError, ErrorCode};
use boxoffice_domain::{Role, User, UserId};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const ISSUER: &str = "boxoffice";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string (RFC 7519).
    pub sub: String,
    pub username: String,
    pub role: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

/// The signed-in user a valid token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser {
    pub id: UserId,
    pub username: String,
    pub role: Role,
}

/// Signs and verifies access tokens with one secret.
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl TokenIssuer {
    pub fn new(secret: &SecretSlice<u8>, ttl: Duration) -> Self {
        // Only HS256 is accepted: `alg: none` and every other algorithm are refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        TokenIssuer {
            encoding: EncodingKey::from_secret(secret.expose_secret()),
            decoding: DecodingKey::from_secret(secret.expose_secret()),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user: &User) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user.id.0.to_string(),
            username: user.username.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(
            |err| {
                tracing::error!(error = %err, "signing an access token failed");
                ApiError::internal()
            },
        )
    }

    pub fn verify(&self, token: &str) -> Result<TokenUser, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => ApiError::new(
                    ErrorCode::TokenExpired,
                    "The access token has expired; sign in again.",
                ),
                _ => ApiError::new(ErrorCode::InvalidToken, "The access token is not valid."),
            })?;
        let claims = data.claims;
        let invalid = || ApiError::new(ErrorCode::InvalidToken, "The access token is not valid.");
        Ok(TokenUser {
            id: UserId(claims.sub.parse().map_err(|_| invalid())?),
            username: claims.username,
            role: claims.role.parse().map_err(|_| invalid())?,
        })
    }
}
