//! The planted truths: the figures of the field report the demo organisation is built to show,
//! which tests check the metrics engine recovers through the HTTP API.

use chrono::NaiveDate;

use crate::org::{Persona, DEVELOPERS};
use crate::timeline::Calendar;

/// Merged PRs per developer-week rise this much after adoption (ratio of sums over starters).
pub const THROUGHPUT_LIFT_PCT: f64 = 35.0;
/// The team whose spend is calibrated to the cent.
pub const SPEND_TEAM: &str = "Payments";
/// Its API-equivalent spend in the two full months before the demo's today, to the cent.
pub const SPEND_TARGETS_USD: [f64; 2] = [280.0, 450.0];

/// A critical AI-assisted PR merged without review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedSkip {
    pub author_login: &'static str,
    /// The PR merged closest to noon of this day is the one planted.
    pub merged_on: NaiveDate,
    pub title: &'static str,
    /// The critical path it changes.
    pub path: String,
}

/// The planted critical, AI-assisted PRs merged unreviewed: two in the first spend month, two in
/// the second (on the 19th and 26th, then the 9th and 16th).
pub fn planted_skips(calendar: &Calendar) -> [PlantedSkip; 4] {
    let [first, second] = calendar.spend_months();
    let day = |month: NaiveDate, d: u64| month + chrono::Days::new(d - 1);
    let ledger = day(first, 19);
    [
        PlantedSkip {
            author_login: "rahul-mehta",
            merged_on: ledger,
            title: "Add idempotency key to ledger entries",
            path: format!(
                "migrations/{}_ledger_idempotency_key.sql",
                ledger.format("%Y%m%d")
            ),
        },
        PlantedSkip {
            author_login: "jreyes",
            merged_on: day(first, 26),
            title: "Refresh tokens on app resume",
            path: "app/src/auth/refresh.ts".into(),
        },
        PlantedSkip {
            author_login: "priya-nair",
            merged_on: day(second, 9),
            title: "Cache service token validation",
            path: "services/gateway/auth/token_validator.go".into(),
        },
        PlantedSkip {
            author_login: "mateus-silva",
            merged_on: day(second, 16),
            title: "Partition events table by day",
            path: "migrations/0042_partition_events_by_day.sql".into(),
        },
    ]
}

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
    /// 4-week ramp up to the last day of data (close to the target, not equal: merges are whole
    /// events).
    pub measured_lift_pct: f64,
    pub spend_team: &'static str,
    /// (month, cost) of [`SPEND_TEAM`] in the two full months before today, exact to the cent.
    pub spend_months: Vec<(String, f64)>,
    /// Month of the plan report the flags are checked on (the last full month).
    pub plans_month: String,
    /// E-mails of the pay-as-you-go developers a flat plan would save money for, sorted.
    pub payg_would_save: Vec<String>,
    /// E-mails of the developers who never start, sorted.
    pub not_started: Vec<String>,
    /// Share of the adoption period's spend taken by the top 20 % of developers, percent.
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
