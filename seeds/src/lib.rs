//! The demo organisation of agentmeter: a deterministic generator of a realistic organisation
//! (30 developers in 4 teams over a baseline quarter without assistants and an adoption quarter)
//! that `serve --demo` loads through the real ingest paths. It produces
//!
//! - real-format Claude Code transcripts and Codex rollouts, one directory per developer
//!   ([`logs`]), to be parsed and uploaded exactly as `agentmeter upload` does;
//! - GitHub webhook deliveries ([`github`]) for every PR, with AI markers in PR bodies and commit
//!   trailers and head branches matching the assistant sessions' `gitBranch`;
//! - git commit records ([`commits`]) for `POST /api/v1/ingest/commits`;
//!
//! with the planted truths of a field report ([`truths::PlantedTruths`]): team throughput +35 %
//! after adoption, the Payments team's spend going from exactly $280.00 to $450.00 over the two
//! full months before today as the ingest crate prices it, usage concentrated in a motivated
//! minority (three developers never start), three pay-as-you-go developers who would save on a
//! flat plan, and four critical AI-assisted PRs merged without review. The calendar moves with
//! the day the demo is loaded, so the demo's data always ends yesterday (see [`timeline`]); the
//! caller says which day is today, nothing here reads the clock.
#![forbid(unsafe_code)]

pub mod budgets;
pub mod calibrate;
pub mod claude_log;
pub mod codex_log;
pub mod commits;
pub mod github;
pub mod history;
pub mod library;
pub mod load;
pub mod logs;
pub mod measure;
pub mod model;
pub mod org;
pub mod pulls;
pub mod rng;
pub mod timeline;
pub mod truths;
pub mod usage;

use agentmeter_ingest::pricing::PriceTable;
use chrono::NaiveDate;

use crate::model::{PullRequest, Session};
use crate::org::{repository_id, DEVELOPERS};
use crate::timeline::{month_label, Calendar};
use crate::truths::{PlantedPr, PlantedTruths, SPEND_TARGETS_USD, SPEND_TEAM, THROUGHPUT_LIFT_PCT};

/// Seed of the demo organisation.
pub const SEED: u64 = 0x00a9_e27e_7e7e_2026;

/// The generated organisation.
#[derive(Debug, Clone)]
pub struct DemoOrg {
    /// The dates the organisation lives in.
    pub calendar: Calendar,
    /// First-session day per developer (index into [`org::DEVELOPERS`]).
    pub first_use: Vec<Option<NaiveDate>>,
    /// Every assistant session, by developer.
    pub sessions: Vec<Session>,
    /// Every merged PR, in creation order.
    pub pull_requests: Vec<PullRequest>,
    pub truths: PlantedTruths,
}

impl DemoOrg {
    /// Generates the organisation of a demo loaded on `today` from [`SEED`]: its data ends the
    /// day before (same output on every run for the same day).
    pub fn generate_on(today: NaiveDate) -> DemoOrg {
        DemoOrg::generate_with(SEED, today)
    }

    /// Generates an organisation from another seed (the planted truths hold for any seed and
    /// any day).
    pub fn generate_with(seed: u64, today: NaiveDate) -> DemoOrg {
        let calendar = Calendar::for_today(today);
        let prices = PriceTable::builtin();
        let first_use = history::first_uses(seed, &calendar);
        let pull_requests = history::pull_requests(seed, &calendar, &first_use);
        let mut sessions = usage::sessions(seed, &calendar, &first_use, &pull_requests, &prices);
        let mut spend_months = Vec::new();
        for (month, target) in calendar.spend_months().into_iter().zip(SPEND_TARGETS_USD) {
            let cost = calibrate::calibrate(&mut sessions, &prices, SPEND_TEAM, month, target);
            spend_months.push((month_label(month), (cost * 100.0).round() / 100.0));
        }
        library::add_skill_calls(&mut sessions, &calendar);
        let mut skips: Vec<&PullRequest> =
            pull_requests.iter().filter(|p| p.planted_skip).collect();
        skips.sort_by_key(|p| std::cmp::Reverse(p.merged_at));
        let truths = PlantedTruths {
            throughput_lift_pct: THROUGHPUT_LIFT_PCT,
            measured_lift_pct: measure::merged_pr_lift_pct(
                &calendar,
                &sessions,
                &pull_requests,
                8,
                4,
            ),
            spend_team: SPEND_TEAM,
            spend_months,
            plans_month: month_label(calendar.spend_months()[1]),
            payg_would_save: truths::payg_would_save(),
            not_started: truths::not_started(),
            top20_share_pct: measure::top20_share_pct(&calendar, &sessions, &prices),
            critical_unreviewed_ai_prs: skips
                .into_iter()
                .map(|p| PlantedPr {
                    repository: repository_id(p.repository),
                    number: p.number,
                    title: p.title.clone(),
                    author_email: DEVELOPERS[p.author].email(),
                })
                .collect(),
        };
        DemoOrg {
            calendar,
            first_use,
            sessions,
            pull_requests,
            truths,
        }
    }

    /// Usage requests over all sessions.
    pub fn request_count(&self) -> usize {
        self.sessions.iter().map(|s| s.requests.len()).sum()
    }
}

#[cfg(test)]
mod tests;
