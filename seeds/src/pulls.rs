//! Pull requests and their commits: each developer merges at a steady rate before their first
//! assistant session and, once the ramp is over, at a higher one, so the team's merged PRs per
//! developer-week rise by [`crate::truths::THROUGHPUT_LIFT_PCT`].

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::model::{Commit, PullRequest};
use crate::org::{Developer, Persona, DEVELOPERS};
use crate::rng::SplitMix64;
use crate::timeline::{midnight, Calendar, RAMP_WEEKS};
use crate::truths::THROUGHPUT_LIFT_PCT;

/// Merged PRs per week of one developer, before and after adoption.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    pub before_per_week: f64,
    pub after_per_week: f64,
}

fn raw_multiplier(persona: Persona) -> f64 {
    match persona {
        Persona::Power => 1.75,
        Persona::Regular | Persona::PaygHeavy => 1.35,
        Persona::Light => 1.12,
        Persona::PaygLight => 1.05,
        Persona::Never => 1.0,
    }
}

/// Per developer: baseline rate in [0.8, 1.8) PRs a week, and an after rate whose persona-shaped
/// multipliers are scaled so that Σ after / Σ before over starters is exactly 1 + lift.
pub fn throughputs(seed: u64) -> Vec<Throughput> {
    let before: Vec<f64> = DEVELOPERS
        .iter()
        .map(|d| SplitMix64::derive(seed, &format!("rate:{}", d.login)).between(0.8, 1.8))
        .collect();
    let starters = || DEVELOPERS.iter().zip(&before).filter(|(d, _)| d.starts());
    let sum_before: f64 = starters().map(|(_, b)| b).sum();
    let extra: f64 = starters()
        .map(|(d, b)| b * (raw_multiplier(d.persona) - 1.0))
        .sum();
    let scale = sum_before * THROUGHPUT_LIFT_PCT / 100.0 / extra;
    DEVELOPERS
        .iter()
        .zip(&before)
        .map(|(d, &b)| Throughput {
            before_per_week: b,
            after_per_week: b * (1.0 + (raw_multiplier(d.persona) - 1.0) * scale),
        })
        .collect()
}

/// Merge instants of one developer: spaced evenly in working time (40 h a week) at the before
/// rate, then at the after rate from `first_use + RAMP_WEEKS`, up to the calendar's last day.
pub fn merge_times(
    rng: &mut SplitMix64,
    calendar: &Calendar,
    rate: Throughput,
    first_use: Option<NaiveDate>,
) -> Vec<DateTime<Utc>> {
    let switch = first_use.map_or(f64::INFINITY, |f| {
        calendar.work_hours_before(f) + RAMP_WEEKS as f64 * 40.0
    });
    // Up to the end of the last working day before today (a weekend `end` adds no hours).
    let end = calendar.work_hours_before(calendar.today) - 0.1;
    let mut t = rng.unit() * 40.0 / rate.before_per_week;
    let mut out = Vec::new();
    while t < end {
        out.push(calendar.work_instant(t));
        t += 40.0
            / if t < switch {
                rate.before_per_week
            } else {
                rate.after_per_week
            };
    }
    out
}

const SUBJECTS: [&str; 12] = [
    "retry budget",
    "request tracing",
    "config loader",
    "rate limiter",
    "health checks",
    "error mapping",
    "batch writer",
    "cache invalidation",
    "feature flag",
    "metrics export",
    "pagination",
    "input validation",
];
const VERBS: [&str; 6] = ["Add", "Fix", "Refactor", "Speed up", "Harden", "Simplify"];

/// Ordinary source and test paths of a repository.
fn paths(repository: &str) -> ([&'static str; 4], &'static str) {
    match repository {
        "platform-infra" => (
            [
                "services/gateway/router.go",
                "services/gateway/limits.go",
                "deploy/helm/values.yaml",
                "pkg/config/loader.go",
            ],
            "services/gateway/router_test.go",
        ),
        "payments-api" => (
            [
                "src/ledger/writer.rs",
                "src/payouts/batch.rs",
                "src/api/handlers.rs",
                "src/fx/rates.rs",
            ],
            "tests/ledger_writer.rs",
        ),
        "mobile-app" => (
            [
                "app/src/screens/Checkout.tsx",
                "app/src/state/cart.ts",
                "app/src/api/client.ts",
                "ios/Podfile",
            ],
            "app/src/state/cart.test.ts",
        ),
        _ => (
            [
                "pipelines/events/ingest.py",
                "pipelines/events/dedupe.py",
                "dags/daily_rollup.py",
                "dbt/models/orders.sql",
            ],
            "tests/test_dedupe.py",
        ),
    }
}

/// A merged PR of `developer` at `merged_at`, not yet numbered or reviewed. `ai_assisted` PRs
/// carry a body marker, a commit trailer, or both.
pub fn pull_request(
    rng: &mut SplitMix64,
    index: usize,
    developer: &Developer,
    merged_at: DateTime<Utc>,
    ai_assisted: bool,
    serial: usize,
) -> PullRequest {
    let repository = crate::org::team(developer.team).map_or("platform-infra", |t| t.repository);
    let cycle_hours = if ai_assisted {
        rng.between(10.0, 34.0)
    } else {
        rng.between(18.0, 52.0)
    };
    let created_at = merged_at - Duration::minutes((cycle_hours * 60.0) as i64);
    let subject = SUBJECTS[rng.int(0, 11) as usize];
    let title = format!("{} {subject}", VERBS[rng.int(0, 5) as usize]);
    let head_branch = format!("{}/{}-{serial}", developer.login, subject.replace(' ', "-"));
    let codex = rng.chance(developer.codex_share);
    let (body_marker, trailer) = match (ai_assisted, rng.int(0, 2)) {
        (false, _) => (false, false),
        (true, 0) => (true, false),
        (true, 1) => (false, true),
        (true, _) => (true, true),
    };
    let mut body = format!(
        "## Summary\n\n{title} in `{repository}`.\n\n## Testing\n\nUnit tests and a local run."
    );
    if body_marker {
        body.push_str(if codex {
            "\n\nGenerated with Codex"
        } else {
            "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"
        });
    }
    let (sources, test_path) = paths(repository);
    let added_total = if ai_assisted {
        rng.int(70, 320)
    } else {
        rng.int(30, 210)
    };
    let test_share = if ai_assisted { 0.14 } else { 0.22 };
    let n_commits = rng.int(1, 4) as usize;
    let first_commit = created_at - Duration::minutes(rng.int(60, 26 * 60) as i64);
    let mut commits: Vec<Commit> = Vec::with_capacity(n_commits);
    for k in 0..n_commits {
        let at = first_commit + (created_at - first_commit) * k as i32 / n_commits as i32;
        let added =
            added_total / n_commits as u64 + u64::from(k == 0) * (added_total % n_commits as u64);
        let removed = rng.int(2, added / 3 + 2);
        let test_added = (added as f64 * test_share).round() as u64;
        let test_removed = (removed as f64 * test_share).round() as u64;
        let mut changed = vec![sources[rng.int(0, 3) as usize].to_string()];
        if test_added + test_removed > 0 {
            changed.push(test_path.to_string());
        }
        let mut message = format!(
            "{title} ({}/{n_commits})\n\nPart {} of the change.",
            k + 1,
            k + 1
        );
        if trailer {
            message.push_str(if codex {
                "\n\nCo-authored-by: Codex <noreply@openai.com>"
            } else {
                "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
            });
        }
        commits.push(Commit {
            sha: rng.hex(40),
            parents: commits
                .last()
                .map(|c| vec![c.sha.clone()])
                .unwrap_or_else(|| vec![rng.hex(40)]),
            at,
            message,
            paths: changed,
            lines_added: added,
            lines_removed: removed,
            test_added,
            test_removed,
        });
    }
    PullRequest {
        repository,
        number: 0,
        author: index,
        title,
        body,
        head_branch,
        created_at,
        merged_at,
        commits,
        reviews: Vec::new(),
        ai_assisted,
        planted_skip: false,
    }
}

/// Share of a developer's PRs made with an assistant once they have started.
pub fn ai_share(persona: Persona) -> f64 {
    match persona {
        Persona::Power => 0.85,
        Persona::Regular | Persona::PaygHeavy => 0.6,
        Persona::Light => 0.3,
        Persona::PaygLight => 0.25,
        Persona::Never => 0.0,
    }
}

/// Whether a PR's whole life (first commit to merge) is after the developer's first session.
pub fn after_first_use(pr: &PullRequest, first_use: Option<NaiveDate>) -> bool {
    let start = pr
        .commits
        .iter()
        .map(|c| c.at)
        .fold(pr.created_at, DateTime::min);
    first_use.is_some_and(|f| start >= midnight(f) + Duration::hours(18))
}
