//! The CSV download of one table of a page (`?format=csv&table=NAME`).

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{Error, Result};
use crate::views::csv::CsvTable;

/// The table called `name` among `tables` as a `text/csv` download, or 404 naming the choices.
pub(crate) fn respond(tables: Vec<CsvTable>, name: &str, page: &str) -> Result<Response> {
    let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
    let table = tables.into_iter().find(|t| t.name == name).ok_or_else(|| {
        Error::NotFound(format!(
            "no table {name:?} on {page}; tables: {}",
            names.join(", ")
        ))
    })?;
    let disposition = format!("attachment; filename=\"agentmeter-{}.csv\"", table.name);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        table.to_csv()?,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_table_is_not_found_and_names_the_choices() {
        let err = respond(vec![CsvTable::new("a", vec![])], "b", "/spend").expect_err("unknown");
        assert!(matches!(err, Error::NotFound(m) if m.contains("tables: a")));
    }
}
