//! E-mail over SMTP with `lettre` (tokio, rustls), configured by `smtp_url` and `mail_from`.
//!
//! `smtp://host:port` is plain SMTP (a local relay), `smtp+starttls://user:pass@host:587`
//! upgrades with STARTTLS, `smtps://user:pass@host:465` speaks TLS from the start. The URL holds
//! the password: it stays in a `SecretString`, and only [`describe`] (no password) is ever shown.

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use percent_encoding::percent_decode_str;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};
use crate::settings::Settings;

/// How long one SMTP conversation may take before the send counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    Plain,
    StartTls,
    Tls,
}

/// `smtp_url`, parsed.
struct SmtpEndpoint {
    security: Security,
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<SecretString>,
}

fn parse(url: &SecretString) -> Result<SmtpEndpoint> {
    let text = url.expose_secret();
    let bad = |why: &str| Error::Config(format!("smtp_url {}: {why}", describe(url)));
    let parsed = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    let (security, default_port) = match parsed.scheme() {
        "smtp" => (Security::Plain, 25),
        "smtp+starttls" => (Security::StartTls, 587),
        "smtps" => (Security::Tls, 465),
        _ => return Err(bad("the scheme must be smtp, smtp+starttls or smtps")),
    };
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad("no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let decode = |part: &str| percent_decode_str(part).decode_utf8_lossy().into_owned();
    let user = Some(decode(parsed.username())).filter(|u| !u.is_empty());
    let password = parsed.password().map(|p| SecretString::from(decode(p)));
    Ok(SmtpEndpoint {
        security,
        host,
        port: parsed.port().unwrap_or(default_port),
        user,
        password,
    })
}

/// The URL without its password, for messages and the admin pages:
/// `smtp+starttls://ana@mail.example.com:587`.
pub fn describe(url: &SecretString) -> String {
    match url::Url::parse(url.expose_secret()) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Only fails for URLs that cannot have credentials, which this one has.
                let _ = parsed.set_password(None);
            }
            parsed.to_string().trim_end_matches('/').to_owned()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// A configured SMTP connection and sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where the server is, for logs: the URL without its password.
    pub endpoint: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("endpoint", &self.endpoint)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The mailer the settings describe; `None` when `smtp_url` is not set.
    pub fn from_settings(settings: &Settings) -> Result<Option<Mailer>> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        let endpoint = parse(url)?;
        let from = sender(&settings.mail_from)?;
        let cannot = |e: lettre::transport::smtp::Error| {
            Error::Config(format!("smtp_url {}: {e}", describe(url)))
        };
        let builder = match endpoint.security {
            Security::Plain => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&endpoint.host)
            }
            Security::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&endpoint.host)
                    .map_err(cannot)?
            }
            Security::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&endpoint.host).map_err(cannot)?
            }
        };
        let mut builder = builder.port(endpoint.port).timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = endpoint.user {
            let password = endpoint
                .password
                .map(|p| p.expose_secret().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            endpoint: describe(url),
        }))
    }

    /// The sender's address, for Message-IDs.
    pub fn from_domain(&self) -> String {
        self.from.email.domain().to_owned()
    }

    /// Sends a message formatted by [`compose_message`] to `to`; the error says why not.
    pub async fn send(&self, message: &OutgoingMessage) -> std::result::Result<(), String> {
        self.transport
            .send_raw(&message.envelope, &message.bytes)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub fn sender(&self) -> &Mailbox {
        &self.from
    }
}

/// `mail_from`, parsed: `agentmeter <reports@example.com>` or a bare address.
pub fn sender(mail_from: &str) -> Result<Mailbox> {
    mail_from
        .parse()
        .map_err(|e| Error::Config(format!("mail_from {mail_from:?}: {e}")))
}

/// A message ready to go: its envelope and its bytes (what is sent, and what an `.eml` holds).
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub envelope: lettre::address::Envelope,
    pub bytes: Vec<u8>,
}

/// What a message says.
pub struct MessageParts<'a> {
    pub to_name: &'a str,
    pub to_email: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub html: String,
    /// A stable id (`<cost-report.2026-11.7@example.com>`): a message sent again after a crash
    /// carries the same id, so mail clients show it once.
    pub message_id: String,
}

/// Builds a `multipart/alternative` message (plain text, then HTML) from `from`.
pub fn compose_message(from: &Mailbox, parts: MessageParts<'_>) -> Result<OutgoingMessage> {
    let to: Mailbox = format!("{} <{}>", quoted(parts.to_name), parts.to_email)
        .parse()
        .or_else(|_| parts.to_email.parse())
        .map_err(|e| Error::BadRequest(format!("cannot address {}: {e}", parts.to_email)))?;
    let mut message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(parts.subject)
        .message_id(Some(parts.message_id))
        .date_now()
        .multipart(MultiPart::alternative_plain_html(parts.text, parts.html))
        .map_err(|e| Error::Internal(anyhow::anyhow!("e-mail: {e}")))?;
    // RFC 3834: no vacation auto-replies to a machine's message.
    message.headers_mut().insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_owned(),
    ));
    Ok(OutgoingMessage {
        envelope: message.envelope().clone(),
        bytes: message.formatted(),
    })
}

/// A display name as an RFC 5322 quoted string.
fn quoted(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' || c == '\\' { '\'' } else { c })
        .collect();
    format!("\"{cleaned}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn the_three_url_forms_choose_security_and_default_ports() {
        let plain = parse(&secret("smtp://127.0.0.1:2525")).expect("plain");
        assert_eq!((plain.security, plain.port), (Security::Plain, 2525));
        assert!(plain.user.is_none());
        let starttls = parse(&secret(
            "smtp+starttls://ana%40x.com:p%3Ass@mail.example.com",
        ))
        .expect("starttls");
        assert_eq!(
            (starttls.security, starttls.port),
            (Security::StartTls, 587)
        );
        assert_eq!(starttls.user.as_deref(), Some("ana@x.com"));
        assert_eq!(
            starttls.password.map(|p| p.expose_secret().to_owned()),
            Some("p:ss".to_owned())
        );
        let tls = parse(&secret("smtps://u:p@mail.example.com")).expect("tls");
        assert_eq!((tls.security, tls.port), (Security::Tls, 465));
        assert!(parse(&secret("http://mail.example.com")).is_err());
    }

    #[test]
    fn the_password_never_appears_in_descriptions_or_errors() {
        let url = secret("smtps://ana:hunter2@mail.example.com:465");
        assert_eq!(describe(&url), "smtps://ana@mail.example.com:465");
        let bad = secret("ftp://ana:hunter2@mail.example.com");
        let error = parse(&bad).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            error.contains("scheme") && !error.contains("hunter2"),
            "{error}"
        );
        let settings = Settings {
            smtp_url: Some(url),
            ..Settings::default()
        };
        let mailer = Mailer::from_settings(&settings)
            .expect("builds")
            .expect("configured");
        assert!(!format!("{mailer:?}").contains("hunter2"));
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn a_message_is_multipart_alternative_with_a_stable_id() {
        let from = sender("agentmeter <reports@example.com>").expect("from");
        let message = compose_message(
            &from,
            MessageParts {
                to_name: "Ana \"the boss\" Ruiz",
                to_email: "ana@example.com",
                subject: "November 2026",
                text: "plain".into(),
                html: "<p>html</p>".into(),
                message_id: "<cost-report.2026-11.7@example.com>".into(),
            },
        )
        .expect("message");
        let text = String::from_utf8(message.bytes).expect("ascii");
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("Message-ID: <cost-report.2026-11.7@example.com>"));
        assert!(text.contains("Auto-Submitted: auto-generated"));
        assert_eq!(message.envelope.to().len(), 1);
    }
}
