//! Requests sent as a signed-in user.

use crate::TestApp;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

/// Requests sent with a bearer token.
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) token: &'a str,
}

impl Session<'_> {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app.request(method, path).bearer_auth(self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        send(self.request(Method::GET, path), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        send(self.request(Method::POST, path), Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        send(self.request(Method::PATCH, path), Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        send(self.request(Method::PUT, path), Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        send(self.request(Method::DELETE, path), None).await
    }
}

/// Sends a request, with a JSON body if one is given; a request that cannot be sent fails
/// the test (the error names the method and URL).
pub(crate) async fn send(request: RequestBuilder, body: Option<&Value>) -> Response {
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("request not sent: {e}"))
}
