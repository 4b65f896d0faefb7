//! The seam to mobile push: whatever sends to devices implements [`PushChannel`].

use crate::DeliveryAttempt;
use futures::future::BoxFuture;

/// What a push notification shows, and data for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushNote {
    pub title: String,
    pub body: String,
    pub data: std::collections::BTreeMap<String, String>,
}

pub trait PushChannel: Send + Sync + 'static {
    /// Sends `note` to every registered device of `user`; one attempt per device.
    fn push(
        &self,
        user: boxoffice_domain::UserId,
        note: PushNote,
    ) -> BoxFuture<'_, Vec<DeliveryAttempt>>;
}
