//! Horizontal bar chart of a ranked list, e.g. spend per developer, largest first.

use super::scale::{nice_ticks, Linear};
use super::svg::{empty, truncate, Svg, GRID, MUTED};
use super::{colour, Unit};

const WIDTH: f64 = 640.0;
const LABEL_COLUMN: f64 = 150.0;
const VALUE_COLUMN: f64 = 64.0;
const ROW: f64 = 26.0;
const TOP: f64 = 8.0;

/// One ranked item.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedBar {
    /// What is ranked, e.g. a developer's name.
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// A ranked list drawn as horizontal bars, largest first.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedBars {
    /// Accessible title.
    pub title: String,
    /// What the values measure.
    pub unit: Unit,
    /// Items in any order; they are sorted largest first and cut at `limit`; zeros are left out.
    pub items: Vec<RankedBar>,
    /// The most bars to draw.
    pub limit: usize,
}

/// Renders [`RankedBars`] as SVG; its height grows with the number of items.
pub fn ranked_bars(chart: &RankedBars) -> String {
    let mut items: Vec<&RankedBar> = chart
        .items
        .iter()
        .filter(|i| i.value.is_finite() && i.value > 0.0)
        .collect();
    items.sort_by(|a, b| b.value.total_cmp(&a.value));
    items.truncate(chart.limit);
    let max = items.iter().map(|i| i.value).fold(0.0, f64::max);
    if items.is_empty() {
        return empty(&chart.title, WIDTH);
    }
    let height = TOP + ROW * items.len() as f64 + 22.0;
    let mut svg = Svg::new(WIDTH, height, &chart.title);
    let ticks = nice_ticks(0.0, max, 4);
    let x = Linear {
        domain: (0.0, ticks[ticks.len() - 1]),
        range: (LABEL_COLUMN, WIDTH - VALUE_COLUMN),
    };
    let bottom = TOP + ROW * items.len() as f64;
    for &tick in &ticks {
        let px = x.at(tick);
        svg.push(&format!("<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{bottom:.1}\" stroke=\"{GRID}\"/>"));
        svg.text(px, bottom + 16.0, "middle", MUTED, &chart.unit.label(tick));
    }
    for (i, item) in items.iter().enumerate() {
        let top = TOP + ROW * i as f64;
        let end = x.at(item.value.max(0.0));
        svg.text(
            LABEL_COLUMN - 8.0,
            top + 17.0,
            "end",
            "#374151",
            &truncate(&item.label, 20),
        );
        svg.push(&format!(
            "<rect x=\"{LABEL_COLUMN}\" y=\"{:.1}\" width=\"{:.1}\" height=\"16\" rx=\"3\" fill=\"{}\">",
            top + 5.0,
            (end - LABEL_COLUMN).max(1.0),
            colour(0)
        ));
        svg.tooltip(&format!("{}: {}", item.label, chart.unit.label(item.value)));
        svg.push("</rect>");
        svg.text(
            end + 6.0,
            top + 17.0,
            "start",
            "#374151",
            &chart.unit.label(item.value),
        );
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> RankedBar {
        RankedBar {
            label: label.into(),
            value,
        }
    }

    #[test]
    fn sorts_largest_first_and_cuts_at_the_limit() {
        let chart = RankedBars {
            title: "Spend per developer".into(),
            unit: Unit::Usd,
            items: vec![bar("Ana", 10.0), bar("Bo", 300.0), bar("Cy", 50.0)],
            limit: 2,
        };
        let svg = ranked_bars(&chart);
        let (bo, cy) = (
            svg.find(">Bo<").expect("Bo drawn"),
            svg.find(">Cy<").expect("Cy drawn"),
        );
        assert!(bo < cy);
        assert!(!svg.contains(">Ana<"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn escapes_labels_and_handles_no_items() {
        let evil = RankedBars {
            title: "<t>".into(),
            unit: Unit::Count,
            items: vec![bar("<script>", 1.0)],
            limit: 5,
        };
        let svg = ranked_bars(&evil);
        assert!(
            svg.contains("&lt;script&gt;") && !svg.contains("<script>") && !svg.contains("<t>")
        );
        let none = RankedBars {
            items: vec![],
            ..evil
        };
        assert!(ranked_bars(&none).contains("No data"));
    }
}
