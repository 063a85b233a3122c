//! When the data of a scope was last added to: where a report without `to` ends.

use sqlx::QueryBuilder;

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::with_pool;
use crate::store::sql::push_in_list;

/// The latest usage event or pull-request merge (epoch ms) of these users, or of everyone when
/// `None`; `None` when they have neither.
pub async fn last_data_ms(db: &Db, user_ids: Option<&[i64]>) -> Result<Option<i64>> {
    if user_ids.is_some_and(|ids| ids.is_empty()) {
        return Ok(None);
    }
    Ok(with_pool!(db, |pool| {
        // One seek of the (user_id, ts) index per user: no index orders all events by time.
        let mut usage = QueryBuilder::new(
            "SELECT MAX((SELECT MAX(e.ts) FROM usage_events e WHERE e.user_id = u.id)) FROM users u",
        );
        let mut merged = QueryBuilder::new(
            "SELECT MAX(merged_at) FROM pull_requests WHERE merged_at IS NOT NULL",
        );
        if let Some(ids) = user_ids {
            usage.push(" WHERE u.id");
            push_in_list(&mut usage, ids);
            merged.push(" AND author_user_id");
            push_in_list(&mut merged, ids);
        }
        let last_usage: Option<i64> = usage.build_query_scalar().fetch_one(pool).await?;
        let last_merge: Option<i64> = merged.build_query_scalar().fetch_one(pool).await?;
        last_usage.max(last_merge)
    }))
}
