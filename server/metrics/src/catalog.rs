//! The dated plan catalog seeded from `data/plans-2026-11-28.csv`, with default limits.
//!
//! Limits are estimates in API-equivalent dollars (documented in docs/metrics.md, "Cost versus
//! subscription"); admins edit them later. One Pro unit is a 5-hour window of $10 and a week of
//! $60; other plans are multiples taken from the plan notes.

use chrono::NaiveDate;

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

/// Splits one CSV line into fields (RFC 4180 quoting; no line breaks inside fields).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Parses plans.csv content (`vendor,plan,usd_per_seat_month,billing,notes,source`) into plans
/// with ids 1, 2, ... in file order and the default limits above.
pub fn parse_plans_csv(csv: &str) -> Result<Vec<PlanRow>> {
    let date = |s: Option<&str>, line: usize| -> Result<Option<NaiveDate>> {
        s.map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|e| MetricsError::Catalog {
                line,
                reason: e.to_string(),
            })
        })
        .transpose()
    };
    let mut plans = Vec::new();
    for (index, line) in csv
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let line_no = index + 1;
        let f = fields(line);
        let [vendor, name, price, _billing, _notes, source] =
            <[String; 6]>::try_from(f).map_err(|f| MetricsError::Catalog {
                line: line_no,
                reason: format!("{} fields, expected 6", f.len()),
            })?;
        let usd_per_seat_month = match price.trim() {
            "" => None,
            p => Some(p.parse::<f64>().map_err(|e| MetricsError::Catalog {
                line: line_no,
                reason: format!("price {p:?}: {e}"),
            })?),
        };
        let t = terms(&vendor, &name);
        plans.push(PlanRow {
            id: plans.len() as i64 + 1,
            kind: t.kind,
            usd_per_seat_month,
            limit_5h_usd: t.units.map(|u| u.0 * PRO_WINDOW_USD),
            limit_week_usd: t.units.map(|u| u.1 * PRO_WEEK_USD),
            valid_from: date(t.valid.0, line_no)?,
            valid_to: date(t.valid.1, line_no)?,
            vendor,
            name,
            source,
        });
    }
    Ok(plans)
}

/// The shipped catalog, parsed.
pub fn default_plans() -> Result<Vec<PlanRow>> {
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
        let plans = default_plans().expect("catalog");
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
        assert_eq!(fields(r#"a,"b, ""c""",d"#), vec!["a", "b, \"c\"", "d"]);
    }
}
