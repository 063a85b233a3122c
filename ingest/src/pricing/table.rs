//! The price table: per-model list prices in USD per million tokens, from the dated CSV compiled
//! into the binary, optionally overridden by a user price file in the same format.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::pricing::normalize::candidates;

/// The CSV this build ships, copied from `shared/pricing/model-prices.csv`.
pub const BUILTIN_PRICES_CSV: &str = include_str!("../../data/model-prices-2026-11-20.csv");
/// The date of [`BUILTIN_PRICES_CSV`].
pub const BUILTIN_PRICES_DATE: &str = "2026-11-20";

/// List prices of one model, USD per million tokens. `None` means the source gives no value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelPrice {
    pub input: f64,
    pub output: f64,
    pub cache_write_5m: Option<f64>,
    pub cache_write_1h: Option<f64>,
    pub cache_read: Option<f64>,
    pub input_above_200k: Option<f64>,
    pub output_above_200k: Option<f64>,
}

/// Model id to price. Build it with [`PriceTable::builtin`], then [`PriceTable::merge_csv`] a
/// user file over it.
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    models: HashMap<String, ModelPrice>,
}

const HEADER: [&str; 8] = [
    "model",
    "input_per_mtok",
    "output_per_mtok",
    "cache_write_5m_per_mtok",
    "cache_write_1h_per_mtok",
    "cache_read_per_mtok",
    "input_above_200k_per_mtok",
    "output_above_200k_per_mtok",
];

impl PriceTable {
    /// The prices compiled into this build.
    pub fn builtin() -> Self {
        let mut table = PriceTable::default();
        // The builtin file is tested; a failure here would be a build defect.
        if let Err(e) = table.merge_csv(BUILTIN_PRICES_CSV) {
            panic!("builtin price table is invalid: {e}");
        }
        table
    }

    /// Parses a price CSV (same header as the builtin one) and adds or replaces its models.
    pub fn merge_csv(&mut self, text: &str) -> Result<usize> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Ok(0);
        };
        let cols: Vec<&str> = header.split(',').map(str::trim).collect();
        if cols != HEADER {
            return Err(Error::PriceFile {
                line: 1,
                reason: format!("expected header `{}`", HEADER.join(",")),
            });
        }
        let mut added = 0;
        for (index, line) in lines {
            let (model, price) = parse_row(line).map_err(|reason| Error::PriceFile {
                line: index + 1,
                reason,
            })?;
            self.models.insert(model, price);
            added += 1;
        }
        Ok(added)
    }

    /// Adds or replaces one model.
    pub fn insert(&mut self, model: &str, price: ModelPrice) {
        self.models.insert(model.to_ascii_lowercase(), price);
    }

    /// The price of `model` and the id it was found under, trying the id as logged first and
    /// then its normalized forms (provider prefixes, date suffixes, `[1m]` tags removed).
    pub fn lookup(&self, model: &str) -> Option<(&str, &ModelPrice)> {
        // Logs name nearly every request by an id the table holds as it is (lowercase, trimmed):
        // the first candidate, found without building the others (the server prices every
        // uploaded event).
        if model.trim() == model {
            if let Some((id, price)) = self.models.get_key_value(model) {
                return Some((id.as_str(), price));
            }
        }
        candidates(model)
            .into_iter()
            .find_map(|c| self.models.get_key_value(c.as_str()))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Number of models in the table.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// True when the table has no models.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }
}

fn parse_row(line: &str) -> Result<(String, ModelPrice), String> {
    let cells: Vec<&str> = line.split(',').map(str::trim).collect();
    if cells.len() != HEADER.len() {
        return Err(format!(
            "expected {} cells, found {}",
            HEADER.len(),
            cells.len()
        ));
    }
    let model = cells[0].to_ascii_lowercase();
    if model.is_empty() {
        return Err("empty model id".into());
    }
    let opt = |i: usize| -> Result<Option<f64>, String> {
        if cells[i].is_empty() {
            return Ok(None);
        }
        let v: f64 = cells[i]
            .parse()
            .map_err(|_| format!("{}: `{}` is not a number", HEADER[i], cells[i]))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!(
                "{}: `{}` must be a non-negative number",
                HEADER[i], cells[i]
            ));
        }
        Ok(Some(v))
    };
    let req = |i: usize| opt(i)?.ok_or_else(|| format!("{} is required", HEADER[i]));
    let price = ModelPrice {
        input: req(1)?,
        output: req(2)?,
        cache_write_5m: opt(3)?,
        cache_write_1h: opt(4)?,
        cache_read: opt(5)?,
        input_above_200k: opt(6)?,
        output_above_200k: opt(7)?,
    };
    Ok((model, price))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_has_every_csv_row() {
        let rows = BUILTIN_PRICES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(PriceTable::builtin().len(), rows);
    }

    #[test]
    fn user_file_overrides_and_adds_models() {
        let mut t = PriceTable::builtin();
        let user = format!(
            "{}\nclaude-sonnet-4-5,1,2,,,,,\nmy-model,7,8,,,0.5,,\n",
            HEADER.join(",")
        );
        assert_eq!(t.merge_csv(&user).ok(), Some(2));
        assert_eq!(
            t.lookup("claude-sonnet-4-5").map(|(_, p)| p.input),
            Some(1.0)
        );
        assert_eq!(
            t.lookup("my-model").and_then(|(_, p)| p.cache_read),
            Some(0.5)
        );
    }

    #[test]
    fn bad_price_file_names_the_line() {
        let mut t = PriceTable::default();
        let err = t.merge_csv(&format!("{}\nm,abc,1,,,,,\n", HEADER.join(",")));
        assert!(matches!(err, Err(Error::PriceFile { line: 2, .. })));
        assert!(t.merge_csv("model,input\n").is_err());
    }
}
