//! The filter bar of the data pages: `team`, `from`, `to` (or a `preset`) and `tool` read from
//! the URL, turned into the same typed parameters and scope the JSON API uses, and written back
//! into the form; with the page's comparison (`compare`), list search (`q`) and list pages.

use agentmeter_metrics::calendar::DateRange;
use chrono::NaiveDate;
use serde::Deserialize;

use agentmeter_web::pages::{Choice, FilterBar, NavSection, PageChrome};

use crate::analytics::params::{Comparison, Listing, MetricsQuery, RangePreset};
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
    /// A named range instead of `from`/`to` (`this-month`, `last-30-days`, …).
    pub preset: Option<String>,
    /// `previous-period` shows the same number of days just before beside the figures.
    pub compare: Option<String>,
    /// Search of the page's lists (names, e-mails, titles), case-insensitive.
    pub q: Option<String>,
    /// Page of the page's main list (1-based).
    pub page: Option<String>,
    /// Page of the page's pull-request list, where it has one beside another list.
    pub pr_page: Option<String>,
    /// `csv` asks for one table as CSV instead of the page.
    pub format: Option<String>,
    /// Which table to export (its `data-csv-name`).
    pub table: Option<String>,
    /// The preset [`PageQuery::resolved`] turned into `from`/`to`, for the filter bar.
    #[serde(skip)]
    pub preset_used: Option<String>,
    /// Whether the URL gave `from` or `to` before [`PageQuery::resolved`] wrote both out.
    #[serde(skip)]
    pub range_chosen: bool,
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

    /// The comparison asked for (`compare=`).
    pub(crate) fn comparison(&self) -> Result<Option<Comparison>> {
        Comparison::parse(self.compare.as_deref())
    }

    /// The search and page of the page's main list (`q`, `page`).
    pub(crate) fn listing(&self) -> Result<Listing> {
        Listing::parse(self.q.as_deref(), self.page.as_deref())
    }

    /// The search and page of the page's pull-request list (`q`, `pr_page`).
    pub(crate) fn pr_listing(&self) -> Result<Listing> {
        Listing::parse(self.q.as_deref(), self.pr_page.as_deref())
    }

    /// The range of this query ending at `last_day` when it gives none (the scope's last day
    /// with data), and the query with that range written out as `from`/`to`, so code further on
    /// reads the same dates whatever the preset.
    pub(crate) fn resolved(
        mut self,
        state: &AppState,
        last_day: Option<NaiveDate>,
    ) -> Result<(PageQuery, DateRange)> {
        let range = self.metrics(None).ending_on(last_day).range(state.org_tz)?;
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        self.range_chosen = given(&self.from) || given(&self.to);
        self.from = Some(range.from.to_string());
        self.to = Some(range.to.to_string());
        self.preset_used = self
            .preset
            .take()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        Ok((self, range))
    }

    /// The same filters as the metrics API reads them, optionally for one developer.
    pub(crate) fn metrics(&self, user: Option<&str>) -> MetricsQuery {
        MetricsQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            team: self.team().map(str::to_owned),
            user: user.map(str::to_owned),
            tool: self.tool.clone().filter(|t| !t.trim().is_empty()),
            preset: self.preset.clone(),
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

impl TeamView {
    /// The page's frame, its navigation carrying the page's filters.
    pub(crate) fn chrome(
        &self,
        state: &AppState,
        user: &CurrentUser,
        section: NavSection,
    ) -> PageChrome {
        views::chrome(state, user, section).carrying(&self.filters)
    }
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
    let data_as_of = as_of::data_as_of(state, &scope).await?;
    let (query, range) = query.resolved(state, data_as_of)?;
    let teams = team_choices(state, user, query.team()).await?;
    let mut filters = bar(action, teams, &query, with_tools, range)?;
    filters.data_as_of = data_as_of.map(agentmeter_web::format::date);
    Ok(TeamView {
        query,
        range,
        scope,
        filters,
    })
}

/// The filter bar of a resolved query: the dates used, the presets (the chosen one marked), and
/// the team, tool, comparison, search and list pages to keep in links. A page that shows every
/// tool still checks and keeps the tool, for the pages that filter by it.
pub(crate) fn bar(
    action: &str,
    teams: Vec<Choice>,
    query: &PageQuery,
    with_tools: bool,
    range: DateRange,
) -> Result<FilterBar> {
    let tool = query.metrics(None).tool()?.map(|t| t.as_str());
    let mut filters = views::filter_bar(action, teams, tool, with_tools, range);
    filters.team = query.team().map(str::to_owned);
    filters.tool = tool.map(str::to_owned);
    filters.range_chosen = query.range_chosen;
    let chosen = query.preset_used.as_deref();
    filters.presets = RangePreset::ALL
        .iter()
        .map(|p| Choice::new(p.as_str(), p.label(), chosen))
        .collect();
    filters.compare = query.comparison()?.map(|c| c.as_str().to_owned());
    filters.q = query
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    for (param, listing) in [("page", query.listing()?), ("pr_page", query.pr_listing()?)] {
        if listing.page > 1 {
            filters.pages.push((param.to_owned(), listing.page));
        }
    }
    Ok(filters)
}

/// A developer's page without a `to` ends on that developer's own last day with data, so it does
/// not reveal when anyone else last worked; the query comes back with its dates written out.
pub(crate) async fn developer_range(
    state: &AppState,
    query: PageQuery,
    developer_email: &str,
) -> Result<(PageQuery, DateRange)> {
    let last_day = as_of::developer_data_as_of(state, developer_email).await?;
    query.resolved(state, last_day)
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
