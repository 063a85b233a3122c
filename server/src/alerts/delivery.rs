//! Sending queued alert deliveries: claim one due delivery at a time (as report sends are
//! claimed), send it by e-mail or webhook, record the outcome, retry failures with backoff.

use std::time::Duration;

use agentmeter_web::mail::{AlertHtml, AlertMail, AlertText};
use agentmeter_web::Template;

use super::webhook::{
    signature, slack_body, WebhookPayload, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER,
};
use crate::cost_reports::mailer::{compose_message, MessageParts};
use crate::cost_reports::retry::{next_attempt_at, CLAIM_LEASE};
use crate::cost_reports::{base_url, DeliveryCounts, Mailer};
use crate::db::now_ms;
use crate::error::Result;
use crate::state::AppState;
use crate::store::alert_deliveries::{self, ClaimedDelivery};
use crate::store::alerts::{self, AlertRecord};

/// How long a webhook receiver may take to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends every due alert delivery as `claimant`; e-mails need `mailer` (without one they fail
/// and wait for an SMTP server to be configured).
pub async fn deliver_due(
    state: &AppState,
    mailer: Option<&Mailer>,
    claimant: &str,
) -> Result<DeliveryCounts> {
    let client = reqwest::Client::builder()
        .timeout(WEBHOOK_TIMEOUT)
        // A receiver answers itself; following redirects would post alerts elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| crate::error::Error::Internal(anyhow::anyhow!("webhook client: {e}")))?;
    let mut counts = DeliveryCounts::default();
    loop {
        let now = now_ms();
        let lease_until = now + CLAIM_LEASE.as_millis() as i64;
        let Some(claimed) =
            alert_deliveries::claim_next(&state.db, claimant, now, lease_until).await?
        else {
            return Ok(counts);
        };
        match send_one(state, mailer, &client, &claimed).await {
            Ok(()) => {
                alert_deliveries::mark_sent(&state.db, claimed.id, claimant).await?;
                counts.sent += 1;
            }
            Err(reason) => {
                let base = Duration::from_secs(state.settings.mail_retry_base_secs);
                let retry = next_attempt_at(now_ms(), claimed.attempts, base);
                tracing::warn!(
                    delivery = claimed.id,
                    attempt = claimed.attempts,
                    gave_up = retry.is_none(),
                    "alert not delivered: {reason}"
                );
                alert_deliveries::mark_failed(&state.db, claimed.id, claimant, &reason, retry)
                    .await?;
                counts.failed += 1;
            }
        }
    }
}

async fn send_one(
    state: &AppState,
    mailer: Option<&Mailer>,
    client: &reqwest::Client,
    claimed: &ClaimedDelivery,
) -> std::result::Result<(), String> {
    let alert = alerts::alert(&state.db, claimed.alert_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the alert was deleted")?;
    match (&claimed.email, claimed.webhook_id) {
        (Some(email), _) => {
            let mailer = mailer.ok_or("no SMTP server configured (smtp_url)")?;
            send_email(state, mailer, &alert, email, claimed.id).await
        }
        (None, Some(webhook_id)) => {
            post_webhook(state, client, &alert, webhook_id, claimed.id).await
        }
        (None, None) => Err("a delivery without a target".into()),
    }
}

async fn send_email(
    state: &AppState,
    mailer: &Mailer,
    alert: &AlertRecord,
    email: &str,
    delivery_id: i64,
) -> std::result::Result<(), String> {
    let mail = AlertMail {
        title: alert.title.clone(),
        detail: alert.detail.clone(),
        link: alert.link.clone().unwrap_or_default(),
        settings_url: format!("{}/me/notifications", base_url(state)),
    };
    let message = compose_message(
        mailer.sender(),
        MessageParts {
            to_name: email,
            to_email: email,
            subject: &format!("agentmeter alert: {}", alert.title),
            text: AlertText { mail: &mail }
                .render()
                .map_err(|e| e.to_string())?,
            html: AlertHtml { mail: &mail }
                .render()
                .map_err(|e| e.to_string())?,
            message_id: format!("<alert.{delivery_id}@{}>", mailer.from_domain()),
        },
    )
    .map_err(|e| e.to_string())?;
    mailer
        .send(&message)
        .await
        .map_err(|e| format!("SMTP: {e}"))
}

async fn post_webhook(
    state: &AppState,
    client: &reqwest::Client,
    alert: &AlertRecord,
    webhook_id: i64,
    delivery_id: i64,
) -> std::result::Result<(), String> {
    let webhook = alerts::webhooks(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|w| w.id == webhook_id)
        .ok_or("the webhook was removed")?;
    let body = if webhook.format == "slack" {
        serde_json::to_vec(&slack_body(alert))
    } else {
        serde_json::to_vec(&WebhookPayload::of(alert))
    }
    .map_err(|e| e.to_string())?;
    let signed = signature(&webhook.secret, &body).map_err(|e| e.to_string())?;
    let response = client
        .post(&webhook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signed)
        .header(EVENT_HEADER, &alert.kind)
        .header(DELIVERY_HEADER, delivery_id.to_string())
        .body(body)
        .send()
        .await
        // Without the URL: Slack's carries its secret.
        .map_err(|e| format!("webhook #{webhook_id}: {}", e.without_url()))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "webhook #{webhook_id} answered {}",
            response.status()
        ))
    }
}
