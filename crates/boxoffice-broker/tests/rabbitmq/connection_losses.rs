//! Connection losses: reconnection, redelivery and readiness.

use super::*;

#[tokio::test]
async fn fanout_messages_published_while_the_subscriber_is_disconnected_arrive_after_it_reconnects()
{
    let bed = Bed::new().await;
    let proxy = Proxy::start(&bed.url).await;
    let subscriber = bed.broker_at(&proxy.url());
    let mut subscription = subscriber.fanout().await.unwrap();
    let queue = bed.fanout_queue(&subscriber);
    let publisher = bed.broker();

    let before = message("event.created");
    publisher.publish(&before).await.unwrap();
    assert_eq!(next(&mut subscription).await.message, before);

    // Cut the connection and refuse new ones: the subscriber keeps retrying in vain.
    proxy.cut().await;
    bed.admin.wait_for_consumers(&queue, 0).await;
    let during: Vec<Message> = (0..3).map(|_| message("booking.created")).collect();
    for sent in &during {
        publisher.publish(sent).await.unwrap();
    }
    // Three, or four if the cut came before the acknowledgement of `before` reached
    // RabbitMQ: delivery is at least once, and consumers drop such copies by id.
    let kept = bed.admin.counts(&queue).await.messages;
    assert!((3..=4).contains(&kept), "kept by the durable queue: {kept}");

    proxy.restore();
    for sent in &during {
        assert_eq!(
            &next_except(&mut subscription, &before.id).await.message,
            sent,
            "delivered in order after reconnecting"
        );
    }
    bed.finish().await;
}

#[tokio::test]
async fn unsettled_work_is_redelivered_after_the_consumer_reconnects() {
    // An acknowledgement sent on a dead connection is given up after operation_timeout.
    let bed = Bed::with(|s| s.operation_timeout = Duration::from_millis(500)).await;
    let proxy = Proxy::start(&bed.url).await;
    let mut work = bed.broker_at(&proxy.url()).work().await.unwrap();
    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();
    let first = next(&mut work).await;
    assert!(!first.redelivered);

    proxy.cut().await;
    // Too late: the connection it came on is gone, so RabbitMQ requeues it.
    timeout(GUARD, first.ack())
        .await
        .expect("a failed ack does not hang");
    bed.admin
        .wait_for_consumers(&bed.settings.work_queue, 0)
        .await;
    proxy.restore();

    let again = next(&mut work).await;
    assert_eq!(again.message, sent);
    assert!(again.redelivered);
    again.ack().await;
    bed.finish().await;
}

#[tokio::test]
async fn publishing_fails_while_disconnected_and_reconnects_on_the_next_call() {
    let bed = Bed::new().await;
    let proxy = Proxy::start(&bed.url).await;
    let publisher = bed.broker_at(&proxy.url());
    publisher.publish(&message("event.created")).await.unwrap();

    proxy.cut().await;
    let failed = timeout(GUARD, publisher.publish(&message("event.updated")))
        .await
        .expect("no hang");
    assert!(
        matches!(failed, Err(BrokerError::Unavailable(_))),
        "{failed:?}"
    );
    assert!(!publisher.is_ready().await);

    proxy.restore();
    publisher.publish(&message("event.deleted")).await.unwrap();
    assert_eq!(
        bed.admin.counts(&bed.settings.work_queue).await.messages,
        2,
        "only the confirmed ones"
    );
    bed.finish().await;
}

#[tokio::test]
async fn a_fanout_subscription_that_could_not_start_keeps_the_process_queue_name() {
    let bed = Bed::new().await;
    let proxy = Proxy::start(&bed.url).await;
    let subscriber = bed.broker_at(&proxy.url());
    proxy.cut().await;
    assert!(subscriber.fanout().await.is_err());

    proxy.restore();
    let _subscription = subscriber.fanout().await.unwrap();
    let queue = bed.fanout_queue(&subscriber);
    assert_eq!(
        bed.admin.counts(&queue).await.consumers,
        1,
        "{queue} is consumed"
    );
    bed.finish().await;
}

#[tokio::test]
async fn a_fanout_subscription_survives_rabbitmq_closing_its_connection() {
    let bed = Bed::new().await;
    let subscriber = bed.broker();
    let mut subscription = subscriber.fanout().await.unwrap();
    let name = format!("boxoffice fanout {}", subscriber.settings().instance_id);
    let old = rabbitmq_connection(&name)
        .await
        .expect("the subscriber's connection is listed");

    rabbitmqctl(&["close_connection", &old, "closed by the broker test"]).await;
    timeout(GUARD, async {
        while rabbitmq_connection(&name)
            .await
            .is_none_or(|pid| pid == old)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the subscriber opened a new connection");

    let sent = message("event.created");
    bed.broker().publish(&sent).await.unwrap();
    assert_eq!(next(&mut subscription).await.message, sent);
    bed.finish().await;
}

#[tokio::test]
async fn is_ready_when_rabbitmq_answers() {
    let bed = Bed::new().await;
    assert!(bed.broker().is_ready().await);
    bed.finish().await;
}
