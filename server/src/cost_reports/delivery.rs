//! Sending the monthly reports: enqueue a month's recipients in the ledger, then claim due rows
//! one at a time, compose, send and record each. Any number of servers may run this at once on
//! one database: a row is claimed before it is sent, so each goes out once; a server that dies
//! mid-send leaves its row to be claimed again when its lease runs out.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::compose::compose;
use super::mailer::{compose_message, Mailer, MessageParts, OutgoingMessage};
use super::recipients::{self, ReportRecipient};
use super::render::render;
use super::retry::{next_attempt_at, CLAIM_LEASE};
use crate::budgets::Month;
use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::cost_report_sends::{self, ClaimedSend, Recipient};

/// The dashboard's address for links: `public_url`, else `http://` + the bound address.
pub fn base_url(state: &AppState) -> String {
    match &state.settings.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", state.settings.bind),
    }
}

/// Puts every recipient of `month` who has not opted out in the ledger; returns how many were
/// new. Recipients already there (sent, or on their way) are left as they are.
pub async fn enqueue_month(state: &AppState, month: Month) -> Result<u64> {
    let wanted: Vec<Recipient> = recipients::everyone(&state.db)
        .await?
        .into_iter()
        .filter(|r| !r.opted_out)
        .map(|r| Recipient {
            user_id: r.user_id,
            email: r.email,
        })
        .collect();
    cost_report_sends::enqueue(&state.db, &month.to_string(), &wanted).await
}

/// The e-mail of `recipient`'s report for `month`, as it would be sent now.
pub async fn report_message(
    state: &AppState,
    mailer_from: &lettre::message::Mailbox,
    recipient: &ReportRecipient,
    month: Month,
) -> Result<OutgoingMessage> {
    let report = compose(state, recipient, month).await?;
    let rendered = render(&report, &base_url(state), state.org_tz)?;
    compose_message(
        mailer_from,
        MessageParts {
            to_name: &recipient.name,
            to_email: &recipient.email,
            subject: &rendered.subject,
            text: rendered.text,
            html: rendered.html,
            message_id: format!(
                "<cost-report.{month}.{}@{}>",
                recipient.user_id,
                mailer_from.email.domain()
            ),
        },
    )
}

/// What a delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub sent: u64,
    pub failed: u64,
}

/// Sends every due report, one claimed row at a time, as `claimant`.
pub async fn deliver_due(
    state: &AppState,
    mailer: &Mailer,
    claimant: &str,
) -> Result<DeliveryCounts> {
    let pause = Duration::from_millis(state.settings.mail_send_interval_ms);
    let mut counts = DeliveryCounts::default();
    loop {
        // The pause comes before the claim: a server stopped while it waits holds no row.
        if counts.sent + counts.failed > 0 && !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        let now = now_ms();
        let lease_until = now + CLAIM_LEASE.as_millis() as i64;
        let Some(claimed) =
            cost_report_sends::claim_next(&state.db, claimant, now, lease_until).await?
        else {
            return Ok(counts);
        };
        match send_one(state, mailer, &claimed).await {
            Ok(message) => {
                if cost_report_sends::mark_sent(&state.db, claimed.id, claimant, &message).await? {
                    counts.sent += 1;
                } else {
                    tracing::warn!(send = claimed.id, "report sent after its claim ran out");
                }
            }
            Err(failure) => {
                let base = Duration::from_secs(state.settings.mail_retry_base_secs);
                let (reason, retry) = match failure {
                    Failure::Retry(reason) => {
                        (reason, next_attempt_at(now_ms(), claimed.attempts, base))
                    }
                    Failure::GiveUp(reason) => (reason, None),
                };
                tracing::warn!(
                    month = %claimed.month, to = %claimed.email, attempt = claimed.attempts,
                    gave_up = retry.is_none(), "monthly report not sent: {reason}"
                );
                cost_report_sends::mark_failed(&state.db, claimed.id, claimant, &reason, retry)
                    .await?;
                counts.failed += 1;
            }
        }
    }
}

/// Why a report was not sent (shown on the outbox page), and whether to try again.
enum Failure {
    Retry(String),
    GiveUp(String),
}

/// Composes and sends one claimed report.
async fn send_one(
    state: &AppState,
    mailer: &Mailer,
    claimed: &ClaimedSend,
) -> std::result::Result<Vec<u8>, Failure> {
    let month =
        Month::try_from(claimed.month.as_str()).map_err(|e| Failure::GiveUp(e.to_string()))?;
    // Roles and opt-outs may have changed since the month was enqueued.
    let recipient = match recipients::by_email(&state.db, &claimed.email).await {
        Ok(r) if r.opted_out => return Err(Failure::GiveUp("opted out before it was sent".into())),
        Ok(r) => r,
        Err(e @ (Error::NotFound(_) | Error::BadRequest(_))) => {
            return Err(Failure::GiveUp(format!("recipient: {e}")))
        }
        Err(e) => return Err(Failure::Retry(format!("recipient: {e}"))),
    };
    let message = report_message(state, mailer.sender(), &recipient, month)
        .await
        .map_err(|e| Failure::Retry(format!("composing: {e}")))?;
    mailer
        .send(&message)
        .await
        .map_err(|e| Failure::Retry(format!("SMTP: {e}")))?;
    Ok(message.bytes)
}

/// Writes each recipient's report for `month` as `<month>-<email>.eml` in `dir`, sending
/// nothing and recording nothing (`report send --dry-run`).
pub async fn write_eml_files(
    state: &AppState,
    mail_from: &lettre::message::Mailbox,
    month: Month,
    to: &[ReportRecipient],
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for recipient in to {
        let message = report_message(state, mail_from, recipient, month).await?;
        let safe: String = recipient
            .email
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "@.-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{month}-{safe}.eml"));
        std::fs::write(&path, &message.bytes).map_err(|e| {
            Error::Internal(anyhow::anyhow!("cannot write {}: {e}", path.display()))
        })?;
        written.push(path);
    }
    Ok(written)
}
