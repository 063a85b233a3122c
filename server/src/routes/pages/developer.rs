//! The developer page: `/me` for everyone, `/developers/{email}` for managers and admins within
//! their scope. Usage, cost, sessions and pull requests of one person.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use agentmeter_web::pages::NavSection;
use agentmeter_web::url;

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::dashboards;
use crate::auth::scope::{resolve, ScopeFilter};
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::views::{self, chrome};

/// `GET /me`
pub(crate) async fn me(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let email = user.email.clone();
    show(&state, &user, &email, query, "/me").await
}

/// `GET /developers/{email}`: managers and admins, for people in their scope.
pub(crate) async fn other(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(email): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    if user.role == Role::Developer && !email.eq_ignore_ascii_case(&user.email) {
        return Err(Error::Forbidden(
            "developers see only their own page (/me)".into(),
        ));
    }
    let action = format!("/developers/{}", url::email_segment(&email));
    show(&state, &user, &email, query, &action).await
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    email: &str,
    query: PageQuery,
    action: &str,
) -> Result<Response> {
    let (query, range) = filters::developer_range(state, query, email).await?;
    let metrics = query.metrics(Some(email));
    let tool = metrics.spend(state.org_tz)?.tool;
    let only_them = ScopeFilter {
        team: None,
        user: Some(email.to_owned()),
    };
    let scope = resolve(state, user, &only_them).await?;
    let data = dashboards::developer(state, &scope, email, range, tool).await?;
    let section = if data.person.id == user.id {
        NavSection::MyUsage
    } else {
        NavSection::Elsewhere
    };
    let filters = filters::bar(action, Vec::new(), &query, true, range)?;
    let csv_table = query.csv_table()?;
    let lists = views::developer::DeveloperLists {
        sessions: query.listing()?,
        pull_requests: query.pr_listing()?,
        paged: csv_table.is_none(),
    };
    let mut page = views::developer::page(
        chrome(state, user, section).carrying(&filters),
        filters,
        &data,
        state.org_tz,
        range,
        &lists,
    );
    let activity = crate::telemetry::activity::activity(state, &scope, range).await?;
    page.kpis.extend(views::activity::kpis(&activity.total));
    let reviews = crate::reviews::self_view::of_person(state, data.person.id, range).await?;
    page.review_self = Some(views::review_self::view(&reviews, state.org_tz));
    page_or_csv(page, csv_table, action, views::developer::tables)
}
