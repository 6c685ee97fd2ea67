//! Outgoing e-mail (one-time password links, receipts) over SMTP, when configured: STARTTLS
//! whenever the relay offers it, or always when so set (`SMTP_TLS=required`).

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpSettings, SmtpTls, SmtpTlsSettings};

#[derive(Clone)]
pub struct Mailer {
    /// `None` when TLS is required but could not be set up: then nothing is sent.
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: String,
}

/// The TLS parameters for the relay: the system's CA certificates plus the configured one.
pub fn tls_parameters(
    settings: &SmtpSettings,
    tls: &SmtpTlsSettings,
) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(settings.host.clone());
    if let Some(pem) = &tls.ca_pem {
        let ca = Certificate::from_pem(pem).map_err(|e| format!("SMTP_CA_FILE: {e}"))?;
        builder = builder.add_root_certificate(ca);
    }
    builder
        .build_rustls()
        .map_err(|e| format!("TLS for the SMTP relay: {e}"))
}

impl Mailer {
    pub fn new(settings: &SmtpSettings, tls: &SmtpTlsSettings) -> Self {
        let tls = match (tls_parameters(settings, tls), tls.mode) {
            (Ok(params), SmtpTls::Opportunistic) => Some(Tls::Opportunistic(params)),
            (Ok(params), SmtpTls::Required) => Some(Tls::Required(params)),
            (Err(err), SmtpTls::Opportunistic) => {
                tracing::error!(error = %err, "SMTP without TLS");
                Some(Tls::None)
            }
            (Err(err), SmtpTls::Required) => {
                tracing::error!(error = %err, "SMTP TLS is required but cannot be set up: no e-mail is sent");
                None
            }
        };
        let transport = tls.map(|tls| {
            let mut builder =
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
                    .port(settings.port)
                    .tls(tls);
            if let (Some(user), Some(pass)) = (&settings.username, &settings.password) {
                builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
            }
            builder.build()
        });
        Self {
            transport,
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
        let Some(transport) = &self.transport else {
            tracing::warn!("e-mail not sent: TLS to the relay is required but not set up");
            return false;
        };
        match transport.send(message).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "e-mail could not be sent");
                false
            }
        }
    }
}

/// Runs `send` once a day, the first time `delay` after the start, logging what it sent as
/// `what` (the reminder jobs: subsidy deadlines, facilities due for verification). Each job
/// makes sure itself that a reminder goes once, also with several app servers.
pub async fn every_day<F, Fut>(delay: std::time::Duration, what: &'static str, send: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = crate::error::AppResult<usize>>,
{
    tokio::time::sleep(delay).await;
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
    loop {
        interval.tick().await;
        match send().await {
            Ok(n) if n > 0 => tracing::info!(sent = n, what, "reminders sent"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = ?err, what, "reminders failed"),
        }
    }
}
