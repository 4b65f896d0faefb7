//! The work queue: one consumer per message, acknowledgement, retries, dead letters.

use super::*;

#[tokio::test]
async fn the_work_queue_gives_each_message_to_exactly_one_consumer() {
    // With a prefetch of one, a consumer holding an unsettled message gets no other, so two
    // messages must go one to each consumer.
    let bed = Bed::with(|s| s.prefetch = 1).await;
    let (mut left, mut right) = (
        bed.broker().work().await.unwrap(),
        bed.broker().work().await.unwrap(),
    );
    let (a, b) = (message("booking.created"), message("booking.cancelled"));
    let publisher = bed.broker();
    publisher.publish(&a).await.unwrap();
    publisher.publish(&b).await.unwrap();

    let (from_left, from_right) = (next(&mut left).await, next(&mut right).await);
    let ids: HashSet<_> = [from_left.message.id.clone(), from_right.message.id.clone()].into();
    assert_eq!(ids, [a.id, b.id].into(), "one each, no duplicates");
    from_left.ack().await;
    from_right.ack().await;

    // Whichever consumer gets the next message, it is the new one, not a copy of the others.
    let c = message("event.deleted");
    publisher.publish(&c).await.unwrap();
    let got = tokio::select! {
        got = next(&mut left) => got,
        got = next(&mut right) => got,
    };
    assert_eq!(got.message.id, c.id);
    got.ack().await;
    bed.finish().await;
}

#[tokio::test]
async fn an_acknowledged_message_is_gone_for_good() {
    let bed = Bed::new().await;
    let mut work = bed.broker().work().await.unwrap();
    bed.broker()
        .publish(&message("booking.created"))
        .await
        .unwrap();
    next(&mut work).await.ack().await;

    // Closing the consumer's connection would requeue anything unacknowledged.
    drop(work);
    bed.admin
        .wait_for_consumers(&bed.settings.work_queue, 0)
        .await;
    assert_eq!(bed.admin.counts(&bed.settings.work_queue).await.messages, 0);
    bed.finish().await;
}

#[tokio::test]
async fn a_retried_message_comes_back_flagged_redelivered() {
    let bed = Bed::new().await;
    let mut work = bed.broker().work().await.unwrap();
    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();

    let first = next(&mut work).await;
    assert!(!first.redelivered);
    first.retry().await;
    let again = next(&mut work).await;
    assert_eq!(again.message, sent);
    assert!(again.redelivered);
    again.ack().await;
    bed.finish().await;
}

#[tokio::test]
async fn a_message_failing_past_the_delivery_limit_lands_in_the_dead_letter_queue() {
    let bed = Bed::new().await;
    let limit = bed.settings.delivery_limit;
    let mut work = bed.broker().work().await.unwrap();
    let sent = message("booking.created");
    bed.broker().publish(&sent).await.unwrap();

    // Retry every delivery until the message shows up in the dead-letter queue.
    let mut deliveries = 0;
    let dead = timeout(GUARD * 3, async {
        loop {
            tokio::select! {
                delivery = next(&mut work) => {
                    deliveries += 1;
                    assert_eq!(delivery.message.id, sent.id);
                    assert_eq!(delivery.redelivered, deliveries > 1);
                    delivery.retry().await;
                }
                () = tokio::time::sleep(Duration::from_millis(100)) => {
                    if let Some(dead) = bed.admin.get(&bed.settings.dead_letter_queue).await {
                        break dead;
                    }
                }
            }
        }
    })
    .await
    .expect("dead-lettered");

    assert_eq!(
        dead.delivery
            .properties
            .message_id()
            .as_ref()
            .map(|id| id.as_str()),
        Some(sent.id.as_str())
    );
    assert_eq!(dead.delivery.data, sent.body);
    // RabbitMQ dead-letters a message returned more than `limit` times: the first delivery
    // and `limit` retries (3.10 does exactly that); tolerate a version counting one less.
    assert!(
        (limit..=limit + 1).contains(&deliveries),
        "{deliveries} deliveries for a limit of {limit}"
    );
    assert_eq!(bed.admin.counts(&bed.settings.work_queue).await.messages, 0);
    bed.finish().await;
}
