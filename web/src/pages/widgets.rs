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

/// The GET form above data pages: team, date range (or a named preset) and tool, kept in the URL
/// with the page's search, list pages and comparison, so every link keeps every filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterBar {
    /// The page's path, e.g. `/spend`; the form submits here.
    pub action: String,
    /// Team choices (an "All teams" option is added first); empty hides the select.
    pub teams: Vec<Choice>,
    /// The team in force, kept in links (and in the form, where the page has no team select).
    pub team: Option<String>,
    /// Tool choices such as `claude-code`, `codex` ("All tools" is added); empty hides the select.
    pub tools: Vec<Choice>,
    /// The tool in force, kept in links even by pages that show every tool, so it is still set
    /// on the next page that filters by it.
    pub tool: Option<String>,
    /// Start date, `YYYY-MM-DD`.
    pub from: String,
    /// End date, `YYYY-MM-DD`.
    pub to: String,
    /// Whether the reader chose the dates (`from` or `to` in the URL): only then do links to
    /// other pages carry them, since each page otherwise ends its range on its own data.
    pub range_chosen: bool,
    /// The last day with data of what the page shows (`Sep 30, 2026`), where it ends without a
    /// chosen end date; shown as "Data as of …".
    pub data_as_of: Option<String>,
    /// Named ranges (`this-month`, …) shown as links; the selected one is the page's range and
    /// is kept in links instead of `from`/`to`. Empty hides them.
    pub presets: Vec<Choice>,
    /// `compare=` in force (e.g. `previous-period`), kept in links.
    pub compare: Option<String>,
    /// The search text (`q=`) of the page's lists, kept in links and CSV downloads.
    pub q: String,
    /// The page number of each paginated list past its first page, e.g. `("page", 2)`.
    pub pages: Vec<(String, usize)>,
    /// The filters of the page's own lists (e.g. `("pr_author", "ada")`), kept in this page's
    /// links and forms, never carried to other pages.
    pub list_filters: Vec<(String, String)>,
}

impl FilterBar {
    /// The selected preset's value, if any.
    pub fn preset(&self) -> Option<&str> {
        self.presets
            .iter()
            .find(|c| c.selected)
            .map(|c| c.value.as_str())
    }

    /// The filters as query pairs: team, the preset or from/to (when `dates`), tool, compare.
    fn filter_pairs(&self, dates: bool) -> Vec<(String, String)> {
        let mut pairs = vec![("team", self.team.clone())];
        match self.preset() {
            Some(preset) => pairs.push(("preset", Some(preset.to_owned()))),
            None if dates => {
                pairs.push(("from", Some(self.from.clone())));
                pairs.push(("to", Some(self.to.clone())));
            }
            None => {}
        }
        pairs.push(("tool", self.tool.clone()));
        pairs.push(("compare", self.compare.clone()));
        pairs
            .into_iter()
            .filter_map(|(key, value)| value.filter(|v| !v.is_empty()).map(|v| (key.to_owned(), v)))
            .collect()
    }

    /// The filters, the search and the lists' filters as query pairs, for this page's links.
    fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = self.filter_pairs(true);
        if !self.q.is_empty() {
            pairs.push(("q".to_owned(), self.q.clone()));
        }
        pairs.extend(self.list_filters.iter().cloned());
        pairs
    }

    /// What links to other pages carry: team, the preset or the chosen dates, tool and
    /// comparison. Not the search or list pages, which belong to this page's lists.
    pub fn carried_query(&self) -> String {
        Self::encode(&self.filter_pairs(self.range_chosen))
    }

    /// `path` (another data page or a developer's) under the carried filters, with `set`
    /// replacing or adding some (a team's row opening that team).
    pub fn link(&self, path: &str, set: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .filter_pairs(self.range_chosen)
            .into_iter()
            .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
            .collect();
        pairs.extend(set.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        if pairs.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", Self::encode(&pairs))
        }
    }

    fn encode(pairs: &[(String, String)]) -> String {
        pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", url::component(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn href(&self, pairs: &[(String, String)]) -> String {
        if pairs.is_empty() {
            self.action.clone()
        } else {
            format!("{}?{}", self.action, Self::encode(pairs))
        }
    }

    /// The current filters as a query string: `team=…&from=…&to=…&tool=…` (empty values left
    /// out; `preset=…` instead of the dates when one is chosen), with the lists' pages.
    pub fn query(&self) -> String {
        let mut pairs = self.pairs();
        pairs.extend(self.pages.iter().map(|(k, n)| (k.clone(), n.to_string())));
        Self::encode(&pairs)
    }

    /// The server-side CSV export of one table under the current filters: every row matching
    /// the search, whatever page is shown.
    pub fn csv_href(&self, table: &str) -> String {
        let query = Self::encode(&self.pairs());
        let joiner = if query.is_empty() { "" } else { "&" };
        format!(
            "{}?{query}{joiner}format=csv&table={}",
            self.action,
            url::component(table)
        )
    }

    /// This page under a named range, keeping team, tool, comparison and search (lists restart
    /// at their first page).
    pub fn preset_href(&self, preset: &str) -> String {
        let mut pairs: Vec<(String, String)> = self
            .pairs()
            .into_iter()
            .filter(|(k, _)| !matches!(k.as_str(), "preset" | "from" | "to"))
            .collect();
        pairs.insert(
            pairs.iter().take_while(|(k, _)| k == "team").count(),
            ("preset".to_owned(), preset.to_owned()),
        );
        self.href(&pairs)
    }

    /// This page with the comparison set (`Some`) or cleared, every other filter kept.
    pub fn compare_href(&self, compare: Option<&str>) -> String {
        let bar = FilterBar {
            compare: compare.map(str::to_owned),
            ..self.clone()
        };
        bar.href(&bar.pairs())
    }

    /// Page `number` of the list whose page parameter is `param`, every other filter and list
    /// page kept.
    pub fn page_href(&self, param: &str, number: usize) -> String {
        let mut pairs = self.pairs();
        for (key, n) in &self.pages {
            if key != param {
                pairs.push((key.clone(), n.to_string()));
            }
        }
        if number > 1 {
            pairs.push((param.to_owned(), number.to_string()));
        }
        self.href(&pairs)
    }

    /// The filters other than the search, as hidden fields of a list's search form.
    pub fn hidden_without_search(&self) -> Vec<(String, String)> {
        self.hidden_except(&["q"])
    }

    /// The filters other than `fields` (those a form sets itself), as its hidden fields; lists
    /// restart at their first page.
    pub fn hidden_except(&self, fields: &[&str]) -> Vec<(String, String)> {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| !fields.contains(&k.as_str()))
            .collect()
    }
}

/// Where a paginated list stands: "Showing 51–100 of 312" and links to its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub showing: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of a list showing `shown` rows from `offset` (0-based) of `matching`, on page
    /// `page` of `page_size` rows; links through `filters` under `param`.
    pub fn new(
        filters: &FilterBar,
        param: &str,
        page: usize,
        offset: usize,
        shown: usize,
        matching: usize,
        page_size: usize,
    ) -> Pager {
        let showing = if shown == 0 {
            format!("Showing 0 of {matching}")
        } else {
            format!("Showing {}–{} of {matching}", offset + 1, offset + shown)
        };
        Pager {
            showing,
            prev: (page > 1).then(|| filters.page_href(param, page - 1)),
            next: (offset + shown < matching && page_size > 0)
                .then(|| filters.page_href(param, page + 1)),
        }
    }

    /// The same pager, its links opening the page at the element `id` (the list itself) rather
    /// than at the top.
    pub fn opening_at(mut self, id: &str) -> Pager {
        for href in self.prev.iter_mut().chain(self.next.iter_mut()) {
            href.push('#');
            href.push_str(id);
        }
        self
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
mod tests;
