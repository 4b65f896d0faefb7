//! Sending to every device a user registered.

use crate::{Platform, Push, PushMessage, PushOutcome};
use boxoffice_domain::{DeviceId, UserId};
use boxoffice_store::Store;
use std::sync::Arc;

/// The store's devices and the senders together.
#[derive(Debug, Clone)]
pub struct DevicePush {
    store: Store,
    push: Arc<Push>,
}

impl DevicePush {
    pub fn new(store: Store, push: Arc<Push>) -> Self {
        DevicePush { store, push }
    }

    pub fn push(&self) -> &Push {
        &self.push
    }

    /// Sends `message` to each of `user`'s devices whose platform is configured, forgets the
    /// tokens the provider reports unregistered and renews `last_used_at` of the others that
    /// were delivered. A store failure reads as a retryable outcome for the devices concerned.
    pub async fn push_to_user(
        &self,
        user: UserId,
        message: &PushMessage,
    ) -> Vec<(DeviceId, Platform, PushOutcome)> {
        let devices = match self.store.list_devices(user).await {
            Ok(devices) => devices,
            Err(err) => {
                tracing::warn!(user = user.0, error = %err, "could not list devices for push");
                return Vec::new();
            }
        };
        let mut outcomes = Vec::with_capacity(devices.len());
        let mut delivered = Vec::new();
        for device in devices
            .into_iter()
            .filter(|d| self.push.is_enabled(d.platform))
        {
            let outcome = self
                .push
                .send(device.platform, device.token.as_str(), message)
                .await;
            match &outcome {
                PushOutcome::Delivered => delivered.push(device.id),
                PushOutcome::Unregistered => {
                    match self.store.prune_device_token(&device.token).await {
                        Ok(_) => tracing::info!(
                            user = user.0,
                            device = device.id.0,
                            platform = %device.platform,
                            "device pruned: the push service no longer knows its token"
                        ),
                        Err(err) => tracing::warn!(
                            device = device.id.0, error = %err, "could not prune device"
                        ),
                    }
                }
                PushOutcome::Retryable(_) | PushOutcome::Rejected(_) => {}
            }
            outcomes.push((device.id, device.platform, outcome));
        }
        if !delivered.is_empty()
            && let Err(err) = self
                .store
                .mark_devices_used(&delivered, chrono::Utc::now())
                .await
        {
            tracing::warn!(error = %err, "could not renew devices' last use");
        }
        outcomes
    }
}
