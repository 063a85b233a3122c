//! Line and area chart over time: several series, legend, nice y ticks with units, thinned dates.

use super::scale::{nice_ticks, Linear};
use super::svg::{empty, Svg};
use super::{colour, Series, Unit};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 28.0;

/// A chart of values per period (day, week or month).
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Accessible title (the visible heading belongs to the page).
    pub title: String,
    /// What the values measure.
    pub unit: Unit,
    /// Period labels in order, e.g. `Mar 3` or `Mar '25`.
    pub periods: Vec<String>,
    /// Series aligned with `periods`.
    pub series: Vec<Series>,
    /// Fill the area under each solid series.
    pub area: bool,
}

/// Renders a [`LineChart`] as SVG.
pub fn line_chart(chart: &LineChart) -> String {
    let values = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((0.0f64, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if chart.periods.is_empty() || hi == f64::MIN {
        return empty(&chart.title, WIDTH);
    }
    let mut svg = Svg::new(WIDTH, HEIGHT, &chart.title);
    let top = 14.0
        + if chart.series.len() > 1 {
            svg.legend(&chart.series, LEFT, 14.0, WIDTH - LEFT)
        } else {
            0.0
        };
    let ticks = nice_ticks(lo, hi, 5);
    let (first, last) = (ticks[0], ticks[ticks.len() - 1]);
    let y = Linear {
        domain: (first, last),
        range: (HEIGHT - BOTTOM, top + 6.0),
    };
    let plot_width = WIDTH - LEFT - RIGHT;
    let positions = x_positions(chart.periods.len(), plot_width);
    svg.y_grid(&ticks, y, LEFT, WIDTH - RIGHT, chart.unit);
    svg.x_labels(&chart.periods, &positions, HEIGHT - 8.0, plot_width);
    for (i, series) in chart.series.iter().enumerate() {
        draw_series(&mut svg, chart, series, colour(i), &positions, y);
    }
    svg.finish()
}

fn x_positions(count: usize, plot_width: f64) -> Vec<f64> {
    if count == 1 {
        return vec![LEFT + plot_width / 2.0];
    }
    let step = plot_width / (count - 1) as f64;
    (0..count).map(|i| LEFT + i as f64 * step).collect()
}

fn draw_series(
    svg: &mut Svg,
    chart: &LineChart,
    series: &Series,
    colour: &str,
    xs: &[f64],
    y: Linear,
) {
    let points: Vec<(usize, f64, f64)> = series
        .values
        .iter()
        .zip(xs)
        .enumerate()
        .filter(|(_, (v, _))| v.is_finite())
        .map(|(i, (&v, &x))| (i, x, y.at(v)))
        .collect();
    let path: Vec<String> = points
        .iter()
        .map(|(_, x, py)| format!("{x:.1},{py:.1}"))
        .collect();
    if chart.area && !series.dashed && points.len() > 1 {
        let base = y.at(y.domain.0.max(0.0));
        let (x0, x1) = (points[0].1, points[points.len() - 1].1);
        svg.push(&format!(
            "<polygon points=\"{x0:.1},{base:.1} {} {x1:.1},{base:.1}\" fill=\"{colour}\" fill-opacity=\"0.12\"/>",
            path.join(" ")
        ));
    }
    let dash = if series.dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    svg.push(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.25\" \
         stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}/>",
        path.join(" ")
    ));
    if series.dashed {
        return;
    }
    let radius = if points.len() > 40 { 1.5 } else { 3.0 };
    for (i, x, py) in points {
        svg.push(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{py:.1}\" r=\"{radius}\" fill=\"{colour}\">"
        ));
        svg.tooltip(&format!(
            "{} · {}: {}",
            series.name,
            chart.periods[i],
            chart.unit.label(series.values[i])
        ));
        svg.push("</circle>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Series;

    fn chart(periods: Vec<String>, series: Vec<Series>) -> LineChart {
        LineChart {
            title: "Spend per week".into(),
            unit: Unit::Usd,
            periods,
            series,
            area: true,
        }
    }

    #[test]
    fn draws_one_line_per_series_with_a_legend_and_balanced_tags() {
        let periods: Vec<String> = (1..=12).map(|w| format!("Week {w}")).collect();
        let svg = line_chart(&chart(
            periods,
            vec![
                Series::new("Platform", vec![10.0; 12]),
                Series::reference("Seats", vec![20.0; 12]),
            ],
        ));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">Platform</text>") && svg.contains(">Seats</text>"));
        assert!(svg.contains(">$20</text>"), "y axis labels carry the unit");
        assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count());
        assert_eq!(
            svg.matches("<circle").count(),
            svg.matches("</circle>").count()
        );
        assert!(svg.contains("role=\"img\"") && svg.contains("<title>Spend per week</title>"));
    }

    #[test]
    fn thins_x_labels_when_there_are_many_periods() {
        let periods: Vec<String> = (1..=60).map(|d| format!("Mar {d}")).collect();
        let svg = line_chart(&chart(periods, vec![Series::new("All", vec![1.0; 60])]));
        let shown = (1..=60)
            .filter(|d| svg.contains(&format!(">Mar {d}</text>")))
            .count();
        assert!(shown > 5 && shown < 20, "{shown} labels shown");
    }

    #[test]
    fn empty_input_gives_the_empty_state() {
        assert!(line_chart(&chart(vec![], vec![])).contains("No data for this selection"));
        let nan = chart(vec!["Mar".into()], vec![Series::new("x", vec![f64::NAN])]);
        assert!(line_chart(&nan).contains("No data for this selection"));
    }
}
