//! `boxoffice config` prints what `serve` would run with: each value, where it came from,
//! and never a secret.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");
const JWT: &str = "jwt-secret-that-must-never-be-printed-0123456789";
const DB_PASSWORD: &str = "db-password-never-printed";
const MQ_PASSWORD: &str = "mq-password-never-printed";

/// Runs `boxoffice config ARGS` with only `env` (and PATH) in its environment.
fn config(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BINARY);
    command.arg("config").args(args).env_clear();
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    command.envs(env.iter().copied());
    command.output().expect("boxoffice config runs")
}

fn settings(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("JSON")
        .as_array()
        .expect("an array of settings")
        .clone()
}

fn setting<'a>(all: &'a [Value], name: &str) -> &'a Value {
    all.iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no setting {name}"))
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("boxoffice-config-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_no_secrets(text: &str) {
    for secret in [JWT, DB_PASSWORD, MQ_PASSWORD] {
        assert!(!text.contains(secret), "a secret was printed:\n{text}");
    }
}

#[test]
fn values_come_with_their_source_and_secrets_stay_hidden() {
    let database = format!("postgres://app:{DB_PASSWORD}@db.internal/boxoffice");
    let amqp = format!("amqp://guest:{MQ_PASSWORD}@mq.internal:5672/%2f");
    let env = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT),
        ("PORT", "9100"),
        ("TRUSTED_PROXIES", "10.0.0.1,10.0.0.2"),
    ];
    let args = ["--json", "--port", "9200", "--amqp-url", &amqp];
    let output = config(&args, &env);
    let all = settings(&output);
    assert_no_secrets(&String::from_utf8_lossy(&output.stdout));

    let port = setting(&all, "port");
    assert_eq!(
        (&port["value"], &port["source"]),
        (&"9200".into(), &"flag".into())
    );
    assert_eq!(port["env"], "PORT");
    assert_eq!(port["flag"], "--port");
    let db = setting(&all, "database_url");
    assert_eq!(db["value"], "postgres://app:***@db.internal/boxoffice");
    assert_eq!(db["source"], "env");
    assert_eq!(
        setting(&all, "amqp_url")["value"],
        "amqp://guest:***@mq.internal:5672/%2f"
    );
    let jwt = setting(&all, "jwt_secret");
    assert_eq!(
        (&jwt["value"], &jwt["source"]),
        (&"<redacted>".into(), &"env".into())
    );
    assert_eq!(
        setting(&all, "trusted_proxies")["value"],
        "10.0.0.1,10.0.0.2"
    );
    let host = setting(&all, "host");
    assert_eq!(
        (&host["value"], &host["source"]),
        (&"127.0.0.1".into(), &"default".into())
    );
    assert_eq!(setting(&all, "public_url")["source"], "unset");
    assert_eq!(setting(&all, "log_format")["source"], "default");
    let store = setting(&all, "rate_limit_store");
    assert_eq!(store["value"], "auto");
    assert!(
        store["note"].as_str().unwrap().contains("shared"),
        "{store}"
    );
}

#[test]
fn a_jwt_secret_kept_in_the_data_directory_is_reported_as_a_file() {
    let dir = temp_dir("file");
    std::fs::write(dir.join("jwt-secret"), format!("{JWT}\n")).unwrap();
    let output = config(&["--json"], &[("DATA_DIR", dir.to_str().unwrap())]);
    let all = settings(&output);
    assert_no_secrets(&String::from_utf8_lossy(&output.stdout));
    let jwt = setting(&all, "jwt_secret");
    assert_eq!(
        (&jwt["value"], &jwt["source"]),
        (&"<redacted>".into(), &"file".into())
    );
    assert_eq!(setting(&all, "database_url")["source"], "default");
    let store = setting(&all, "rate_limit_store");
    assert!(
        store["note"].as_str().unwrap().contains("memory"),
        "{store}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_default_output_is_a_table_without_secrets() {
    let database = format!("postgres://app:{DB_PASSWORD}@db.internal/boxoffice");
    let dir = temp_dir("table");
    let env = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_SECRET", JWT),
        ("PUBLIC_URL", "https://tickets.example.com"),
        ("DATA_DIR", dir.to_str().unwrap()),
    ];
    let output = config(&[], &env);
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    assert_no_secrets(&table);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("SETTING") && lines[0].contains("SOURCE"));
    let public = lines
        .iter()
        .find(|line| line.starts_with("PUBLIC_URL (--public-url)"))
        .expect("a PUBLIC_URL row");
    assert!(public.contains("https://tickets.example.com") && public.ends_with("env"));
    assert!(
        !dir.join("jwt-secret").exists(),
        "printing the configuration changes nothing"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invalid_value_is_refused_as_serve_would() {
    let output = config(&[], &[("PUBLIC_URL", "ftp://tickets.example.com")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("http:// or https://"), "{stderr}");
}

#[test]
fn the_event_service_url_is_shown_with_what_it_is_for() {
    let unset = settings(&config(&["--json"], &[]));
    let url = setting(&unset, "event_service_url");
    assert_eq!(url["env"], "EVENT_SERVICE_URL");
    assert!(
        url["note"]
            .as_str()
            .unwrap()
            .contains("--only notifications"),
        "{url}"
    );
    let set = settings(&config(
        &["--json", "--event-service-url", "http://events:8000"],
        &[],
    ));
    let url = setting(&set, "event_service_url");
    assert_eq!(
        (&url["value"], &url["source"]),
        (&"http://events:8000".into(), &"flag".into())
    );
    let output = config(&[], &[("EVENT_SERVICE_URL", "events:8000")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not an http(s) URL"), "{stderr}");
}
