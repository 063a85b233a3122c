//! The organisation's git and review history: every developer's merged PRs from the start of the
//! baseline quarter to the last day of data, numbered per repository, reviewed by
//! teammates, with the planted critical AI-assisted PRs merged without review.

use chrono::{Duration, NaiveDate};

use crate::model::{PullRequest, Review, ReviewState};
use crate::org::{Persona, DEVELOPERS, TEAMS};
use crate::pulls::{ai_share, merge_times, pull_request, throughputs};
use crate::rng::SplitMix64;
use crate::timeline::{midnight, workdays, Calendar};
use crate::truths::planted_skips;

/// First-session day of every developer (`None` for those who never start). Pay-as-you-go heavy
/// users start on the first three workdays of the adoption period, everyone else by its
/// `last_start`.
pub fn first_uses(seed: u64, calendar: &Calendar) -> Vec<Option<NaiveDate>> {
    let days = workdays(calendar.adoption_start, calendar.last_start);
    DEVELOPERS
        .iter()
        .map(|d| {
            let mut rng = SplitMix64::derive(seed, &format!("start:{}", d.login));
            let last = if d.persona == Persona::PaygHeavy {
                2
            } else {
                days.len() as u64 - 1
            };
            d.starts().then(|| days[rng.int(0, last) as usize])
        })
        .collect()
}

/// Every merged PR, in creation order.
pub fn pull_requests(
    seed: u64,
    calendar: &Calendar,
    first_use: &[Option<NaiveDate>],
) -> Vec<PullRequest> {
    let rates = throughputs(seed);
    let mut prs = Vec::new();
    for (index, developer) in DEVELOPERS.iter().enumerate() {
        let mut rng = SplitMix64::derive(seed, &format!("prs:{}", developer.login));
        let ai_from = first_use[index].map(|f| midnight(f) + Duration::days(4));
        for (serial, merged_at) in merge_times(&mut rng, calendar, rates[index], first_use[index])
            .into_iter()
            .enumerate()
        {
            let ai = ai_from.is_some_and(|from| merged_at >= from)
                && rng.chance(ai_share(developer.persona));
            prs.push(pull_request(
                &mut rng,
                index,
                developer,
                merged_at,
                ai,
                serial + 100,
            ));
        }
    }
    plant_skips(&mut prs, calendar);
    let mut rng = SplitMix64::derive(seed, "reviews");
    for pr in prs.iter_mut() {
        touch_critical_path(&mut rng, pr);
        pr.reviews = reviews(&mut rng, pr);
    }
    prs.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then(a.head_branch.cmp(&b.head_branch))
    });
    number(&mut prs);
    prs
}

/// Turns, for each planted skip, the author's AI-assisted PR merged closest to the planted day
/// into a critical change merged without review.
fn plant_skips(prs: &mut [PullRequest], calendar: &Calendar) {
    for skip in planted_skips(calendar) {
        let target = midnight(skip.merged_on) + Duration::hours(12);
        let chosen = prs
            .iter_mut()
            .filter(|p| {
                DEVELOPERS[p.author].login == skip.author_login && p.ai_assisted && !p.planted_skip
            })
            .min_by_key(|p| (p.merged_at - target).num_seconds().abs());
        let Some(pr) = chosen else { continue };
        pr.title = skip.title.to_string();
        pr.planted_skip = true;
        if !pr.body.contains("Generated with") {
            pr.body
                .push_str("\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)");
        }
        if let Some(last) = pr.commits.last_mut() {
            last.paths.push(skip.path);
        }
    }
}

/// About one PR in twenty also changes a critical path of its repository (and gets reviewed).
fn touch_critical_path(rng: &mut SplitMix64, pr: &mut PullRequest) {
    if pr.planted_skip || !rng.chance(0.05) {
        return;
    }
    let path = match pr.repository {
        "platform-infra" => "services/gateway/auth/session.go".to_string(),
        "payments-api" => format!(
            "migrations/{}_{}.sql",
            pr.created_at.format("%Y%m%d"),
            pr.head_branch.len()
        ),
        "mobile-app" => "app/src/auth/keychain.ts".to_string(),
        _ => format!("migrations/{}_backfill.sql", pr.created_at.format("%Y%m%d")),
    };
    if let Some(first) = pr.commits.first_mut() {
        first.paths.push(path);
    }
}

fn critical(pr: &PullRequest) -> bool {
    pr.commits
        .iter()
        .flat_map(|c| &c.paths)
        .any(|p| p.starts_with("migrations/") || p.contains("/auth/"))
}

/// Teammates review: most PRs are approved hours after opening, some get a comment first, a few
/// large AI-assisted ones are approved within minutes (rubber stamps), and about 8 % of
/// non-critical PRs are merged without review. Every critical PR but the planted ones is approved.
fn reviews(rng: &mut SplitMix64, pr: &PullRequest) -> Vec<Review> {
    if pr.planted_skip {
        return Vec::new();
    }
    let author = &DEVELOPERS[pr.author];
    let mates: Vec<&'static str> = DEVELOPERS
        .iter()
        .filter(|d| d.team == author.team && d.login != author.login)
        .map(|d| d.login)
        .collect();
    let pick = |rng: &mut SplitMix64| mates[rng.int(0, mates.len() as u64 - 1) as usize];
    if !critical(pr) && rng.chance(0.08) {
        return Vec::new();
    }
    let cycle = pr.merged_at - pr.created_at;
    let mut out = Vec::new();
    let id = |rng: &mut SplitMix64| 2_400_000_000 + rng.int(0, 999_999_999);
    let size = pr.lines_added() + pr.lines_removed();
    if pr.ai_assisted && size > 300 && rng.chance(0.3) {
        out.push(Review {
            id: id(rng),
            reviewer: pick(rng),
            state: ReviewState::Approved,
            at: pr.created_at + Duration::minutes(2),
        });
        return out;
    }
    if rng.chance(0.3) {
        let at = pr.created_at + cycle * (5 + rng.int(0, 10) as i32) / 100;
        let state = if rng.chance(0.3) {
            ReviewState::ChangesRequested
        } else {
            ReviewState::Commented
        };
        out.push(Review {
            id: id(rng),
            reviewer: pick(rng),
            state,
            at,
        });
    }
    let at = pr.created_at + cycle * (20 + rng.int(0, 60) as i32) / 100;
    out.push(Review {
        id: id(rng),
        reviewer: pick(rng),
        state: ReviewState::Approved,
        at,
    });
    out
}

/// Numbers PRs per repository in creation order, from a different base per repository.
fn number(prs: &mut [PullRequest]) {
    for (k, team) in TEAMS.iter().enumerate() {
        for (number, pr) in ([1412, 2087, 803, 611][k]..)
            .zip(prs.iter_mut().filter(|p| p.repository == team.repository))
        {
            pr.number = number;
        }
    }
}
