//! A user's own notification settings: the monthly cost report (opt out) and, for managers and
//! admins, each kind of alert by e-mail. `GET/PUT /api/v1/me/notifications`, `/me/notifications`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use agentmeter_web::pages::{AlertChoice, NavSection, NotificationsPage};

use crate::alerts::{self, AlertKind};
use crate::auth::CurrentUser;
use crate::cost_reports::recipients;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::routes::pages::render;
use crate::state::AppState;
use crate::store::notification_preferences;
use crate::views::chrome;

/// A user's settings as the API shows and takes them.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotificationSettings {
    pub monthly_cost_report: bool,
    /// Alert kind -> by e-mail (managers and admins only; empty for developers).
    #[serde(default)]
    pub alerts: BTreeMap<String, bool>,
}

/// Managers and admins receive alerts; developers none.
fn receives_alerts(user: &CurrentUser) -> bool {
    user.role != Role::Developer
}

async fn settings_of(state: &AppState, user: &CurrentUser) -> Result<NotificationSettings> {
    let alerts = if receives_alerts(user) {
        alerts::subscriptions_of(&state.db, user.id)
            .await?
            .into_iter()
            .map(|(kind, on)| (kind.as_str().to_owned(), on))
            .collect()
    } else {
        BTreeMap::new()
    };
    Ok(NotificationSettings {
        monthly_cost_report: notification_preferences::receives_cost_report(&state.db, user.id)
            .await?,
        alerts,
    })
}

async fn apply(state: &AppState, user: &CurrentUser, wanted: &NotificationSettings) -> Result<()> {
    if !wanted.alerts.is_empty() && !receives_alerts(user) {
        return Err(Error::BadRequest(
            "alerts go to managers and admins only".into(),
        ));
    }
    let kinds = wanted
        .alerts
        .iter()
        .map(|(kind, on)| Ok((AlertKind::try_from(kind.as_str())?, *on)))
        .collect::<Result<Vec<_>>>()?;
    notification_preferences::set_cost_report(&state.db, user.id, wanted.monthly_cost_report)
        .await?;
    for (kind, on) in kinds {
        alerts::set_subscription(&state.db, user.id, kind, on).await?;
    }
    Ok(())
}

/// `GET /api/v1/me/notifications`
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    tag = "me",
    responses((status = 200, description = "OK", body = NotificationSettings)),
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<NotificationSettings>> {
    Ok(Json(settings_of(&state, &user).await?))
}

/// `PUT /api/v1/me/notifications`: kinds left out keep their setting.
#[utoipa::path(
    put,
    path = "/api/v1/me/notifications",
    tag = "me",
    request_body = NotificationSettings,
    responses((status = 200, description = "OK", body = NotificationSettings)),
)]
pub(crate) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(wanted): Json<NotificationSettings>,
) -> Result<Json<NotificationSettings>> {
    apply(&state, &user, &wanted).await?;
    Ok(Json(settings_of(&state, &user).await?))
}

/// `GET /me/notifications`
pub(crate) async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let settings = settings_of(&state, &user).await?;
    let report_scope = match recipients::by_email(&state.db, &user.email).await {
        Ok(recipient) => Some(recipient.scope_label()),
        Err(Error::BadRequest(_)) => None,
        Err(e) => return Err(e),
    };
    let page = NotificationsPage {
        chrome: chrome(&state, &user, NavSection::MyUsage),
        gets_report: report_scope.is_some(),
        report_scope: report_scope.unwrap_or_default(),
        monthly_cost_report: settings.monthly_cost_report,
        alerts: AlertKind::ALL
            .into_iter()
            .filter_map(|kind| {
                settings.alerts.get(kind.as_str()).map(|on| AlertChoice {
                    field: format!("alert_{}", kind.as_str()),
                    label: kind.label().to_owned(),
                    on: *on,
                })
            })
            .collect(),
    };
    Ok(render(page)?.into_response())
}

/// `POST /me/notifications`: unchecked boxes are absent from the form, so every setting the page
/// showed is written.
pub(crate) async fn save_from_form(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response> {
    user.check_csrf(form.get("csrf_token").map_or("", String::as_str))?;
    let alerts = if receives_alerts(&user) {
        AlertKind::ALL
            .into_iter()
            .map(|kind| {
                let on = form.contains_key(&format!("alert_{}", kind.as_str()));
                (kind.as_str().to_owned(), on)
            })
            .collect()
    } else {
        BTreeMap::new()
    };
    // The report's box is on the page only for those who get a report.
    let monthly_cost_report = if form.contains_key("report_shown") {
        form.contains_key("monthly_cost_report")
    } else {
        notification_preferences::receives_cost_report(&state.db, user.id).await?
    };
    let wanted = NotificationSettings {
        monthly_cost_report,
        alerts,
    };
    apply(&state, &user, &wanted).await?;
    Ok(Redirect::to("/me/notifications").into_response())
}
