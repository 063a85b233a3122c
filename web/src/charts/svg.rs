//! The SVG writer shared by all charts: document frame, escaped text, legend, grid, empty state.

use super::scale::Linear;
use super::{colour, Series, Unit};

pub(crate) const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
pub(crate) const INK: &str = "#111827";
pub(crate) const MUTED: &str = "#6b7280";
pub(crate) const GRID: &str = "#e5e7eb";
const CHAR_WIDTH: f64 = 7.4;

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label to `max` characters, ending with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Roughly how wide a label renders at the base font size, in viewBox units.
pub(crate) fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// An SVG document under construction.
pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// Opens the document with its accessible title.
    pub fn new(width: f64, height: f64, title: &str) -> Self {
        let title = escape(title);
        let out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" \
             class=\"chart-svg\" role=\"img\" aria-label=\"{title}\" font-family=\"{FONT}\" \
             font-size=\"13\" fill=\"{INK}\"><title>{title}</title>"
        );
        Self { out }
    }

    /// Appends raw, already-safe markup.
    pub fn push(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// A text element; `text` is escaped here.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, fill: &str, text: &str) {
        self.out.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>",
            escape(text)
        ));
    }

    /// A hover tooltip for the element opened just before; `text` is escaped here.
    pub fn tooltip(&mut self, text: &str) {
        self.out
            .push_str(&format!("<title>{}</title>", escape(text)));
    }

    /// Legend swatches and names in rows from (`x`, `y`) within `width`; returns the height used.
    pub fn legend(&mut self, series: &[Series], x: f64, y: f64, width: f64) -> f64 {
        let (mut cx, mut cy) = (x, y);
        for (i, s) in series.iter().enumerate() {
            let name = truncate(&s.name, 24);
            let item = 18.0 + text_width(&name) + 16.0;
            if cx > x && cx + item > x + width {
                cx = x;
                cy += 18.0;
            }
            let dash = if s.dashed {
                " stroke-dasharray=\"4 3\""
            } else {
                ""
            };
            self.push(&format!(
                "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" \
                 stroke-width=\"3\"{dash}/>",
                cy - 4.0,
                cx + 12.0,
                cy - 4.0,
                colour(i)
            ));
            self.text(cx + 17.0, cy, "start", MUTED, &name);
            cx += item;
        }
        cy - y + 18.0
    }

    /// Horizontal grid lines with value labels to the left of `left`.
    pub fn y_grid(&mut self, ticks: &[f64], y: Linear, left: f64, right: f64, unit: Unit) {
        for &tick in ticks {
            let py = y.at(tick);
            let stroke = if tick == 0.0 { "#9ca3af" } else { GRID };
            self.push(&format!(
                "<line x1=\"{left:.1}\" y1=\"{py:.1}\" x2=\"{right:.1}\" y2=\"{py:.1}\" stroke=\"{stroke}\"/>"
            ));
            self.text(left - 6.0, py + 4.0, "end", MUTED, &unit.label(tick));
        }
    }

    /// Labels under evenly spaced x positions, skipping some so that none overlap.
    pub fn x_labels(&mut self, labels: &[String], positions: &[f64], y: f64, plot_width: f64) {
        let widest = labels.iter().map(|l| text_width(l)).fold(0.0, f64::max) + 10.0;
        let every = ((labels.len() as f64 * widest) / plot_width)
            .ceil()
            .max(1.0) as usize;
        for (i, (label, &x)) in labels.iter().zip(positions).enumerate() {
            if i % every == 0 {
                self.text(x, y, "middle", MUTED, label);
            }
        }
    }

    /// Closes the document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// The chart drawn when there is no data: a framed message instead of empty axes.
pub(crate) fn empty(title: &str, width: f64) -> String {
    let mut svg = Svg::new(width, 160.0, title);
    svg.push(&format!(
        "<rect x=\"1\" y=\"1\" width=\"{:.0}\" height=\"158\" rx=\"8\" fill=\"#f9fafb\" \
         stroke=\"{GRID}\" stroke-dasharray=\"4 4\"/>",
        width - 2.0
    ));
    svg.text(
        width / 2.0,
        76.0,
        "middle",
        INK,
        "No data for this selection yet",
    );
    svg.text(
        width / 2.0,
        98.0,
        "middle",
        MUTED,
        "Try a wider date range or another team.",
    );
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn truncates_long_labels_with_an_ellipsis() {
        assert_eq!(truncate("Platform", 20), "Platform");
        assert_eq!(truncate("A very long developer name", 10), "A very lo…");
    }
}
