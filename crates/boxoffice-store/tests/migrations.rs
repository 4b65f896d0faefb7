//! Data written under the first schema survives the migration that makes end,
//! capacity and attendee e-mail optional and ids lasting, on both databases.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_domain::{AttendeeId, EventId, NewEvent, PageRequest, Schedule, Title, UserId, Zone};
use boxoffice_store::{BookingFilter, Store};
use chrono::{Duration, Utc};
use sqlx::Connection;
use sqlx::migrate::Migrator;
use std::path::{Path, PathBuf};

/// Rows as the first schema held them: a user, two events (the second deleted),
/// tags, an attendee with a confirmed booking, a subscription, an outbox message
/// and a notification. Plain literals, valid on both databases.
const OLD_DATA: &str = "
INSERT INTO users (email, username, password_hash, created_at)
    VALUES ('org@example.com', 'org', 'x', '2026-01-01T00:00:00Z');
INSERT INTO events (title, location, country, timezone, start_time, end_time, capacity, seats_booked,
                    owner_id, created_at, updated_at)
    VALUES ('Kept', 'Pune', 'IN', 'Asia/Kolkata', '2030-01-01T04:30:00Z', '2030-01-01T07:30:00Z', 50, 1,
            1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO events (title, location, country, timezone, start_time, end_time, capacity, owner_id,
                    created_at, updated_at)
    VALUES ('Gone', 'Pune', 'IN', 'Asia/Kolkata', '2030-02-01T04:30:00Z', '2030-02-01T07:30:00Z', 5, 1,
            '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO event_tags (event_id, tag) VALUES (1, 'rust');
INSERT INTO attendees (name, email, token_hash, created_at, updated_at)
    VALUES ('Asha', 'asha@example.com', 'hash-1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at)
    VALUES (1, 1, 'confirmed', 'cancel-1', '2026-01-02T00:00:00Z');
INSERT INTO event_subscriptions (user_id, event_id, created_at) VALUES (1, 1, '2026-01-02T00:00:00Z');
INSERT INTO outbox (message_id, kind, payload, created_at)
    VALUES ('m-1', 'booking.created', '{}', '2026-01-02T00:00:00Z');
INSERT INTO notifications (message_id, notification_type, event_id, event_title, actor, for_everyone, occurred_at)
    VALUES ('m-1', 'booking.created', 1, 'Kept', 'Asha', '0', '2026-01-02T00:00:00Z');
INSERT INTO notification_recipients (notification_id, user_id) VALUES (1, 1);
DELETE FROM events WHERE id = 2;
";

/// A directory holding only the first two migrations of `backend`.
fn first_schema(backend: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let unique = uuid::Uuid::new_v4().simple();
    let dir = std::env::temp_dir().join(format!("boxoffice-old-{unique}"));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["0001_booking_core.sql", "0002_notifications.sql"] {
        std::fs::copy(source.join(name), dir.join(name)).unwrap();
    }
    dir
}

async fn check_migrated(store: &Store) {
    let kept = store.get_event(EventId(1)).await.unwrap().expect("event 1");
    assert_eq!(kept.content.title.as_str(), "Kept");
    assert_eq!(kept.content.capacity.map(|c| c.get()), Some(50));
    assert_eq!(kept.seats_booked, 1);
    let end = "2030-01-01T07:30:00Z".parse().unwrap();
    assert_eq!(kept.content.schedule.end(), Some(end));
    assert_eq!(kept.content.schedule.ends_at(), end);
    assert_eq!(kept.content.tags.to_strings(), ["rust"]);
    assert_eq!(kept.created_by.as_deref(), Some("org"));
    let attendee = store.get_attendee(AttendeeId(1)).await.unwrap().unwrap();
    assert_eq!(attendee.email.unwrap().as_str(), "asha@example.com");
    let filter = BookingFilter {
        event: Some(EventId(1)),
        ..Default::default()
    };
    let page = PageRequest::default();
    assert_eq!(store.list_bookings(&filter, page).await.unwrap().total, 1);
    let history = store.list_notifications(UserId(1), page).await.unwrap();
    assert_eq!(history.items[0].event_title, "Kept");

    // New ids come after the highest kept one and are never handed out again.
    let mut event = kept.content.clone();
    event.title = Title::parse("After").unwrap();
    let start = Utc::now() + Duration::days(3);
    event.schedule = Schedule::new(start, None, Zone::DEFAULT).unwrap();
    let second = create(store, &event).await;
    assert!(second.0 >= 2);
    delete(store, second).await;
    assert!(create(store, &event).await.0 > second.0);
    // Foreign keys still cascade: deleting the kept event removes its booking.
    delete(store, EventId(1)).await;
    assert_eq!(store.list_bookings(&filter, page).await.unwrap().total, 0);
}

async fn create(store: &Store, event: &NewEvent) -> EventId {
    let mut tx = store.begin().await.unwrap();
    let created = tx.insert_event(event, Some(UserId(1)), Utc::now()).await;
    tx.commit().await.unwrap();
    created.unwrap().id
}

async fn delete(store: &Store, id: EventId) {
    let mut tx = store.begin().await.unwrap();
    assert!(tx.event(id, true).await.unwrap().is_some(), "event {id}");
    tx.delete_event(id).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn sqlite_data_survives_the_table_rebuilds() {
    let old = first_schema("sqlite");
    let url = format!("sqlite://{}?mode=rwc", old.join("boxoffice.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let migrator = Migrator::new(old.as_path()).await.unwrap();
    migrator.run(&mut conn).await.unwrap();
    sqlx::raw_sql(OLD_DATA).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let store = Store::connect(&url, 1).await.unwrap();
    store.migrate().await.unwrap();
    check_migrated(&store).await;
    store.close().await;
    std::fs::remove_dir_all(old).unwrap();
}

#[tokio::test]
async fn postgres_data_survives_the_column_changes() {
    let admin_url = std::env::var("BOXOFFICE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("boxoffice_migrate_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    let create_db = format!("CREATE DATABASE {name}");
    sqlx::raw_sql(&create_db).execute(&mut admin).await.unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");

    let old = first_schema("postgres");
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let migrator = Migrator::new(old.as_path()).await.unwrap();
    migrator.run(&mut conn).await.unwrap();
    sqlx::raw_sql(OLD_DATA).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let store = Store::connect(&url, 2).await.unwrap();
    store.migrate().await.unwrap();
    check_migrated(&store).await;
    store.close().await;
    std::fs::remove_dir_all(old).unwrap();
    let drop_db = format!("DROP DATABASE {name} WITH (FORCE)");
    sqlx::raw_sql(&drop_db).execute(&mut admin).await.unwrap();
}
