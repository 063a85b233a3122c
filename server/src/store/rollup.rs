//! The hourly usage rollup (`usage_hourly`), kept exact to `usage_events`.
//!
//! An upload may insert events or replace one with a larger copy, so a bucket cannot be updated
//! by adding deltas: every (user, UTC hour) an upload touched is deleted and recomputed from the
//! raw events, inside the upload's transaction. Events whose cost is unknown are summed apart
//! (`priced` false) so the engine can still tell unknown cost from $0.

use std::collections::BTreeSet;

use sqlx::QueryBuilder;

use crate::error::Result;
use crate::store::pool::{with_tx, Transaction};
use crate::store::sql::push_in_list;

/// Milliseconds in an hour: rollup buckets start at multiples of it (UTC).
pub const HOUR_MS: i64 = 3_600_000;

/// Hours per statement: keeps SQLite's parameter limit far away.
const HOURS_PER_STATEMENT: usize = 500;

/// The edits of an event made without per-edit review: those in a permission mode that applies
/// edits unasked. A macro, so that statements can be written whole with `concat!`.
macro_rules! unreviewed_edits {
    () => {
        "CASE WHEN permission_mode IN ('acceptEdits', 'bypassPermissions') THEN edit_calls ELSE 0 END"
    };
}
pub(crate) use unreviewed_edits;

/// Refills the buckets of one user from the raw events of the hours listed after it; the list
/// is appended per backend.
const INSERT_BUCKETS: &str = concat!(
    "INSERT INTO usage_hourly (user_id, hour, tool, model, project, repository, session_id, priced, events,
         input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, edits, edits_unreviewed)
     SELECT user_id, (ts / 3600000) * 3600000 AS bucket, tool, model, project, repository, session_id,
         cost_usd IS NOT NULL AS is_priced,
         COUNT(*),
         CAST(SUM(input_tokens) AS BIGINT),
         CAST(SUM(output_tokens) AS BIGINT),
         CAST(SUM(cache_write_5m_tokens + cache_write_1h_tokens) AS BIGINT),
         CAST(SUM(cache_read_tokens) AS BIGINT),
         CAST(SUM(cost_usd) AS DOUBLE PRECISION),
         CAST(SUM(edit_calls) AS BIGINT),
         CAST(SUM(",
    unreviewed_edits!(),
    ") AS BIGINT)
     FROM usage_events WHERE user_id = "
);

const GROUP_BUCKETS: &str =
    " GROUP BY user_id, (ts / 3600000) * 3600000, tool, model, project, repository, session_id,
         cost_usd IS NOT NULL";

/// The UTC hour (epoch ms of its start) containing `ts_ms`.
pub fn hour_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(HOUR_MS) * HOUR_MS
}

/// Recomputes the buckets of `user_id` for the given hours from the raw events.
pub async fn refresh_hours(
    tx: &mut Transaction,
    user_id: i64,
    hours: &BTreeSet<i64>,
) -> Result<()> {
    let hours: Vec<i64> = hours.iter().copied().collect();
    for chunk in hours.chunks(HOURS_PER_STATEMENT) {
        let (first, last) = (chunk[0], chunk[chunk.len() - 1] + HOUR_MS);
        with_tx!(&mut *tx, |conn| {
            let mut delete = QueryBuilder::new("DELETE FROM usage_hourly WHERE user_id = ");
            delete.push_bind(user_id).push(" AND hour");
            push_in_list(&mut delete, chunk);
            delete.build().execute(&mut *conn).await?;

            // The time range lets the (user_id, ts) index find the rows; the list then keeps
            // only the touched hours.
            let mut insert = QueryBuilder::new(INSERT_BUCKETS);
            insert.push_bind(user_id);
            insert.push(" AND ts >= ").push_bind(first);
            insert.push(" AND ts < ").push_bind(last);
            insert.push(" AND (ts / 3600000) * 3600000");
            push_in_list(&mut insert, chunk);
            insert.push(GROUP_BUCKETS);
            insert.build().execute(&mut *conn).await?;
        });
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

    #[test]
    fn the_statements_bucket_by_the_hour_constant() {
        assert_eq!(HOUR_MS, 3_600_000);
        assert!(INSERT_BUCKETS.contains("(ts / 3600000) * 3600000"));
    }
}
