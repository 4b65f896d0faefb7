//! Mobile push settings of `serve`: FCM for Android, APNs for iOS. Each provider is on when
//! its credentials are given; the keys stay in files, so `boxoffice config` shows only paths.

use anyhow::{Context, bail};
use boxoffice_channels::PushChannel;
use boxoffice_push::{ApnsConfig, DevicePush, FcmConfig, Platform, Push, PushConfig};
use boxoffice_store::Store;
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Google service-account key file (JSON) with the right to send through FCM; turns on
    /// Android push.
    #[arg(long, env = "FCM_SERVICE_ACCOUNT_FILE")]
    pub fcm_service_account_file: Option<PathBuf>,
    /// Firebase project to send through (default: the service account's own project).
    #[arg(long, env = "FCM_PROJECT_ID")]
    pub fcm_project_id: Option<String>,
    /// FCM endpoint: Google's, or a gateway in front of it.
    #[arg(long, env = "FCM_URL", default_value = boxoffice_push::FCM_DEFAULT_BASE)]
    pub fcm_url: String,
    /// APNs signing key (.p8 file from the Apple developer account); with APNS_KEY_ID,
    /// APNS_TEAM_ID and APNS_TOPIC, turns on iOS push.
    #[arg(long, env = "APNS_KEY_FILE")]
    pub apns_key_file: Option<PathBuf>,
    /// The 10-character id of the APNs signing key.
    #[arg(long, env = "APNS_KEY_ID")]
    pub apns_key_id: Option<String>,
    /// The Apple developer team id.
    #[arg(long, env = "APNS_TEAM_ID")]
    pub apns_team_id: Option<String>,
    /// The iOS app's bundle id (sent as apns-topic).
    #[arg(long, env = "APNS_TOPIC")]
    pub apns_topic: Option<String>,
    /// APNs endpoint: production, or https://api.sandbox.push.apple.com for development builds.
    #[arg(long, env = "APNS_URL", default_value = boxoffice_push::APNS_DEFAULT_BASE)]
    pub apns_url: String,
    /// Extra CA certificates (PEM) to trust for the push endpoints, e.g. a private gateway's.
    #[arg(long, env = "PUSH_CA_FILE")]
    pub push_ca_file: Option<PathBuf>,
}

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading the {what} {}", path.display()))
}

impl PushArgs {
    /// The provider settings, the key files read; an incomplete APNs setting is an error.
    pub fn config(&self) -> anyhow::Result<PushConfig> {
        let fcm = match &self.fcm_service_account_file {
            Some(path) => Some(FcmConfig::from_service_account_json(
                &read(path, "FCM service account")?,
                self.fcm_project_id.clone(),
                Some(self.fcm_url.clone()),
            )?),
            None => None,
        };
        let apns = match (
            &self.apns_key_file,
            &self.apns_key_id,
            &self.apns_team_id,
            &self.apns_topic,
        ) {
            (None, None, None, None) => None,
            (Some(file), Some(key_id), Some(team_id), Some(topic)) => Some(ApnsConfig {
                key_pem: read(file, "APNs key")?.into(),
                key_id: key_id.clone(),
                team_id: team_id.clone(),
                topic: topic.clone(),
                base_url: self.apns_url.clone(),
            }),
            _ => bail!("APNs needs all of APNS_KEY_FILE, APNS_KEY_ID, APNS_TEAM_ID and APNS_TOPIC"),
        };
        let extra_roots_pem = match &self.push_ca_file {
            Some(path) => Some(read(path, "push CA file")?),
            None => None,
        };
        Ok(PushConfig {
            fcm,
            apns,
            extra_roots_pem,
            timeout: PushConfig::DEFAULT_TIMEOUT,
        })
    }

    /// The senders, checked at start-up so that a bad key stops the process at once.
    /// Push as a notification channel: `None` when no provider is configured (deliveries are
    /// then recorded as skipped).
    pub fn channel(&self, store: &Store) -> anyhow::Result<Option<Arc<dyn PushChannel>>> {
        let push = self.senders()?;
        if !push.is_enabled(Platform::Ios) && !push.is_enabled(Platform::Android) {
            return Ok(None);
        }
        Ok(Some(Arc::new(DevicePush::new(
            store.clone(),
            Arc::new(push),
        ))))
    }

    pub fn senders(&self) -> anyhow::Result<Push> {
        let push = Push::new(self.config()?)?;
        tracing::info!(
            ios = push.is_enabled(Platform::Ios),
            android = push.is_enabled(Platform::Android),
            "mobile push"
        );
        Ok(push)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        push: PushArgs,
    }

    #[test]
    fn nothing_configured_means_no_provider() {
        let cli = Cli::parse_from(["boxoffice"]);
        let config = cli.push.config().unwrap();
        assert!(config.fcm.is_none() && config.apns.is_none());
        assert_eq!(cli.push.apns_url, "https://api.push.apple.com");
    }

    #[test]
    fn a_partial_apns_setting_is_refused() {
        let cli = Cli::parse_from(["boxoffice", "--apns-key-id", "ABC123DEFG"]);
        let err = cli.push.config().unwrap_err();
        assert!(err.to_string().contains("APNS_TEAM_ID"), "{err}");
    }
}
