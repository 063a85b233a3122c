//! The admin's plan policy: which plans recommendations may propose per vendor, and the seat
//! minimums a plan needs before it is worth buying (docs/metrics.md, "Plan policy").

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::rows::PlanRow;

/// The plans one vendor may be recommended; a vendor without one may be recommended any plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorPolicy {
    pub vendor: String,
    /// Whether "no plan, pay API prices" may be recommended.
    pub allow_pay_as_you_go: bool,
    /// The allowed plans, by catalog name (every dated price of the name).
    pub plans: Vec<AllowedPlan>,
}

/// An allowed plan and the fewest seats the organisation would buy of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedPlan {
    pub name: String,
    /// 1 = no minimum.
    #[serde(default = "one_seat")]
    pub min_seats: u32,
}

fn one_seat() -> u32 {
    1
}

/// The whole policy; empty = every plan of the catalog may be recommended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanPolicy {
    pub vendors: Vec<VendorPolicy>,
}

impl PlanPolicy {
    fn vendor(&self, vendor: &str) -> Option<&VendorPolicy> {
        self.vendors.iter().find(|v| v.vendor == vendor)
    }

    /// Whether recommending pay-as-you-go for `vendor`'s tool is allowed.
    pub fn allows_pay_as_you_go(&self, vendor: &str) -> bool {
        self.vendor(vendor).is_none_or(|v| v.allow_pay_as_you_go)
    }

    /// Whether `plan` may be recommended.
    pub fn allows(&self, plan: &PlanRow) -> bool {
        self.vendor(&plan.vendor)
            .is_none_or(|v| v.plans.iter().any(|p| p.name == plan.name))
    }

    /// The fewest seats `plan` may be bought with (1 when the policy names no minimum).
    pub fn min_seats(&self, plan: &PlanRow) -> u32 {
        self.vendor(&plan.vendor)
            .and_then(|v| v.plans.iter().find(|p| p.name == plan.name))
            .map_or(1, |p| p.min_seats.max(1))
    }
}

/// Plans (by id) recommended to fewer developers in a month than their seat minimum, given how
/// many developers each plan id is recommended to in that month.
pub(crate) fn short_of_minimum(
    policy: &PlanPolicy,
    plans: &[PlanRow],
    takers_by_plan: &BTreeMap<i64, BTreeSet<i64>>,
) -> Vec<i64> {
    // A minimum counts seats of the plan's name, whatever dated price row each one took.
    let mut takers_by_name: BTreeMap<(&str, &str), BTreeSet<i64>> = BTreeMap::new();
    for (plan_id, users) in takers_by_plan {
        if let Some(p) = plans.iter().find(|p| p.id == *plan_id) {
            takers_by_name
                .entry((&p.vendor, &p.name))
                .or_default()
                .extend(users);
        }
    }
    takers_by_plan
        .keys()
        .filter_map(|id| plans.iter().find(|p| p.id == *id))
        .filter(|p| {
            let takers = takers_by_name
                .get(&(p.vendor.as_str(), p.name.as_str()))
                .map_or(0, BTreeSet::len);
            takers < policy.min_seats(p) as usize
        })
        .map(|p| p.id)
        .collect()
}
