//! Where e-mails go: an SMTP server (`SMTP_URL`) or, with none configured,
//! `.eml` files under `MAIL_DIR` so the app runs with no set-up.

use std::sync::Arc;

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use super::smtp::{SmtpPool, SmtpServer};
use crate::config::{Settings, redact_url};

/// The one place that knows how to hand over a message.
#[derive(Clone)]
pub enum Transport {
    /// Pooled SMTP connections: `smtp://host:port` (plain), `smtp://host?tls=required`
    /// (STARTTLS), `smtps://user:pass@host` (TLS from the start), credentials in the URL.
    Smtp(Arc<SmtpPool>),
    /// One `.eml` file per message in a directory.
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Transport> {
        match settings.smtp_url.as_deref() {
            Some(url) => {
                let server = SmtpServer::parse(url)
                    .with_context(|| format!("SMTP_URL {} is not a valid mail server URL", redact_url(url)))?;
                Ok(Transport::Smtp(Arc::new(SmtpPool::new(server, settings.mail_delivery.concurrency as usize))))
            }
            None => {
                std::fs::create_dir_all(&settings.mail_dir)
                    .with_context(|| format!("cannot create MAIL_DIR {}", settings.mail_dir.display()))?;
                Ok(Transport::File(AsyncFileTransport::<Tokio1Executor>::new(&settings.mail_dir)))
            }
        }
    }

    /// Sends one message; the error text is what the outbox records.
    pub async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(pool) => pool.send(&message).await,
            Transport::File(file) => file.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }

    pub fn describe(&self, settings: &Settings) -> String {
        match self {
            Transport::Smtp(_) => format!("SMTP {}", settings.smtp_url.as_deref().map(redact_url).unwrap_or_default()),
            Transport::File(_) => format!(".eml files in {}", settings.mail_dir.display()),
        }
    }
}

/// The sender of every e-mail (`MAIL_FROM`).
pub fn from_mailbox(settings: &Settings) -> anyhow::Result<Mailbox> {
    let mailbox: Mailbox = settings.mail_from.parse().with_context(|| {
        format!("MAIL_FROM {:?} is not an address like \"Name <name@example.com>\"", settings.mail_from)
    })?;
    Ok(mailbox)
}

/// Checks `SMTP_URL` and `MAIL_FROM` at start-up, so a typo stops the app
/// instead of failing every e-mail.
pub fn check_settings(settings: &Settings) -> anyhow::Result<()> {
    from_mailbox(settings)?;
    if let Some(url) = settings.smtp_url.as_deref() {
        SmtpServer::parse(url).with_context(|| {
            format!("SMTP_URL {} is not a valid mail server URL (smtp://, smtps://)", redact_url(url))
        })?;
    }
    Ok(())
}
