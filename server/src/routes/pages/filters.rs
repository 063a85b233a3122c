//! The filter bar of the data pages: `team`, `from`, `to` and `tool` read from the URL, turned
//! into the same typed parameters and scope the JSON API uses, and written back into the form.

use agentmeter_metrics::calendar::DateRange;
use chrono::NaiveDate;
use serde::Deserialize;

use agentmeter_web::pages::{Choice, FilterBar};

use crate::analytics::params::MetricsQuery;
use crate::analytics::{as_of, load};
use crate::auth::scope::{resolve, Scope, ScopeFilter};
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::views;

/// The query string of a data page.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PageQuery {
    pub team: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub tool: Option<String>,
    /// `csv` asks for one table as CSV instead of the page.
    pub format: Option<String>,
    /// Which table to export (its `data-csv-name`).
    pub table: Option<String>,
}

impl PageQuery {
    /// The non-empty, trimmed team name.
    pub(crate) fn team(&self) -> Option<&str> {
        self.team
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// The CSV table asked for, when `format=csv`.
    pub(crate) fn csv_table(&self) -> Result<Option<&str>> {
        match self.format.as_deref().map(str::trim) {
            None | Some("") | Some("html") => Ok(None),
            Some("csv") => self
                .table
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(Some)
                .ok_or_else(|| Error::BadRequest("format=csv needs table=NAME".into())),
            Some(other) => Err(Error::BadRequest(format!(
                "format must be csv, got {other:?}"
            ))),
        }
    }

    /// The same filters as the metrics API reads them, optionally for one developer.
    pub(crate) fn metrics(&self, user: Option<&str>) -> MetricsQuery {
        MetricsQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            team: self.team().map(str::to_owned),
            user: user.map(str::to_owned),
            tool: self.tool.clone().filter(|t| !t.trim().is_empty()),
            ..MetricsQuery::default()
        }
    }
}

/// What a team page needs from the URL: the checked range, the caller's scope and the filter bar.
pub(crate) struct TeamView {
    pub query: PageQuery,
    pub range: DateRange,
    pub scope: Scope,
    pub filters: FilterBar,
}

/// Developers may not open team pages; everyone else gets their scope resolved like the API does.
pub(crate) async fn team_view(
    state: &AppState,
    user: &CurrentUser,
    query: PageQuery,
    action: &str,
    with_tools: bool,
) -> Result<TeamView> {
    if user.role == Role::Developer {
        return Err(Error::Forbidden(
            "team pages are for managers and admins; your own usage is under My usage (/me)".into(),
        ));
    }
    let scope = resolve(state, user, &query.metrics(None).scope_filter()).await?;
    let (query, data_as_of) = ending_at_data(state, &scope, query).await?;
    let metrics = query.metrics(None);
    let range = metrics.range(state.org_tz)?;
    let teams = team_choices(state, user, query.team()).await?;
    let mut filters = views::filter_bar(action, teams, query.tool.as_deref(), with_tools, range);
    filters.data_as_of = data_as_of.map(agentmeter_web::format::date);
    Ok(TeamView {
        query,
        range,
        scope,
        filters,
    })
}

/// A page without a `to` ends on the last day with data of what it shows (`analytics::as_of`),
/// exactly as the JSON API does; the filter bar shows the dates used.
async fn ending_at_data(
    state: &AppState,
    scope: &Scope,
    mut query: PageQuery,
) -> Result<(PageQuery, Option<NaiveDate>)> {
    let data_as_of = as_of::data_as_of(state, scope).await?;
    if query.to.as_deref().is_none_or(|t| t.trim().is_empty()) {
        query.to = data_as_of.map(|d| d.to_string());
    }
    Ok((query, data_as_of))
}

/// A developer's page without a `to` ends on that developer's own last day with data, so it does
/// not reveal when anyone else last worked.
pub(crate) async fn with_default_to(
    state: &AppState,
    mut query: PageQuery,
    developer_email: Option<&str>,
) -> Result<PageQuery> {
    if query.to.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        return Ok(query);
    }
    if let Some(email) = developer_email {
        query.to = as_of::developer_data_as_of(state, email)
            .await?
            .map(|d| d.to_string());
    }
    Ok(query)
}

/// The teams this caller may pick: every team for an admin, the managed ones for a manager.
async fn team_choices(
    state: &AppState,
    user: &CurrentUser,
    current: Option<&str>,
) -> Result<Vec<Choice>> {
    if user.role == Role::Developer {
        return Ok(Vec::new());
    }
    let managed = user.managed_team_ids();
    Ok(load::teams(&state.db)
        .await?
        .into_iter()
        .filter(|t| user.is_admin() || managed.contains(&t.id))
        .map(|t| Choice::new(t.name.clone(), t.name, current))
        .collect())
}

/// The rows of a per-team table: each team the caller may see (or just the selected one), with
/// the scope of its members.
pub(crate) async fn team_scopes(
    state: &AppState,
    user: &CurrentUser,
    query: &PageQuery,
) -> Result<Vec<(String, Scope)>> {
    let mut teams = Vec::new();
    for choice in team_choices(state, user, query.team()).await? {
        if query.team().is_some() && !choice.selected {
            continue;
        }
        let filter = ScopeFilter {
            team: Some(choice.value.clone()),
            user: None,
        };
        teams.push((choice.label, resolve(state, user, &filter).await?));
    }
    Ok(teams)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_asked_for_only_with_a_table_name() {
        let q = |format: &str, table: Option<&str>| PageQuery {
            format: Some(format.into()),
            table: table.map(str::to_owned),
            ..PageQuery::default()
        };
        assert_eq!(
            q("csv", Some("spend-by-team")).csv_table().expect("ok"),
            Some("spend-by-team")
        );
        assert!(q("csv", None).csv_table().is_err());
        assert!(q("xml", Some("x")).csv_table().is_err());
        assert_eq!(PageQuery::default().csv_table().expect("ok"), None);
    }

    #[test]
    fn blank_filters_are_left_out_of_the_metrics_query() {
        let q = PageQuery {
            team: Some("  ".into()),
            tool: Some(String::new()),
            ..PageQuery::default()
        };
        let m = q.metrics(Some("a@x.dev"));
        assert_eq!(
            (m.team, m.tool, m.user.as_deref()),
            (None, None, Some("a@x.dev"))
        );
    }
}
