//! Admin › Plan catalog: the catalog, the 5-hour and weekly limits that decide which plans cover
//! a developer's usage, the plan policy (which plans recommendations may propose), and a form
//! adding a dated price.

use askama::Template;

use super::{PageChrome, PlanCatalogRow};

/// A plan whose limits the admin edits: the form `limits-{id}` posts `limit_5h_usd`,
/// `limit_week_usd` and `csrf_token` to `/admin/plans/{id}/limits`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLimitsRow {
    pub id: i64,
    /// `Anthropic`.
    pub vendor: String,
    pub plan: String,
    /// `since Jan 1, 2026`, `until Apr 1, 2026`, or empty.
    pub dates: String,
    /// The limits as the inputs show them (`12.5`), empty when unknown.
    pub limit_5h_usd: String,
    pub limit_week_usd: String,
}

/// A plan name of a vendor in the policy form: `plan_{v}_{p}` (its name, hidden),
/// `allow_{v}_{p}` (checked: allowed) and `seats_{v}_{p}` (the seat minimum).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPlanField {
    /// `{v}_{p}`, the suffix of the plan's field names.
    pub key: String,
    pub name: String,
    pub allowed: bool,
    pub min_seats: u32,
}

/// A vendor in the policy form: `vendor_{v}` (its name, hidden), `restrict_{v}` (checked: only
/// the allowed plans may be recommended) and `payg_{v}` (checked: pay-as-you-go may be).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVendorField {
    /// `{v}`, the suffix of the vendor's field names.
    pub key: String,
    pub vendor: String,
    /// The tools the vendor's plans cover, e.g. `Claude Code`.
    pub tools: String,
    pub restricted: bool,
    pub allow_pay_as_you_go: bool,
    pub plans: Vec<PolicyPlanField>,
}

/// Admin › Plan catalog. The add form posts `tool`, `name`, `monthly_price_usd`, `included`,
/// `valid_from`, `valid_to` (optional, `YYYY-MM-DD`), `source_url` and `csrf_token` to
/// `/admin/plans`; the policy form posts the fields of [`PolicyVendorField`] and
/// [`PolicyPlanField`] to `/admin/plans/policy`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/plans.html")]
pub struct AdminPlanCatalogPage {
    pub chrome: PageChrome,
    pub catalog: Vec<PlanCatalogRow>,
    /// Flat plans, whose limits decide whether they cover a developer's usage.
    pub limits: Vec<PlanLimitsRow>,
    pub policy: Vec<PolicyVendorField>,
    pub error: Option<String>,
}
