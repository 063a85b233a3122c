//! The planted truths: the figures of the field report the demo organisation is built to show,
//! which tests check the metrics engine recovers through the HTTP API.

use chrono::NaiveDate;

use crate::org::{Persona, DEVELOPERS};

/// Merged PRs per developer-week rise this much after adoption (ratio of sums over starters).
pub const THROUGHPUT_LIFT_PCT: f64 = 35.0;
/// The team whose spend is calibrated to the cent.
pub const SPEND_TEAM: &str = "Payments";
/// Its API-equivalent spend per month, to the cent.
pub const SPEND_MONTHS: [(&str, f64); 2] = [("2026-08", 280.0), ("2026-09", 450.0)];
/// The month whose plan report the flags are checked on (every adoption month shows them).
pub const PLANS_MONTH: &str = "2026-09";

/// A critical AI-assisted PR merged without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlantedSkip {
    pub author_login: &'static str,
    /// The PR merged closest to noon of this day is the one planted.
    pub merged_on: NaiveDate,
    pub title: &'static str,
    /// The critical path it changes.
    pub path: &'static str,
}

const fn day(m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(2026, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// The planted critical, AI-assisted PRs merged unreviewed.
pub const PLANTED_SKIPS: [PlantedSkip; 4] = [
    PlantedSkip {
        author_login: "rahul-mehta",
        merged_on: day(8, 19),
        title: "Add idempotency key to ledger entries",
        path: "migrations/20260819_ledger_idempotency_key.sql",
    },
    PlantedSkip {
        author_login: "jreyes",
        merged_on: day(8, 26),
        title: "Refresh tokens on app resume",
        path: "app/src/auth/refresh.ts",
    },
    PlantedSkip {
        author_login: "priya-nair",
        merged_on: day(9, 9),
        title: "Cache service token validation",
        path: "services/gateway/auth/token_validator.go",
    },
    PlantedSkip {
        author_login: "mateus-silva",
        merged_on: day(9, 16),
        title: "Partition events table by day",
        path: "migrations/0042_partition_events_by_day.sql",
    },
];

/// One planted PR as the API should list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedPr {
    /// Normalized repository (`github.com/northwind-demo/payments-api`).
    pub repository: String,
    pub number: u64,
    pub title: String,
    pub author_email: String,
}

/// Everything a test checks, computed by the generator from what it generated.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantedTruths {
    /// Target team throughput lift, percent.
    pub throughput_lift_pct: f64,
    /// Lift the engine's definition gives on the generated PRs with an 8-week baseline and a
    /// 4-week ramp up to the end of the adoption quarter (close to the target, not equal:
    /// merges are whole events).
    pub measured_lift_pct: f64,
    pub spend_team: &'static str,
    /// (month, cost) of [`SPEND_TEAM`], exact to the cent.
    pub spend_months: Vec<(String, f64)>,
    /// Month of the plan report the flags are checked on.
    pub plans_month: &'static str,
    /// E-mails of the pay-as-you-go developers a flat plan would save money for, sorted.
    pub payg_would_save: Vec<String>,
    /// E-mails of the developers who never start, sorted.
    pub not_started: Vec<String>,
    /// Share of the adoption quarter's spend taken by the top 20 % of developers, percent.
    pub top20_share_pct: f64,
    /// The critical AI-assisted PRs merged unreviewed, newest first.
    pub critical_unreviewed_ai_prs: Vec<PlantedPr>,
}

fn emails(persona: Persona) -> Vec<String> {
    let mut out: Vec<String> = DEVELOPERS
        .iter()
        .filter(|d| d.persona == persona)
        .map(|d| d.email())
        .collect();
    out.sort();
    out
}

/// Pay-as-you-go developers who would save on a flat plan (sorted e-mails).
pub fn payg_would_save() -> Vec<String> {
    emails(Persona::PaygHeavy)
}

/// Developers who never start (sorted e-mails).
pub fn not_started() -> Vec<String> {
    emails(Persona::Never)
}
