//! Assistant activity as KPI cards (lines of code, edit acceptance, active time, API errors),
//! for the developer, adoption and productivity pages. Figures from the metrics engine
//! (`activity::activity_report`, docs/metrics.md "Assistant activity").

use agentmeter_metrics::activity::ActivityFigures;
use agentmeter_web::format;
use agentmeter_web::pages::KpiCard;

/// The four cards, or none when neither telemetry nor uploads reported any activity of this kind
/// (a team without edits or telemetry sees no empty cards).
pub(crate) fn kpis(figures: &ActivityFigures) -> Vec<KpiCard> {
    let nothing = figures.lines_added == 0
        && figures.lines_removed == 0
        && figures.edits_accepted + figures.edits_rejected == 0
        && figures.active_hours == 0.0
        && figures.api_requests + figures.api_errors == 0;
    if nothing {
        return Vec::new();
    }
    let or_dash =
        |pct: Option<f64>| pct.map_or_else(|| "—".to_owned(), |p| format::percent(p / 100.0));
    vec![
        KpiCard::new(
            "Lines by the assistant",
            format!(
                "+{} / −{}",
                format::integer(figures.lines_added),
                format::integer(figures.lines_removed)
            ),
            "added / removed by accepted edits",
        ),
        KpiCard::new(
            "Edit acceptance",
            or_dash(figures.edit_acceptance_pct),
            format!(
                "{} accepted, {} rejected",
                format::integer(figures.edits_accepted),
                format::integer(figures.edits_rejected)
            ),
        ),
        KpiCard::new(
            "Active time",
            format::duration((figures.active_hours * 3600.0).round() as i64),
            "Claude Code telemetry: user and CLI time",
        ),
        KpiCard::new(
            "API error rate",
            or_dash(figures.api_error_rate_pct),
            format!(
                "{} errors in {} API calls",
                format::integer(figures.api_errors),
                format::integer(figures.api_requests + figures.api_errors)
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_activity_shows_no_cards_and_some_shows_all_four() {
        assert!(kpis(&ActivityFigures::default()).is_empty());
        let figures = ActivityFigures {
            lines_added: 1_204,
            lines_removed: 38,
            edits_accepted: 3,
            edits_rejected: 1,
            edit_acceptance_pct: Some(75.0),
            active_hours: 1.5,
            ..ActivityFigures::default()
        };
        let cards = kpis(&figures);
        let values: Vec<&str> = cards.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["+1,204 / −38", "75.0%", "1h 30m", "—"]);
    }
}
