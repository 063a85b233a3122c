//! Server-side CSV export of any table on a page (`?format=csv&table=NAME`): the page builds its
//! tables as [`CsvTable`]s and this module writes RFC 4180 text with a download file name.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use agentmeter_web::Figure;

use crate::error::{Error, Result};

/// One exportable table: its name (the `table=` value and file name), headings and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    pub name: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    pub fn new(name: &str, headers: Vec<&'static str>) -> Self {
        Self {
            name: name.to_owned(),
            headers,
            rows: Vec::new(),
        }
    }

    /// Adds one row of cells.
    pub fn row(mut self, cells: Vec<String>) -> Self {
        self.rows.push(cells);
        self
    }

    /// The table as CSV text, CRLF line ends.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let headers: Vec<String> = self.headers.iter().map(|h| h.to_string()).collect();
        for line in std::iter::once(&headers).chain(self.rows.iter()) {
            out.push_str(&line.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// The raw value of a figure for a spreadsheet (the number, or the text when there is none).
pub fn raw(figure: &Figure) -> String {
    if figure.sort.is_finite() {
        figure.sort_key()
    } else {
        String::new()
    }
}

/// Quotes a cell when needed, and defuses spreadsheet formulas in text (`=`, `+`, `-`, `@`).
fn cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '@'])
        || (text.starts_with('-') && text.parse::<f64>().is_err());
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table called `name` among `tables` as a `text/csv` download, or 404 naming the choices.
pub fn respond(tables: Vec<CsvTable>, name: &str, page: &str) -> Result<Response> {
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
        table.to_csv(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_commas_quotes_or_formulas_are_quoted_or_defused() {
        let table = CsvTable::new("t", vec!["name", "value"])
            .row(vec!["R&D, \"core\"".into(), "12.5".into()])
            .row(vec!["=HYPERLINK(1)".into(), "-3".into()]);
        assert_eq!(
            table.to_csv(),
            "name,value\r\n\"R&D, \"\"core\"\"\",12.5\r\n'=HYPERLINK(1),-3\r\n"
        );
    }

    #[test]
    fn an_unknown_table_is_not_found_and_names_the_choices() {
        let err = respond(vec![CsvTable::new("a", vec![])], "b", "/spend").expect_err("unknown");
        assert!(matches!(err, Error::NotFound(m) if m.contains("tables: a")));
    }

    #[test]
    fn figures_export_their_raw_number() {
        assert_eq!(raw(&Figure::usd(1234.5)), "1234.5");
        assert_eq!(raw(&Figure::missing()), "");
    }
}
