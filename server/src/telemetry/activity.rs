//! The assistant activity report: loads per-session sums of telemetry and uploads for the
//! developers in scope and hands them to the metrics engine (`activity::activity_report`).

use chrono::TimeDelta;

use agentmeter_metrics::activity::{activity_report, ActivityReport, Figure, SessionActivity};
use agentmeter_metrics::calendar::{local_midnight_utc_ms, DateRange};

use crate::analytics::load::{self, engine_error};
use crate::auth::scope::Scope;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::telemetry::{self as store, SessionSum};

/// Activity over `range` (local days of the org time zone) for the developers in `scope`.
pub async fn activity(state: &AppState, scope: &Scope, range: DateRange) -> Result<ActivityReport> {
    let key = format!("activity {scope:?} {range:?}");
    state
        .reports
        .get_or_compute(key, || async move {
            let developers = load::developers(&state.db, scope).await?;
            let ids: Vec<i64> = developers.iter().map(|d| d.user_id).collect();
            let from = local_midnight_utc_ms(range.from, state.org_tz).map_err(engine_error)?;
            let to = local_midnight_utc_ms(range.to + TimeDelta::days(1), state.org_tz)
                .map_err(engine_error)?;
            let sums: Vec<SessionActivity> = store::session_sums(&state.db, Some(&ids), from, to)
                .await?
                .into_iter()
                .filter_map(session_activity)
                .collect();
            tokio::task::spawn_blocking(move || activity_report(&sums, &developers, &range))
                .await
                .map_err(|e| Error::Internal(anyhow::anyhow!("metrics task: {e}")))?
                .map_err(engine_error)
        })
        .await
}

/// The engine's row for a stored sum; labels are the store's constants.
fn session_activity(sum: SessionSum) -> Option<SessionActivity> {
    let figure = match sum.figure.as_str() {
        "lines_added" => Figure::LinesAdded,
        "lines_removed" => Figure::LinesRemoved,
        "edit_accept" => Figure::EditAccepted,
        "edit_reject" => Figure::EditRejected,
        "active_seconds" => Figure::ActiveSeconds,
        "api_request" => Figure::ApiRequests,
        "api_error" => Figure::ApiErrors,
        _ => return None,
    };
    Some(SessionActivity {
        user_id: sum.user_id,
        session_id: sum.session_id,
        from_telemetry: sum.from_telemetry,
        figure,
        tool: sum.tool_name,
        value: sum.value,
    })
}
