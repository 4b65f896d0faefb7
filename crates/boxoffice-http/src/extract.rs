//! Request extractors whose rejections are problem+json like every other error.

use crate::error::{ApiError, ErrorCode};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use boxoffice_domain::{FieldError, Zone};
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// A JSON body, deserialized with the path of the failing field in the message.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the body as JSON with Content-Type: application/json.",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                ApiError::new(ErrorCode::UnreadableBody, rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses JSON, telling syntax errors (400) from values of the wrong shape (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { "body".to_owned() } else { path };
                ApiError::validation(vec![FieldError {
                    field,
                    message: strip_position(&inner.to_string()),
                }])
            }
            _ => ApiError::new(
                ErrorCode::MalformedJson,
                format!("The body is not valid JSON: {inner}"),
            ),
        }
    })
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Path parameters; a non-numeric id is a 400, not a 404 or a 500.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidPathParameter,
                    "Ids in the path must be 64-bit integers.",
                )
            })
    }
}

/// Query parameters; malformed values are a 400 naming the parameter.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| {
                ApiError::new(
                    ErrorCode::InvalidQuery,
                    format!("Query parameter {}: {}", err.path(), err.inner()),
                )
            })
    }
}

/// The zone responses are rendered in: `?tz=`, else `X-Timezone`, else each event's own.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderZone(pub Option<Zone>);

impl RenderZone {
    pub fn or(self, fallback: Zone) -> Zone {
        self.0.unwrap_or(fallback)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RenderZone {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let from_query = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "tz")
                .map(|(_, v)| v.into_owned())
        });
        let requested = match from_query {
            Some(tz) => Some(tz),
            None => match parts.headers.get("x-timezone") {
                Some(value) => Some(
                    value
                        .to_str()
                        .map_err(|_| invalid_zone("X-Timezone is not text".into()))?
                        .to_owned(),
                ),
                None => None,
            },
        };
        requested
            .map(|tz| Zone::parse(&tz).map_err(invalid_zone))
            .transpose()
            .map(RenderZone)
    }
}

fn invalid_zone(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidTimezone, format!("Time zone {message}"))
}

/// A header's value as text, if present.
pub fn header_text<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}
