//! Publishing and fan-out, and the deliveries queue.

use super::*;

#[tokio::test]
async fn a_published_message_reaches_every_fanout_subscriber() {
    let bed = Bed::new().await;
    let (first, second) = (bed.broker(), bed.broker());
    let mut first_sub = first.fanout().await.unwrap();
    let mut second_sub = second.fanout().await.unwrap();

    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();

    for subscription in [&mut first_sub, &mut second_sub] {
        let got = next(subscription).await;
        assert_eq!(
            got.message, sent,
            "id, routing key and body arrive unchanged"
        );
        assert!(!got.redelivered);
    }
    bed.finish().await;
}

#[tokio::test]
async fn published_messages_are_persistent_json_with_their_id() {
    let bed = Bed::new().await;
    let sent = message("event.updated");
    bed.broker().publish(&sent).await.unwrap();

    let stored = bed
        .admin
        .get(&bed.settings.work_queue)
        .await
        .expect("the work queue holds it");
    let properties = &stored.delivery.properties;
    assert_eq!(properties.delivery_mode(), &Some(2), "persistent");
    assert_eq!(
        properties.message_id().as_ref().map(|id| id.as_str()),
        Some(sent.id.as_str())
    );
    assert_eq!(
        properties.content_type().as_ref().map(|t| t.as_str()),
        Some("application/json")
    );
    assert_eq!(stored.delivery.routing_key.as_str(), "event.updated");
    assert_eq!(stored.delivery.exchange.as_str(), bed.settings.exchange);
    assert_eq!(stored.delivery.data, sent.body);
    bed.finish().await;
}

#[tokio::test]
async fn a_message_no_queue_takes_is_rejected() {
    let bed = Bed::new().await;
    let broker = bed.broker();
    assert!(broker.is_ready().await, "connects and declares the layout");
    bed.admin.delete_queue(&bed.settings.work_queue).await;
    bed.admin.delete_queue(&bed.settings.deliveries_queue).await;

    let refused = broker.publish(&message("event.created")).await;
    assert!(
        matches!(refused, Err(BrokerError::Rejected(_))),
        "{refused:?}"
    );
    bed.finish().await;
}

#[tokio::test]
async fn an_unreachable_broker_fails_fast_instead_of_hanging() {
    let port = closed_port().await;
    let settings = RabbitMqSettings {
        connect_timeout: Duration::from_secs(3),
        ..RabbitMqSettings::default()
    };
    let broker = RabbitMqBroker::new(
        &format!("amqp://guest:guest@127.0.0.1:{port}/%2f"),
        settings,
    );

    let published = timeout(GUARD, broker.publish(&message("event.created")))
        .await
        .expect("no hang");
    assert!(
        matches!(published, Err(BrokerError::Unavailable(_))),
        "{published:?}"
    );
    assert!(!timeout(GUARD, broker.is_ready()).await.expect("no hang"));
    let fanout = timeout(GUARD, broker.fanout()).await.expect("no hang");
    assert!(
        matches!(fanout, Err(BrokerError::Unavailable(_))),
        "{fanout:?}"
    );
    let work = timeout(GUARD, broker.work()).await.expect("no hang");
    assert!(matches!(work, Err(BrokerError::Unavailable(_))), "{work:?}");
}

#[tokio::test]
async fn the_deliveries_queue_gets_every_message_apart_from_the_history() {
    let bed = Bed::new().await;
    let broker = bed.broker();
    let mut history = timeout(GUARD, broker.work()).await.unwrap().unwrap();
    let mut deliveries = timeout(GUARD, broker.deliveries()).await.unwrap().unwrap();
    let sent = message("booking.created");
    broker.publish(&sent).await.unwrap();

    // The history settles its copy; the deliveries copy waits for its own consumer.
    let recorded = timeout(GUARD, history.next()).await.unwrap().unwrap();
    assert_eq!(recorded.message.id, sent.id);
    recorded.ack().await;
    let routed = timeout(GUARD, deliveries.next()).await.unwrap().unwrap();
    assert_eq!(routed.message.id, sent.id);
    routed.ack().await;
    bed.finish().await;
}
