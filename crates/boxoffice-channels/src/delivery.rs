//! The outcome of trying to deliver a notice on one channel.

pub use boxoffice_domain::{Channel, DeliveryStatus};
use serde::{Deserialize, Serialize};

/// One delivery of one notice to one recipient on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    pub channel: Channel,
    /// Who it was for: an e-mail address, `user:<id>`, or a device.
    pub recipient: String,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    /// Tries so far, counting this one.
    pub attempts: u32,
}

impl DeliveryAttempt {
    pub fn sent(channel: Channel, recipient: impl Into<String>, attempts: u32) -> Self {
        DeliveryAttempt {
            channel,
            recipient: recipient.into(),
            status: DeliveryStatus::Sent,
            error: None,
            attempts,
        }
    }

    pub fn failed(
        channel: Channel,
        recipient: impl Into<String>,
        error: impl Into<String>,
        attempts: u32,
    ) -> Self {
        DeliveryAttempt {
            channel,
            recipient: recipient.into(),
            status: DeliveryStatus::Failed,
            error: Some(error.into()),
            attempts,
        }
    }

    pub fn skipped(channel: Channel, recipient: impl Into<String>, why: impl Into<String>) -> Self {
        DeliveryAttempt {
            channel,
            recipient: recipient.into(),
            status: DeliveryStatus::Skipped,
            error: Some(why.into()),
            attempts: 0,
        }
    }

    /// Counts it in `/metrics` and writes its one log line.
    pub fn report(&self, notification: &str) {
        metrics::counter!(
            "boxoffice_notification_deliveries_total",
            "channel" => self.channel.as_str(),
            "status" => self.status.as_str()
        )
        .increment(1);
        tracing::info!(
            step = "deliver",
            notification,
            channel = self.channel.as_str(),
            recipient = %self.recipient,
            status = self.status.as_str(),
            error = self.error.as_deref(),
            attempts = self.attempts,
            "delivery attempt"
        );
    }
}
