//! The hourly usage rollup (`usage_hourly`), kept exact to `usage_events`.
//!
//! An upload that only inserts events adds their sums to the buckets ([`add_new_events`]): a
//! bucket only grows then. One that replaces a request with a larger copy cannot work by deltas:
//! every (user, UTC hour) it touched is deleted and recomputed from the raw events
//! ([`refresh_hours`]). Both run inside the upload's transaction, under its user's lock. Events
//! whose cost is unknown are summed apart (`priced` false) so the engine can still tell unknown
//! cost from $0.

use std::collections::{BTreeSet, HashMap};

use foldhash::fast::RandomState;
use sqlx::QueryBuilder;

use crate::error::Result;
use crate::store::pool::{with_tx, Transaction};
use crate::store::sql::push_in_list;
use crate::store::usage_rows::EventRow;

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

/// Buckets per SQLite statement: 16 parameters each stays far below its limit of 32,766.
const BUCKETS_PER_STATEMENT: usize = 1_000;

/// Permission modes in which edits are applied without being asked (see [`unreviewed_edits!`]).
const UNREVIEWED_MODES: [&str; 2] = ["acceptEdits", "bypassPermissions"];

macro_rules! bucket_columns {
    () => {
        "user_id, hour, tool, model, project, repository, session_id, priced, events, input_tokens, \
         output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, edits, edits_unreviewed"
    };
}

/// Adds to a stored bucket; the NULL cost of an unpriced bucket stays NULL.
macro_rules! add_to_bucket {
    () => {
        " DO UPDATE SET events = usage_hourly.events + excluded.events, \
         input_tokens = usage_hourly.input_tokens + excluded.input_tokens, \
         output_tokens = usage_hourly.output_tokens + excluded.output_tokens, \
         cache_write_tokens = usage_hourly.cache_write_tokens + excluded.cache_write_tokens, \
         cache_read_tokens = usage_hourly.cache_read_tokens + excluded.cache_read_tokens, \
         cost_usd = usage_hourly.cost_usd + excluded.cost_usd, \
         edits = usage_hourly.edits + excluded.edits, \
         edits_unreviewed = usage_hourly.edits_unreviewed + excluded.edits_unreviewed"
    };
}

/// The conflict target is the unique index `usage_hourly_bucket` (migration 0006), written as it is.
const SQLITE_ADD: &str = concat!("INSERT INTO usage_hourly (", bucket_columns!(), ") ");
const SQLITE_ADD_CONFLICT: &str = concat!(
    " ON CONFLICT (user_id, hour, tool, model, IFNULL(project, x'00'), IFNULL(repository, x'00'), \
     session_id, priced)",
    add_to_bucket!()
);

/// One array per column; `$1` is the user.
const POSTGRES_ADD: &str = concat!(
    "INSERT INTO usage_hourly (",
    bucket_columns!(),
    ") SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
     $7::text[], $8::boolean[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], \
     $13::bigint[], $14::double precision[], $15::bigint[], $16::bigint[]) \
     ON CONFLICT ON CONSTRAINT usage_hourly_bucket",
    add_to_bucket!()
);

/// What identifies a bucket of one user.
#[derive(PartialEq, Eq, Hash)]
struct BucketKey<'a> {
    hour: i64,
    tool: &'static str,
    model: &'a str,
    project: Option<&'a str>,
    repository: Option<&'a str>,
    session_id: &'a str,
    priced: bool,
}

/// What a bucket sums.
#[derive(Default)]
struct BucketSums {
    events: i64,
    input_tokens: i64,
    output_tokens: i64,
    cache_write_tokens: i64,
    cache_read_tokens: i64,
    cost_usd: Option<f64>,
    edits: i64,
    edits_unreviewed: i64,
}

impl BucketSums {
    fn add(&mut self, row: &EventRow<'_>) {
        self.events += 1;
        self.input_tokens += row.input_tokens;
        self.output_tokens += row.output_tokens;
        self.cache_write_tokens += row.cache_write_5m_tokens + row.cache_write_1h_tokens;
        self.cache_read_tokens += row.cache_read_tokens;
        if let Some(cost) = row.cost_usd {
            self.cost_usd = Some(self.cost_usd.unwrap_or(0.0) + cost);
        }
        self.edits += row.edit_calls;
        if row
            .permission_mode
            .is_some_and(|mode| UNREVIEWED_MODES.contains(&mode))
        {
            self.edits_unreviewed += row.edit_calls;
        }
    }
}

/// The rows summed per bucket.
fn buckets<'a>(rows: &'a [EventRow<'a>]) -> Vec<(BucketKey<'a>, BucketSums)> {
    let mut sums: HashMap<BucketKey<'a>, BucketSums, RandomState> = HashMap::default();
    for row in rows {
        let key = BucketKey {
            hour: hour_of(row.ts),
            tool: row.tool,
            model: row.model,
            project: row.project,
            repository: row.repository,
            session_id: row.session_id,
            priced: row.cost_usd.is_some(),
        };
        sums.entry(key).or_default().add(row);
    }
    sums.into_iter().collect()
}

/// Adds `rows`, requests of `user_id` none of which was stored before, to their buckets with one
/// upsert per statement-sized chunk of buckets.
pub async fn add_new_events(
    tx: &mut Transaction,
    user_id: i64,
    rows: &[EventRow<'_>],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let buckets = buckets(rows);
    match tx {
        Transaction::Postgres(tx) => {
            fn column<'b, T>(
                buckets: &'b [(BucketKey<'b>, BucketSums)],
                f: impl Fn(&'b BucketKey<'b>, &'b BucketSums) -> T,
            ) -> Vec<T> {
                buckets.iter().map(|(k, s)| f(k, s)).collect()
            }
            sqlx::query(POSTGRES_ADD)
                .bind(user_id)
                .bind(column(&buckets, |k, _| k.hour))
                .bind(column(&buckets, |k, _| k.tool))
                .bind(column(&buckets, |k, _| k.model))
                .bind(column(&buckets, |k, _| k.project))
                .bind(column(&buckets, |k, _| k.repository))
                .bind(column(&buckets, |k, _| k.session_id))
                .bind(column(&buckets, |k, _| k.priced))
                .bind(column(&buckets, |_, s| s.events))
                .bind(column(&buckets, |_, s| s.input_tokens))
                .bind(column(&buckets, |_, s| s.output_tokens))
                .bind(column(&buckets, |_, s| s.cache_write_tokens))
                .bind(column(&buckets, |_, s| s.cache_read_tokens))
                .bind(column(&buckets, |_, s| s.cost_usd))
                .bind(column(&buckets, |_, s| s.edits))
                .bind(column(&buckets, |_, s| s.edits_unreviewed))
                .execute(&mut **tx)
                .await?;
        }
        Transaction::Sqlite(tx) => {
            for chunk in buckets.chunks(BUCKETS_PER_STATEMENT) {
                let mut insert = QueryBuilder::new(SQLITE_ADD);
                insert.push_values(chunk, |mut row, (k, s)| {
                    row.push_bind(user_id)
                        .push_bind(k.hour)
                        .push_bind(k.tool)
                        .push_bind(k.model)
                        .push_bind(k.project)
                        .push_bind(k.repository)
                        .push_bind(k.session_id)
                        .push_bind(k.priced)
                        .push_bind(s.events)
                        .push_bind(s.input_tokens)
                        .push_bind(s.output_tokens)
                        .push_bind(s.cache_write_tokens)
                        .push_bind(s.cache_read_tokens)
                        .push_bind(s.cost_usd)
                        .push_bind(s.edits)
                        .push_bind(s.edits_unreviewed);
                });
                insert.push(SQLITE_ADD_CONFLICT);
                insert.build().execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}

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
    fn both_ways_of_summing_agree_on_which_edits_are_unreviewed() {
        for mode in UNREVIEWED_MODES {
            assert!(unreviewed_edits!().contains(&format!("'{mode}'")));
        }
    }

    #[test]
    fn the_statements_bucket_by_the_hour_constant() {
        assert_eq!(HOUR_MS, 3_600_000);
        assert!(INSERT_BUCKETS.contains("(ts / 3600000) * 3600000"));
    }
}
