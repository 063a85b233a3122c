//! Pieces of generated statements that each backend writes its own way.

use sqlx::{Postgres, QueryBuilder, Sqlite};

/// A backend's way of matching a column against a list of integers bound as parameters.
pub(crate) trait IntegerList: sqlx::Database {
    /// Pushes the test of the expression just written against `values`.
    fn push_in_list(builder: &mut QueryBuilder<Self>, values: &[i64]);
}

impl IntegerList for Sqlite {
    /// ` IN (?, ?, …)`: anonymous `?` placeholders, which `QueryBuilder` writes for SQLite. An
    /// empty list is `IN ()`, which SQLite accepts and matches nothing.
    fn push_in_list(builder: &mut QueryBuilder<Sqlite>, values: &[i64]) {
        builder.push(" IN (");
        let mut list = builder.separated(", ");
        for value in values {
            list.push_bind(*value);
        }
        builder.push(")");
    }
}

impl IntegerList for Postgres {
    /// ` = ANY($n)` with one array parameter: the statement text stays the same whatever the
    /// list's length, so PostgreSQL plans it once per connection.
    fn push_in_list(builder: &mut QueryBuilder<Postgres>, values: &[i64]) {
        builder.push(" = ANY(");
        builder.push_bind(values.to_vec());
        builder.push(")");
    }
}

/// Pushes ` IN (…)` (or its PostgreSQL equivalent) for `values` after the expression just written.
pub(crate) fn push_in_list<DB: IntegerList>(builder: &mut QueryBuilder<DB>, values: &[i64]) {
    DB::push_in_list(builder, values);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_lists_anonymous_placeholders_and_postgres_binds_one_array() {
        let mut lite = QueryBuilder::<Sqlite>::new("SELECT 1 WHERE id");
        push_in_list(&mut lite, &[3, 7]);
        assert_eq!(lite.sql(), "SELECT 1 WHERE id IN (?, ?)");
        let mut pg = QueryBuilder::<Postgres>::new("SELECT 1 WHERE id");
        push_in_list(&mut pg, &[3, 7]);
        assert_eq!(pg.sql(), "SELECT 1 WHERE id = ANY($1)");
    }
}
