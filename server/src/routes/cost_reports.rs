//! Monthly cost reports: a preview of the caller's report, the send ledger, recipients and
//! resend as JSON under `/api/v1/cost-reports`, and Admin › Outbox (`/admin/outbox`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use agentmeter_web::format;
use agentmeter_web::pages::{AdminOutboxPage, AdminSection, ReportRecipientRow, ReportSendRow};

use crate::auth::CurrentUser;
use crate::budgets::Month;
use crate::cost_reports::mailer::describe;
use crate::cost_reports::{compose, recipients, CostReport, ReportRecipient};
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::cost_report_sends::{self, SendRecord};
use crate::views::admin_chrome;

/// `month` (default: the month just ended) and, for admins, `to`: whose report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    pub month: Option<String>,
    pub to: Option<String>,
}

fn month_or_last(state: &AppState, month: Option<&str>) -> Result<Month> {
    match month.filter(|m| !m.trim().is_empty()) {
        Some(text) => Month::try_from(text),
        None => Ok(Month::at(Utc::now(), state.org_tz).previous()),
    }
}

/// `GET /api/v1/cost-reports/preview?month=YYYY-MM[&to=EMAIL]`: the report the caller (or, for
/// an admin, the person named) gets for the month, with every figure as the e-mail has it.
#[utoipa::path(
    get,
    path = "/api/v1/cost-reports/preview",
    tag = "cost-reports",
    params(PreviewQuery),
    responses((status = 200, description = "OK", body = CostReport)),
)]
pub(crate) async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PreviewQuery>,
) -> Result<Json<CostReport>> {
    let month = month_or_last(&state, query.month.as_deref())?;
    let email = match query.to.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(other) if !other.trim().eq_ignore_ascii_case(&user.email) => {
            user.require_admin()?;
            other.to_owned()
        }
        _ => user.email.clone(),
    };
    let recipient = recipients::by_email(&state.db, &email).await?;
    Ok(Json(compose(&state, &recipient, month).await?))
}

/// `GET /api/v1/cost-reports/recipients` (admin): who gets which report.
#[utoipa::path(
    get,
    path = "/api/v1/cost-reports/recipients",
    tag = "cost-reports",
    responses((status = 200, description = "OK", body = Vec<ReportRecipient>)),
)]
pub(crate) async fn list_recipients(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<ReportRecipient>>> {
    Ok(Json(recipients::everyone(&state.db).await?))
}

/// `?month=YYYY-MM` (default: every month).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SendsQuery {
    pub month: Option<String>,
}

/// `GET /api/v1/cost-reports/sends[?month=YYYY-MM]` (admin): the ledger.
#[utoipa::path(
    get,
    path = "/api/v1/cost-reports/sends",
    tag = "cost-reports",
    params(SendsQuery),
    responses((status = 200, description = "OK", body = Vec<SendRecord>)),
)]
pub(crate) async fn sends(
    State(state): State<AppState>,
    Admin(_): Admin,
    Query(query): Query<SendsQuery>,
) -> Result<Json<Vec<SendRecord>>> {
    let month = query
        .month
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map(Month::try_from)
        .transpose()?
        .map(|m| m.to_string());
    Ok(Json(
        cost_report_sends::list(&state.db, month.as_deref()).await?,
    ))
}

/// `PUT /api/v1/cost-reports/sends/{id}/resend` (admin): a failed send goes out again.
#[utoipa::path(
    put,
    path = "/api/v1/cost-reports/sends/{id}/resend",
    tag = "cost-reports",
    params(("id" = i64, Path, description = "Its id")),
    responses((status = 204, description = "Queued again")),
)]
pub(crate) async fn resend(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    if cost_report_sends::resend(&state.db, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(format!("failed send #{id}")))
    }
}

fn when(state: &AppState, ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| format::date_time(t.with_timezone(&state.org_tz).naive_local()))
        .unwrap_or_default()
}

fn send_row(state: &AppState, s: SendRecord) -> ReportSendRow {
    let when = match (s.status.as_str(), s.sent_at, s.next_attempt_at) {
        ("sent", Some(at), _) => format!("sent {}", when(state, at)),
        ("failed", _, None) => "given up".to_owned(),
        (_, _, Some(next)) => format!("next attempt {}", when(state, next)),
        _ => String::new(),
    };
    ReportSendRow {
        id: s.id.to_string(),
        failed: s.status == "failed",
        month: s.month,
        name: s.name,
        email: s.email,
        status: s.status,
        attempts: s.attempts.to_string(),
        when,
        last_error: s.last_error.unwrap_or_default(),
        has_message: s.has_message,
    }
}

/// `GET /admin/outbox`
pub(crate) async fn page(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (everyone, ledger) = tokio::try_join!(
        recipients::everyone(&state.db),
        cost_report_sends::list(&state.db, None),
    )?;
    let sends: Vec<ReportSendRow> = ledger.into_iter().map(|s| send_row(&state, s)).collect();
    let page = AdminOutboxPage {
        chrome: admin_chrome(&state, &user, AdminSection::Outbox, done.done.as_deref()),
        smtp: match &state.settings.smtp_url {
            Some(url) => describe(url),
            None => "No SMTP server is configured (smtp_url / AGENTMETER_SMTP_URL): reports and alert e-mails are not sent.".to_owned(),
        },
        smtp_configured: state.settings.smtp_url.is_some(),
        recipients: everyone
            .iter()
            .map(|r| ReportRecipientRow {
                name: r.name.clone(),
                email: r.email.clone(),
                role: r.role.to_string(),
                scope: r.scope_label(),
                opted_out: r.opted_out,
                alerts: r.alerts_label(),
            })
            .collect(),
        failed: sends.iter().filter(|s| s.failed).count(),
        sends,
    };
    Ok(render(page)?.into_response())
}

/// `GET /admin/outbox/{id}/message.eml`: the message as it went out.
pub(crate) async fn message(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
) -> Result<Response> {
    let sent = cost_report_sends::message(&state.db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("send #{id}")))?;
    let bytes = sent
        .message
        .ok_or_else(|| Error::NotFound(format!("the message of send #{id}")))?;
    let name: String = format!("{}-{}.eml", sent.month, sent.email)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "@.-_".contains(*c))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "message/rfc822".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /admin/outbox/{id}/resend`
pub(crate) async fn resend_from_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { .. }: AdminForm<HashMap<String, String>>,
) -> Result<Response> {
    if !cost_report_sends::resend(&state.db, id).await? {
        return Err(Error::NotFound(format!("failed send #{id}")));
    }
    Ok(Redirect::to("/admin/outbox?done=Report+queued+again").into_response())
}
