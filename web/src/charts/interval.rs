//! Point estimates with interval whiskers against a zero line, e.g. productivity lift per team
//! with its 90% confidence interval. Green when the whole interval is above zero, red when below,
//! grey when it straddles zero.

use super::scale::{nice_ticks, Linear};
use super::svg::{empty, truncate, Svg, GRID, MUTED};
use super::Unit;

const WIDTH: f64 = 640.0;
const LABEL_COLUMN: f64 = 170.0;
const VALUE_COLUMN: f64 = 215.0;
const ROW: f64 = 40.0;
const TOP: f64 = 8.0;

/// One estimate with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalEstimate {
    /// What was measured, e.g. a team name.
    pub label: String,
    /// Small print under the label, e.g. `n = 12 developers`.
    pub note: String,
    /// The point estimate.
    pub estimate: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// Estimates with intervals, one row each.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalChart {
    /// Accessible title.
    pub title: String,
    /// What the values measure (usually [`Unit::Percent`]).
    pub unit: Unit,
    /// Rows in display order.
    pub items: Vec<IntervalEstimate>,
}

fn signed(unit: Unit, value: f64) -> String {
    let label = unit.label(value);
    if value > 0.0 {
        format!("+{label}")
    } else {
        label
    }
}

/// Renders an [`IntervalChart`] as SVG; its height grows with the number of rows.
pub fn interval_chart(chart: &IntervalChart) -> String {
    let finite = |i: &&IntervalEstimate| [i.estimate, i.low, i.high].iter().all(|v| v.is_finite());
    let items: Vec<&IntervalEstimate> = chart.items.iter().filter(finite).collect();
    if items.is_empty() {
        return empty(&chart.title, WIDTH);
    }
    let lo = items
        .iter()
        .map(|i| i.low.min(i.estimate))
        .fold(0.0, f64::min);
    let hi = items
        .iter()
        .map(|i| i.high.max(i.estimate))
        .fold(0.0, f64::max);
    let ticks = nice_ticks(lo, hi, 5);
    let x = Linear {
        domain: (ticks[0], ticks[ticks.len() - 1]),
        range: (LABEL_COLUMN + 8.0, WIDTH - VALUE_COLUMN),
    };
    let bottom = TOP + ROW * items.len() as f64;
    let mut svg = Svg::new(WIDTH, bottom + 24.0, &chart.title);
    for &tick in &ticks {
        let px = x.at(tick);
        let (stroke, width) = if tick == 0.0 {
            ("#374151", 1.5)
        } else {
            (GRID, 1.0)
        };
        svg.push(&format!(
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{bottom:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
        ));
        svg.text(
            px,
            bottom + 16.0,
            "middle",
            MUTED,
            &signed(chart.unit, tick),
        );
    }
    for (i, item) in items.iter().enumerate() {
        let mid = TOP + ROW * i as f64 + ROW / 2.0;
        let colour = match (item.low > 0.0, item.high < 0.0) {
            (true, _) => "#059669",
            (_, true) => "#dc2626",
            _ => "#6b7280",
        };
        svg.text(
            LABEL_COLUMN - 8.0,
            mid - 2.0,
            "end",
            "#111827",
            &truncate(&item.label, 20),
        );
        svg.push("<g font-size=\"11\">");
        svg.text(
            LABEL_COLUMN - 8.0,
            mid + 11.0,
            "end",
            MUTED,
            &truncate(&item.note, 24),
        );
        svg.push("</g>");
        let (x0, x1, xe) = (x.at(item.low), x.at(item.high), x.at(item.estimate));
        svg.push(&format!(
            "<g stroke=\"{colour}\" stroke-width=\"2\"><line x1=\"{x0:.1}\" y1=\"{mid:.1}\" x2=\"{x1:.1}\" y2=\"{mid:.1}\"/>\
             <line x1=\"{x0:.1}\" y1=\"{:.1}\" x2=\"{x0:.1}\" y2=\"{:.1}\"/>\
             <line x1=\"{x1:.1}\" y1=\"{:.1}\" x2=\"{x1:.1}\" y2=\"{:.1}\"/></g>",
            mid - 6.0, mid + 6.0, mid - 6.0, mid + 6.0
        ));
        let range = format!(
            "{} ({} to {})",
            signed(chart.unit, item.estimate),
            signed(chart.unit, item.low),
            signed(chart.unit, item.high)
        );
        svg.push(&format!(
            "<circle cx=\"{xe:.1}\" cy=\"{mid:.1}\" r=\"5\" fill=\"{colour}\">"
        ));
        svg.tooltip(&format!("{}: {range}", item.label));
        svg.push("</circle>");
        svg.text(
            WIDTH - VALUE_COLUMN + 12.0,
            mid + 4.0,
            "start",
            "#374151",
            &range,
        );
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(label: &str, estimate: f64, low: f64, high: f64) -> IntervalEstimate {
        IntervalEstimate {
            label: label.into(),
            note: "n = 8 developers".into(),
            estimate,
            low,
            high,
        }
    }

    #[test]
    fn colours_each_row_by_where_its_interval_lies() {
        let chart = IntervalChart {
            title: "Lift per team".into(),
            unit: Unit::Percent,
            items: vec![
                estimate("Up", 0.2, 0.05, 0.3),
                estimate("Unclear", 0.05, -0.1, 0.2),
                estimate("Down", -0.2, -0.3, -0.1),
            ],
        };
        let svg = interval_chart(&chart);
        assert!(svg.contains("#059669") && svg.contains("#6b7280") && svg.contains("#dc2626"));
        assert!(svg.contains("+20% (+5% to +30%)"));
        assert!(svg.contains(">0%</text>"), "the zero line is labelled");
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
    }

    #[test]
    fn non_finite_rows_are_dropped_and_nothing_left_is_an_empty_state() {
        let chart = IntervalChart {
            title: "t".into(),
            unit: Unit::Percent,
            items: vec![estimate("x", f64::NAN, 0.0, 1.0)],
        };
        assert!(interval_chart(&chart).contains("No data"));
    }
}
