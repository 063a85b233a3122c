//! A password-reset link by e-mail: sent when SMTP is configured (`smtp_url`), beside the link the
//! admin page or the CLI shows once, so that an admin need not pass it on by hand.

use agentmeter_web::mail::{PasswordResetHtml, PasswordResetMail, PasswordResetText};
use agentmeter_web::Template;

use super::access::{PasswordReset, RESET_LINK_HOURS};
use crate::auth::secret;
use crate::cost_reports::mailer::{compose_message, MessageParts};
use crate::cost_reports::Mailer;
use crate::settings::Settings;

/// What became of e-mailing a link; the link itself is valid in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetMail {
    /// No `smtp_url`: the link is only shown.
    NotConfigured,
    /// Handed to the SMTP server for the user's address.
    Sent,
    /// Why it could not be sent.
    Failed(String),
}

/// E-mails `link` (the reset's page) to the user the reset is for.
pub async fn email_password_reset(
    settings: &Settings,
    reset: &PasswordReset,
    link: &str,
) -> ResetMail {
    let mailer = match Mailer::from_settings(settings) {
        Ok(Some(mailer)) => mailer,
        Ok(None) => return ResetMail::NotConfigured,
        Err(e) => return ResetMail::Failed(e.to_string()),
    };
    match send(&mailer, reset, link).await {
        Ok(()) => ResetMail::Sent,
        Err(why) => {
            tracing::warn!(to = %reset.email, smtp = %mailer.endpoint, "password-reset e-mail: {why}");
            ResetMail::Failed(why)
        }
    }
}

async fn send(mailer: &Mailer, reset: &PasswordReset, link: &str) -> Result<(), String> {
    let mail = PasswordResetMail {
        name: reset.name.clone(),
        link: link.to_owned(),
        hours: RESET_LINK_HOURS,
    };
    let render = |e: askama::Error| format!("template: {e}");
    let message = compose_message(
        mailer.sender(),
        MessageParts {
            to_name: &reset.name,
            to_email: &reset.email,
            subject: "Choose a new agentmeter password",
            text: PasswordResetText { mail: &mail }.render().map_err(render)?,
            html: PasswordResetHtml { mail: &mail }.render().map_err(render)?,
            // Never the link's token: message ids end up in logs.
            message_id: format!(
                "<password-reset.{}@{}>",
                &secret::random_secret()[..16],
                mailer.from_domain()
            ),
        },
    )
    .map_err(|e| e.to_string())?;
    mailer
        .send(&message)
        .await
        .map_err(|e| format!("SMTP: {e}"))
}
