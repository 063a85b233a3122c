//! The plan catalog, the plan policy and seats over the API: everyone signed in reads the catalog
//! and the policy, admins edit them and assign seats.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::admin::Actor;
use agentmeter_metrics::plan_policy::PlanPolicy;

use crate::analytics::catalog::{self, CatalogPlan, PlanTerms};
use crate::analytics::plan_policy;
use crate::analytics::seats::{Seat, SeatChange};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::routes::extract::Admin;
use crate::state::AppState;

/// `GET /api/v1/plans`: the catalog.
#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    responses((status = 200, description = "OK", body = Vec<CatalogPlan>)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Vec<CatalogPlan>>> {
    Ok(Json(catalog::list(&state.db).await?))
}

/// `POST /api/v1/plans` (admin): adds a plan, answers 201 with it.
#[utoipa::path(
    post,
    path = "/api/v1/plans",
    tag = "plans",
    request_body = PlanTerms,
    responses((status = 201, description = "Created", body = CatalogPlan)),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(terms): Json<PlanTerms>,
) -> Result<(StatusCode, Json<CatalogPlan>)> {
    let id = crate::admin::create_plan(&state.db, &Actor::Admin(admin.email), &terms).await?;
    Ok((
        StatusCode::CREATED,
        Json(catalog::get(&state.db, id).await?),
    ))
}

/// `PUT /api/v1/plans/{id}` (admin): replaces a plan's price, limits, dates and notes.
#[utoipa::path(
    put,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    params(("id" = i64, Path, description = "Its id")),
    request_body = PlanTerms,
    responses((status = 200, description = "OK", body = CatalogPlan)),
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    Json(terms): Json<PlanTerms>,
) -> Result<Json<CatalogPlan>> {
    crate::admin::update_plan(&state.db, &Actor::Admin(admin.email), id, &terms).await?;
    Ok(Json(catalog::get(&state.db, id).await?))
}

/// `PUT /api/v1/users/{email}/plan` (admin): `{"vendor": "Anthropic", "plan_id": 3}`, or
/// `"plan_id": null` for pay-as-you-go.
#[utoipa::path(
    put,
    path = "/api/v1/users/{email}/plan",
    tag = "plans",
    params(("email" = String, Path, description = "The user's e-mail address")),
    request_body = SeatChange,
    responses((status = 200, description = "OK", body = Seat)),
)]
pub(crate) async fn assign_seat(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(email): Path<String>,
    Json(change): Json<SeatChange>,
) -> Result<Json<Seat>> {
    let actor = Actor::Admin(admin.email);
    Ok(Json(
        crate::admin::assign_seat(&state.db, &actor, &email, &change).await?,
    ))
}

/// `GET /api/v1/plans/policy`: which plans recommendations may propose, per vendor (no vendors:
/// any plan of the catalog).
#[utoipa::path(
    get,
    path = "/api/v1/plans/policy",
    tag = "plans",
    responses((status = 200, description = "OK", body = PlanPolicy)),
)]
pub(crate) async fn policy(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<PlanPolicy>> {
    Ok(Json(plan_policy::load(&state.db).await?))
}

/// `PUT /api/v1/plans/policy` (admin): replaces the policy; a vendor or plan name the catalog
/// does not have is a 422 and nothing changes.
#[utoipa::path(
    put,
    path = "/api/v1/plans/policy",
    tag = "plans",
    request_body = PlanPolicy,
    responses((status = 200, description = "OK", body = PlanPolicy)),
)]
pub(crate) async fn set_policy(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(policy): Json<PlanPolicy>,
) -> Result<Json<PlanPolicy>> {
    let actor = Actor::Admin(admin.email);
    Ok(Json(
        crate::admin::set_plan_policy(&state.db, &actor, &policy).await?,
    ))
}
