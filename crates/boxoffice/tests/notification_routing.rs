//! A mail server that never answers holds back e-mail only: the seat frames, the history and
//! the booking answers go on, and each booking's e-mail waits in the outbox to be routed.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_channels::{MailTransport, SmtpSecurity, SmtpSettings};
use boxoffice_testkit::{Backend, Options, TestApp};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// Each booking's seat frame must arrive within this; the mail server's timeout is far longer.
const FRAME_DEADLINE: Duration = Duration::from_secs(2);
const BOOKINGS: i64 = 10;

/// Accepts SMTP connections and never says a word, as a mail server that hung does.
async fn silent_mail_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    port
}

async fn a_mail_server_that_never_answers_holds_back_no_seat_frame(backend: Backend) {
    let port = silent_mail_server().await;
    let app = TestApp::start_with(
        backend,
        Options {
            mail: Some(MailTransport::Smtp(SmtpSettings {
                host: "127.0.0.1".into(),
                port,
                security: SmtpSecurity::None,
                username: None,
                password: None,
                timeout: Duration::from_secs(60),
            })),
            ..Options::default()
        },
    )
    .await;
    let event = app.create_event(BOOKINGS + 5).await;
    let mut watcher = app.ws(None).await;
    assert_eq!(watcher.command("watch", event).await["type"], "ack");
    watcher.next_of_type("seats").await;

    let began = Instant::now();
    for n in 0..BOOKINGS {
        let booked = app.book(event, &format!("guest{n}@example.com")).await;
        assert_eq!(booked.status(), 201);
        // The event's own creation may still bring a frame with every seat free: skipped.
        let left = 5 + BOOKINGS - n - 1;
        let this_booking =
            async { while watcher.next_of_type("seats").await["seats_available"] != left {} };
        tokio::time::timeout(FRAME_DEADLINE, this_booking)
            .await
            .unwrap_or_else(|_| {
                panic!("booking {n}: no frame of {left} seats within {FRAME_DEADLINE:?}")
            });
    }
    eprintln!(
        "{BOOKINGS} bookings and their seat frames in {:?}",
        began.elapsed()
    );

    // Published (frames sent, history written) but not routed: the e-mails wait their turn.
    let published_by = Instant::now() + FRAME_DEADLINE;
    while app
        .store
        .outbox_backlog(chrono::Utc::now())
        .await
        .unwrap()
        .0
        > 0
    {
        assert!(
            Instant::now() < published_by,
            "the relay publishes without the mail server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (unrouted, _) = app.store.routing_backlog(chrono::Utc::now()).await.unwrap();
    assert!(
        unrouted >= BOOKINGS,
        "{unrouted} messages wait to be routed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_mail_server_that_never_answers_holds_back_no_seat_frame() {
    a_mail_server_that_never_answers_holds_back_no_seat_frame(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_mail_server_that_never_answers_holds_back_no_seat_frame() {
    a_mail_server_that_never_answers_holds_back_no_seat_frame(Backend::Postgres).await;
}
