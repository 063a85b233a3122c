//! Admin › Budgets: each team's and the organisation's monthly budget, how this month stands
//! against it (spent so far and the month-end forecast), and the forms to set or remove one.

use askama::Template;

use super::{Choice, PageChrome};
use crate::figure::Figure;

/// One budget and this month's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    /// `Platform`, or `Organisation`.
    pub scope: String,
    /// The team's name as the remove form posts it (`team`); empty for the organisation.
    pub team: String,
    /// `API-equivalent cost` or `Plan spend`.
    pub basis: String,
    pub budget: Figure,
    pub spent: Figure,
    /// Share of the budget spent so far.
    pub spent_share: Figure,
    pub forecast: Figure,
    pub forecast_share: Figure,
    /// Spent more than the budget.
    pub over: bool,
    /// Heading for more than the budget by the month's end.
    pub heading_over: bool,
}

/// Admin › Budgets. The form posts `team` (empty for the organisation), `basis`
/// (`api_equivalent` or `plan_spend`), `monthly_usd` and `csrf_token` to `/admin/budgets`; each
/// row's remove button posts `team` to `/admin/budgets/remove`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/budgets.html")]
pub struct AdminBudgetsPage {
    pub chrome: PageChrome,
    /// `December 2026`.
    pub month: String,
    pub budgets: Vec<BudgetRow>,
    /// "Organisation" first, then every team.
    pub scopes: Vec<Choice>,
    pub bases: Vec<Choice>,
    pub error: Option<String>,
}
