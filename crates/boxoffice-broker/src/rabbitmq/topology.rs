//! Exchanges, queues and bindings. Declared on every (re)connect by publishers and
//! consumers alike: declaring is idempotent, and whichever side starts first (or first after
//! RabbitMQ lost its state) creates the layout, so no message is published into the void.

use super::RabbitMqSettings;
use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, ExchangeKind};

/// Binding key matching every routing key of a topic exchange.
const EVERY_ROUTING_KEY: &str = "#";

/// The exchange, the work queues (history, deliveries) and the dead-letter pair.
pub(super) async fn declare_shared(
    channel: &Channel,
    settings: &RabbitMqSettings,
) -> lapin::Result<()> {
    declare_exchange(channel, &settings.exchange, ExchangeKind::Topic).await?;
    // Dead-lettered messages keep their routing key; a fanout exchange files all of them.
    declare_exchange(
        channel,
        &settings.dead_letter_exchange,
        ExchangeKind::Fanout,
    )
    .await?;
    declare_queue(channel, &settings.dead_letter_queue, FieldTable::default()).await?;
    bind(
        channel,
        &settings.dead_letter_queue,
        &settings.dead_letter_exchange,
        "",
    )
    .await?;
    for queue in [&settings.work_queue, &settings.deliveries_queue] {
        declare_queue(channel, queue, work_queue_arguments(settings)).await?;
        bind(channel, queue, &settings.exchange, EVERY_ROUTING_KEY).await?;
    }
    Ok(())
}

/// One process's fan-out queue. Durable and not exclusive, so it outlives a dropped
/// connection or a RabbitMQ restart and keeps what was published meanwhile; `x-expires`
/// lets RabbitMQ delete it once its process has been gone for `fanout_queue_expiry`.
pub(super) async fn declare_fanout_queue(
    channel: &Channel,
    settings: &RabbitMqSettings,
    queue: &str,
) -> lapin::Result<()> {
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-expires".into(),
        integer(settings.fanout_queue_expiry.as_millis()),
    );
    declare_queue(channel, queue, arguments).await?;
    bind(channel, queue, &settings.exchange, EVERY_ROUTING_KEY).await
}

/// `<prefix>.<instance_id>` for a process's first fan-out subscription, `.<n>` appended after.
pub(super) fn fanout_queue_name(settings: &RabbitMqSettings, ordinal: u32) -> String {
    let base = format!("{}.{}", settings.fanout_queue_prefix, settings.instance_id);
    if ordinal == 0 {
        base
    } else {
        format!("{base}.{ordinal}")
    }
}

/// A quorum queue: replicated when RabbitMQ is clustered, and the queue type that counts
/// deliveries, so a message that keeps failing is dead-lettered instead of looping forever.
fn work_queue_arguments(settings: &RabbitMqSettings) -> FieldTable {
    let mut arguments = FieldTable::default();
    arguments.insert("x-queue-type".into(), text("quorum"));
    arguments.insert(
        "x-delivery-limit".into(),
        integer(settings.delivery_limit.into()),
    );
    arguments.insert(
        "x-dead-letter-exchange".into(),
        text(&settings.dead_letter_exchange),
    );
    arguments
}

async fn declare_exchange(channel: &Channel, name: &str, kind: ExchangeKind) -> lapin::Result<()> {
    let options = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    channel
        .exchange_declare(short(name), kind, options, FieldTable::default())
        .await
}

async fn declare_queue(channel: &Channel, name: &str, arguments: FieldTable) -> lapin::Result<()> {
    channel
        .queue_declare(short(name), QueueDeclareOptions::durable(), arguments)
        .await
        .map(drop)
}

async fn bind(channel: &Channel, queue: &str, exchange: &str, key: &str) -> lapin::Result<()> {
    let options = QueueBindOptions::default();
    channel
        .queue_bind(
            short(queue),
            short(exchange),
            short(key),
            options,
            FieldTable::default(),
        )
        .await
}

/// AMQP names are at most 255 bytes; ours come from settings, where a longer one is a
/// configuration mistake worth failing loudly on.
pub(super) fn short(name: &str) -> ShortString {
    ShortString::try_new(name).expect("RabbitMQ names are at most 255 bytes")
}

fn text(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value))
}

fn integer(value: u128) -> AMQPValue {
    AMQPValue::LongLongInt(i64::try_from(value).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fanout_queues_are_named_after_the_instance() {
        let settings = RabbitMqSettings {
            instance_id: "abc".into(),
            ..RabbitMqSettings::default()
        };
        assert_eq!(fanout_queue_name(&settings, 0), "boxoffice.fanout.abc");
        assert_eq!(fanout_queue_name(&settings, 2), "boxoffice.fanout.abc.2");
    }

    #[test]
    fn the_work_queue_is_a_quorum_queue_that_dead_letters() {
        let arguments = work_queue_arguments(&RabbitMqSettings::default());
        let get = |key: &str| arguments.inner().get(key).cloned();
        assert_eq!(get("x-queue-type"), Some(text("quorum")));
        assert_eq!(get("x-delivery-limit"), Some(AMQPValue::LongLongInt(5)));
        assert_eq!(
            get("x-dead-letter-exchange"),
            Some(text("boxoffice.dead-letter"))
        );
    }
}
