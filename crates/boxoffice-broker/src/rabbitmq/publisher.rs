//! Publishing with confirms over one connection shared by every publish of a broker.
//!
//! The connection is opened on first use and replaced on the first publish after it was
//! lost. A publish does not wait for RabbitMQ to come back: it fails with
//! [`BrokerError::Unavailable`] so the outbox relay keeps the message for a later attempt.

use super::{Endpoint, RabbitMqSettings, open, topology, unavailable};
use crate::{BrokerError, Message};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::ShortString;
use lapin::{BasicProperties, Channel, Confirmation, Connection};
use tokio::sync::Mutex;

/// AMQP delivery mode 2: RabbitMQ writes the message to disk before confirming it.
const PERSISTENT: u8 = 2;

#[derive(Debug, Default)]
pub(super) struct Publisher {
    /// Held while connecting, so concurrent publishes wait for one connection attempt
    /// instead of each opening their own.
    link: Mutex<Link>,
}

#[derive(Debug, Default)]
struct Link {
    current: Option<Open>,
    /// Connections opened so far; tells a reconnect from the first connect and lets a
    /// failed publish discard only the connection it used.
    generation: u64,
}

#[derive(Debug)]
struct Open {
    /// Kept so the connection lives as long as the channel is in use.
    connection: Connection,
    channel: Channel,
    generation: u64,
}

impl Open {
    fn is_usable(&self) -> bool {
        self.connection.status().connected() && self.channel.status().connected()
    }
}

impl Publisher {
    pub(super) async fn publish(
        &self,
        endpoint: &Endpoint,
        settings: &RabbitMqSettings,
        message: &Message,
    ) -> Result<(), BrokerError> {
        let result = self.try_publish(endpoint, settings, message).await;
        match &result {
            Ok(()) => metrics::counter!("boxoffice_broker_published_total").increment(1),
            Err(error) => {
                metrics::counter!("boxoffice_broker_publish_failures_total").increment(1);
                tracing::debug!(message.id = %message.id, %error, "publish to RabbitMQ failed");
            }
        }
        result
    }

    /// Opens the publishing connection if there is none.
    pub(super) async fn ensure_connected(
        &self,
        endpoint: &Endpoint,
        settings: &RabbitMqSettings,
    ) -> Result<(), BrokerError> {
        self.channel(endpoint, settings).await.map(drop)
    }

    async fn try_publish(
        &self,
        endpoint: &Endpoint,
        settings: &RabbitMqSettings,
        message: &Message,
    ) -> Result<(), BrokerError> {
        let routing_key = ShortString::try_new(message.routing_key.as_str()).map_err(rejected)?;
        let properties = properties(message)?;
        let (channel, generation) = self.channel(endpoint, settings).await?;
        // Mandatory: a message no queue takes comes back, and is refused rather than lost.
        let options = BasicPublishOptions {
            mandatory: true,
            ..BasicPublishOptions::default()
        };
        let exchange = topology::short(&settings.exchange);
        let confirmed = async {
            channel
                .basic_publish(exchange, routing_key, options, &message.body, properties)
                .await?
                .await
        };
        let confirmation = match tokio::time::timeout(settings.operation_timeout, confirmed).await {
            Ok(Ok(confirmation)) => confirmation,
            Ok(Err(error)) => return Err(self.discard(generation, unavailable(error)).await),
            Err(_) => {
                let error = BrokerError::Unavailable(format!(
                    "no publisher confirm within {:?}",
                    settings.operation_timeout
                ));
                return Err(self.discard(generation, error).await);
            }
        };
        accepted(confirmation)
    }

    /// The confirm-mode channel, connecting (and declaring the layout) if needed.
    async fn channel(
        &self,
        endpoint: &Endpoint,
        settings: &RabbitMqSettings,
    ) -> Result<(Channel, u64), BrokerError> {
        let mut link = self.link.lock().await;
        if let Some(open) = link.current.as_ref().filter(|open| open.is_usable()) {
            return Ok((open.channel.clone(), open.generation));
        }
        if link.current.take().is_some() {
            tracing::warn!("RabbitMQ publishing connection lost; reconnecting");
        }
        let (connection, channel) =
            open_channel(endpoint, settings)
                .await
                .inspect_err(|error| {
                    tracing::warn!(%error, "cannot connect to RabbitMQ for publishing");
                })?;
        link.generation += 1;
        if link.generation > 1 {
            metrics::counter!("boxoffice_broker_reconnects_total").increment(1);
            tracing::info!("RabbitMQ publishing connection re-established");
        } else {
            tracing::info!("RabbitMQ publishing connection established");
        }
        let generation = link.generation;
        link.current = Some(Open {
            connection,
            channel: channel.clone(),
            generation,
        });
        Ok((channel, generation))
    }

    /// Drops the connection a publish failed on (unless it was already replaced), so the
    /// next publish opens a fresh one instead of waiting on a connection that went silent.
    async fn discard(&self, generation: u64, error: BrokerError) -> BrokerError {
        let mut link = self.link.lock().await;
        if link
            .current
            .as_ref()
            .is_some_and(|open| open.generation == generation)
        {
            link.current = None;
            tracing::warn!(%error, "dropping the RabbitMQ publishing connection");
        }
        error
    }
}

async fn open_channel(
    endpoint: &Endpoint,
    settings: &RabbitMqSettings,
) -> Result<(Connection, Channel), BrokerError> {
    open(endpoint, settings, "publisher", async |connection| {
        let channel = connection.create_channel().await?;
        topology::declare_shared(&channel, settings).await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(channel)
    })
    .await
}

fn properties(message: &Message) -> Result<BasicProperties, BrokerError> {
    let id = ShortString::try_new(message.id.as_str()).map_err(rejected)?;
    Ok(BasicProperties::default()
        .with_delivery_mode(PERSISTENT)
        .with_message_id(id)
        .with_content_type("application/json".into()))
}

fn accepted(confirmation: Confirmation) -> Result<(), BrokerError> {
    match confirmation {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(returned)) => Err(BrokerError::Rejected(format!(
            "no queue is bound for routing key {}: {}",
            returned.delivery.routing_key, returned.reply_text
        ))),
        Confirmation::Nack(_) => Err(BrokerError::Rejected(
            "RabbitMQ did not store the message (nack)".into(),
        )),
        Confirmation::NotRequested => Err(BrokerError::Rejected(
            "publisher confirms are not enabled".into(),
        )),
    }
}

fn rejected(error: impl std::fmt::Display) -> BrokerError {
    BrokerError::Rejected(error.to_string())
}
