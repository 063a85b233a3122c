//! The admin's plan policy in the database: read for every plans report, checked against the
//! catalog before it is stored (the audited save is `admin::set_plan_policy`).

use std::collections::BTreeSet;

use agentmeter_metrics::plan_policy::{AllowedPlan, PlanPolicy, VendorPolicy};

use crate::analytics::catalog::CatalogPlan;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::plan_policy::{self, PolicyPlanRecord, PolicyVendorRecord};

/// The stored policy (empty: every plan may be recommended).
pub async fn load(db: &Db) -> Result<PlanPolicy> {
    let (vendors, plans) = plan_policy::load(db).await?;
    Ok(PlanPolicy {
        vendors: vendors
            .into_iter()
            .map(|v| VendorPolicy {
                plans: plans
                    .iter()
                    .filter(|p| p.vendor == v.vendor)
                    .map(|p| AllowedPlan {
                        name: p.plan_name.clone(),
                        min_seats: u32::try_from(p.min_seats).unwrap_or(u32::MAX),
                    })
                    .collect(),
                vendor: v.vendor,
                allow_pay_as_you_go: v.allow_pay_as_you_go,
            })
            .collect(),
    })
}

/// Every problem of `policy` against the catalog: a vendor or plan name the catalog does not
/// have, a vendor or plan named twice, a seat minimum of 0. Empty when it can be stored.
pub fn problems(policy: &PlanPolicy, catalog: &[CatalogPlan]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut vendors_seen = BTreeSet::new();
    for v in &policy.vendors {
        if !vendors_seen.insert(v.vendor.as_str()) {
            problems.push(format!("vendor {:?} is named twice", v.vendor));
        }
        if !catalog.iter().any(|p| p.terms.vendor == v.vendor) {
            problems.push(format!("vendor {:?} is not in the plan catalog", v.vendor));
            continue;
        }
        let mut plans_seen = BTreeSet::new();
        for plan in &v.plans {
            if !plans_seen.insert(plan.name.as_str()) {
                problems.push(format!("{}: plan {:?} is named twice", v.vendor, plan.name));
            }
            if !catalog
                .iter()
                .any(|p| p.terms.vendor == v.vendor && p.terms.name == plan.name)
            {
                problems.push(format!(
                    "{}: plan {:?} is not in the plan catalog",
                    v.vendor, plan.name
                ));
            }
            if plan.min_seats == 0 {
                problems.push(format!(
                    "{}: plan {:?} needs a seat minimum of at least 1",
                    v.vendor, plan.name
                ));
            }
        }
    }
    problems
}

/// Checks `policy` against `catalog` (422 naming every problem, nothing stored) and stores it in
/// place of the one before.
pub async fn replace(db: &Db, policy: &PlanPolicy, catalog: &[CatalogPlan]) -> Result<()> {
    let problems = problems(policy, catalog);
    if !problems.is_empty() {
        return Err(Error::Unprocessable {
            message: format!("the plan policy was not saved: {}", problems.join("; ")),
            records: Vec::new(),
        });
    }
    let vendors: Vec<PolicyVendorRecord> = policy
        .vendors
        .iter()
        .map(|v| PolicyVendorRecord {
            vendor: v.vendor.clone(),
            allow_pay_as_you_go: v.allow_pay_as_you_go,
        })
        .collect();
    let plans: Vec<PolicyPlanRecord> = policy
        .vendors
        .iter()
        .flat_map(|v| {
            v.plans.iter().map(|p| PolicyPlanRecord {
                vendor: v.vendor.clone(),
                plan_name: p.name.clone(),
                min_seats: i64::from(p.min_seats),
            })
        })
        .collect();
    plan_policy::replace(db, &vendors, &plans).await
}

#[cfg(test)]
mod tests {
    use agentmeter_metrics::rows::PlanKind;

    use super::*;
    use crate::analytics::catalog::PlanTerms;

    fn plan(vendor: &str, name: &str) -> CatalogPlan {
        CatalogPlan {
            id: 1,
            terms: PlanTerms {
                vendor: vendor.into(),
                name: name.into(),
                kind: PlanKind::Flat,
                usd_per_seat_month: Some(20.0),
                limit_5h_usd: None,
                limit_week_usd: None,
                valid_from: None,
                valid_to: None,
                source: String::new(),
                notes: String::new(),
            },
        }
    }

    fn vendor(vendor: &str, plans: &[(&str, u32)]) -> VendorPolicy {
        VendorPolicy {
            vendor: vendor.into(),
            allow_pay_as_you_go: false,
            plans: plans
                .iter()
                .map(|(name, min_seats)| AllowedPlan {
                    name: (*name).into(),
                    min_seats: *min_seats,
                })
                .collect(),
        }
    }

    #[test]
    fn a_policy_naming_only_catalog_plans_has_no_problems_and_every_mistake_is_named() {
        let catalog = [plan("Anthropic", "Team"), plan("OpenAI", "Plus")];
        let good = PlanPolicy {
            vendors: vec![vendor("Anthropic", &[("Team", 5)])],
        };
        assert!(problems(&good, &catalog).is_empty());
        let bad = PlanPolicy {
            vendors: vec![
                vendor("Anthropic", &[("Team", 0), ("Nope", 1)]),
                vendor("Acme", &[]),
                vendor("Anthropic", &[]),
            ],
        };
        assert_eq!(
            problems(&bad, &catalog),
            vec![
                "Anthropic: plan \"Team\" needs a seat minimum of at least 1",
                "Anthropic: plan \"Nope\" is not in the plan catalog",
                "vendor \"Acme\" is not in the plan catalog",
                "vendor \"Anthropic\" is named twice",
            ]
        );
    }
}
