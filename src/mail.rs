//! Outgoing e-mail (one-time password links) over SMTP, when configured.

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::SmtpSettings;

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl Mailer {
    pub fn new(settings: &SmtpSettings) -> Self {
        // Plain SMTP to the organisation's relay; TLS is the relay's business.
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port);
        if let (Some(user), Some(pass)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Self {
            transport: builder.build(),
            from: settings.from.clone(),
        }
    }

    /// Sends a plain-text message; returns whether it was accepted by the relay.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> bool {
        let message = Message::builder()
            .from(match self.from.parse() {
                Ok(from) => from,
                Err(e) => {
                    tracing::error!(error = %e, "SMTP_FROM is not a valid address");
                    return false;
                }
            })
            .to(match to.parse() {
                Ok(to) => to,
                Err(e) => {
                    tracing::warn!(error = %e, "recipient address rejected");
                    return false;
                }
            })
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "e-mail could not be built");
                return false;
            }
        };
        match self.transport.send(message).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "e-mail could not be sent");
                false
            }
        }
    }
}
