//! The dated plan catalog seeded from `data/plans-2026-11-28.csv`, with default limits.
//!
//! Limits are estimates in API-equivalent dollars (documented in docs/metrics.md, "Cost versus
//! subscription"); admins edit them later. One Pro unit is a 5-hour window of $10 and a week of
//! $60; other plans are multiples taken from the plan notes.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{MetricsError, Result};
use crate::rows::{PlanKind, PlanRow};

/// The plan catalog shipped with the engine (copy of shared/pricing/plans.csv, 2026-11-28).
pub const PLANS_CSV: &str = include_str!("../data/plans-2026-11-28.csv");

/// API-equivalent dollars of one Claude Pro / ChatGPT Plus 5-hour window (estimate).
pub const PRO_WINDOW_USD: f64 = 10.0;
/// API-equivalent dollars of one Claude Pro / ChatGPT Plus week (estimate).
pub const PRO_WEEK_USD: f64 = 60.0;

/// Defaults for one catalog row: kind, (window, week) in Pro units, validity.
struct Terms {
    kind: PlanKind,
    units: Option<(f64, f64)>,
    valid: (Option<&'static str>, Option<&'static str>),
}

fn terms(vendor: &str, name: &str) -> Terms {
    let flat = |w: f64, k: f64| Terms {
        kind: PlanKind::Flat,
        units: Some((w, k)),
        valid: (None, None),
    };
    let usage = Terms {
        kind: PlanKind::UsageBased,
        units: None,
        valid: (None, None),
    };
    let none = Terms {
        kind: PlanKind::NotComparable,
        units: None,
        valid: (None, None),
    };
    let dated = |t: Terms, from: Option<&'static str>, to: Option<&'static str>| Terms {
        valid: (from, to),
        ..t
    };
    let has = |s: &str| name.contains(s);
    match vendor {
        "Anthropic" if has("Pro") => flat(1.0, 1.0),
        // Weekly guidance: Max 5x 140-280 h vs Pro 40-80 h = 3.5x; Max 20x 240-480 h = 6x.
        "Anthropic" if has("Max 5x") => flat(5.0, 3.5),
        "Anthropic" if has("Max 20x") => flat(20.0, 6.0),
        // Before 2026 a Standard seat had no Claude Code.
        "Anthropic" if has("Standard seat (2024-2025") => dated(none, None, Some("2025-12-31")),
        "Anthropic" if has("Premium seat (Aug 2025") => {
            dated(flat(5.0, 3.5), Some("2025-08-01"), Some("2025-12-31"))
        }
        "Anthropic" if has("Standard seat (2026") => {
            dated(flat(1.25, 1.25), Some("2026-01-01"), None)
        }
        "Anthropic" if has("Premium seat (2026") => {
            dated(flat(6.25, 6.25), Some("2026-01-01"), None)
        }
        "Anthropic" if has("Enterprise") || has("API") => usage,
        "OpenAI" if has("Plus") => flat(1.0, 1.0),
        "OpenAI" if has("$100 tier") => flat(5.0, 5.0),
        "OpenAI" if has("$200 tier") => flat(20.0, 10.0),
        "OpenAI" if has("until 2026-04-01") => dated(flat(1.0, 1.0), None, Some("2026-04-01")),
        "OpenAI" if has("standard seat (from 2026-04-02") => {
            dated(flat(1.0, 1.0), Some("2026-04-02"), None)
        }
        "OpenAI" if has("Codex seat") => usage,
        _ => none,
    }
}

/// One plan of a catalog file: the engine's row and the file's free-text notes.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry {
    pub plan: PlanRow,
    pub notes: String,
}

/// A line of plans.csv (`billing` is not used).
#[derive(Deserialize)]
struct CsvPlan {
    vendor: String,
    plan: String,
    usd_per_seat_month: String,
    notes: String,
    source: String,
}

/// Parses plans.csv content (`vendor,plan,usd_per_seat_month,billing,notes,source`) into plans
/// with ids 1, 2, ... in file order and the default limits above.
pub fn parse_plans_csv(text: &str) -> Result<Vec<CatalogEntry>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| catalog_error(1, e.to_string()))?
        .clone();
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            catalog_error(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let row: CsvPlan = record
            .deserialize(Some(&headers))
            .map_err(|e| catalog_error(line, e.to_string()))?;
        let usd_per_seat_month = match row.usd_per_seat_month.trim() {
            "" => None,
            p => Some(
                p.parse::<f64>()
                    .map_err(|e| catalog_error(line, format!("price {p:?}: {e}")))?,
            ),
        };
        let date = |d: Option<&str>| -> Result<Option<NaiveDate>> {
            d.map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|e| catalog_error(line, e.to_string()))
            })
            .transpose()
        };
        let t = terms(&row.vendor, &row.plan);
        let plan = PlanRow {
            id: entries.len() as i64 + 1,
            kind: t.kind,
            usd_per_seat_month,
            limit_5h_usd: t.units.map(|u| u.0 * PRO_WINDOW_USD),
            limit_week_usd: t.units.map(|u| u.1 * PRO_WEEK_USD),
            valid_from: date(t.valid.0)?,
            valid_to: date(t.valid.1)?,
            vendor: row.vendor,
            name: row.plan,
            source: row.source,
        };
        entries.push(CatalogEntry {
            plan,
            notes: row.notes,
        });
    }
    Ok(entries)
}

fn catalog_error(line: usize, reason: String) -> MetricsError {
    MetricsError::Catalog { line, reason }
}

/// The shipped catalog, parsed.
pub fn shipped_catalog() -> Result<Vec<CatalogEntry>> {
    parse_plans_csv(PLANS_CSV)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan<'a>(plans: &'a [PlanRow], name: &str) -> &'a PlanRow {
        plans
            .iter()
            .find(|p| p.name == name)
            .expect("plan in catalog")
    }

    #[test]
    fn the_shipped_catalog_parses_every_row_with_its_default_limits() {
        let catalog = shipped_catalog().expect("catalog");
        let plans: Vec<PlanRow> = catalog.iter().map(|e| e.plan.clone()).collect();
        assert_eq!(
            plans.len(),
            PLANS_CSV.lines().filter(|l| !l.is_empty()).count() - 1
        );
        let pro = plan(&plans, "Claude Pro");
        assert_eq!(
            (pro.usd_per_seat_month, pro.limit_5h_usd, pro.limit_week_usd),
            (Some(20.0), Some(10.0), Some(60.0))
        );
        let max5 = plan(&plans, "Claude Max 5x (named \"Max\" from ~2026-10)");
        assert_eq!(
            (
                max5.usd_per_seat_month,
                max5.limit_5h_usd,
                max5.limit_week_usd
            ),
            (Some(100.0), Some(50.0), Some(210.0))
        );
        let api = plan(&plans, "Claude API (pay-as-you-go)");
        assert_eq!(
            (api.kind, api.usd_per_seat_month),
            (PlanKind::UsageBased, None)
        );
        let old = plan(
            &plans,
            "ChatGPT Business standard seat (formerly Team; until 2026-04-01)",
        );
        assert_eq!(old.valid_to, NaiveDate::from_ymd_opt(2026, 4, 1));
        assert_eq!(plan(&plans, "Copilot Pro").kind, PlanKind::NotComparable);
        assert!(catalog[0].notes.starts_with("Includes Claude Code."));
    }

    #[test]
    fn every_source_of_the_shipped_catalog_is_a_list_of_absolute_https_urls() {
        for entry in shipped_catalog().expect("catalog") {
            let source = &entry.plan.source;
            for address in source.split("; ") {
                let parsed = url::Url::parse(address).unwrap_or_else(|e| {
                    panic!("{}: {address:?} in {source:?}: {e}", entry.plan.name)
                });
                assert_eq!(parsed.scheme(), "https", "{}: {address}", entry.plan.name);
                assert!(
                    parsed.host_str().is_some_and(|h| h.contains('.')),
                    "{address}"
                );
                // Words beside an address may still parse (percent-encoded): it must read back
                // exactly as written.
                assert_eq!(
                    parsed.as_str().trim_end_matches('/'),
                    address.trim_end_matches('/'),
                    "{}",
                    entry.plan.name
                );
            }
        }
        // The one address once cut short in the file: parsing cannot tell, so it is named here.
        let enterprise = shipped_catalog()
            .expect("catalog")
            .into_iter()
            .find(|e| e.plan.name == "ChatGPT Enterprise/Edu")
            .expect("ChatGPT Enterprise/Edu");
        assert_eq!(
            enterprise.plan.source,
            "https://help.openai.com/en/articles/11481834-chatgpt-rate-card-business-enterpriseedu-credit-based-pricing"
        );
    }

    #[test]
    fn a_catalog_line_with_a_bad_price_names_its_line() {
        let err = parse_plans_csv(
            "vendor,plan,usd_per_seat_month,billing,notes,source\nOpenAI,X,abc,monthly,,src\n",
        );
        assert!(
            matches!(err, Err(MetricsError::Catalog { line: 2, .. })),
            "{err:?}"
        );
    }

    #[test]
    fn quoted_fields_keep_their_commas_and_doubled_quotes() {
        let catalog = parse_plans_csv(
            "vendor,plan,usd_per_seat_month,billing,notes,source\n\
             OpenAI,\"Plus, \"\"annual\"\"\",20,annual,\"a, b\",src\n",
        )
        .expect("catalog");
        assert_eq!(catalog[0].plan.name, "Plus, \"annual\"");
        assert_eq!(catalog[0].notes, "a, b");
    }
}
