//! Protocol edges: malformed requests never cause a 5xx; operational endpoints; the spec.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, event_body, expect_problem, expect_status, on_both_databases};
use reqwest::Method;
use serde_json::json;

on_both_databases!(
    malformed_json_is_a_400,
    a_body_that_is_not_json_is_a_415,
    wrong_types_and_out_of_range_numbers_are_422_naming_the_field,
    a_body_over_the_limit_is_a_413,
    unknown_routes_and_methods_are_problems,
    paths_work_with_and_without_a_trailing_slash,
    health_readiness_and_metrics_answer,
    the_openapi_document_and_swagger_ui_are_served,
    every_response_carries_a_request_id,
);

async fn malformed_json_is_a_400(app: TestApp) {
    let response = app
        .organizer()
        .request(Method::POST, "/events")
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "malformed_json").await;
    let response = app
        .request(Method::POST, "/attendees")
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "malformed_json").await;
}

async fn a_body_that_is_not_json_is_a_415(app: TestApp) {
    let response = app
        .organizer()
        .request(Method::POST, "/events")
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    expect_problem(response, 415, "unsupported_media_type").await;
    let response = app
        .organizer()
        .request(Method::POST, "/events")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_problem(response, 415, "unsupported_media_type").await;
}

async fn wrong_types_and_out_of_range_numbers_are_422_naming_the_field(app: TestApp) {
    let mut body = event_body("Typed", 5);
    body["capacity"] = json!("many");
    let problem = expect_problem(
        app.organizer().post("/events", &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "capacity");
    body["capacity"] = json!(99_999_999_999_999_999_999.0);
    expect_problem(
        app.organizer().post("/events", &body).await,
        422,
        "validation_failed",
    )
    .await;
    body["capacity"] = json!(5);
    body["tags"] = json!("rust");
    let problem = expect_problem(
        app.organizer().post("/events", &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "tags");
    let problem = expect_problem(
        app.post("/bookings", &json!({"event_id": "one", "attendee_id": 1}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "event_id");
    expect_problem(
        app.organizer().post("/events", &json!([1, 2])).await,
        422,
        "validation_failed",
    )
    .await;
}

async fn a_body_over_the_limit_is_a_413(app: TestApp) {
    let mut body = event_body("Huge", 5);
    body["description"] = json!("x".repeat(200 * 1024));
    expect_problem(
        app.organizer().post("/events", &body).await,
        413,
        "payload_too_large",
    )
    .await;
}

async fn unknown_routes_and_methods_are_problems(app: TestApp) {
    expect_problem(app.get("/nowhere").await, 404, "route_not_found").await;
    expect_problem(
        app.request(Method::PUT, "/bookings").send().await.unwrap(),
        405,
        "method_not_allowed",
    )
    .await;
    expect_problem(app.get("/events/-1").await, 404, "event_not_found").await;
    expect_problem(app.get("/events/1.5").await, 400, "invalid_path_parameter").await;
    expect_problem(
        app.get("/events/99999999999999999999999").await,
        400,
        "invalid_path_parameter",
    )
    .await;
}

async fn paths_work_with_and_without_a_trailing_slash(app: TestApp) {
    expect_status(app.get("/events/").await, 200).await;
    let created = expect_status(
        app.organizer()
            .post("/events/", &event_body("Slash", 5))
            .await,
        201,
    )
    .await;
    expect_status(app.get(&format!("/events/{}/", created["id"])).await, 200).await;
    expect_status(app.get("/healthz/").await, 200).await;
}

async fn health_readiness_and_metrics_answer(app: TestApp) {
    assert_eq!(
        expect_status(app.get("/healthz").await, 200).await["status"],
        "ok"
    );
    let ready = expect_status(app.get("/readyz").await, 200).await;
    assert_eq!(
        ready["database"],
        if app.backend == boxoffice_testkit::Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    let event = app.create_event(1).await;
    expect_status(app.book(event, "m@example.com").await, 201).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("boxoffice_http_requests_total"),
        "{metrics}"
    );
    assert!(
        metrics.contains("boxoffice_booking_attempts_total"),
        "{metrics}"
    );
    assert!(
        metrics.contains("boxoffice_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
}

async fn the_openapi_document_and_swagger_ui_are_served(app: TestApp) {
    let spec = expect_status(app.get("/openapi.json").await, 200).await;
    assert_eq!(spec["paths"]["/events"]["get"]["operationId"], "get_events");
    assert_eq!(spec["paths"]["/events"]["get"]["tags"], json!(["events"]));
    assert_eq!(
        spec["paths"]["/events/{id}/book"]["post"]["operationId"],
        "book_event"
    );
    assert_eq!(
        spec["paths"]["/bookings/{id}"]["delete"]["operationId"],
        "cancel_booking"
    );
    assert_eq!(spec["info"]["license"]["name"], "Apache-2.0");
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{id} is not snake_case"
            );
            assert_eq!(
                operation["tags"].as_array().map(Vec::len),
                Some(1),
                "{method} {path} needs exactly one tag"
            );
        }
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger-ui"));
    let script = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(
        script.status(),
        200,
        "Swagger UI assets are served from the binary"
    );
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let response = app.get("/healthz").await;
    assert!(response.headers().contains_key("x-request-id"));
    let echoed = app
        .request(Method::GET, "/healthz")
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
}
