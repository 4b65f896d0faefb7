//! The outcome of trying to deliver a notice on one channel.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A way of reaching someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Websocket,
    Email,
    Push,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Websocket, Channel::Email, Channel::Push];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Websocket => "websocket",
            Channel::Email => "email",
            Channel::Push => "push",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Handed over: accepted by the mail server or push provider, or written to the mail folder.
    Sent,
    /// Failed; `error` says why.
    Failed,
    /// Not attempted on purpose: the channel is not configured, or the recipient turned it off.
    Skipped,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Skipped => "skipped",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
