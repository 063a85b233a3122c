//! Admin › Audit log: every admin action, newest first, filtered by actor and action.

use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use agentmeter_web::pages::{AdminAuditPage, AdminSection, Choice};
use agentmeter_web::url;

use crate::admin::AuditPage;
use crate::error::Result;
use crate::routes::extract::Admin;
use crate::routes::pages::render;
use crate::state::AppState;
use crate::store::audit;
use crate::views::{admin_chrome, people};

/// The filter and page, from the query string (also `GET /api/v1/audit`'s).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl AuditFilter {
    fn query(&self, page: i64) -> String {
        format!(
            "actor={}&action={}&page={page}",
            url::component(&self.actor),
            url::component(&self.action)
        )
    }
}

/// `GET /admin/audit`
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(filter): Query<AuditFilter>,
) -> Result<Html<String>> {
    let page = AuditPage::load(
        &state.db,
        &filter.actor,
        &filter.action,
        filter.page.unwrap_or(1),
    )
    .await?;
    let actions = audit::actions(&state.db)
        .await?
        .into_iter()
        .map(|a| Choice::new(a.clone(), a, Some(filter.action.as_str())))
        .collect();
    render(AdminAuditPage {
        chrome: admin_chrome(&state, &user, AdminSection::Audit, None),
        rows: people::audit_rows(&page, state.org_tz),
        actor: filter.actor.clone(),
        actions,
        newer: (page.page > 1).then(|| filter.query(page.page - 1)),
        older: page.more.then(|| filter.query(page.page + 1)),
    })
}
