//! A fresh, migrated database of either kind for store tests, and a few rows to book with.

use boxoffice_domain::{
    AttendeeId, BookingRefusal, Capacity, Country, Email, EventId, Locale, Location, NewAttendee,
    NewEvent, PersonName, Schedule, SeatCounts, SecretToken, Tags, Title, Zone,
};
use boxoffice_domain::{DomainEvent, DomainEventKind};
use boxoffice_store::batch::{BookCommand, CancelCommand, Keyed, OutcomeRecord};
use boxoffice_store::{
    Backend, BookingFor, IdempotencyKey, SeatBooked, SeatReleased, SeatsAfter, Store,
};
use chrono::{Duration, Utc};
use sqlx::Connection;

/// A migrated store on a database of its own; [`TestStore::drop_database`] removes it.
pub struct TestStore {
    pub store: Store,
    #[allow(dead_code)] // Only some test binaries open the database a second time.
    pub url: String,
    postgres: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl TestStore {
    pub async fn create(backend: Backend) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (url, postgres, dir) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("boxoffice-store-{unique}"));
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!("sqlite://{}", dir.join("store.db").display());
                (url, None, Some(dir))
            }
            Backend::Postgres => {
                let admin = std::env::var("BOXOFFICE_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
                let name = format!("boxoffice_store_{unique}");
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                let create = format!("CREATE DATABASE {name}");
                sqlx::raw_sql(&create).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                (format!("{base}/{name}"), Some((admin, name)), None)
            }
        };
        let store = Store::connect(&url, 8).await.unwrap();
        store.migrate().await.unwrap();
        TestStore {
            store,
            url,
            postgres,
            dir,
        }
    }

    pub async fn drop_database(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.postgres {
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::raw_sql(&drop).execute(&mut conn).await.unwrap();
        }
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A scheduled event starting tomorrow with `seats` seats.
pub async fn event(store: &Store, seats: i64) -> EventId {
    let start = Utc::now() + Duration::days(1);
    let event = NewEvent {
        title: Title::parse("Store test").unwrap(),
        description: None,
        location: Location::parse("Pune").unwrap(),
        country: Country::parse("IN").unwrap(),
        zone: Zone::DEFAULT,
        schedule: Schedule::new(start, None, Zone::DEFAULT).unwrap(),
        capacity: Some(Capacity::new(seats).unwrap()),
        tags: Tags::from_stored(Vec::new()),
        status: Default::default(),
        coordinates: None,
        attachment_url: None,
    };
    let mut tx = store.begin().await.unwrap();
    let created = tx.insert_event(&event, None, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    created.id
}

/// A person with an address of their own, not registered yet.
pub fn person() -> NewAttendee {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    NewAttendee {
        name: PersonName::parse("Asha").unwrap(),
        email: Some(Email::parse(&format!("{unique}@example.com")).unwrap()),
        phone: None,
        locale: Locale::default(),
    }
}

/// A registered attendee with an address of their own.
pub async fn attendee(store: &Store) -> AttendeeId {
    let person = person();
    let mut tx = store.begin().await.unwrap();
    let token = SecretToken::generate().hash();
    let id = tx.insert_attendee(&person, &token, Utc::now()).await;
    tx.commit().await.unwrap();
    id.unwrap().expect("a new address")
}

/// Books as a use case does: commit a booking, roll a refusal back; on SQLite through the
/// batch writer, as the use case does there.
pub async fn book(
    store: &Store,
    event: EventId,
    attendee: AttendeeId,
) -> Result<SeatBooked, BookingRefusal> {
    let who = BookingFor::Attendee(attendee);
    let token = SecretToken::generate().hash();
    if let Some(writer) = store.batches() {
        let command = book_command(event, who, None);
        match writer.book(command).await.unwrap() {
            Keyed::Ran(result) => return result,
            other => panic!("a booking without a key came back as {other:?}"),
        }
    }
    let mut tx = store.begin().await.unwrap();
    let result = tx.book_seat(event, &who, &token, Utc::now()).await.unwrap();
    match &result {
        Ok(_) => tx.commit().await.unwrap(),
        Err(_) => tx.rollback().await.unwrap(),
    }
    result
}

/// A booking command whose domain event is a plain `booking.created`.
pub fn book_command(
    event: EventId,
    who: BookingFor,
    idempotency: Option<(IdempotencyKey, OutcomeRecord)>,
) -> BookCommand {
    let now = Utc::now();
    BookCommand {
        event,
        who,
        cancel_token: SecretToken::generate().hash(),
        now,
        idempotency,
        change: Box::new(move |seat| seat_change(DomainEventKind::BookingCreated, &seat.seats)),
    }
}

fn seat_change(kind: DomainEventKind, seats: &SeatsAfter) -> DomainEvent {
    let mut change = DomainEvent::new(kind, Utc::now(), seats.event_id, &seats.event_title);
    change.seats = Some(seats.seats);
    change
}

/// Cancels a booking; the seats after it if it was confirmed.
pub async fn cancel(store: &Store, id: boxoffice_domain::BookingId) -> Option<SeatCounts> {
    if let Some(writer) = store.batches() {
        let freed = std::sync::Arc::new(std::sync::Mutex::new(None));
        let seen = freed.clone();
        let change = Box::new(
            move |_: &boxoffice_domain::Booking, released: &SeatReleased| {
                *seen.lock().unwrap() = Some(released.seats.seats);
                vec![seat_change(
                    DomainEventKind::BookingCancelled,
                    &released.seats,
                )]
            },
        );
        let command = CancelCommand {
            id,
            now: Utc::now(),
            change,
        };
        writer.cancel(command).await.unwrap();
        return freed.lock().unwrap().take();
    }
    let mut tx = store.begin().await.unwrap();
    let freed = tx.cancel_booking(id, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    freed.map(|released| released.seats.seats)
}

/// Seats booked as the event row counts them.
pub async fn seats_booked(store: &Store, event: EventId) -> i32 {
    store.get_event(event).await.unwrap().unwrap().seats_booked
}

/// The invariants `boxoffice check` verifies; panics with the rows that break them.
pub async fn assert_invariants(store: &Store) {
    let violations = store.check_invariants(None).await.unwrap();
    assert!(violations.is_empty(), "{violations:#?}");
}
