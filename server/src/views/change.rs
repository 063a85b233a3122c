//! Changes of spend as badges and table cells: a percentage only where the engine gives one
//! (`spend::meaningful_change_pct`), else the dollars, else "new" (docs/metrics.md, "Changes").

use agentmeter_metrics::spend::{ShownChange, SpendChange};
use agentmeter_web::{format, Delta, Figure};

/// The badge of `change` against `basis` (e.g. `vs previous period`); spend going up is bad
/// news. Where the API answers the same change at `metric` (`….change_pct` or `….change_usd`
/// under it), the badge names it.
pub(crate) fn delta(change: &SpendChange, basis: &str, metric: Option<&str>) -> Option<Delta> {
    let (delta, field) = match change.shown() {
        ShownChange::Percent(pct) => (Delta::relative(pct / 100.0, basis, false), "change_pct"),
        ShownChange::Usd(usd) => (Delta::usd(usd, basis, false), "change_usd"),
        ShownChange::New => return Some(Delta::new_figure(basis)),
        ShownChange::Nothing => return None,
    };
    Some(match metric {
        Some(metric) => delta.measuring(format!("{metric}.{field}")),
        None => delta,
    })
}

/// A change in a table cell, read as the badges read it; it sorts (and exports, as
/// `change_ratio`) only as a percentage.
pub(crate) fn figure(change: &SpendChange) -> Figure {
    match change.shown() {
        ShownChange::Percent(pct) => Figure::signed_percent(pct / 100.0),
        ShownChange::Usd(usd) => Figure::new(format::signed_usd_whole(usd), f64::NAN),
        ShownChange::New => Figure::new("new", f64::NAN),
        ShownChange::Nothing => Figure::missing(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_base_reads_in_dollars_and_an_empty_one_as_new() {
        let text = |current, base| {
            delta(&SpendChange::between(current, base), "vs June", None).map(|d| d.text)
        };
        // 150 / 100 - 1; $11 before $463 now would read +4109.1 %; nothing before; nothing at all.
        assert_eq!(text(150.0, 100.0).as_deref(), Some("+50.0%"));
        assert_eq!(text(463.0, 11.0).as_deref(), Some("+$452"));
        assert_eq!(text(40.0, 0.0).as_deref(), Some("new"));
        assert_eq!(text(0.0, 0.0), None);
        assert_eq!(figure(&SpendChange::between(463.0, 11.0)).text, "+$452");
        assert!(figure(&SpendChange::between(463.0, 11.0)).sort.is_nan());
    }

    #[test]
    fn the_badge_names_the_api_field_it_shows() {
        let metric = |current, base| {
            delta(
                &SpendChange::between(current, base),
                "vs previous period",
                Some("spend.comparison.cost_change"),
            )
            .and_then(|d| d.metric)
        };
        assert_eq!(
            metric(150.0, 100.0).as_deref(),
            Some("spend.comparison.cost_change.change_pct")
        );
        assert_eq!(
            metric(463.0, 11.0).as_deref(),
            Some("spend.comparison.cost_change.change_usd")
        );
        assert_eq!(metric(40.0, 0.0), None);
    }
}
