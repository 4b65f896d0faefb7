//! The FCM sender against a local HTTP/2 server over TLS playing both Google's OAuth2 token
//! endpoint (which verifies the RS256 assertion) and the HTTP v1 send endpoint (which checks
//! the bearer token and the message).
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod support;

use boxoffice_push::{FcmConfig, Platform, Push, PushConfig, PushMessage, PushOutcome};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use support::{Answer, H2Server, Received};

const CLIENT_EMAIL: &str = "push@demo-project.iam.gserviceaccount.com";
const PROJECT: &str = "demo-project";
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

#[derive(Deserialize)]
struct Assertion {
    iss: String,
    scope: String,
    aud: String,
    iat: u64,
    exp: u64,
}

struct Google {
    public_pem: String,
    token_uri: std::sync::OnceLock<String>,
    tokens_issued: AtomicU32,
}

impl Google {
    fn token(&self, request: &Received) -> Answer {
        let form: BTreeMap<String, String> = url_form(&request.body);
        if form.get("grant_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
            || request.header("content-type") != Some("application/x-www-form-urlencoded")
        {
            return invalid_grant("grant_type");
        }
        let key = DecodingKey::from_rsa_pem(self.public_pem.as_bytes()).expect("public key");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[self.token_uri.get().expect("token uri")]);
        validation.set_issuer(&[CLIENT_EMAIL]);
        let assertion = form.get("assertion").map_or("", String::as_str);
        let claims = match jsonwebtoken::decode::<Assertion>(assertion, &key, &validation) {
            Ok(token) => token.claims,
            Err(err) => return invalid_grant(&err.to_string()),
        };
        if claims.scope != SCOPE
            || claims.exp <= claims.iat
            || claims.exp - claims.iat > 3600
            || claims.iss != CLIENT_EMAIL
            || claims.aud != *self.token_uri.get().unwrap()
        {
            return invalid_grant("claims");
        }
        let n = self.tokens_issued.fetch_add(1, Ordering::SeqCst) + 1;
        let body = serde_json::json!({"access_token": format!("ya29.token-{n}"),
            "expires_in": 3599, "token_type": "Bearer"});
        (
            200,
            vec![("content-type", "application/json".into())],
            body.to_string(),
        )
    }

    fn send(&self, request: &Received) -> Answer {
        if request.path != format!("/v1/projects/{PROJECT}/messages:send") {
            return fcm_error(404, "NOT_FOUND", None);
        }
        let current = format!(
            "Bearer ya29.token-{}",
            self.tokens_issued.load(Ordering::SeqCst)
        );
        if request.header("authorization") != Some(current.as_str()) {
            return fcm_error(401, "UNAUTHENTICATED", None);
        }
        let body = request.json();
        let message = &body["message"];
        if message["notification"]
            != serde_json::json!({"title": "Jazz night", "body": "Starts at 8"})
            || message["data"] != serde_json::json!({"event_id": "7"})
            || body.as_object().map(|o| o.len()) != Some(1)
        {
            return fcm_error(400, "INVALID_ARGUMENT", Some("INVALID_ARGUMENT"));
        }
        match message["token"].as_str() {
            Some("fcm-good") => (
                200,
                vec![],
                serde_json::json!({"name": format!("projects/{PROJECT}/messages/0:1")}).to_string(),
            ),
            Some("fcm-gone") => fcm_error(404, "NOT_FOUND", Some("UNREGISTERED")),
            Some("fcm-busy") => fcm_error(429, "RESOURCE_EXHAUSTED", Some("QUOTA_EXCEEDED")),
            _ => fcm_error(400, "INVALID_ARGUMENT", Some("INVALID_ARGUMENT")),
        }
    }
}

fn url_form(body: &[u8]) -> BTreeMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%3A", ":").replace("%3a", ":")))
        .collect()
}

fn invalid_grant(why: &str) -> Answer {
    let body = serde_json::json!({"error": "invalid_grant", "error_description": why});
    (400, vec![], body.to_string())
}

fn fcm_error(status: u16, text: &str, code: Option<&str>) -> Answer {
    let details = code.map_or_else(Vec::new, |c| {
        vec![
            serde_json::json!({"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": c}),
        ]
    });
    let body = serde_json::json!({"error": {"code": status, "message": text, "status": text,
        "details": details}});
    (status, vec![], body.to_string())
}

fn message() -> PushMessage {
    PushMessage {
        title: "Jazz night".into(),
        body: "Starts at 8".into(),
        data: BTreeMap::from([("event_id".to_owned(), "7".to_owned())]),
    }
}

async fn google(key: &rcgen::KeyPair) -> (H2Server, Arc<Google>) {
    let google = Arc::new(Google {
        public_pem: key.public_key_pem(),
        token_uri: std::sync::OnceLock::new(),
        tokens_issued: AtomicU32::new(0),
    });
    let handler = google.clone();
    let server = H2Server::start(move |request: Received| {
        let google = handler.clone();
        async move {
            if request.method != "POST" || request.version != hyper::Version::HTTP_2 {
                return (405, vec![], String::new());
            }
            if request.path == "/token" {
                google.token(&request)
            } else {
                google.send(&request)
            }
        }
    })
    .await;
    google
        .token_uri
        .set(format!("{}/token", server.url))
        .expect("once");
    (server, google)
}

fn config(key: &rcgen::KeyPair, server: &H2Server) -> PushConfig {
    let account = serde_json::json!({
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "0123456789abcdef",
        "private_key": key.serialize_pem(),
        "client_email": CLIENT_EMAIL,
        "token_uri": format!("{}/token", server.url),
    });
    PushConfig {
        fcm: Some(
            FcmConfig::from_service_account_json(
                &account.to_string(),
                None,
                Some(server.url.clone()),
            )
            .expect("service account"),
        ),
        extra_roots_pem: Some(server.ca_pem.clone()),
        ..PushConfig::default()
    }
}

#[tokio::test]
async fn fcm_requests_follow_the_v1_format_and_the_access_token_is_reused() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("RSA key");
    let (server, google) = google(&key).await;
    let push = Push::new(config(&key, &server)).expect("push");
    assert!(push.is_enabled(Platform::Android));
    assert!(!push.is_enabled(Platform::Ios));

    let message = message();
    assert_eq!(
        push.send(Platform::Android, "fcm-good", &message).await,
        PushOutcome::Delivered
    );
    assert_eq!(
        push.send(Platform::Android, "fcm-gone", &message).await,
        PushOutcome::Unregistered
    );
    assert!(matches!(
        push.send(Platform::Android, "fcm-busy", &message).await,
        PushOutcome::Retryable(why) if why.contains("429")
    ));
    assert!(matches!(
        push.send(Platform::Android, "fcm-unknown", &message).await,
        PushOutcome::Rejected(why) if why.contains("INVALID_ARGUMENT")
    ));
    assert_eq!(
        google.tokens_issued.load(Ordering::SeqCst),
        1,
        "one access token serves every send until it nears expiry"
    );
    let received = server.received();
    assert_eq!(received.len(), 5);
    assert_eq!(received[0].path, "/token");
    assert!(received.iter().all(|r| r.version == hyper::Version::HTTP_2));
}

#[tokio::test]
async fn an_assertion_signed_by_another_key_gets_no_token() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("RSA key");
    let (server, google) = google(&key).await;
    let other = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("other key");
    let push = Push::new(config(&other, &server)).expect("push");
    let outcome = push.send(Platform::Android, "fcm-good", &message()).await;
    assert!(
        matches!(&outcome, PushOutcome::Rejected(why) if why.contains("invalid_grant")),
        "{outcome:?}"
    );
    assert_eq!(google.tokens_issued.load(Ordering::SeqCst), 0);
    assert_eq!(
        server.received().len(),
        1,
        "nothing is sent without a token"
    );
}
