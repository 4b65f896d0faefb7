//! Listing events around a point: `near`, `radius_km`, `sort=distance` and `distance_km`.

use super::*;

on_both_databases!(
    events_near_a_point_are_those_within_the_radius_with_their_distance,
    a_search_from_the_antipode_covers_the_whole_earth,
    bad_point_searches_are_4xx_naming_the_parameter,
);

const PARIS: &str = "2.3522,48.8566";

/// Creates the events the tests search among, starting a day apart in this order.
async fn create_places(app: &TestApp) {
    let places = [
        ("Paris", "FR", Some((2.3522, 48.8566))),
        ("Lyon", "FR", Some((4.8357, 45.7640))),
        ("Versailles", "FR", Some((2.1301, 48.8049))),
        ("London", "GB", Some((-0.1276, 51.5072))),
        ("Nowhere", "FR", None),
    ];
    for (day, (title, country, point)) in places.into_iter().enumerate() {
        let mut body = event_body(title, 10);
        body["country"] = json!(country);
        body["start_time"] =
            json!((chrono::Utc::now() + chrono::Duration::days(day as i64 + 1)).to_rfc3339());
        body.as_object_mut().unwrap().remove("end_time");
        if let Some((lon, lat)) = point {
            body["coordinates"] = json!({"type": "Point", "coordinates": [lon, lat]});
        }
        create(app, body).await;
    }
}

async fn list(app: &TestApp, query: &str) -> Value {
    expect_status(app.get(&format!("/events?{query}")).await, 200).await
}

fn titles(page: &Value) -> Vec<&str> {
    let items = page["items"].as_array().unwrap();
    items.iter().map(|e| e["title"].as_str().unwrap()).collect()
}

fn distance_of(page: &Value, title: &str) -> f64 {
    let items = page["items"].as_array().unwrap();
    let event = items.iter().find(|e| e["title"] == title).unwrap();
    event["distance_km"].as_f64().unwrap()
}

async fn events_near_a_point_are_those_within_the_radius_with_their_distance(app: TestApp) {
    create_places(&app).await;
    let nearby = list(&app, &format!("near={PARIS}")).await;
    assert_eq!(titles(&nearby), ["Paris", "Versailles"], "50 km by default");
    assert_eq!(distance_of(&nearby, "Paris"), 0.0);
    let versailles = distance_of(&nearby, "Versailles");
    assert!((versailles - 17.244).abs() < 0.01, "{versailles}");

    let by_distance = list(&app, &format!("near={PARIS}&radius_km=400&sort=distance")).await;
    assert_eq!(
        titles(&by_distance),
        ["Paris", "Versailles", "London", "Lyon"]
    );
    assert_eq!(by_distance["total"], 4);
    let london = distance_of(&by_distance, "London");
    assert!((london - 343.530).abs() < 0.01, "{london}");
    let farthest_first = list(&app, &format!("near={PARIS}&radius_km=400&sort=-distance")).await;
    assert_eq!(
        titles(&farthest_first),
        ["Lyon", "London", "Versailles", "Paris"]
    );
    let within_london = list(&app, &format!("near={PARIS}&radius_km=343.5")).await;
    assert_eq!(titles(&within_london), ["Paris", "Versailles"]);

    let french = list(&app, &format!("near={PARIS}&radius_km=400&country=FR")).await;
    assert_eq!(titles(&french), ["Paris", "Lyon", "Versailles"]);
    let second_page = list(
        &app,
        &format!("near={PARIS}&radius_km=400&sort=distance&page=2&page_size=3"),
    )
    .await;
    assert_eq!(
        (titles(&second_page), &second_page["total"]),
        (vec!["Lyon"], &json!(4))
    );

    let plain = list(&app, "").await;
    assert_eq!(plain["total"], 5);
    assert!(
        plain["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("distance_km").is_none()),
        "distance_km only answers a point search"
    );
}

async fn a_search_from_the_antipode_covers_the_whole_earth(app: TestApp) {
    create_places(&app).await;
    let antipode = "-177.6478,-48.8566";
    let everywhere = list(
        &app,
        &format!("near={antipode}&radius_km=20016&sort=-distance"),
    )
    .await;
    assert_eq!(titles(&everywhere)[0], "Paris");
    assert_eq!(
        everywhere["total"], 4,
        "all but the event without coordinates"
    );
    let paris = distance_of(&everywhere, "Paris");
    assert!((paris - 20015.114).abs() < 0.01, "{paris}");
}

async fn bad_point_searches_are_4xx_naming_the_parameter(app: TestApp) {
    let field_of = |body: Value| body["errors"][0]["field"].as_str().unwrap().to_owned();
    for (query, field) in [
        ("near=paris", "near"),
        ("near=2.35", "near"),
        ("near=181,0", "near"),
        ("near=0,-91", "near"),
        ("near=inf,0", "near"),
        ("near=1,2&radius_km=0", "radius_km"),
        ("near=1,2&radius_km=-5", "radius_km"),
        ("near=1,2&radius_km=20017", "radius_km"),
        ("radius_km=5", "radius_km"),
        ("sort=distance", "sort"),
    ] {
        let body = expect_problem(
            app.get(&format!("/events?{query}")).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(field_of(body), field, "{query}");
    }
    expect_problem(
        app.get("/events?near=1,2&radius_km=far").await,
        400,
        "invalid_query",
    )
    .await;
}
