//! `/openapi.json` names the origin it was requested from (or PUBLIC_URL), so Swagger UI's
//! "Try it out" calls this server on whatever host and port it runs; the committed
//! document keeps the local default the generated SDK relies on.
//!
//! The served document does not depend on the database: SQLite suffices.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_domain::PublicUrl;
use boxoffice_testkit::{Backend, JWT_SECRET, Options, ServerProcess, TestApp, TestDatabase};
use reqwest::Method;
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");

async fn server_url(request: reqwest::RequestBuilder) -> String {
    let response = request.send().await.expect("GET /openapi.json");
    assert_eq!(response.status(), 200);
    let spec: Value = response.json().await.expect("JSON");
    let servers = spec["servers"].as_array().expect("servers");
    assert_eq!(servers.len(), 1, "{servers:?}");
    servers[0]["url"].as_str().expect("url").to_owned()
}

#[tokio::test]
async fn a_server_on_a_random_port_names_that_port() {
    let app = TestApp::start(Backend::Sqlite).await;
    let served = server_url(app.request(Method::GET, "/openapi.json")).await;
    assert_eq!(served, format!("http://127.0.0.1:{}", app.address.port()));
    assert_ne!(app.address.port(), 8000);
}

#[tokio::test]
async fn the_host_header_is_echoed_only_when_it_is_a_plain_authority() {
    let app = TestApp::start(Backend::Sqlite).await;
    let get = || app.request(Method::GET, "/openapi.json");
    let named = server_url(get().header("Host", "Tickets.Example.com:8080")).await;
    assert_eq!(named, "http://tickets.example.com:8080");
    for bad in [
        "evil.example\"}],\"x\":{\"y",
        "user@evil.example",
        "evil.example/path",
        "evil.example:99999",
    ] {
        let served = server_url(get().header("Host", bad)).await;
        assert_eq!(served, "http://127.0.0.1:8000", "Host {bad:?} was echoed");
    }
}

#[tokio::test]
async fn forwarded_headers_are_honoured_only_from_a_trusted_proxy() {
    let forwarded = |app: &TestApp| {
        app.request(Method::GET, "/openapi.json")
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", "tickets.example.com")
    };
    let direct = TestApp::start(Backend::Sqlite).await;
    assert_eq!(
        server_url(forwarded(&direct)).await,
        format!("http://127.0.0.1:{}", direct.address.port()),
        "an untrusted peer cannot name another origin"
    );
    let options = Options {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Options::default()
    };
    let behind_proxy = TestApp::start_with(Backend::Sqlite, options).await;
    assert_eq!(
        server_url(forwarded(&behind_proxy)).await,
        "https://tickets.example.com"
    );
    let odd_scheme = behind_proxy
        .request(Method::GET, "/openapi.json")
        .header("X-Forwarded-Proto", "javascript")
        .header("X-Forwarded-Host", "tickets.example.com");
    assert_eq!(
        server_url(odd_scheme).await,
        "http://tickets.example.com",
        "only http and https are believed"
    );
}

#[tokio::test]
async fn public_url_wins_over_the_request() {
    let options = Options {
        public_url: Some(PublicUrl::parse("https://tickets.example.com/boxoffice/").unwrap()),
        ..Options::default()
    };
    let app = TestApp::start_with(Backend::Sqlite, options).await;
    let request = app
        .request(Method::GET, "/openapi.json")
        .header("Host", "other.example:9000");
    assert_eq!(
        server_url(request).await,
        "https://tickets.example.com/boxoffice"
    );
}

#[tokio::test]
async fn the_binary_reads_public_url_and_swagger_ui_loads_the_served_document() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let env = [
        ("JWT_SECRET", JWT_SECRET),
        ("PUBLIC_URL", "https://tickets.example.com"),
    ];
    let server = ServerProcess::start(BINARY, &["--database-url", &database.url], &env);
    let client = reqwest::Client::new();
    let served = server_url(client.get(format!("{}/openapi.json", server.base))).await;
    assert_eq!(served, "https://tickets.example.com");
    let initializer = client
        .get(format!("{}/docs/swagger-initializer.js", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        initializer.contains("/openapi.json"),
        "Swagger UI loads the served document: {initializer}"
    );
}

#[test]
fn the_committed_document_keeps_the_local_default() {
    let output = std::process::Command::new(BINARY)
        .arg("openapi")
        .env("PUBLIC_URL", "https://tickets.example.com")
        .output()
        .expect("boxoffice openapi");
    assert!(output.status.success());
    let spec: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(spec["servers"][0]["url"], "http://127.0.0.1:8000");
}

#[test]
fn an_invalid_public_url_stops_the_server_with_a_clear_message() {
    let output = std::process::Command::new(BINARY)
        .args([
            "serve",
            "--port",
            "0",
            "--public-url",
            "tickets.example.com",
        ])
        .output()
        .expect("boxoffice serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--public-url") && stderr.contains("not a URL"),
        "{stderr}"
    );
}
