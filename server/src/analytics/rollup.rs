//! The hourly usage rollup (`usage_hourly`), kept exact to `usage_events`.
//!
//! An upload may insert events or replace one with a larger copy, so a bucket cannot be updated
//! by adding deltas: every (user, UTC hour) an upload touched is deleted and recomputed from the
//! raw events, inside the upload's transaction. Events whose cost is unknown are summed apart
//! (`priced = 0`) so the engine can still tell unknown cost from $0.

use std::collections::BTreeSet;

use sqlx::AnyConnection;

use crate::db::{Backend, Placeholders};
use crate::error::Result;

/// Milliseconds in an hour: rollup buckets start at multiples of it (UTC).
pub const HOUR_MS: i64 = 3_600_000;

/// Hours per statement: keeps both backends' parameter limits far away.
const HOURS_PER_STATEMENT: usize = 500;

/// Permission modes in which file edits are applied without per-edit review.
pub const UNREVIEWED_MODES: &str = "'acceptEdits', 'bypassPermissions'";

/// The UTC hour (epoch ms of its start) containing `ts_ms`.
pub fn hour_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(HOUR_MS) * HOUR_MS
}

/// Recomputes the buckets of `user_id` for the given hours from the raw events.
pub async fn refresh_hours(
    conn: &mut AnyConnection,
    backend: Backend,
    user_id: i64,
    hours: &BTreeSet<i64>,
) -> Result<()> {
    let hours: Vec<i64> = hours.iter().copied().collect();
    for chunk in hours.chunks(HOURS_PER_STATEMENT) {
        let mut params = Placeholders::new(backend);
        let delete = format!(
            "DELETE FROM usage_hourly WHERE user_id = {} AND hour IN ({})",
            params.param(),
            params.list(chunk.len())
        );
        let mut query = sqlx::query(&delete).bind(user_id);
        for hour in chunk {
            query = query.bind(*hour);
        }
        query.execute(&mut *conn).await?;

        let (first, last) = (chunk[0], chunk[chunk.len() - 1] + HOUR_MS);
        let mut params = Placeholders::new(backend);
        let insert = format!(
            "INSERT INTO usage_hourly (user_id, hour, tool, model, project, repository, session_id, priced, events,
                 input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, edits, edits_unreviewed)
             SELECT user_id, (ts / {HOUR_MS}) * {HOUR_MS} AS bucket, tool, model, project, repository, session_id,
                 CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END AS is_priced,
                 COUNT(*),
                 CAST(SUM(input_tokens) AS BIGINT),
                 CAST(SUM(output_tokens) AS BIGINT),
                 CAST(SUM(cache_write_5m_tokens + cache_write_1h_tokens) AS BIGINT),
                 CAST(SUM(cache_read_tokens) AS BIGINT),
                 CAST(SUM(cost_usd) AS DOUBLE PRECISION),
                 CAST(SUM(edit_calls) AS BIGINT),
                 CAST(SUM(CASE WHEN permission_mode IN ({UNREVIEWED_MODES}) THEN edit_calls ELSE 0 END) AS BIGINT)
             FROM usage_events
             WHERE user_id = {user} AND ts >= {from} AND ts < {until} AND (ts / {HOUR_MS}) * {HOUR_MS} IN ({list})
             GROUP BY user_id, (ts / {HOUR_MS}) * {HOUR_MS}, tool, model, project, repository, session_id,
                 CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END",
            user = params.param(),
            from = params.param(),
            until = params.param(),
            list = params.list(chunk.len()),
        );
        let mut query = sqlx::query(&insert).bind(user_id).bind(first).bind(last);
        for hour in chunk {
            query = query.bind(*hour);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_belongs_to_the_utc_hour_it_falls_in() {
        assert_eq!(hour_of(HOUR_MS * 5 + 59 * 60_000), HOUR_MS * 5);
        assert_eq!(hour_of(HOUR_MS * 5), HOUR_MS * 5);
        assert_eq!(hour_of(-1), -HOUR_MS);
    }
}
