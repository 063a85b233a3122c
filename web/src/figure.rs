//! A number as shown to people and as sorted by machines, and the change badge of a KPI.

use crate::format;

/// A formatted number with its raw value: tables print `text` and sort on `sort` (`data-sort`).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What the reader sees, e.g. `$1,234.56`.
    pub text: String,
    /// The raw value used for sorting and CSV, e.g. `1234.56`.
    pub sort: f64,
}

impl Figure {
    /// Any preformatted text with its raw value.
    pub fn new(text: impl Into<String>, sort: f64) -> Self {
        Self {
            text: text.into(),
            sort,
        }
    }

    /// Dollars with cents.
    pub fn usd(value: f64) -> Self {
        Self::new(format::usd(value), value)
    }

    /// A count with thousands separators.
    pub fn count(value: i64) -> Self {
        Self::new(format::integer(value), value as f64)
    }

    /// A compact token total (`1.2M`).
    pub fn tokens(value: u64) -> Self {
        Self::new(format::tokens_compact(value as f64), value as f64)
    }

    /// A ratio shown as a percentage (`12.3%`).
    pub fn percent(ratio: f64) -> Self {
        Self::new(format::percent(ratio), ratio)
    }

    /// A ratio shown as a signed change (`+35.0%`).
    pub fn signed_percent(ratio: f64) -> Self {
        Self::new(format::signed_percent(ratio), ratio)
    }

    /// A duration in seconds (`3h 12m`).
    pub fn duration(seconds: i64) -> Self {
        Self::new(format::duration(seconds), seconds as f64)
    }

    /// A missing value: shows an em dash and sorts as text.
    pub fn missing() -> Self {
        Self::new("—", f64::NAN)
    }

    /// The `data-sort` attribute value: the raw number, or empty when there is none.
    pub fn sort_key(&self) -> String {
        if self.sort.is_finite() {
            self.sort.to_string()
        } else {
            String::new()
        }
    }
}

/// Whether a change is good news, bad news or neither; decides the badge colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sentiment {
    /// Shown in green.
    Good,
    /// Shown in red.
    Bad,
    /// Shown in grey.
    Neutral,
}

/// The change under a KPI number, e.g. `▲ +12.0% vs February`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// The change, e.g. `+12.0%`.
    pub text: String,
    /// What it compares against, e.g. `vs February`.
    pub basis: String,
    /// `true` when the value went up.
    pub up: bool,
    /// Colour of the badge.
    pub sentiment: Sentiment,
    /// Where the JSON API gives the same change (see [`crate::pages::KpiCard::metric`]).
    pub metric: Option<String>,
}

impl Delta {
    /// A relative change (`ratio` = new/old - 1); `higher_is_better` decides good or bad.
    pub fn relative(ratio: f64, basis: impl Into<String>, higher_is_better: bool) -> Self {
        Self::signed(
            format::signed_percent(ratio),
            "0.0%",
            ratio,
            basis,
            higher_is_better,
        )
    }

    /// A change in dollars (`+$452`), where the base is too small for a percentage.
    pub fn usd(change: f64, basis: impl Into<String>, higher_is_better: bool) -> Self {
        Self::signed(
            format::signed_usd_whole(change),
            "$0",
            change,
            basis,
            higher_is_better,
        )
    }

    /// A change shown as `text`: neutral when it reads as `zero_text`, else good or bad by its
    /// sign and `higher_is_better`.
    fn signed(
        text: String,
        zero_text: &str,
        change: f64,
        basis: impl Into<String>,
        higher_is_better: bool,
    ) -> Self {
        let sentiment = if text == zero_text {
            Sentiment::Neutral
        } else if (change > 0.0) == higher_is_better {
            Sentiment::Good
        } else {
            Sentiment::Bad
        };
        Self {
            text,
            basis: basis.into(),
            up: change > 0.0,
            sentiment,
            metric: None,
        }
    }

    /// Nothing in the base period: the figure is all new, with no change to give.
    pub fn new_figure(basis: impl Into<String>) -> Self {
        Self {
            text: "new".into(),
            basis: basis.into(),
            up: true,
            sentiment: Sentiment::Neutral,
            metric: None,
        }
    }

    /// Names the API figure the change shows, e.g. `spend.comparison.cost_change.change_pct`.
    pub fn measuring(mut self, metric: impl Into<String>) -> Self {
        self.metric = Some(metric.into());
        self
    }

    /// The arrow shown before the text.
    pub fn arrow(&self) -> &'static str {
        match (self.sentiment, self.up) {
            (Sentiment::Neutral, _) => "→",
            (_, true) => "▲",
            (_, false) => "▼",
        }
    }

    /// The CSS class for the badge colour.
    pub fn class(&self) -> &'static str {
        match self.sentiment {
            Sentiment::Good => "delta good",
            Sentiment::Bad => "delta bad",
            Sentiment::Neutral => "delta neutral",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spend_going_up_is_bad_news_and_lift_going_up_is_good() {
        let spend = Delta::relative(0.12, "vs February", false);
        assert_eq!(
            (spend.text.as_str(), spend.arrow(), spend.class()),
            ("+12.0%", "▲", "delta bad")
        );
        let lift = Delta::relative(0.12, "vs last quarter", true);
        assert_eq!(lift.class(), "delta good");
        assert_eq!(Delta::relative(0.0, "", true).arrow(), "→");
    }

    #[test]
    fn a_change_in_dollars_is_signed_and_coloured_like_a_percentage() {
        let up = Delta::usd(452.0, "vs previous period", false);
        assert_eq!(
            (up.text.as_str(), up.arrow(), up.class()),
            ("+$452", "▲", "delta bad")
        );
        let down = Delta::usd(-3.0, "vs previous period", false);
        assert_eq!((down.text.as_str(), down.class()), ("-$3", "delta good"));
        assert_eq!(Delta::usd(0.2, "", false).text, "+$0.20");
        assert_eq!(Delta::usd(0.001, "", false).class(), "delta neutral");
        let new = Delta::new_figure("vs previous period");
        assert_eq!((new.text.as_str(), new.arrow()), ("new", "→"));
    }

    #[test]
    fn figures_keep_the_raw_value_for_sorting() {
        assert_eq!(Figure::usd(1234.5), Figure::new("$1,234.50", 1234.5));
        assert_eq!(Figure::tokens(1_500_000).text, "1.5M");
        assert_eq!(Figure::percent(0.5).sort_key(), "0.5");
        assert_eq!(Figure::missing().sort_key(), "");
    }
}
