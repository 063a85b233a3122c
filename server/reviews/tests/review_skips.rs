//! Review-skip figures over the whole hand-built set, split AI-assisted vs not.
//!
//! Hand count (merged PRs only): AI-assisted: #1 rubber-stamped, #2 unreviewed (self-approval),
//! #3 approved -> 2 skips of 3. Not AI-assisted: #4 unreviewed (post-merge approval), #5
//! unreviewed (dismissed), #6 approved, #7 approved (changes requested, then approved) -> 2 of 4.
//! #8 is open and not counted. Overall 4 skips of 7 merged.

use agentmeter_reviews::*;
use chrono::{DateTime, TimeZone, Utc};

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, hour, minute, 0)
        .single()
        .expect("valid time")
}

fn history(body: &str, size: u64, merged: bool, reviews: Vec<ReviewFact>) -> PullRequestHistory {
    PullRequestHistory {
        pull_request: PullRequestFacts {
            repository: "github.com/acme/shop".into(),
            author: "alice".into(),
            head_branch: "topic".into(),
            body: Some(body.into()),
            created_at: at(10, 0),
            merged_at: merged.then(|| at(12, 0)),
            closed_at: merged.then(|| at(12, 0)),
            lines_added: Some(size),
            lines_removed: Some(0),
        },
        reviews,
        pushes: vec![at(11, 0)],
        commits: vec![],
        sessions: vec![],
    }
}

fn by(reviewer: &str, state: ReviewState, when: DateTime<Utc>, dismissed: bool) -> ReviewFact {
    ReviewFact {
        reviewer: reviewer.into(),
        state,
        submitted_at: when,
        dismissed,
    }
}

#[test]
fn review_skip_rates_of_the_hand_built_set_equal_the_hand_computed_ones() {
    use ReviewState::*;
    let ai = "Generated with Claude Code";
    let set = [
        history(ai, 900, true, vec![by("bob", Approved, at(11, 2), false)]),
        history(ai, 50, true, vec![by("alice", Approved, at(11, 30), false)]),
        history(ai, 50, true, vec![by("carol", Approved, at(11, 30), false)]),
        history("", 50, true, vec![by("bob", Approved, at(12, 5), false)]),
        history("", 50, true, vec![by("bob", Approved, at(11, 30), true)]),
        history("", 900, true, vec![by("bob", Approved, at(11, 45), false)]),
        history(
            "",
            50,
            true,
            vec![
                by("bob", ChangesRequested, at(10, 20), false),
                by("bob", Approved, at(11, 50), false),
            ],
        ),
        history(ai, 900, false, vec![]),
    ];
    let critical = CriticalPaths::new(vec![]);
    let policy = ReviewPolicy::default();
    let classified: Vec<PullRequestClassification> = set
        .iter()
        .map(|h| classify(h, &critical, &policy))
        .collect();

    let rate = |ai_assisted: Option<bool>| {
        let merged: Vec<_> = classified
            .iter()
            .filter(|c| c.outcome.is_some() && ai_assisted.is_none_or(|a| c.ai_assisted == a))
            .collect();
        let skips = merged
            .iter()
            .filter(|c| c.outcome.is_some_and(ReviewOutcome::is_skip))
            .count();
        (skips, merged.len())
    };
    assert_eq!(rate(Some(true)), (2, 3));
    assert_eq!(rate(Some(false)), (2, 4));
    assert_eq!(rate(None), (4, 7));
    let outcomes: Vec<_> = classified
        .iter()
        .map(|c| c.outcome.map(ReviewOutcome::as_str))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            Some("rubber-stamped"),
            Some("unreviewed"),
            Some("approved"),
            Some("unreviewed"),
            Some("unreviewed"),
            Some("approved"),
            Some("approved"),
            None
        ]
    );
}
