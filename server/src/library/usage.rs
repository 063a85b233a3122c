//! The library as a caller sees it: items with their usage (of the users the caller may see:
//! a developer their own, a manager their teams', an admin everyone's), filtered by search,
//! team, tag and status. The figures are defined in `agentmeter_metrics::library`.

use std::collections::HashMap;

use agentmeter_ingest::wire_library::{
    ItemUsage, LibraryItem, LibraryItemDetail, VersionInstalls, WeekUses,
};
use agentmeter_metrics::calendar::{local_midnight_utc_ms, DateRange};
use agentmeter_metrics::library::{
    default_range, library_usage, InstallRow, LibraryInput, LibraryItemRow, SessionRow,
    SkillCallRow,
};
use chrono::{Days, NaiveDate};
use serde::Deserialize;

use crate::analytics::params::today;
use crate::auth::scope::{self, ScopeFilter};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::library::{self as store, ItemRecord};
use crate::store::library_usage;

/// Weeks of usage shown by default.
pub const DEFAULT_WEEKS: u32 = 12;

/// Filters of the library listing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// Words that must all appear in the name, description or tags.
    pub q: Option<String>,
    pub team: Option<String>,
    pub tag: Option<String>,
    pub kind: Option<String>,
    /// `approved`, `pending`, `withdrawn` or `unused`.
    pub status: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn metrics_error(e: agentmeter_metrics::MetricsError) -> Error {
    Error::BadRequest(e.to_string())
}

/// The range of the figures: `from`/`to`, else the last [`DEFAULT_WEEKS`] weeks.
fn range(state: &AppState, filter: &ListFilter) -> Result<DateRange> {
    let to = filter.to.unwrap_or_else(|| today(state.org_tz));
    match filter.from {
        Some(from) => DateRange::new(from, to).map_err(metrics_error),
        None => default_range(to, DEFAULT_WEEKS).map_err(metrics_error),
    }
}

/// Every item matching the filter, with its figures.
pub async fn list(
    state: &AppState,
    caller: &CurrentUser,
    filter: &ListFilter,
) -> Result<Vec<LibraryItem>> {
    let range = range(state, filter)?;
    let items: Vec<ItemRecord> = store::list_items(&state.db)
        .await?
        .into_iter()
        .filter(|i| matches(i, filter))
        .collect();
    let mut listed = with_usage(state, caller, items, range).await?;
    if filter.status.as_deref() == Some("unused") {
        listed.retain(|i| i.usage.unused);
    }
    Ok(listed)
}

/// One item with its versions and figures.
pub async fn detail(
    state: &AppState,
    caller: &CurrentUser,
    item_id: i64,
    filter: &ListFilter,
) -> Result<LibraryItemDetail> {
    let record = super::item(state, item_id).await?;
    let range = range(state, filter)?;
    let versions = store::versions(&state.db, item_id)
        .await?
        .iter()
        .map(super::version_view)
        .collect();
    let item = with_usage(state, caller, vec![record], range)
        .await?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("library item {item_id}")))?;
    Ok(LibraryItemDetail { item, versions })
}

fn tags_of(item: &ItemRecord) -> Vec<String> {
    serde_json::from_str(&item.tags).unwrap_or_default()
}

fn matches(item: &ItemRecord, filter: &ListFilter) -> bool {
    let tags = tags_of(item);
    let text = format!("{} {} {}", item.name, item.description, tags.join(" ")).to_lowercase();
    wanted(&filter.q).is_none_or(|q| {
        q.to_lowercase()
            .split_whitespace()
            .all(|word| text.contains(word))
    }) && wanted(&filter.team).is_none_or(|t| item.team.as_deref() == Some(t))
        && wanted(&filter.tag).is_none_or(|t| tags.iter().any(|x| x == t))
        && wanted(&filter.kind).is_none_or(|k| item.kind == k)
        && match wanted(&filter.status) {
            Some("approved") => item.approved_version.is_some() && item.withdrawn_at.is_none(),
            Some("pending") => item.pending_versions > 0 && item.withdrawn_at.is_none(),
            Some("withdrawn") => item.withdrawn_at.is_some(),
            _ => true,
        }
}

fn wanted(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Loads the usage rows of `range` for the users the caller may see and computes the figures.
async fn with_usage(
    state: &AppState,
    caller: &CurrentUser,
    items: Vec<ItemRecord>,
    range: DateRange,
) -> Result<Vec<LibraryItem>> {
    let visible = scope::resolve(state, caller, &ScopeFilter::default()).await?;
    let start = local_midnight_utc_ms(range.from, state.org_tz).map_err(metrics_error)?;
    let end_day = range.to.checked_add_days(Days::new(1)).unwrap_or(range.to);
    let end = local_midnight_utc_ms(end_day, state.org_tz).map_err(metrics_error)?;
    let session_key = |tool: &str, id: &str| format!("{tool}:{id}");
    let calls: Vec<SkillCallRow> = library_usage::skill_calls(&state.db, start, end)
        .await?
        .into_iter()
        .filter(|c| visible.includes(c.user_id))
        .map(|c| SkillCallRow {
            user_id: c.user_id,
            ts_ms: c.ts,
            session: session_key(&c.tool, &c.session_id),
            skill: c.skill,
            calls: u64::try_from(c.calls).unwrap_or(0),
        })
        .collect();
    let sessions: Vec<SessionRow> = library_usage::session_totals(&state.db, start, end)
        .await?
        .into_iter()
        .filter(|s| visible.includes(s.user_id))
        .map(|s| SessionRow {
            user_id: s.user_id,
            session: session_key(&s.tool, &s.session_id),
            first_ts_ms: s.first_ts,
            tokens: u64::try_from(s.tokens).unwrap_or(0),
            cost_usd: s.cost_usd,
            unknown_cost_events: u64::try_from(s.unknown_cost_events).unwrap_or(0),
        })
        .collect();
    let installs: Vec<InstallRow> = library_usage::installs(&state.db)
        .await?
        .into_iter()
        .filter(|i| visible.includes(i.user_id))
        .map(|i| InstallRow {
            user_id: i.user_id,
            item_id: i.item_id,
            version: i.version,
            first_synced_ms: i.first_synced_at,
            last_synced_ms: i.last_synced_at,
        })
        .collect();
    let plugins = super::plugin_names(state).await?;
    let plugin_of = |item: &ItemRecord| {
        plugins
            .get(&item.team_id)
            .cloned()
            .unwrap_or_else(|| super::marketplace::ORG_PLUGIN.to_owned())
    };
    let rows: Vec<LibraryItemRow> = items
        .iter()
        .map(|item| LibraryItemRow {
            item_id: item.id,
            is_hook: item.kind == "hook",
            skill_names: vec![format!("{}:{}", plugin_of(item), item.name)],
            created_ms: item.created_at,
            withdrawn_ms: item.withdrawn_at,
        })
        .collect();
    let figures = library_usage(&LibraryInput {
        items: &rows,
        skill_calls: &calls,
        sessions: &sessions,
        installs: &installs,
        range,
        tz: state.org_tz,
        unused_weeks: state.settings.library_unused_weeks,
    })
    .map_err(metrics_error)?;
    let by_item: HashMap<i64, _> = figures.into_iter().map(|f| (f.item_id, f)).collect();
    Ok(items
        .into_iter()
        .map(|item| {
            let usage = by_item.get(&item.id).map(|f| ItemUsage {
                from: range.from.to_string(),
                to: range.to.to_string(),
                uses: f.uses,
                users: f.users,
                sessions: f.sessions,
                tokens: f.tokens,
                cost_usd: f.cost_usd,
                unknown_cost_events: f.unknown_cost_events,
                installs: f.installs,
                installs_by_version: f
                    .installs_by_version
                    .iter()
                    .map(|(version, users)| VersionInstalls {
                        version: *version,
                        users: *users,
                    })
                    .collect(),
                weeks: f
                    .weeks
                    .iter()
                    .map(|w| WeekUses {
                        week: w.week.to_string(),
                        uses: w.uses,
                        users: w.users,
                    })
                    .collect(),
                last_used: f.last_used.map(|d| d.to_string()),
                unused: f.unused,
            });
            LibraryItem {
                id: item.id,
                plugin: plugin_of(&item),
                tags: tags_of(&item),
                kind: item.kind,
                name: item.name,
                team: item.team,
                owner: item.owner_email,
                description: item.description,
                latest_version: item.latest_version,
                approved_version: item.approved_version,
                pending_versions: item.pending_versions,
                withdrawn: item.withdrawn_at.is_some(),
                usage: usage.unwrap_or_default(),
            }
        })
        .collect())
}
