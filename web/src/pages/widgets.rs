//! Building blocks several pages share: the filter bar, KPI cards, choices, empty states.

use crate::figure::Delta;
use crate::url;

/// One `<option>` of a select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// An option, selected when `value` equals `current`.
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: Option<&str>) -> Self {
        let value = value.into();
        let selected = current == Some(value.as_str());
        Self {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// The GET form above data pages: team, date range and tool, kept in the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterBar {
    /// The page's path, e.g. `/spend`; the form submits here.
    pub action: String,
    /// Team choices (an "All teams" option is added first); empty hides the select.
    pub teams: Vec<Choice>,
    /// Tool choices such as `claude-code`, `codex` ("All tools" is added); empty hides the select.
    pub tools: Vec<Choice>,
    /// Start date, `YYYY-MM-DD`.
    pub from: String,
    /// End date, `YYYY-MM-DD`.
    pub to: String,
    /// The last day with data of what the page shows (`Sep 30, 2026`), where it ends without a
    /// chosen end date; shown as "Data as of …".
    pub data_as_of: Option<String>,
}

impl FilterBar {
    /// The current filters as a query string: `team=…&from=…&to=…&tool=…` (empty values left out).
    pub fn query(&self) -> String {
        let selected =
            |choices: &[Choice]| choices.iter().find(|c| c.selected).map(|c| c.value.clone());
        let pairs = [
            ("team", selected(&self.teams)),
            ("from", Some(self.from.clone())),
            ("to", Some(self.to.clone())),
            ("tool", selected(&self.tools)),
        ];
        pairs
            .iter()
            .filter_map(|(key, value)| {
                value
                    .as_ref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{key}={}", url::component(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The server-side CSV export of one table under the current filters.
    pub fn csv_href(&self, table: &str) -> String {
        let query = self.query();
        let joiner = if query.is_empty() { "" } else { "&" };
        format!(
            "{}?{query}{joiner}format=csv&table={}",
            self.action,
            url::component(table)
        )
    }
}

/// A headline number: label, big value, change, basis, optional link to its page.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiCard {
    /// e.g. `Spend this month`.
    pub label: String,
    /// e.g. `$12,340`.
    pub value: String,
    /// Change against a comparison period.
    pub delta: Option<Delta>,
    /// What the number is based on, e.g. `Forecast $18,200 · 42 developers`.
    pub basis: String,
    /// The page that explains the number.
    pub href: Option<String>,
    /// Draws the card in the alert colour (e.g. critical unreviewed merges above zero).
    pub alert: bool,
    /// Where the JSON API gives the same figure, e.g. `spend.total.cost_usd` (the API's name,
    /// then the path in its answer); written as `data-metric` for the browser tests to compare.
    pub metric: Option<String>,
}

impl KpiCard {
    /// A card without change, link or alert.
    pub fn new(
        label: impl Into<String>,
        value: impl Into<String>,
        basis: impl Into<String>,
    ) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            delta: None,
            basis: basis.into(),
            href: None,
            alert: false,
            metric: None,
        }
    }

    /// Names the API figure this card shows (see [`KpiCard::metric`]).
    pub fn measuring(mut self, metric: impl Into<String>) -> Self {
        self.metric = Some(metric.into());
        self
    }

    /// Adds the change badge.
    pub fn with_delta(mut self, delta: Delta) -> Self {
        self.delta = Some(delta);
        self
    }

    /// Makes the card a link.
    pub fn linking_to(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    /// Marks the card as needing attention.
    pub fn alerting(mut self, alert: bool) -> Self {
        self.alert = alert;
        self
    }
}

/// `Some(url)` only for `http://` and `https://` URLs, so stored links can never run script.
pub(crate) fn web_href(url: &str) -> Option<&str> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url)
}

/// A link with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// What a page shows instead of empty charts: what is missing and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyState {
    pub title: String,
    pub message: String,
    /// Commands to run, shown as numbered code lines.
    pub steps: Vec<String>,
    pub action: Option<Link>,
}

impl EmptyState {
    /// "No usage yet": how a developer installs the uploader against this server.
    pub fn install_uploader(server_url: &str) -> Self {
        Self {
            title: "No usage has been uploaded yet".to_owned(),
            message:
                "Each developer installs the agentmeter uploader once; their Claude Code and Codex \
                      sessions then appear here within minutes."
                    .to_owned(),
            steps: vec![
                format!("agentmeter login --server {server_url}"),
                "agentmeter hook install".to_owned(),
            ],
            action: Some(Link {
                label: "Create an API token".to_owned(),
                href: "/admin/tokens".to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar() -> FilterBar {
        FilterBar {
            action: "/spend".into(),
            teams: vec![
                Choice::new("7", "R&D / Platform", Some("7")),
                Choice::new("8", "Web", Some("7")),
            ],
            tools: vec![Choice::new("codex", "Codex", None)],
            from: "2025-03-01".into(),
            to: "2025-03-31".into(),
            data_as_of: None,
        }
    }

    #[test]
    fn query_keeps_selected_filters_and_encodes_them() {
        assert_eq!(bar().query(), "team=7&from=2025-03-01&to=2025-03-31");
    }

    #[test]
    fn csv_link_adds_format_and_table() {
        assert_eq!(
            bar().csv_href("by-team"),
            "/spend?team=7&from=2025-03-01&to=2025-03-31&format=csv&table=by-team"
        );
        let bare = FilterBar {
            teams: vec![],
            from: String::new(),
            to: String::new(),
            ..bar()
        };
        assert_eq!(bare.csv_href("x"), "/spend?format=csv&table=x");
    }
}
