//! E-mail delivery: SMTP when a server is configured, otherwise `.eml` files in a folder.
//!
//! The folder is the embedded default: nothing is lost, and a developer reads what would
//! have been sent with any mail client. Each file is written under a temporary name and
//! renamed, so a reader never sees half a message.

use crate::Rendered;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection, then `STARTTLS` (required: a server that does not offer it is refused).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: only for a server on the same host or network.
    None,
}

impl FromStr for SmtpSecurity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpSecurity::StartTls),
            "tls" => Ok(SmtpSecurity::Tls),
            "none" => Ok(SmtpSecurity::None),
            other => Err(format!("{other:?} is not one of starttls, tls or none")),
        }
    }
}

impl fmt::Display for SmtpSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SmtpSecurity::StartTls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        })
    }
}

/// Where an SMTP server is and how to log in.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Bound on each SMTP command, so a stuck server fails the attempt instead of hanging it.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum MailTransport {
    Smtp(SmtpSettings),
    /// `.eml` files in this folder.
    Folder(PathBuf),
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct MailAttachment {
    pub filename: String,
    /// A full media type, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
    pub content_type: String,
    pub body: Vec<u8>,
}

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to_name: String,
    pub to_address: String,
    pub content: Rendered,
    /// Files attached after the text, in this order.
    pub attachments: Vec<MailAttachment>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("writing the message file: {0}")]
    File(#[from] std::io::Error),
}

impl MailError {
    /// Whether trying again later may succeed (the server or disk, not the message, failed).
    pub fn is_transient(&self) -> bool {
        matches!(self, MailError::Smtp(_) | MailError::File(_))
    }
}

/// Sends mail from one sender address; cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &self.kind())
            .finish()
    }
}

impl Mailer {
    /// `from` is the sender, e.g. `Boxoffice <no-reply@example.com>`.
    pub fn new(from: &str, transport: MailTransport) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Address(format!("{from}: {e}")))?;
        let transport = match transport {
            MailTransport::Folder(dir) => Transport::Folder(dir),
            MailTransport::Smtp(smtp) => Transport::Smtp(smtp_transport(&smtp)?),
        };
        Ok(Mailer { from, transport })
    }

    /// `smtp` or `folder`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Folder(_) => "folder",
        }
    }

    /// Sends one message: accepted by the SMTP server, or written to the folder.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = self.build(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Smtp(e.to_string())),
            Transport::Folder(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
                    uuid::Uuid::new_v4().simple()
                );
                let partial = dir.join(format!(".{name}.part"));
                tokio::fs::write(&partial, message.formatted()).await?;
                tokio::fs::rename(&partial, dir.join(name)).await?;
                Ok(())
            }
        }
    }

    fn build(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let address = mail
            .to_address
            .parse()
            .map_err(|e| MailError::Address(format!("{}: {e}", mail.to_address)))?;
        let to = Mailbox::new(Some(mail.to_name.clone()), address);
        let body = MultiPart::alternative()
            .singlepart(SinglePart::plain(mail.content.text.clone()))
            .singlepart(SinglePart::html(mail.content.html.clone()));
        let body = if mail.attachments.is_empty() {
            body
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for file in &mail.attachments {
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|e| MailError::Build(e.to_string()))?;
                mixed = mixed.singlepart(
                    Attachment::new(file.filename.clone()).body(file.body.clone(), content_type),
                );
            }
            mixed
        };
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.content.subject.clone())
            .multipart(body)
            .map_err(|e| MailError::Build(e.to_string()))
    }
}

fn smtp_transport(smtp: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let tls = match smtp.security {
        SmtpSecurity::None => Tls::None,
        SmtpSecurity::StartTls | SmtpSecurity::Tls => {
            let parameters = TlsParameters::new(smtp.host.clone())
                .map_err(|e| MailError::Smtp(e.to_string()))?;
            if smtp.security == SmtpSecurity::Tls {
                Tls::Wrapper(parameters)
            } else {
                Tls::Required(parameters)
            }
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(smtp.timeout));
    if let Some(username) = &smtp.username {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            smtp.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}
