//! Large SQLite results read as one JSON text.
//!
//! sqlx's SQLite driver runs each connection on a worker thread that hands rows over one at a
//! time through a channel, waking the reading task for each row. For reports reading tens of
//! thousands of narrow rows that costs more than the query: SQLite builds one JSON array of the
//! rows instead (`json_group_array`), which crosses once and is decoded with serde.
//!
//! Kept on the typed pool with native row decoding on offer (issue 11): the page benchmark on
//! the demo organisation, both builds on the same database one after the other, gave cold p50s
//! of 26–35 ms for /reviews, /productivity and /adoption through this path and 39–113 ms with
//! `FromRow` rows (docs/bench-pages.md). PostgreSQL hands rows over without a worker thread and
//! reads them natively.

use serde::de::DeserializeOwned;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::error::{Error, Result};

/// Starts a statement that returns the rows of the `SELECT` pushed next as one JSON array of
/// arrays of `columns` (a list of expressions over the select's columns, in the order of the
/// fields of the row type). Floating-point columns must be listed as `quote(column)`: JSON would
/// keep only 15 digits, `quote()` keeps them all (decode with [`exact_f64`]).
pub(crate) fn json_rows_of(columns: &str) -> QueryBuilder<Sqlite> {
    let mut builder = QueryBuilder::new("SELECT COALESCE(json_group_array(json_array(");
    builder.push(columns).push(")), '[]') FROM (");
    builder
}

/// Closes the statement of [`json_rows_of`], runs it and decodes its rows.
pub(crate) async fn fetch_json_rows<T: DeserializeOwned>(
    pool: &SqlitePool,
    mut builder: QueryBuilder<Sqlite>,
) -> Result<Vec<T>> {
    builder.push(") AS q");
    let text: String = builder.build_query_scalar().fetch_one(pool).await?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Internal(anyhow::anyhow!("cannot decode query rows: {e}")))
}

/// Decodes a `quote()`d float column of [`fetch_json_rows`]: its exact text, or `NULL`.
pub(crate) fn exact_f64<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<f64>, D::Error> {
    use serde::Deserialize;
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) if text == "NULL" => Ok(None),
        Some(text) => text.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Decodes a flag of [`fetch_json_rows`]: SQLite has no booleans, its JSON carries 0 or 1.
pub(crate) fn flag<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<bool, D::Error> {
    use serde::Deserialize;
    Ok(i64::deserialize(deserializer)? != 0)
}
