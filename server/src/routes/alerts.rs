//! Alerts: rules, outgoing webhooks and history as JSON under `/api/v1/alerts` (admins), and
//! Admin › Alerts (`/admin/alerts`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::DateTime;
use serde::{Deserialize, Serialize};

use agentmeter_web::format;
use agentmeter_web::pages::{
    AdminAlertsPage, AdminSection, AlertDeliveryRow, AlertHistoryRow, AlertRuleRow,
    AlertWebhookRow, NewAlertWebhook,
};

use crate::alerts::{self, AlertKind, Rule, WebhookFormat};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::alert_deliveries::{self, DeliveryRecord};
use crate::store::alerts::{self as alert_store, AlertRecord};
use crate::views::admin_chrome;

/// How many alerts and deliveries the history shows.
const HISTORY_LENGTH: i64 = 100;

/// `GET /api/v1/alerts` (admin): the latest alerts, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    tag = "alerts",
    responses((status = 200, description = "OK", body = Vec<AlertRecord>)),
)]
pub(crate) async fn history(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<AlertRecord>>> {
    Ok(Json(alert_store::history(&state.db, HISTORY_LENGTH).await?))
}

/// `GET /api/v1/alerts/deliveries` (admin).
#[utoipa::path(
    get,
    path = "/api/v1/alerts/deliveries",
    tag = "alerts",
    responses((status = 200, description = "OK", body = Vec<DeliveryRecord>)),
)]
pub(crate) async fn deliveries(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<DeliveryRecord>>> {
    Ok(Json(
        alert_deliveries::list(&state.db, HISTORY_LENGTH).await?,
    ))
}

/// `PUT /api/v1/alerts/deliveries/{id}/resend` (admin): a failed delivery goes out again.
#[utoipa::path(
    put,
    path = "/api/v1/alerts/deliveries/{id}/resend",
    tag = "alerts",
    params(("id" = i64, Path, description = "Its id")),
    responses((status = 204, description = "Queued again")),
)]
pub(crate) async fn resend(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    if alert_deliveries::resend(&state.db, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(format!("failed delivery #{id}")))
    }
}

/// `GET /api/v1/alerts/rules` (admin).
#[utoipa::path(
    get,
    path = "/api/v1/alerts/rules",
    tag = "alerts",
    responses((status = 200, description = "OK", body = Vec<Rule>)),
)]
pub(crate) async fn list_rules(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<Rule>>> {
    Ok(Json(alerts::rules(&state.db).await?))
}

/// The body of `PUT /api/v1/alerts/rules`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RuleChange {
    #[schema(value_type = AlertKind)]
    pub kind: String,
    pub enabled: bool,
    /// Quiet days before `uploads_stopped` fires (default 7); ignored for the other kinds.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
}

/// `PUT /api/v1/alerts/rules` (admin): switches one kind on or off.
#[utoipa::path(
    put,
    path = "/api/v1/alerts/rules",
    tag = "alerts",
    request_body = RuleChange,
    responses((status = 204, description = "Set")),
)]
pub(crate) async fn set_rule(
    State(state): State<AppState>,
    Admin(_): Admin,
    Json(change): Json<RuleChange>,
) -> Result<StatusCode> {
    let kind = AlertKind::try_from(change.kind.as_str())?;
    alerts::set_rule(&state.db, kind, change.enabled, change.days).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook as the API lists it (never its secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    #[schema(value_type = WebhookFormat)]
    pub format: String,
    pub enabled: bool,
}

/// `GET /api/v1/alerts/webhooks` (admin).
#[utoipa::path(
    get,
    path = "/api/v1/alerts/webhooks",
    tag = "alerts",
    responses((status = 200, description = "OK", body = Vec<WebhookView>)),
)]
pub(crate) async fn list_webhooks(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<WebhookView>>> {
    let hooks = alert_store::webhooks(&state.db).await?;
    Ok(Json(
        hooks
            .into_iter()
            .map(|w| WebhookView {
                id: w.id,
                url: alerts::redacted_url(&w.url),
                format: w.format,
                enabled: w.enabled,
            })
            .collect(),
    ))
}

/// The body of `POST /api/v1/alerts/webhooks`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewWebhook {
    pub url: String,
    /// `json` when absent.
    #[serde(default)]
    #[schema(value_type = Option<WebhookFormat>)]
    pub format: Option<String>,
}

/// The answer to `POST /api/v1/alerts/webhooks`: the signing secret, this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    pub id: i64,
    #[schema(value_type = WebhookFormat)]
    pub format: String,
    pub secret: String,
}

/// `POST /api/v1/alerts/webhooks` (admin): 201 with the signing secret.
#[utoipa::path(
    post,
    path = "/api/v1/alerts/webhooks",
    tag = "alerts",
    request_body = NewWebhook,
    responses((status = 201, description = "Created; the secret is shown this once", body = CreatedWebhook)),
)]
pub(crate) async fn add_webhook(
    State(state): State<AppState>,
    Admin(_): Admin,
    Json(hook): Json<NewWebhook>,
) -> Result<(StatusCode, Json<CreatedWebhook>)> {
    let format = WebhookFormat::try_from(hook.format.as_deref().unwrap_or("json"))?;
    let created = alerts::add_webhook(&state.db, &hook.url, format).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            id: created.id,
            format: created.format,
            secret: created.secret,
        }),
    ))
}

/// `DELETE /api/v1/alerts/webhooks/{id}` (admin).
#[utoipa::path(
    delete,
    path = "/api/v1/alerts/webhooks/{id}",
    tag = "alerts",
    params(("id" = i64, Path, description = "Its id")),
    responses((status = 204, description = "Removed")),
)]
pub(crate) async fn remove_webhook(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    alert_store::remove_webhook(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn when(state: &AppState, ms: Option<i64>) -> String {
    ms.and_then(DateTime::from_timestamp_millis)
        .map(|t| format::date_time(t.with_timezone(&state.org_tz).naive_local()))
        .unwrap_or_default()
}

fn delivery_row(state: &AppState, d: DeliveryRecord) -> AlertDeliveryRow {
    let failed = d.status == "failed";
    let note = match (d.status.as_str(), &d.last_error, d.next_attempt_at) {
        ("sent", _, _) => format!("sent {}", when(state, d.sent_at)),
        (_, Some(error), Some(next)) => {
            format!("{error}; next attempt {}", when(state, Some(next)))
        }
        (_, Some(error), None) => format!("{error}; given up"),
        _ => String::new(),
    };
    AlertDeliveryRow {
        id: d.id.to_string(),
        title: d.title,
        target: d
            .email
            .or_else(|| d.webhook_url.map(|u| alerts::redacted_url(&u)))
            .unwrap_or_default(),
        status: d.status,
        attempts: d.attempts.to_string(),
        note,
        failed,
    }
}

async fn alerts_page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    new_webhook: Option<NewAlertWebhook>,
) -> Result<AdminAlertsPage> {
    let (rules, hooks, history, deliveries) = tokio::try_join!(
        alerts::rules(&state.db),
        alert_store::webhooks(&state.db),
        alert_store::history(&state.db, HISTORY_LENGTH),
        alert_deliveries::list(&state.db, HISTORY_LENGTH),
    )?;
    Ok(AdminAlertsPage {
        chrome: admin_chrome(state, user, AdminSection::Alerts, done),
        rules: rules
            .iter()
            .map(|r| AlertRuleRow {
                kind: r.kind.as_str().to_owned(),
                label: r.kind.label().to_owned(),
                enabled: r.enabled,
                days: (r.kind == AlertKind::UploadsStopped)
                    .then(|| r.days.unwrap_or(alerts::checks::DEFAULT_QUIET_DAYS)),
            })
            .collect(),
        webhooks: hooks
            .iter()
            .map(|w| AlertWebhookRow {
                id: w.id.to_string(),
                url: alerts::redacted_url(&w.url),
                format: if w.format == "slack" {
                    "Slack"
                } else {
                    "Signed JSON"
                }
                .to_owned(),
                created: when(state, Some(w.created_at)),
            })
            .collect(),
        new_webhook,
        history: history
            .into_iter()
            .map(|a| AlertHistoryRow {
                raised: when(state, Some(a.raised_at)),
                title: a.title,
                detail: a.detail,
                link: a.link.unwrap_or_default(),
            })
            .collect(),
        deliveries: deliveries
            .into_iter()
            .map(|d| delivery_row(state, d))
            .collect(),
        error: None,
    })
}

/// `GET /admin/alerts`
pub(crate) async fn page(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Response> {
    Ok(render(alerts_page(&state, &user, done.done.as_deref(), None).await?)?.into_response())
}

/// `POST /admin/alerts/rules`: `enabled_<kind>` checkboxes and `uploads_stopped_days`.
pub(crate) async fn rules_from_form(
    State(state): State<AppState>,
    AdminForm { form, .. }: AdminForm<HashMap<String, String>>,
) -> Result<Response> {
    for kind in AlertKind::ALL {
        let enabled = form.contains_key(&format!("enabled_{}", kind.as_str()));
        let days = match form.get(&format!("{}_days", kind.as_str())) {
            Some(text) => Some(text.trim().parse::<i64>().map_err(|_| {
                Error::BadRequest(format!("days must be a whole number, got {text:?}"))
            })?),
            None => None,
        };
        alerts::set_rule(&state.db, kind, enabled, days).await?;
    }
    Ok(Redirect::to("/admin/alerts?done=Alert+rules+saved").into_response())
}

#[derive(Debug, Deserialize)]
pub struct WebhookForm {
    url: String,
    #[serde(default)]
    format: String,
}

/// `POST /admin/alerts/webhooks`: adds it and shows its secret once.
pub(crate) async fn add_webhook_from_form(
    State(state): State<AppState>,
    AdminForm { admin, form }: AdminForm<WebhookForm>,
) -> Result<Response> {
    let format = WebhookFormat::try_from(form.format.as_str())?;
    let created = alerts::add_webhook(&state.db, &form.url, format).await?;
    let shown = NewAlertWebhook {
        url: alerts::redacted_url(&created.url),
        secret: created.secret,
    };
    Ok(
        render(alerts_page(&state, &admin, Some("Webhook added"), Some(shown)).await?)?
            .into_response(),
    )
}

/// `POST /admin/alerts/webhooks/{id}/remove`
pub(crate) async fn remove_webhook_from_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { .. }: AdminForm<HashMap<String, String>>,
) -> Result<Response> {
    alert_store::remove_webhook(&state.db, id).await?;
    Ok(Redirect::to("/admin/alerts?done=Webhook+removed").into_response())
}

/// `POST /admin/alerts/deliveries/{id}/resend`
pub(crate) async fn resend_from_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { .. }: AdminForm<HashMap<String, String>>,
) -> Result<Response> {
    if !alert_deliveries::resend(&state.db, id).await? {
        return Err(Error::NotFound(format!("failed delivery #{id}")));
    }
    Ok(Redirect::to("/admin/alerts?done=Delivery+queued+again").into_response())
}
