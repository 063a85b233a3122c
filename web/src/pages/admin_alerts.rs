//! Admin › Alerts: which kinds of alert the organisation raises, the outgoing webhooks they are
//! posted to, and the history with each delivery's outcome.

use askama::Template;

use super::PageChrome;

/// One kind of alert and its switch.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRuleRow {
    /// Form field name, e.g. `uploads_stopped`.
    pub kind: String,
    pub label: String,
    pub enabled: bool,
    /// Quiet days of `uploads_stopped`; `None` hides the field.
    pub days: Option<i64>,
}

/// An outgoing webhook (its address shortened: Slack's carry a secret in the path).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertWebhookRow {
    /// Used in the remove form's action, `/admin/alerts/webhooks/{id}/remove`.
    pub id: String,
    pub url: String,
    /// `Signed JSON` or `Slack`.
    pub format: String,
    pub created: String,
}

/// A webhook just added, with its signing secret, shown once.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlertWebhook {
    pub url: String,
    pub secret: String,
}

/// A raised alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertHistoryRow {
    pub raised: String,
    pub title: String,
    pub detail: String,
    pub link: String,
}

/// One delivery of an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertDeliveryRow {
    /// Used in the resend form's action, `/admin/alerts/deliveries/{id}/resend`.
    pub id: String,
    pub title: String,
    /// An e-mail address or a shortened webhook address.
    pub target: String,
    /// `sent`, `pending`, `sending` or `failed`.
    pub status: String,
    pub attempts: String,
    /// Last error, next attempt, or when it was sent.
    pub note: String,
    pub failed: bool,
}

/// Admin › Alerts. The rules form posts `enabled_<kind>` checkboxes, `uploads_stopped_days` and
/// `csrf_token` to `/admin/alerts/rules`; the webhook form posts `url` and `format` (`json` or
/// `slack`) to `/admin/alerts/webhooks`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/alerts.html")]
pub struct AdminAlertsPage {
    pub chrome: PageChrome,
    pub rules: Vec<AlertRuleRow>,
    pub webhooks: Vec<AlertWebhookRow>,
    pub new_webhook: Option<NewAlertWebhook>,
    pub history: Vec<AlertHistoryRow>,
    pub deliveries: Vec<AlertDeliveryRow>,
    pub error: Option<String>,
}
