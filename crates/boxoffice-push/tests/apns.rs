//! The APNs sender against a local HTTP/2 server over TLS that checks Apple's request format:
//! path, headers, payload, and the ES256 provider token verified with the public key.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod support;

use boxoffice_push::{ApnsConfig, Platform, Push, PushConfig, PushMessage, PushOutcome};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::BTreeMap;
use support::{Answer, H2Server, Received};

const KEY_ID: &str = "ABC123DEFG";
const TEAM_ID: &str = "TEAM456XYZ";
const TOPIC: &str = "com.example.boxoffice";

#[derive(Deserialize)]
struct Claims {
    iss: String,
    iat: u64,
}

/// Checks one request as APNs would; `None` when it is well-formed.
fn problem(request: &Received, public_pem: &str) -> Option<String> {
    if request.method != "POST" || request.version != hyper::Version::HTTP_2 {
        return Some(format!("{} over {:?}", request.method, request.version));
    }
    for (name, want) in [
        ("apns-topic", TOPIC),
        ("apns-push-type", "alert"),
        ("apns-priority", "10"),
        ("content-type", "application/json"),
    ] {
        if request.header(name) != Some(want) {
            return Some(format!("{name} is {:?}", request.header(name)));
        }
    }
    let Some(jwt) = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("bearer "))
    else {
        return Some("no bearer provider token".into());
    };
    let key = DecodingKey::from_ec_pem(public_pem.as_bytes()).expect("public key");
    let mut validation = Validation::new(Algorithm::ES256);
    // A provider token has no `exp`: Apple judges it by `iat`.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let token = match jsonwebtoken::decode::<Claims>(jwt, &key, &validation) {
        Ok(token) => token,
        Err(err) => return Some(format!("provider token: {err}")),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    if token.header.kid.as_deref() != Some(KEY_ID)
        || token.claims.iss != TEAM_ID
        || now.abs_diff(token.claims.iat) > 60
    {
        return Some("provider token claims".into());
    }
    let body = request.json();
    if body["aps"]["alert"] != serde_json::json!({"title": "Jazz night", "body": "Starts at 8"})
        || body["event_id"] != "7"
    {
        return Some(format!("payload {body}"));
    }
    None
}

async fn answer(request: Received, public_pem: String) -> Answer {
    if let Some(problem) = problem(&request, &public_pem) {
        return (
            400,
            vec![],
            serde_json::json!({"reason": problem}).to_string(),
        );
    }
    let token = request.path.strip_prefix("/3/device/").unwrap_or_default();
    let (status, reason) = match token {
        "a1b2c3" => (200, None),
        "gone" => (410, Some("Unregistered")),
        "garbled" => (400, Some("BadDeviceToken")),
        "busy" => (429, Some("TooManyRequests")),
        _ => (400, Some("BadPath")),
    };
    let body = reason.map_or_else(String::new, |r| {
        serde_json::json!({"reason": r, "timestamp": 1_700_000_000_000_u64}).to_string()
    });
    (
        status,
        vec![("apns-id", "EC1BF194-B3B2-424A-89A9-5A918A6E6B6C".into())],
        body,
    )
}

fn message() -> PushMessage {
    PushMessage {
        title: "Jazz night".into(),
        body: "Starts at 8".into(),
        data: BTreeMap::from([("event_id".to_owned(), "7".to_owned())]),
    }
}

#[tokio::test]
async fn apns_requests_follow_apples_format_and_outcomes_map() {
    let key = rcgen::KeyPair::generate().expect("P-256 key");
    let public_pem = key.public_key_pem();
    let server = H2Server::start(move |r| answer(r, public_pem.clone())).await;
    let push = Push::new(PushConfig {
        apns: Some(ApnsConfig {
            key_pem: key.serialize_pem().into(),
            key_id: KEY_ID.into(),
            team_id: TEAM_ID.into(),
            topic: TOPIC.into(),
            base_url: server.url.clone(),
        }),
        extra_roots_pem: Some(server.ca_pem.clone()),
        ..PushConfig::default()
    })
    .expect("push");
    assert!(push.is_enabled(Platform::Ios));
    assert!(!push.is_enabled(Platform::Android));

    let message = message();
    assert_eq!(
        push.send(Platform::Ios, "a1b2c3", &message).await,
        PushOutcome::Delivered
    );
    assert_eq!(
        push.send(Platform::Ios, "gone", &message).await,
        PushOutcome::Unregistered
    );
    assert_eq!(
        push.send(Platform::Ios, "garbled", &message).await,
        PushOutcome::Unregistered
    );
    assert!(matches!(
        push.send(Platform::Ios, "busy", &message).await,
        PushOutcome::Retryable(why) if why.contains("TooManyRequests")
    ));
    assert!(matches!(
        push.send(Platform::Android, "a1b2c3", &message).await,
        PushOutcome::Rejected(_)
    ));

    assert!(matches!(
        push.send(Platform::Ios, "../../3/device/other?x=1", &message)
            .await,
        PushOutcome::Rejected(_)
    ));

    let received = server.received();
    assert_eq!(
        received.len(),
        4,
        "neither Android nor a malformed token reaches APNs"
    );
    assert_eq!(received[0].path, "/3/device/a1b2c3");
    // One provider token serves every request within the hour.
    let tokens: std::collections::HashSet<_> = received
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(tokens.len(), 1);
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_refused_by_the_check() {
    // The server's check is real: a provider token from a different key fails it.
    let server_key = rcgen::KeyPair::generate().expect("server's key");
    let public_pem = server_key.public_key_pem();
    let server = H2Server::start(move |r| answer(r, public_pem.clone())).await;
    let other = rcgen::KeyPair::generate().expect("other key");
    let push = Push::new(PushConfig {
        apns: Some(ApnsConfig {
            key_pem: other.serialize_pem().into(),
            key_id: KEY_ID.into(),
            team_id: TEAM_ID.into(),
            topic: TOPIC.into(),
            base_url: server.url.clone(),
        }),
        extra_roots_pem: Some(server.ca_pem.clone()),
        ..PushConfig::default()
    })
    .expect("push");
    let outcome = push.send(Platform::Ios, "a1b2c3", &message()).await;
    assert!(
        matches!(&outcome, PushOutcome::Rejected(why) if why.contains("provider token")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_key_that_is_not_an_ec_key_is_refused_at_start() {
    let rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("RSA key");
    let err = Push::new(PushConfig {
        apns: Some(ApnsConfig {
            key_pem: rsa.serialize_pem().into(),
            key_id: KEY_ID.into(),
            team_id: TEAM_ID.into(),
            topic: TOPIC.into(),
            base_url: "https://localhost:1".into(),
        }),
        ..PushConfig::default()
    })
    .expect_err("RSA is no APNs key");
    assert!(err.to_string().contains("APNs signing key"), "{err}");
}

#[tokio::test]
async fn an_unreachable_provider_is_worth_another_try() {
    // A port that was just free: nothing answers there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let key = rcgen::KeyPair::generate().expect("P-256 key");
    let push = Push::new(PushConfig {
        apns: Some(ApnsConfig {
            key_pem: key.serialize_pem().into(),
            key_id: KEY_ID.into(),
            team_id: TEAM_ID.into(),
            topic: TOPIC.into(),
            base_url: format!("https://localhost:{port}"),
        }),
        ..PushConfig::default()
    })
    .expect("push");
    let outcome = push.send(Platform::Ios, "a1b2c3", &message()).await;
    assert!(
        matches!(&outcome, PushOutcome::Retryable(why) if why.contains("APNs unreachable")),
        "{outcome:?}"
    );
}
