//! What each dashboard page reads, loaded together: its reports (from [`super::reports`], so the
//! pages show the API's figures) and the rows that label them. Pages format these; they compute
//! nothing of their own.

use std::collections::{HashMap, HashSet};

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::plans::PlansReport;
use agentmeter_metrics::productivity::{Lift, ProductivityReport};
use agentmeter_metrics::reviews::ReviewsReport;
use agentmeter_metrics::rows::{DeveloperRow, PlanRow, PullRequestRow, TeamRow, Tool, UsageRow};
use agentmeter_metrics::spend::{compare, SpendComparison, SpendGroupBy, SpendReport};
use anyhow::anyhow;
use chrono::TimeDelta;

use crate::analytics::load::{self, utc_bounds, Dims, Grain};
use crate::analytics::params::{Comparison, ProductivityQuery, SpendQuery};
use crate::analytics::{catalog, reports};
use crate::auth::Scope;
use crate::error::{Error, Result};
use crate::reviews::summary;
use crate::state::AppState;
use crate::store::accounts::{self, User};
use crate::store::reviews::ReviewGiven;
use crate::store::tokens;

/// The range of the same length just before `range`, for "change vs previous period".
pub fn previous(range: DateRange) -> DateRange {
    let days = (range.to - range.from).num_days() + 1;
    let to = range.from - TimeDelta::days(1);
    DateRange {
        from: to - TimeDelta::days(days - 1),
        to,
    }
}

/// The Spend page: this period by several keys, and the period before by the same keys.
pub struct SpendData {
    pub by_week: SpendReport,
    /// By team, developer, model and tool ([`SPEND_BREAKDOWNS`]).
    pub current: Vec<SpendReport>,
    /// The same, over the previous period.
    pub previous: Vec<SpendReport>,
    /// `by_week` against the previous period (the engine's `spend::compare`, as the API's).
    pub comparison: SpendComparison,
    /// Developer name -> email, for drill-down links.
    pub emails: HashMap<String, String>,
}

/// The groupings of the Spend page's breakdown tables, in order.
pub const SPEND_BREAKDOWNS: [SpendGroupBy; 4] = [
    SpendGroupBy::Team,
    SpendGroupBy::Developer,
    SpendGroupBy::Model,
    SpendGroupBy::Tool,
];

/// The Spend page's reports, from one load of usage.
pub async fn spend(state: &AppState, scope: &Scope, base: &SpendQuery) -> Result<SpendData> {
    let before = previous(base.range);
    let wanted: Vec<(SpendGroupBy, DateRange)> = std::iter::once((SpendGroupBy::Week, base.range))
        .chain(SPEND_BREAKDOWNS.iter().map(|g| (*g, base.range)))
        .chain(SPEND_BREAKDOWNS.iter().map(|g| (*g, before)))
        .collect();
    let (reports, developers) = tokio::try_join!(
        reports::spend_breakdowns(state, scope, base.tool, &wanted),
        load::developers(&state.db, scope),
    )?;
    let mut reports = reports.into_iter();
    let by_week = reports
        .next()
        .ok_or_else(|| Error::Internal(anyhow!("spend: a breakdown is missing")))?;
    let current: Vec<SpendReport> = reports.by_ref().take(SPEND_BREAKDOWNS.len()).collect();
    let previous: Vec<SpendReport> = reports.collect();
    if current.len() + previous.len() != 2 * SPEND_BREAKDOWNS.len() {
        return Err(Error::Internal(anyhow!("spend: a breakdown is missing")));
    }
    let emails = developers.into_iter().map(|d| (d.name, d.email)).collect();
    let comparison = compare(&by_week, &previous[0]);
    Ok(SpendData {
        by_week,
        current,
        previous,
        comparison,
        emails,
    })
}

/// The spend report of the API; with `compare=previous-period`, its `comparison` from the
/// engine's `spend::compare`, as the Spend page's cards.
pub async fn spend_compared(
    state: &AppState,
    scope: &Scope,
    query: &SpendQuery,
    comparison: Option<Comparison>,
) -> Result<SpendReport> {
    let Some(Comparison::PreviousPeriod) = comparison else {
        return reports::spend(state, scope, query).await;
    };
    let wanted = [
        (query.group_by, query.range),
        (query.group_by, previous(query.range)),
    ];
    let reports = reports::spend_breakdowns(state, scope, query.tool, &wanted).await?;
    let (mut report, mut rest) = reports::first_and_rest(reports, "spend")?;
    let before = rest
        .next()
        .ok_or_else(|| Error::Internal(anyhow!("spend: the previous period is missing")))?;
    report.comparison = Some(compare(&report, &before));
    Ok(report)
}

/// The Overview page: the week-by-week spend, adoption, productivity with each team's lift, and
/// the reviews of the range.
pub struct OverviewData {
    pub spend: SpendReport,
    pub adoption: AdoptionReport,
    pub productivity: ProductivityReport,
    pub lifts: Vec<(String, Lift)>,
    pub reviews: ReviewsReport,
}

/// All four reports at once: on an empty organisation the three wasted ones cost next to nothing.
pub async fn overview(
    state: &AppState,
    scope: &Scope,
    team_scopes: &[(String, Scope)],
    range: DateRange,
    productivity_query: &ProductivityQuery,
) -> Result<OverviewData> {
    let spend_query = SpendQuery {
        range,
        group_by: SpendGroupBy::Week,
        tool: None,
    };
    let (spend, adoption, (productivity, lifts), reviews) = tokio::try_join!(
        reports::spend(state, scope, &spend_query),
        reports::adoption(state, scope, range),
        productivity(state, scope, team_scopes, productivity_query),
        reviews(state, scope, range),
    )?;
    Ok(OverviewData {
        spend,
        adoption,
        productivity,
        lifts,
        reviews,
    })
}

/// The Plans page: the report, and the developers, teams and catalog it is labelled with.
pub struct PlansData {
    pub report: PlansReport,
    pub developers: Vec<DeveloperRow>,
    pub teams: Vec<TeamRow>,
    pub catalog: Vec<PlanRow>,
}

pub async fn plans(state: &AppState, scope: &Scope, range: DateRange) -> Result<PlansData> {
    Ok(PlansData {
        report: reports::plans(state, scope, range).await?,
        developers: load::developers(&state.db, scope).await?,
        teams: load::teams(&state.db).await?,
        catalog: catalog::plan_rows(&state.db).await?,
    })
}

/// The Adoption page: the report of the page's scope, one per team, and who has an API token.
pub struct AdoptionData {
    pub report: AdoptionReport,
    /// Each team's name and report.
    pub by_team: Vec<(String, AdoptionReport)>,
    pub developers: Vec<DeveloperRow>,
    pub teams: Vec<TeamRow>,
    /// E-mail addresses of the users holding a token that is not revoked.
    pub with_token: HashSet<String>,
}

pub async fn adoption(
    state: &AppState,
    scope: &Scope,
    team_scopes: &[(String, Scope)],
    range: DateRange,
) -> Result<AdoptionData> {
    let scopes = view_then_teams(scope, team_scopes);
    let (report, by_team) = reports::first_and_rest(
        reports::adoption_for(state, &scopes, range).await?,
        "adoption",
    )?;
    let by_team = team_scopes
        .iter()
        .map(|(name, _)| name.clone())
        .zip(by_team)
        .collect();
    let developers = load::developers(&state.db, scope).await?;
    let teams = load::teams(&state.db).await?;
    let with_token = tokens::list(&state.db)
        .await?
        .into_iter()
        .filter(|t| t.revoked_at.is_none())
        .map(|t| t.owner_email)
        .collect();
    Ok(AdoptionData {
        report,
        by_team,
        developers,
        teams,
        with_token,
    })
}

/// The productivity report of the page's scope, and the lift of each team by name, from one load.
pub async fn productivity(
    state: &AppState,
    scope: &Scope,
    team_scopes: &[(String, Scope)],
    params: &ProductivityQuery,
) -> Result<(ProductivityReport, Vec<(String, Lift)>)> {
    let scopes = view_then_teams(scope, team_scopes);
    let (overall, by_team) = reports::first_and_rest(
        reports::productivity_for(state, &scopes, params).await?,
        "productivity",
    )?;
    let lifts = team_scopes
        .iter()
        .zip(by_team)
        .map(|((name, _), report)| (name.clone(), report.merged_prs_per_week))
        .collect();
    Ok((overall, lifts))
}

/// The scopes of a page with a per-team table: its own view's first, then each team's.
fn view_then_teams(view: &Scope, teams: &[(String, Scope)]) -> Vec<Scope> {
    std::iter::once(view.clone())
        .chain(teams.iter().map(|(_, scope)| scope.clone()))
        .collect()
}

/// The Reviews page's report.
pub async fn reviews(state: &AppState, scope: &Scope, range: DateRange) -> Result<ReviewsReport> {
    let data = summary::report_with_prs(state, scope.clone(), range).await?;
    Ok(data.0.clone())
}

/// A developer's page: who they are, their usage in hours and their pull requests.
pub struct DeveloperData {
    pub person: User,
    pub team_names: Vec<String>,
    pub usage: Vec<UsageRow>,
    pub pull_requests: Vec<PullRequestRow>,
    /// Pull requests by others the person reviewed in the range, each with their last review
    /// in it; newest first.
    pub reviews_given: Vec<ReviewGiven>,
}

/// The page of the user with `email` (already checked to be in `scope`), over `range`, for one
/// tool or all.
pub async fn developer(
    state: &AppState,
    scope: &Scope,
    email: &str,
    range: DateRange,
    tool: Option<Tool>,
) -> Result<DeveloperData> {
    let person = accounts::user_by_email(&state.db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))?;
    let team_names = accounts::memberships(&state.db, person.id)
        .await?
        .into_iter()
        .map(|m| m.team)
        .collect();
    let (from, to) = utc_bounds(range, state.org_tz)?;
    let dims = Dims {
        model: true,
        project: true,
        repository: false,
        session: true,
    };
    let mut usage = load::usage(
        &state.db,
        state.org_tz,
        scope.user_ids(),
        from,
        to,
        dims,
        Grain::Hour,
    )
    .await?;
    usage.retain(|u| u.user_id == person.id && tool.is_none_or(|t| t == u.tool));
    let pull_requests = crate::reviews::load::pull_request_rows(&state.db, from, to)
        .await?
        .into_iter()
        .filter(|p| p.author_user_id == Some(person.id))
        .collect();
    let mut last_per_pr: HashMap<i64, ReviewGiven> = HashMap::new();
    for review in crate::store::reviews::given_by(&state.db, person.id, from, to).await? {
        last_per_pr.insert(review.pull_request_id, review);
    }
    let mut reviews_given: Vec<ReviewGiven> = last_per_pr.into_values().collect();
    reviews_given.sort_by_key(|r| std::cmp::Reverse(r.submitted_at));
    Ok(DeveloperData {
        person,
        team_names,
        usage,
        pull_requests,
        reviews_given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
    }

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_the_day_before() {
        let before = previous(DateRange {
            from: day(11),
            to: day(20),
        });
        assert_eq!((before.from, before.to), (day(1), day(10)));
    }
}
