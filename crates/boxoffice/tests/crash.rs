//! `kill -9` and SIGTERM under booking load, then `boxoffice check`; and `boxoffice check`
//! catching a database corrupted on purpose.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_store::Store;
use boxoffice_testkit::{Backend, TestApp, TestDatabase};
use common::{
    assert_stored, await_outbox_drained, await_routing_drained, booking_load, check, event, start,
    unrouted_confirmations,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How the server is stopped under load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// SIGKILL: nothing in flight finishes.
    Kill,
    /// SIGTERM: requests in flight finish, the relay publishes what they committed, exit 0.
    Terminate,
}

async fn stopped_under_load_loses_nothing(backend: Backend, how: Stop) {
    let database = TestDatabase::create(backend).await;
    let args = vec!["--database-url".to_owned(), database.url.clone()];
    let server = start(args.clone()).await;
    let client = reqwest::Client::new();
    let event = event(&client, &server.base, 1_000_000).await;
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn(booking_load(
        server.base.clone(),
        event,
        16,
        Arc::clone(&stop),
    ));
    tokio::time::sleep(Duration::from_millis(2000)).await;
    match how {
        Stop::Kill => drop(server),
        Stop::Terminate => {
            let began = Instant::now();
            let status =
                tokio::task::spawn_blocking(move || server.terminate(Duration::from_secs(30)))
                    .await
                    .expect("terminate");
            assert!(status.success(), "exit after SIGTERM: {status}");
            eprintln!("exited 0, {:?} after SIGTERM", began.elapsed());
        }
    }
    stop.store(true, Ordering::Relaxed);
    let acknowledged = load.await.expect("load");
    assert!(
        acknowledged.len() > 20,
        "load ran: {} bookings",
        acknowledged.len()
    );
    let store = Store::connect(&database.url, 2).await.expect("connect");
    if how == Stop::Terminate {
        // A clean stop left nothing half-done: what the relay published reached the history.
        assert_stored(&store, &acknowledged).await;
        let (ok, report) = check(&database.url);
        assert!(ok, "boxoffice check right after SIGTERM:\n{report}");
        let (pending, _) = store
            .outbox_backlog(chrono::Utc::now())
            .await
            .expect("backlog");
        eprintln!("{pending} outbox rows left for the next start");
    }

    // Restarted, the relay publishes what the stop left behind.
    let server = start(args).await;
    await_outbox_drained(&store).await;
    assert_stored(&store, &acknowledged).await;
    let (ok, report) = check(&database.url);
    assert!(ok, "boxoffice check after {how:?} and restart:\n{report}");
    // And every confirmation's deliveries were routed, also those the stop cut short.
    await_routing_drained(&store).await;
    assert_eq!(
        unrouted_confirmations(&database.url).await,
        0,
        "confirmations without a delivery record"
    );
    eprintln!(
        "{} acknowledged bookings, all present; {report}",
        acknowledged.len()
    );
    store.close().await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_under_booking_load_loses_no_booking_and_no_notification() {
    stopped_under_load_loses_nothing(Backend::Sqlite, Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_under_booking_load_loses_no_booking_and_no_notification() {
    stopped_under_load_loses_nothing(Backend::Postgres, Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_terminated_under_booking_load_exits_0_having_finished_its_work() {
    stopped_under_load_loses_nothing(Backend::Sqlite, Stop::Terminate).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_terminated_under_booking_load_exits_0_having_finished_its_work() {
    stopped_under_load_loses_nothing(Backend::Postgres, Stop::Terminate).await;
}

/// A database with a few bookings and their history, which `check` passes.
async fn healthy(backend: Backend) -> (TestApp, i64) {
    let app = TestApp::start(backend).await;
    let event = app.create_event(3).await;
    for who in ["a", "b"] {
        let response = app.book(event, &format!("{who}@example.com")).await;
        assert_eq!(response.status(), 201);
    }
    let began = Instant::now();
    while app
        .store
        .outbox_backlog(chrono::Utc::now())
        .await
        .unwrap()
        .0
        > 0
    {
        assert!(began.elapsed() < Duration::from_secs(10), "outbox drains");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (ok, report) = check(&app.database.url);
    assert!(ok, "a healthy database passes: {report}");
    (app, event)
}

/// Runs `sql` with foreign keys and cascades off, as a careless manual fix would.
async fn corrupt(app: &TestApp, sql: &str) {
    use sqlx::Connection;
    let url = &app.database.url;
    match app.backend {
        Backend::Sqlite => {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("sqlite url");
            let mut db = sqlx::SqliteConnection::connect_with(&options.foreign_keys(false))
                .await
                .expect("connect");
            sqlx::raw_sql(sql).execute(&mut db).await.expect("corrupt");
        }
        Backend::Postgres => {
            let mut db = sqlx::PgConnection::connect(url).await.expect("connect");
            let script = format!("SET session_replication_role = replica; {sql}");
            sqlx::raw_sql(&script)
                .execute(&mut db)
                .await
                .expect("corrupt");
        }
    }
}

async fn expect_caught(app: &TestApp, rule: &str) {
    let (ok, report) = check(&app.database.url);
    assert!(!ok, "check fails");
    assert!(
        report.contains(&format!("VIOLATION {rule}")),
        "{rule} reported:\n{report}"
    );
}

async fn a_seat_count_out_of_step_is_caught(app_event: (TestApp, i64)) {
    let (app, event) = app_event;
    corrupt(
        &app,
        &format!("UPDATE events SET seats_booked = 3 WHERE id = {event}"),
    )
    .await;
    expect_caught(&app, "seats_booked_matches_bookings").await;
}

async fn a_second_active_booking_is_caught(app_event: (TestApp, i64)) {
    let (app, event) = app_event;
    corrupt(
        &app,
        &format!(
            "DROP INDEX bookings_one_active_per_attendee; \
             INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at) \
             SELECT event_id, attendee_id, status, cancel_token_hash || 'x', created_at FROM bookings \
             WHERE event_id = {event} AND id = (SELECT min(id) FROM bookings); \
             UPDATE events SET seats_booked = 3 WHERE id = {event}"
        ),
    )
    .await;
    expect_caught(&app, "one_active_booking_per_attendee").await;
}

async fn an_orphan_booking_is_caught(app_event: (TestApp, i64)) {
    let (app, _) = app_event;
    corrupt(
        &app,
        "DELETE FROM attendees WHERE id = (SELECT min(attendee_id) FROM bookings)",
    )
    .await;
    expect_caught(&app, "bookings_have_event_and_attendee").await;
}

async fn a_published_but_unrecorded_notification_is_caught(app_event: (TestApp, i64)) {
    let (app, _) = app_event;
    corrupt(
        &app,
        "DELETE FROM notifications WHERE id = (SELECT min(id) FROM notifications)",
    )
    .await;
    expect_caught(&app, "published_outbox_rows_delivered").await;
}

macro_rules! corruption_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::healthy(super::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::healthy(super::Backend::Postgres).await).await
                }
            )*
        }
    };
}

corruption_tests!(
    a_seat_count_out_of_step_is_caught,
    a_second_active_booking_is_caught,
    an_orphan_booking_is_caught,
    a_published_but_unrecorded_notification_is_caught,
);
