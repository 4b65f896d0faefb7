//! Listing events: filters, sorting, pagination and bad parameters.

use super::*;

on_both_databases!(
    listing_filters_by_when_country_tag_status_text_and_dates,
    listing_sorts_and_paginates_without_overlap,
    bad_listing_parameters_are_4xx,
);

async fn listing_filters_by_when_country_tag_status_text_and_dates(app: TestApp) {
    let soon = |days: i64, hours: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(hours))
            .to_rfc3339()
    };
    let make = |title: &str, country: &str, tags: Value, days: i64| {
        json!({"title": title, "description": format!("About {title}"), "location": "Somewhere", "country": country,
               "start_time": soon(days, 0), "end_time": soon(days, 2), "capacity": 10, "tags": tags})
    };
    create(&app, make("Rust in Pune", "IN", json!(["rust"]), 5)).await;
    create(&app, make("Jazz in Paris", "FR", json!(["music"]), 10)).await;
    let canceled = create(&app, make("Cancelled Rust", "FR", json!(["rust"]), 15)).await;
    expect_status(
        app.organizer()
            .patch(
                &format!("/events/{}", canceled["id"]),
                &json!({"status": "canceled"}),
            )
            .await,
        200,
    )
    .await;

    let titles = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let app = &app;
    let list = |query: &str| {
        let path = format!("/events?{query}");
        async move { titles(expect_status(app.get(&path).await, 200).await) }
    };
    assert_eq!(
        list("").await,
        ["Rust in Pune", "Jazz in Paris", "Cancelled Rust"]
    );
    assert_eq!(
        list("country=fr").await,
        ["Jazz in Paris", "Cancelled Rust"]
    );
    assert_eq!(list("tag=RUST").await, ["Rust in Pune", "Cancelled Rust"]);
    assert_eq!(list("status=canceled").await, ["Cancelled Rust"]);
    assert_eq!(list("q=jAzZ").await, ["Jazz in Paris"]);
    assert_eq!(list("q=about%20rust").await, ["Rust in Pune"]);
    assert_eq!(
        list("q=100%25").await,
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    let from = urlencode(&soon(7, 0));
    let to = urlencode(&soon(12, 0));
    assert_eq!(
        list(&format!("from={from}&to={to}")).await,
        ["Jazz in Paris"]
    );
    assert_eq!(list("when=past").await, Vec::<String>::new());
    assert_eq!(list("when=all&country=IN").await, ["Rust in Pune"]);
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

async fn listing_sorts_and_paginates_without_overlap(app: TestApp) {
    for (n, capacity) in [(1, 30), (2, 10), (3, 20)] {
        let mut body = event_body(&format!("Event {n}"), capacity);
        body["start_time"] = json!((chrono::Utc::now() + chrono::Duration::days(n)).to_rfc3339());
        create(&app, body).await;
    }
    let app = &app;
    let page = |query: &str| {
        let path = format!("/events?{query}");
        async move { expect_status(app.get(&path).await, 200).await }
    };
    let first = page("page_size=2").await;
    assert_eq!(
        (
            first["total"].as_i64(),
            first["page"].as_i64(),
            first["page_size"].as_i64()
        ),
        (Some(3), Some(1), Some(2))
    );
    let second = page("page=2&page_size=2").await;
    let ids: Vec<&Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] != w[1]));
    let by_seats = page("sort=-seats_available").await;
    let capacities: Vec<i64> = by_seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["capacity"].as_i64().unwrap())
        .collect();
    assert_eq!(capacities, [30, 20, 10]);
    let by_title = page("sort=-title").await;
    assert_eq!(by_title["items"][0]["title"], "Event 3");
    assert_eq!(page("page=9").await["items"], json!([]));
}

async fn bad_listing_parameters_are_4xx(app: TestApp) {
    expect_problem(app.get("/events?page=0").await, 422, "validation_failed").await;
    expect_problem(
        app.get("/events?page_size=101").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(app.get("/events?page=abc").await, 400, "invalid_query").await;
    expect_problem(
        app.get("/events?page=99999999999999999999").await,
        400,
        "invalid_query",
    )
    .await;
    expect_problem(
        app.get("/events?sort=price").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/events?when=tomorrow").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/events?country=Atlantis").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/events?from=yesterday").await,
        422,
        "validation_failed",
    )
    .await;
}
