//! Accounts and the "who" column: every protected endpoint without a token, with an
//! expired, forged or foreign one, as another user, as the owner and as an admin.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use boxoffice_testkit::{
    Backend, JWT_SECRET, Options, PASSWORD, TestApp, event_body, expect_problem, expect_status,
    on_both_databases,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

mod access;
mod accounts;
mod limits;

fn claims(sub: &str, role: &str, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "username": "mallory", "role": role, "iss": "boxoffice", "iat": now, "exp": now + exp_offset})
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// Tokens that must all be refused with 401.
fn bad_tokens(user_id: &str) -> Vec<(&'static str, String)> {
    let valid = sign(&claims(user_id, "admin", 600), JWT_SECRET);
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("999999");
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let tampered = parts.join(".");
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!(
        "{none_header}.{}.",
        URL_SAFE_NO_PAD.encode(claims(user_id, "admin", 600).to_string())
    );
    vec![
        (
            "expired",
            sign(&claims(user_id, "admin", -3600), JWT_SECRET),
        ),
        ("tampered", tampered),
        (
            "wrong secret",
            sign(
                &claims(user_id, "admin", 600),
                "another-secret-another-secret-another-secret",
            ),
        ),
        ("alg none", unsigned),
        ("garbage", "not.a.jwt".to_owned()),
    ]
}

fn user_id_of(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sub"].as_str().unwrap().to_owned()
}

async fn register(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/auth/register", &body).await
}
