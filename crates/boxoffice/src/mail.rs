//! E-mail settings of `serve`, and the router built from them.

use boxoffice_channels::{MailTransport, Mailer, PushChannel, SmtpSecurity, SmtpSettings};
use boxoffice_domain::{PublicUrl, TicketKey};
use boxoffice_notify::{DeliverySettings, Enricher, Router};
use boxoffice_store::Store;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Where e-mail goes: an SMTP server when SMTP_HOST is set, otherwise `.eml` files.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// Sender of every e-mail, e.g. "Boxoffice <no-reply@example.com>".
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Boxoffice <no-reply@boxoffice.invalid>"
    )]
    pub mail_from: String,
    /// Folder e-mail is written to (one .eml file each) when no SMTP server is set
    /// (default DATA_DIR/mail).
    #[arg(long, env = "MAIL_DIR")]
    pub mail_dir: Option<PathBuf>,
    /// SMTP server to send e-mail through; without it, e-mail goes to MAIL_DIR.
    #[arg(long, env = "SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port: 587 for STARTTLS, 465 for TLS, 25 without encryption.
    #[arg(long, env = "SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// How the SMTP connection is secured.
    #[arg(long, env = "SMTP_SECURITY", value_enum, default_value_t = Security::Starttls)]
    pub smtp_security: Security,
    /// SMTP user name (no login when unset).
    #[arg(long, env = "SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// SMTP password.
    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<secrecy::SecretString>,
    /// Bound on each SMTP command, in seconds.
    #[arg(long, env = "SMTP_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub smtp_timeout_seconds: u64,
}

/// `starttls`, `tls` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Security {
    Starttls,
    Tls,
    None,
}

impl MailArgs {
    fn transport(&self, data_dir: &Path) -> MailTransport {
        use secrecy::ExposeSecret;
        match &self.smtp_host {
            Some(host) => MailTransport::Smtp(SmtpSettings {
                host: host.clone(),
                port: self.smtp_port,
                security: match self.smtp_security {
                    Security::Starttls => SmtpSecurity::StartTls,
                    Security::Tls => SmtpSecurity::Tls,
                    Security::None => SmtpSecurity::None,
                },
                username: self.smtp_username.clone(),
                password: self
                    .smtp_password
                    .as_ref()
                    .map(|p| p.expose_secret().to_owned()),
                timeout: Duration::from_secs(self.smtp_timeout_seconds),
            }),
            None => MailTransport::Folder(
                self.mail_dir
                    .clone()
                    .unwrap_or_else(|| data_dir.join("mail")),
            ),
        }
    }

    /// The mailer for sign-in links (sent by the event service).
    pub fn mailer(&self, data_dir: &Path) -> anyhow::Result<Mailer> {
        Ok(Mailer::new(&self.mail_from, self.transport(data_dir))?)
    }

    /// The router of a process that runs the notification service.
    pub fn router(
        &self,
        store: &Store,
        data_dir: &Path,
        public_url: Option<PublicUrl>,
        push: Option<Arc<dyn PushChannel>>,
        enricher: Enricher,
        tickets: TicketKey,
    ) -> anyhow::Result<Router> {
        let mailer = self.mailer(data_dir)?;
        tracing::info!(mail = mailer.kind(), "e-mail delivery");
        let mut settings = DeliverySettings::new(Some(mailer), public_url);
        settings.push = push;
        settings.tickets = Some(tickets);
        Ok(Router::new(store.clone(), enricher, settings))
    }
}
