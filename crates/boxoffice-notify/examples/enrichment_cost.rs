//! What enriching a deleted event with many attendees costs: one attendee at a time (a
//! read of the attendee and one of their choices each, as enrichment used to) against
//! the batched read enrichment uses now.
//!
//! `cargo run -p boxoffice-notify --example enrichment_cost -- [DATABASE_URL] [ATTENDEES]`
//! (default: a new SQLite file, 2000 attendees). The database is migrated and filled.

use boxoffice_domain::{
    DomainEvent, DomainEventKind, Email, EventId, Farewell, Locale, NewAttendee, PersonName,
    SecretToken,
};
use boxoffice_notify::StoreFacts;
use boxoffice_notify::enrich::EnrichmentRequest;
use boxoffice_store::Store;
use chrono::Utc;
use std::time::{Duration, Instant};

const ROUNDS: u32 = 5;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let scratch = std::env::temp_dir().join(format!("enrichment-cost-{}", std::process::id()));
    let url = match args.next() {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&scratch)?;
            format!("sqlite://{}", scratch.join("store.db").display())
        }
    };
    let count: usize = args.next().map_or(Ok(2000), |n| n.parse())?;
    let store = Store::connect(&url, 8).await?;
    store.migrate().await?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut ids = Vec::with_capacity(count);
    let mut tx = store.begin().await?;
    for n in 0..count {
        let person = NewAttendee {
            name: PersonName::parse(&format!("Attendee {n}"))?,
            email: Some(Email::parse(&format!("{run}-{n}@example.test"))?),
            phone: None,
            locale: Locale::default(),
        };
        let id = tx
            .insert_attendee(&person, &SecretToken::generate().hash(), Utc::now())
            .await?
            .ok_or("a fresh address")?;
        ids.push(id);
    }
    tx.commit().await?;

    let (store_ref, ids_ref) = (&store, &ids);
    let one_by_one = best_of(|| async move {
        for id in ids_ref {
            store_ref.get_attendee(*id).await?;
            store_ref.attendee_preferences(*id).await?;
        }
        Ok(())
    })
    .await?;
    let facts = StoreFacts::new(store.clone());
    let mut deleted = DomainEvent::new(
        DomainEventKind::EventDeleted,
        Utc::now(),
        EventId(1),
        "Gone",
    );
    deleted.farewell = Some(Farewell {
        attendees: ids.clone(),
        start: Utc::now(),
        zone: "Europe/Paris".into(),
    });
    let request = EnrichmentRequest::from(&deleted);
    let (facts, request) = (&facts, &request);
    let batched = best_of(|| async move {
        let found = facts.gather(request).await?.ok_or("facts")?;
        assert_eq!(found.attendees.len(), count);
        Ok(())
    })
    .await?;
    let statements = count.div_ceil(10_000);
    println!(
        "{} attendees on {}: one by one {} queries in {:.1} ms; batched {statements} in {:.1} ms",
        count,
        store.backend(),
        2 * count,
        ms(one_by_one),
        ms(batched)
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// The fastest of a few rounds.
async fn best_of<F, Fut>(mut round: F) -> Result<Duration, Box<dyn std::error::Error>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>,
{
    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        round().await?;
        best = best.min(started.elapsed());
    }
    Ok(best)
}

fn ms(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}
