//! `GET /api/v1/audit` (admins only): the audit log as JSON, newest first, with the same
//! `actor`, `action` and `page` parameters as the admin page.

use axum::extract::{Query, State};
use axum::Json;

use crate::admin::AuditPage;
use crate::error::Result;
use crate::routes::extract::Admin;
use crate::routes::pages::admin::audit::AuditFilter;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "admin",
    params(AuditFilter),
    responses((status = 200, description = "OK", body = AuditPage)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Admin,
    Query(filter): Query<AuditFilter>,
) -> Result<Json<AuditPage>> {
    Ok(Json(
        AuditPage::load(
            &state.db,
            &filter.actor,
            &filter.action,
            filter.page.unwrap_or(1),
        )
        .await?,
    ))
}
