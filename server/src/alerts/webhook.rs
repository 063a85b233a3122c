//! Outgoing webhook bodies and their signature.
//!
//! The `json` format posts [`WebhookPayload`] with `Content-Type: application/json` and
//! `X-Agentmeter-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed by the webhook's
//! secret>` (GitHub's scheme, so receivers can reuse their verification), plus
//! `X-Agentmeter-Event` (the kind) and `X-Agentmeter-Delivery` (stable across retries, to drop a
//! repeat). The `slack` format posts Slack's incoming-webhook `{"text": …}`.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::store::alerts::AlertRecord;

/// Header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "x-agentmeter-signature-256";
/// Header carrying the alert's kind.
pub const EVENT_HEADER: &str = "x-agentmeter-event";
/// Header carrying the delivery's id.
pub const DELIVERY_HEADER: &str = "x-agentmeter-delivery";

/// The generic JSON body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookPayload<'a> {
    pub alert_id: i64,
    pub kind: &'a str,
    /// `org`, `team:3`, `pr:github.com/o/r#12`, `user:5`.
    pub subject: &'a str,
    /// `2026-11` or `2026-11-14`.
    pub period: &'a str,
    pub title: &'a str,
    pub detail: &'a str,
    pub link: Option<&'a str>,
    pub raised_at: DateTime<Utc>,
}

impl<'a> WebhookPayload<'a> {
    pub fn of(alert: &'a AlertRecord) -> WebhookPayload<'a> {
        WebhookPayload {
            alert_id: alert.id,
            kind: &alert.kind,
            subject: &alert.subject,
            period: &alert.period,
            title: &alert.title,
            detail: &alert.detail,
            link: alert.link.as_deref(),
            raised_at: DateTime::from_timestamp_millis(alert.raised_at).unwrap_or_default(),
        }
    }
}

/// Slack's incoming-webhook body: the title in bold, the detail, a link.
pub fn slack_body(alert: &AlertRecord) -> serde_json::Value {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut text = format!("*{}*\n{}", escape(&alert.title), escape(&alert.detail));
    if let Some(link) = &alert.link {
        text.push_str(&format!("\n<{link}|Open in agentmeter>"));
    }
    serde_json::json!({ "text": text })
}

/// `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> Result<String> {
    // HMAC takes keys of any length; the error exists for other MACs.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| Error::Internal(anyhow::anyhow!("webhook signature: {e}")))?;
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_githubs_hmac_sha256_scheme() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?").expect("signs"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn slack_text_escapes_its_control_characters() {
        let alert = AlertRecord {
            id: 1,
            kind: "budget_actual_100".into(),
            subject: "team:1".into(),
            period: "2026-11".into(),
            title: "R&D <core> is over budget".into(),
            detail: "spent".into(),
            link: Some("http://x/spend".into()),
            raised_at: 0,
        };
        let body = slack_body(&alert);
        assert_eq!(
            body["text"],
            "*R&amp;D &lt;core&gt; is over budget*\nspent\n<http://x/spend|Open in agentmeter>"
        );
    }
}
