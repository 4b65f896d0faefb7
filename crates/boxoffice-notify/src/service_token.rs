//! Short-lived tokens one Boxoffice process shows another on internal endpoints.
//!
//! Signed with the same `JWT_SECRET` as access tokens (every process of a deployment
//! shares it), but with an audience of their own: a user's access token carries no
//! audience and is refused here, and a service token carries one and is refused as an
//! access token, so neither can stand in for the other. Nothing a user does yields one.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const ISSUER: &str = "boxoffice";
/// The audience of internal calls; access tokens have none.
pub const INTERNAL_AUDIENCE: &str = "boxoffice-internal";
/// Long enough for one call and its retries within a delivery, short enough that a
/// leaked token is soon worthless.
pub const SERVICE_TOKEN_TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Serialize, Deserialize)]
struct ServiceClaims {
    /// The calling service, e.g. `notifications`.
    sub: String,
    aud: String,
    iss: String,
    iat: i64,
    exp: i64,
}

/// Signs and checks service tokens with the deployment's shared secret.
#[derive(Clone)]
pub struct ServiceTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for ServiceTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceTokens").finish_non_exhaustive()
    }
}

/// Why a service token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid service token: {0}")]
pub struct InvalidServiceToken(String);

impl ServiceTokens {
    pub fn new(secret: &SecretSlice<u8>) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[INTERNAL_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.leeway = 5;
        ServiceTokens {
            encoding: EncodingKey::from_secret(secret.expose_secret()),
            decoding: DecodingKey::from_secret(secret.expose_secret()),
            validation,
        }
    }

    /// A token for `service`, valid for [`SERVICE_TOKEN_TTL`].
    pub fn sign(&self, service: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = ServiceClaims {
            sub: service.to_owned(),
            aud: INTERNAL_AUDIENCE.to_owned(),
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now + SERVICE_TOKEN_TTL.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The calling service's name, if `token` is a valid service token.
    pub fn verify(&self, token: &str) -> Result<String, InvalidServiceToken> {
        jsonwebtoken::decode::<ServiceClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims.sub)
            .map_err(|err| InvalidServiceToken(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(secret: &[u8]) -> ServiceTokens {
        ServiceTokens::new(&SecretSlice::from(secret.to_vec()))
    }

    #[test]
    fn a_signed_token_names_its_service() {
        let tokens = tokens(&[7; 32]);
        let token = tokens.sign("notifications").expect("signs");
        assert_eq!(tokens.verify(&token), Ok("notifications".to_owned()));
    }

    #[test]
    fn another_secret_or_no_audience_is_refused() {
        let token = tokens(&[7; 32]).sign("notifications").expect("signs");
        assert!(tokens(&[8; 32]).verify(&token).is_err());
        // An access token: same secret and issuer, no audience.
        let now = chrono::Utc::now().timestamp();
        let access = serde_json::json!({"sub": "1", "username": "u", "role": "admin",
            "iss": ISSUER, "iat": now, "exp": now + 60});
        let key = EncodingKey::from_secret(&[7; 32]);
        let access =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &access, &key).expect("signs");
        assert!(tokens(&[7; 32]).verify(&access).is_err());
    }
}
