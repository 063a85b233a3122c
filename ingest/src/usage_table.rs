//! `agentmeter usage` as a table for people: thousands separators, dollars, aligned columns and
//! colour. Styles are always written; the caller prints through `anstream`, which drops them
//! when the output is not a terminal, `NO_COLOR` is set or `TERM=dumb` (and keeps them with
//! `CLICOLOR_FORCE`).

use anstyle::{AnsiColor, Style};
use num_format::{Locale, ToFormattedString};

use crate::report::{GroupBy, Row, UsageReport, Zone};
use crate::windows::WindowSpan;

const HEADER: Style = Style::new().bold();
const TOTAL: Style = Style::new().bold();
const COST: Style = AnsiColor::Yellow.on_default();
const KEY: Style = AnsiColor::Cyan.on_default();
const ACTIVE: Style = AnsiColor::Green.on_default().bold();
const WARNING: Style = AnsiColor::Red.on_default();

/// Whole tokens with thousands separators: `1,234,567`.
pub fn tokens(n: u64) -> String {
    n.to_formatted_string(&Locale::en)
}

/// Dollars for people: cents with thousands separators (`$1,234.56`), and below one dollar up
/// to four decimals, so that small amounts never read as `$0.00` (`$0.0107`, `$0.24`).
pub fn dollars(usd: f64) -> String {
    let (sign, usd) = if usd < 0.0 { ("-", -usd) } else { ("", usd) };
    if usd > 0.0 && usd < 1.0 {
        let mut text = format!("{usd:.4}");
        while text.ends_with('0') && text.len() > "0.00".len() {
            text.pop();
        }
        return format!("{sign}${text}");
    }
    let cents = (usd * 100.0).round() as u64;
    format!(
        "{sign}${}.{:02}",
        (cents / 100).to_formatted_string(&Locale::en),
        cents % 100
    )
}

fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn header_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Day => "Day",
        GroupBy::Week => "Week (Monday)",
        GroupBy::Month => "Month",
        GroupBy::Session => "Session",
        GroupBy::Project => "Project",
        GroupBy::Model => "Model",
        GroupBy::Window => "5-hour window",
    }
}

/// `2026-01-09 10:00-15:00` in `zone`, and `(active)` for the window still open.
fn window_label(window: &WindowSpan, zone: Zone) -> String {
    let (start, end) = (zone.local(window.start), zone.local(window.end));
    let end_format = if start.date_naive() == end.date_naive() {
        "%H:%M"
    } else {
        "%Y-%m-%d %H:%M"
    };
    format!(
        "{}-{}",
        start.format("%Y-%m-%d %H:%M"),
        end.format(end_format)
    )
}

/// The cells of one row; a cost that leaves out unknown models is marked `+?`.
fn cells(row: &Row, report: &UsageReport, zone: Zone) -> [String; 8] {
    let key = match &row.window {
        Some(w) => window_label(w, zone),
        None => row.key.clone(),
    };
    let unknown = row.models.iter().any(|m| report.unknown_models.contains(m));
    [
        key,
        tokens(row.input_tokens),
        tokens(row.output_tokens),
        tokens(row.cache_creation_tokens),
        tokens(row.cache_read_tokens),
        tokens(row.total_tokens),
        format!(
            "{}{}",
            dollars(row.cost_usd),
            if unknown { " +?" } else { "" }
        ),
        row.models.join(", "),
    ]
}

/// The report as an aligned, styled table, with a totals line and notes.
pub fn render(report: &UsageReport, by: GroupBy, zone: Zone) -> String {
    if report.rows.is_empty() {
        return "No usage in the logs for this selection (tool, --since, --until).\n".into();
    }
    let header = [
        header_name(by),
        "Input",
        "Output",
        "Cache write",
        "Cache read",
        "Total tokens",
        "Cost (USD)",
        "Models",
    ]
    .map(String::from);
    let body: Vec<[String; 8]> = report.rows.iter().map(|r| cells(r, report, zone)).collect();
    let t = &report.totals;
    let total = cells(
        &Row {
            key: "Total".into(),
            input_tokens: t.input_tokens,
            output_tokens: t.output_tokens,
            cache_creation_tokens: t.cache_creation_tokens,
            cache_read_tokens: t.cache_read_tokens,
            total_tokens: t.total_tokens,
            cost_usd: t.cost_usd,
            models: report.unknown_models.clone(),
            window: None,
        },
        report,
        zone,
    );
    let widths: Vec<usize> = (0..8)
        .map(|i| {
            std::iter::once(&header)
                .chain(&body)
                .chain(std::iter::once(&total))
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Padding is computed on the plain text, styles are added around the padded cell. The last
    // column is not padded, and left out when empty: no trailing spaces.
    let line = |cells: &[String; 8], style_of: &dyn Fn(usize) -> Style| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .filter(|(i, c)| *i < 7 || !c.is_empty())
            .map(|(i, c)| {
                let text = match i {
                    7 => c.clone(),
                    0 => format!("{c:<w$}", w = widths[i]),
                    _ => format!("{c:>w$}", w = widths[i]),
                };
                styled(style_of(i), &text)
            })
            .collect();
        padded.join("  ") + "\n"
    };
    let rule = "-".repeat(widths.iter().sum::<usize>() + 2 * 7) + "\n";
    let mut out = line(&header, &|_| HEADER);
    out.push_str(&rule);
    for (row, cells) in report.rows.iter().zip(&body) {
        let active = row.window.is_some_and(|w| w.active);
        out.push_str(&line(cells, &|i| match i {
            0 if active => ACTIVE,
            0 => KEY,
            6 => COST,
            _ => Style::new(),
        }));
    }
    out.push_str(&rule);
    out.push_str(&line(&total, &|i| if i == 6 { COST.bold() } else { TOTAL }));
    if report
        .rows
        .iter()
        .any(|r| r.window.is_some_and(|w| w.active))
    {
        out.push_str(&styled(ACTIVE, "The window in green is still open.\n"));
    }
    if !report.unknown_models.is_empty() {
        out.push_str(&styled(
            WARNING,
            &format!(
                "+? cost leaves out {} (no price; --prices FILE adds one)\n",
                report.unknown_models.join(", ")
            ),
        ));
    }
    if report.skipped_lines > 0 {
        out.push_str(&format!(
            "{} line(s) skipped (blank, malformed or truncated); --verbose lists them\n",
            tokens(report.skipped_lines)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_keep_cents_and_small_amounts_keep_four_decimals() {
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(0.24), "$0.24");
        assert_eq!(dollars(0.5), "$0.50");
        assert_eq!(dollars(0.010739), "$0.0107");
        assert_eq!(dollars(1234.567), "$1,234.57");
        assert_eq!(dollars(1_000_000.0), "$1,000,000.00");
    }

    #[test]
    fn tokens_have_thousands_separators() {
        assert_eq!(tokens(0), "0");
        assert_eq!(tokens(1_234_567), "1,234,567");
    }
}
