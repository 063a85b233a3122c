//! Where a report without `to` ends: the last day with data received for its scope (its latest
//! usage event or pull-request merge, as a local day of the org time zone, never after today).
//! The JSON API and the pages use the same day, and say it (`data_as_of`, "Data as of …"), so
//! a report never runs on through weeks nothing has reached yet.

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

use crate::analytics::params::{today, MetricsQuery};
use crate::auth::Scope;
use crate::error::Result;
use crate::state::AppState;
use crate::store::accounts;
use crate::store::data_as_of::last_data_ms;

/// A report with the last day of data its scope had when it was computed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AsOf<T> {
    /// `None` when the scope has no data at all.
    pub data_as_of: Option<NaiveDate>,
    #[serde(flatten)]
    pub report: T,
}

/// The last local day with a usage event or a merged pull request of `scope`, at most today.
pub async fn data_as_of(state: &AppState, scope: &Scope) -> Result<Option<NaiveDate>> {
    let user_ids = match scope {
        Scope::Everyone => None,
        Scope::Users(ids) => Some(ids.as_slice()),
    };
    let last = last_data_ms(&state.db, user_ids).await?;
    Ok(last
        .and_then(DateTime::from_timestamp_millis)
        .map(|t| t.with_timezone(&state.org_tz).date_naive())
        .map(|day| day.min(today(state.org_tz))))
}

/// The last day with data of the developer with this e-mail address (their own page).
pub async fn developer_data_as_of(state: &AppState, email: &str) -> Result<Option<NaiveDate>> {
    let ids = accounts::user_by_email(&state.db, email)
        .await?
        .map(|u| vec![u.id])
        .unwrap_or_default();
    data_as_of(state, &Scope::Users(ids)).await
}

/// `query` ending on the scope's last day with data when it gives no `to` (today without any
/// data), and that day.
pub async fn ending_at_data(
    state: &AppState,
    scope: &Scope,
    query: MetricsQuery,
) -> Result<(MetricsQuery, Option<NaiveDate>)> {
    let last = data_as_of(state, scope).await?;
    Ok((query.ending_on(last), last))
}
