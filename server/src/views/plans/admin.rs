//! Admin › Plan catalog's forms: the plan policy per vendor and the limits of each flat plan.

use agentmeter_metrics::plan_policy::PlanPolicy;
use agentmeter_metrics::rows::{PlanKind, Tool};
use agentmeter_web::format;
use agentmeter_web::pages::{PlanLimitsRow, PolicyPlanField, PolicyVendorField};

use super::super::tool_name;
use crate::analytics::catalog::CatalogPlan;

/// The policy form: the vendors of the tools, then any other vendor the policy names, each with
/// its comparable plan names in catalog order (and any the policy names that the catalog lost,
/// so that saving the form keeps them).
pub(crate) fn policy_fields(
    policy: &PlanPolicy,
    catalog: &[CatalogPlan],
) -> Vec<PolicyVendorField> {
    let mut vendors: Vec<&str> = Tool::ALL.iter().map(|t| t.vendor()).collect();
    vendors.extend(policy.vendors.iter().map(|v| v.vendor.as_str()));
    let mut seen = Vec::new();
    vendors.retain(|v| {
        let first = !seen.contains(v);
        seen.push(*v);
        first
    });
    vendors
        .into_iter()
        .enumerate()
        .map(|(i, vendor)| {
            let rule = policy.vendors.iter().find(|v| v.vendor == vendor);
            let mut names: Vec<&str> = Vec::new();
            let comparable = catalog
                .iter()
                .filter(|p| p.terms.vendor == vendor && p.terms.kind != PlanKind::NotComparable)
                .map(|p| p.terms.name.as_str());
            let named = rule
                .iter()
                .flat_map(|r| r.plans.iter().map(|p| p.name.as_str()));
            for name in comparable.chain(named) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let tools: Vec<&str> = Tool::ALL
                .into_iter()
                .filter(|t| t.vendor() == vendor)
                .map(tool_name)
                .collect();
            PolicyVendorField {
                key: i.to_string(),
                vendor: vendor.to_owned(),
                tools: tools.join(", "),
                restricted: rule.is_some(),
                allow_pay_as_you_go: rule.is_none_or(|r| r.allow_pay_as_you_go),
                plans: names
                    .into_iter()
                    .enumerate()
                    .map(|(j, name)| {
                        let allowed = rule.and_then(|r| r.plans.iter().find(|p| p.name == name));
                        PolicyPlanField {
                            key: format!("{i}_{j}"),
                            name: name.to_owned(),
                            allowed: allowed.is_some(),
                            min_seats: allowed.map_or(1, |p| p.min_seats.max(1)),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A limit as the input shows it: `12.5`, empty when unknown.
fn limit_text(limit: Option<f64>) -> String {
    limit.map(|v| v.to_string()).unwrap_or_default()
}

/// The limits form: every flat plan of the catalog, in catalog order.
pub(crate) fn limits_rows(catalog: &[CatalogPlan]) -> Vec<PlanLimitsRow> {
    catalog
        .iter()
        .filter(|p| p.terms.kind == PlanKind::Flat)
        .map(|p| {
            let t = &p.terms;
            let dates = match (t.valid_from, t.valid_to) {
                (Some(from), Some(to)) => format!("{} to {}", format::date(from), format::date(to)),
                (Some(from), None) => format!("since {}", format::date(from)),
                (None, Some(to)) => format!("until {}", format::date(to)),
                (None, None) => String::new(),
            };
            PlanLimitsRow {
                id: p.id,
                vendor: t.vendor.clone(),
                plan: t.name.clone(),
                dates,
                limit_5h_usd: limit_text(t.limit_5h_usd),
                limit_week_usd: limit_text(t.limit_week_usd),
            }
        })
        .collect()
}
