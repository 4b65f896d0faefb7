//! Mobile push as one of the notification channels: the router hands a note for a user,
//! this sends it to each of the user's devices and says how each attempt went.

use crate::{DevicePush, PushMessage, PushOutcome};
use boxoffice_channels::{Channel, DeliveryAttempt, PushChannel, PushNote};
use boxoffice_domain::UserId;
use futures::future::BoxFuture;

impl PushChannel for DevicePush {
    fn push(&self, user: UserId, note: PushNote) -> BoxFuture<'_, Vec<DeliveryAttempt>> {
        Box::pin(async move {
            let message = PushMessage {
                title: note.title,
                body: note.body,
                data: note.data,
            };
            let sent = self.push_to_user(user, &message).await;
            if sent.is_empty() {
                let whom = format!("user:{}", user.0);
                return vec![DeliveryAttempt::skipped(
                    Channel::Push,
                    whom,
                    "no device registered for a configured platform",
                )];
            }
            sent.into_iter()
                .map(|(device, platform, outcome)| {
                    let whom = format!("device:{device} ({platform})");
                    match outcome {
                        PushOutcome::Delivered => DeliveryAttempt::sent(Channel::Push, whom, 1),
                        PushOutcome::Unregistered => DeliveryAttempt::failed(
                            Channel::Push,
                            whom,
                            "the provider no longer knows this device; it was removed",
                            1,
                        ),
                        PushOutcome::Retryable(error) | PushOutcome::Rejected(error) => {
                            DeliveryAttempt::failed(Channel::Push, whom, error, 1)
                        }
                    }
                })
                .collect()
        })
    }
}
