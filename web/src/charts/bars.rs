//! Vertical bar chart by category or period, with series stacked or side by side.

use super::scale::{nice_ticks, Linear};
use super::svg::{empty, Svg};
use super::{colour, Series, Unit};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 28.0;

/// How several series share one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarLayout {
    /// Series stacked into one bar (parts of a total, e.g. spend by team per month).
    Stacked,
    /// Series side by side (comparisons, e.g. skip rate of AI vs human PRs per team).
    Grouped,
}

/// A bar chart of values per category.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Accessible title.
    pub title: String,
    /// What the values measure.
    pub unit: Unit,
    /// Category or period labels in order.
    pub categories: Vec<String>,
    /// Series aligned with `categories`; negative and non-finite values count as zero.
    pub series: Vec<Series>,
    /// Stacked or grouped.
    pub layout: BarLayout,
}

fn value(series: &Series, i: usize) -> f64 {
    series
        .values
        .get(i)
        .copied()
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
        .max(0.0)
}

/// Renders a [`BarChart`] as SVG.
pub fn bar_chart(chart: &BarChart) -> String {
    let per_category = |i: usize| chart.series.iter().map(move |s| value(s, i));
    let max = (0..chart.categories.len())
        .map(|i| match chart.layout {
            BarLayout::Stacked => per_category(i).sum(),
            BarLayout::Grouped => per_category(i).fold(0.0, f64::max),
        })
        .fold(0.0, f64::max);
    if chart.categories.is_empty() || chart.series.is_empty() || max == 0.0 {
        return empty(&chart.title, WIDTH);
    }
    let mut svg = Svg::new(WIDTH, HEIGHT, &chart.title);
    let top = 14.0
        + if chart.series.len() > 1 {
            svg.legend(&chart.series, LEFT, 14.0, WIDTH - LEFT)
        } else {
            0.0
        };
    let ticks = nice_ticks(0.0, max, 5);
    let y = Linear {
        domain: (0.0, ticks[ticks.len() - 1]),
        range: (HEIGHT - BOTTOM, top + 6.0),
    };
    let plot_width = WIDTH - LEFT - RIGHT;
    let band = plot_width / chart.categories.len() as f64;
    let centres: Vec<f64> = (0..chart.categories.len())
        .map(|i| LEFT + band * (i as f64 + 0.5))
        .collect();
    svg.y_grid(&ticks, y, LEFT, WIDTH - RIGHT, chart.unit);
    svg.x_labels(&chart.categories, &centres, HEIGHT - 8.0, plot_width);
    let bar_width = (band * 0.7).min(64.0);
    for (i, &centre) in centres.iter().enumerate() {
        let mut stacked = 0.0;
        for (s, series) in chart.series.iter().enumerate() {
            let v = value(series, i);
            let (x, width, from) = match chart.layout {
                BarLayout::Stacked => (centre - bar_width / 2.0, bar_width, stacked),
                BarLayout::Grouped => {
                    let width = bar_width / chart.series.len() as f64;
                    (centre - bar_width / 2.0 + width * s as f64, width, 0.0)
                }
            };
            stacked += v;
            let (y0, y1) = (y.at(from), y.at(from + v));
            svg.push(&format!(
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\">",
                (width - 1.0).max(1.0),
                y0 - y1,
                colour(s)
            ));
            svg.tooltip(&format!(
                "{} · {}: {}",
                series.name,
                chart.categories[i],
                chart.unit.label(v)
            ));
            svg.push("</rect>");
        }
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(layout: BarLayout, series: Vec<Series>) -> BarChart {
        let categories = vec!["Jan".into(), "Feb".into(), "Mar".into()];
        BarChart {
            title: "Spend by team".into(),
            unit: Unit::Usd,
            categories,
            series,
            layout,
        }
    }

    #[test]
    fn stacks_series_so_the_axis_covers_the_totals() {
        let svg = bar_chart(&chart(
            BarLayout::Stacked,
            vec![
                Series::new("A", vec![100.0, 200.0, 300.0]),
                Series::new("B", vec![100.0, 200.0, 300.0]),
            ],
        ));
        assert_eq!(svg.matches("<rect").count(), 6);
        assert_eq!(svg.matches("<rect").count(), svg.matches("</rect>").count());
        assert!(
            svg.contains(">$600</text>"),
            "axis reaches the tallest stack"
        );
    }

    #[test]
    fn groups_series_so_the_axis_covers_the_tallest_bar() {
        let svg = bar_chart(&chart(
            BarLayout::Grouped,
            vec![
                Series::new("AI", vec![0.1, 0.2, 0.3]),
                Series::new("Human", vec![0.05, 0.1, 0.15]),
            ],
        ));
        assert!(!svg.contains(">$0.6</text>"));
        assert!(svg.contains("AI · Mar: $0.3"));
    }

    #[test]
    fn escapes_category_names() {
        let mut c = chart(
            BarLayout::Stacked,
            vec![Series::new(
                "<script>alert(1)</script>",
                vec![1.0, 2.0, 3.0],
            )],
        );
        c.categories[0] = "<b>".into();
        let svg = bar_chart(&c);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn all_zero_or_empty_data_gives_the_empty_state() {
        assert!(bar_chart(&chart(BarLayout::Grouped, vec![])).contains("No data"));
        assert!(bar_chart(&chart(
            BarLayout::Stacked,
            vec![Series::new("A", vec![0.0; 3])]
        ))
        .contains("No data"));
    }
}
