//! The tables of a page as CSV (`?format=csv&table=NAME`): each page view lists its tables as
//! [`CsvTable`]s, written here as RFC 4180 text (the download itself is `routes::pages::csv`).

use agentmeter_web::Figure;
use anyhow::{anyhow, Context};

use crate::error::{Error, Result};

/// One exportable table: its name (the `table=` value and file name), headings and rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CsvTable {
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

    /// The table as CSV text (RFC 4180, CRLF line ends), spreadsheet formulas defused.
    pub fn to_csv(&self) -> Result<String> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer.write_record(&self.headers).map_err(csv_error)?;
        for row in &self.rows {
            writer
                .write_record(row.iter().map(|c| defuse_formula(c)))
                .map_err(csv_error)?;
        }
        let bytes = writer.into_inner().map_err(|e| anyhow!("csv: {e}"))?;
        Ok(String::from_utf8(bytes).context("csv")?)
    }
}

fn csv_error(e: csv::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("csv"))
}

/// The raw value of a figure for a spreadsheet (the number, or the text when there is none).
pub(crate) fn raw(figure: &Figure) -> String {
    if figure.sort.is_finite() {
        figure.sort_key()
    } else {
        String::new()
    }
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `@`, a tab or carriage return, which
/// some spreadsheets skip before reading a formula, or `-` not starting a number) gets a
/// leading `'`.
fn defuse_formula(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '@', '\t', '\r'])
        || (text.starts_with('-') && text.parse::<f64>().is_err());
    if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    }
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
            table.to_csv().expect("csv"),
            "name,value\r\n\"R&D, \"\"core\"\"\",12.5\r\n'=HYPERLINK(1),-3\r\n"
        );
    }

    #[test]
    fn a_leading_tab_or_carriage_return_is_defused_too() {
        assert_eq!(defuse_formula("\t=1+1"), "'\t=1+1");
        assert_eq!(defuse_formula("\r=1+1"), "'\r=1+1");
        assert_eq!(defuse_formula("-3.5"), "-3.5");
        assert_eq!(defuse_formula("plain"), "plain");
    }

    #[test]
    fn figures_export_their_raw_number() {
        assert_eq!(raw(&Figure::usd(1234.5)), "1234.5");
        assert_eq!(raw(&Figure::missing()), "");
    }
}
