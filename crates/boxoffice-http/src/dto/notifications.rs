//! Notification history and subscriptions.

use boxoffice_store::NotificationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `event.created`, `event.updated`, `event.deleted`, `booking.created`, `booking.cancelled` or
/// `booking.promoted` (a seat given back went to the first on the waitlist).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub enum NotificationType {
    #[serde(rename = "event.created")]
    EventCreated,
    #[serde(rename = "event.updated")]
    EventUpdated,
    #[serde(rename = "event.deleted")]
    EventDeleted,
    #[serde(rename = "booking.created")]
    BookingCreated,
    #[serde(rename = "booking.cancelled")]
    BookingCancelled,
    #[serde(rename = "booking.promoted")]
    BookingPromoted,
}

/// The event a notification is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationEvent {
    /// The event id, as a string.
    #[schema(example = "42")]
    pub id: String,
    pub title: String,
    /// `created`, `updated`, `deleted` or `cancelled`.
    pub action: String,
    /// When it happened, UTC.
    #[schema(example = "2026-11-21T10:00:00Z")]
    pub timestamp: String,
}

/// A notification as the WebSocket delivered it, with its id.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// The domain event's id.
    pub id: String,
    /// Always `notification`.
    #[serde(rename = "type")]
    pub kind: String,
    pub notification_type: NotificationType,
    pub event: NotificationEvent,
    /// Who made the change.
    pub user: Option<String>,
}

impl NotificationView {
    pub fn render(record: &NotificationRecord) -> Self {
        use boxoffice_domain::DomainEventKind as Kind;
        NotificationView {
            id: record.message_id.clone(),
            kind: "notification".into(),
            notification_type: match record.kind {
                Kind::EventCreated => NotificationType::EventCreated,
                Kind::EventUpdated => NotificationType::EventUpdated,
                Kind::EventDeleted => NotificationType::EventDeleted,
                Kind::BookingCreated => NotificationType::BookingCreated,
                Kind::BookingCancelled => NotificationType::BookingCancelled,
                Kind::BookingPromoted => NotificationType::BookingPromoted,
                // Never in the history, which keeps notices only (`DomainEventKind::is_notice`).
                Kind::SeatsHeld | Kind::SeatsReleased => NotificationType::EventUpdated,
            },
            event: NotificationEvent {
                id: record.event_id.0.to_string(),
                title: record.event_title.clone(),
                action: record.kind.action().to_owned(),
                timestamp: boxoffice_notify::frames::timestamp(record.occurred_at),
            },
            user: record.actor.clone(),
        }
    }
}
