//! Alerts: budget forecast above 100 %, budget spent above 80 % and 100 %, a critical
//! AI-assisted PR merged unreviewed (the day it merges), a developer whose uploads stopped for N
//! days. Each is raised at most once per subject and period, and delivered by e-mail to the
//! managers and admins who want it and to every outgoing webhook. No SQL (`store::alerts`,
//! `store::alert_deliveries`), no HTTP (`routes::alerts`).
//!
//! - [`checks`]: finds what to raise; [`audience`]: who gets it by e-mail;
//! - [`webhook`]: the signed JSON and Slack bodies; [`delivery`]: claim, send, retry.

pub mod audience;
pub mod checks;
pub mod delivery;
pub mod webhook;

use serde::{Deserialize, Serialize};

use crate::auth::secret;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::alerts::{self, AlertWebhook};

pub use checks::run_checks;
pub use delivery::deliver_due;

/// A kind of alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    BudgetForecastOver,
    // snake_case alone would give `budget_actual80`; the API's name is `as_str`'s.
    #[serde(rename = "budget_actual_80")]
    BudgetActual80,
    #[serde(rename = "budget_actual_100")]
    BudgetActual100,
    CriticalPrUnreviewed,
    UploadsStopped,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] = [
        AlertKind::BudgetForecastOver,
        AlertKind::BudgetActual80,
        AlertKind::BudgetActual100,
        AlertKind::CriticalPrUnreviewed,
        AlertKind::UploadsStopped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::BudgetForecastOver => "budget_forecast_over",
            AlertKind::BudgetActual80 => "budget_actual_80",
            AlertKind::BudgetActual100 => "budget_actual_100",
            AlertKind::CriticalPrUnreviewed => "critical_pr_unreviewed",
            AlertKind::UploadsStopped => "uploads_stopped",
        }
    }

    /// As shown in settings.
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::BudgetForecastOver => "Budget forecast above 100%",
            AlertKind::BudgetActual80 => "Budget more than 80% spent",
            AlertKind::BudgetActual100 => "Budget exceeded",
            AlertKind::CriticalPrUnreviewed => "Critical AI-assisted PR merged unreviewed",
            AlertKind::UploadsStopped => "A developer's uploads stopped",
        }
    }
}

impl TryFrom<&str> for AlertKind {
    type Error = Error;

    fn try_from(text: &str) -> Result<AlertKind> {
        AlertKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
            .ok_or_else(|| Error::BadRequest(format!("unknown alert kind {text:?}")))
    }
}

/// The organisation's switch for one kind, with the quiet days of `uploads_stopped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub kind: AlertKind,
    pub enabled: bool,
    pub days: Option<i64>,
}

/// Every rule, in [`AlertKind::ALL`] order.
pub async fn rules(db: &Db) -> Result<Vec<Rule>> {
    let stored = alerts::rules(db).await?;
    Ok(AlertKind::ALL
        .into_iter()
        .map(|kind| {
            let row = stored.iter().find(|r| r.kind == kind.as_str());
            Rule {
                kind,
                enabled: row.is_none_or(|r| r.enabled),
                days: row.and_then(|r| r.days),
            }
        })
        .collect())
}

/// Changes a rule; `days` (1-365) is read for `uploads_stopped` only.
pub async fn set_rule(db: &Db, kind: AlertKind, enabled: bool, days: Option<i64>) -> Result<()> {
    let days = match kind {
        AlertKind::UploadsStopped => {
            let days = days.unwrap_or(checks::DEFAULT_QUIET_DAYS);
            if !(1..=365).contains(&days) {
                return Err(Error::BadRequest(format!(
                    "days must be between 1 and 365, got {days}"
                )));
            }
            Some(days)
        }
        _ => None,
    };
    alerts::set_rule(db, kind.as_str(), enabled, days).await
}

/// One user's choice per kind of alert by e-mail (yes unless they said no).
pub async fn subscriptions_of(db: &Db, user_id: i64) -> Result<Vec<(AlertKind, bool)>> {
    let stored = alerts::subscriptions(db).await?;
    Ok(AlertKind::ALL
        .into_iter()
        .map(|kind| {
            let no = stored
                .iter()
                .any(|s| s.user_id == user_id && s.kind == kind.as_str() && !s.email);
            (kind, !no)
        })
        .collect())
}

pub async fn set_subscription(db: &Db, user_id: i64, kind: AlertKind, email: bool) -> Result<()> {
    alerts::set_subscription(db, user_id, kind.as_str(), email).await
}

/// An outgoing webhook's body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// agentmeter's JSON, signed (see README "Alerts").
    Json,
    /// Slack's incoming-webhook `{"text": …}`.
    Slack,
}

impl WebhookFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Slack => "slack",
        }
    }
}

impl TryFrom<&str> for WebhookFormat {
    type Error = Error;

    fn try_from(text: &str) -> Result<WebhookFormat> {
        match text.trim() {
            "json" | "" => Ok(WebhookFormat::Json),
            "slack" => Ok(WebhookFormat::Slack),
            other => Err(Error::BadRequest(format!(
                "format must be json or slack, got {other:?}"
            ))),
        }
    }
}

/// Adds a webhook with a new random signing secret; returns it (the secret is shown once).
pub async fn add_webhook(db: &Db, url: &str, format: WebhookFormat) -> Result<AlertWebhook> {
    let url = url.trim();
    let parsed =
        url::Url::parse(url).map_err(|e| Error::BadRequest(format!("webhook url {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::BadRequest(format!(
            "webhook url must be http(s)://host/…, got {url:?}"
        )));
    }
    let secret = secret::random_secret();
    let id = alerts::add_webhook(db, url, format.as_str(), &secret).await?;
    alerts::webhooks(db)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("webhook #{id} vanished")))
}

/// A webhook's address as shown on pages: scheme and host only, since Slack's URLs carry their
/// own secret in the path.
pub fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => {
            let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{}{port}/…",
                parsed.scheme(),
                parsed.host_str().unwrap_or_default()
            )
        }
        Err(_) => "(invalid)".to_owned(),
    }
}
