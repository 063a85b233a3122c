//! A hand-built set of pull requests whose outcomes were computed by hand, one rule at a time.
//! Policy: the defaults, N = 5 minutes and M = 300 lines. Every PR is by `alice`, opened at
//! 10:00 and (unless said otherwise) merged at 12:00 on 2024-03-01, 100 lines.

use agentmeter_reviews::*;
use chrono::{DateTime, TimeZone, Utc};

const REPO: &str = "github.com/acme/shop";

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, hour, minute, 0)
        .single()
        .expect("valid time")
}

fn pr() -> PullRequestHistory {
    PullRequestHistory {
        pull_request: PullRequestFacts {
            repository: REPO.into(),
            author: "alice".into(),
            head_branch: "feature/cart".into(),
            body: Some("Adds a cart.".into()),
            created_at: at(10, 0),
            merged_at: Some(at(12, 0)),
            closed_at: Some(at(12, 0)),
            lines_added: Some(80),
            lines_removed: Some(20),
        },
        reviews: vec![],
        pushes: vec![],
        commits: vec![],
        sessions: vec![],
    }
}

fn review(reviewer: &str, state: ReviewState, when: DateTime<Utc>) -> ReviewFact {
    ReviewFact {
        reviewer: reviewer.into(),
        state,
        submitted_at: when,
        dismissed: false,
    }
}

fn sized(mut history: PullRequestHistory, added: u64, removed: u64) -> PullRequestHistory {
    history.pull_request.lines_added = Some(added);
    history.pull_request.lines_removed = Some(removed);
    history
}

fn commit(sha: &str, paths: &[&str], markers: Vec<AiAssistant>) -> CommitFact {
    CommitFact {
        sha: sha.into(),
        at: at(9, 30),
        paths: paths.iter().map(|p| p.to_string()).collect(),
        lines_added: 0,
        lines_removed: 0,
        ai_markers: markers,
    }
}

fn outcome(history: &PullRequestHistory) -> Option<ReviewOutcome> {
    review_outcome(history, &ReviewPolicy::default())
}

use ReviewOutcome::*;
use ReviewState::{Approved as Approve, ChangesRequested, Commented};

#[test]
fn an_approval_by_someone_else_before_the_merge_is_approved() {
    let mut history = pr();
    history.reviews.push(review("bob", Approve, at(11, 0)));
    assert_eq!(outcome(&history), Some(Approved));
    assert_eq!(
        time_to_first_review(&history).map(|d| d.num_minutes()),
        Some(60)
    );
    assert_eq!(
        time_to_first_approval(&history).map(|d| d.num_minutes()),
        Some(60)
    );
}

#[test]
fn a_self_approval_in_any_letter_case_leaves_the_pr_unreviewed() {
    let mut history = pr();
    history.reviews.push(review("Alice", Approve, at(11, 0)));
    assert_eq!(outcome(&history), Some(Unreviewed));
    assert_eq!(time_to_first_review(&history), None);
}

#[test]
fn an_approval_after_the_merge_leaves_the_pr_unreviewed() {
    let mut history = pr();
    history.reviews.push(review("bob", Approve, at(12, 30)));
    assert_eq!(outcome(&history), Some(Unreviewed));
    assert_eq!(
        time_to_first_review(&history).map(|d| d.num_minutes()),
        Some(150)
    );
}

#[test]
fn a_dismissed_approval_leaves_the_pr_unreviewed() {
    let mut history = pr();
    history.reviews.push(ReviewFact {
        dismissed: true,
        ..review("bob", Approve, at(11, 0))
    });
    assert_eq!(outcome(&history), Some(Unreviewed));
    let mut as_github_sends_it = pr();
    as_github_sends_it
        .reviews
        .push(review("bob", Approve, at(11, 0)));
    as_github_sends_it
        .reviews
        .push(review("bob", ReviewState::Dismissed, at(11, 10)));
    assert_eq!(outcome(&as_github_sends_it), Some(Unreviewed));
}

#[test]
fn comments_alone_leave_the_pr_unreviewed_but_count_as_a_first_review() {
    let mut history = pr();
    history.reviews.push(review("bob", Commented, at(10, 45)));
    assert_eq!(outcome(&history), Some(Unreviewed));
    assert_eq!(
        time_to_first_review(&history).map(|d| d.num_minutes()),
        Some(45)
    );
    assert_eq!(time_to_first_approval(&history), None);
}

#[test]
fn changes_requested_then_approved_is_approved() {
    let mut history = pr();
    history
        .reviews
        .push(review("bob", ChangesRequested, at(10, 30)));
    history.reviews.push(review("bob", Approve, at(11, 30)));
    assert_eq!(outcome(&history), Some(Approved));
    assert_eq!(
        time_to_first_review(&history).map(|d| d.num_minutes()),
        Some(30)
    );
    assert_eq!(
        time_to_first_approval(&history).map(|d| d.num_minutes()),
        Some(90)
    );
}

#[test]
fn approved_then_changes_requested_by_the_same_reviewer_is_unreviewed() {
    let mut history = pr();
    history.reviews.push(review("bob", Approve, at(10, 30)));
    history
        .reviews
        .push(review("bob", ChangesRequested, at(11, 30)));
    assert_eq!(outcome(&history), Some(Unreviewed));
}

#[test]
fn a_quick_approval_of_a_large_change_is_a_rubber_stamp() {
    let mut history = sized(pr(), 400, 50);
    history.pushes.push(at(11, 0));
    history.reviews.push(review("bob", Approve, at(11, 3)));
    assert_eq!(outcome(&history), Some(RubberStamped));
}

#[test]
fn a_quick_approval_of_a_small_change_or_a_slow_one_of_a_large_change_is_approved() {
    let mut small = sized(pr(), 100, 20);
    small.pushes.push(at(11, 0));
    small.reviews.push(review("bob", Approve, at(11, 3)));
    assert_eq!(outcome(&small), Some(Approved));

    let mut slow = sized(pr(), 400, 50);
    slow.pushes.push(at(11, 0));
    slow.reviews.push(review("bob", Approve, at(11, 40)));
    assert_eq!(outcome(&slow), Some(Approved));
}

#[test]
fn the_rubber_stamp_bounds_are_over_m_lines_and_within_n_minutes_inclusive() {
    let mut exactly_m = sized(pr(), 300, 0);
    exactly_m.pushes.push(at(11, 0));
    exactly_m.reviews.push(review("bob", Approve, at(11, 2)));
    assert_eq!(outcome(&exactly_m), Some(Approved));

    let mut over_m_at_n = sized(pr(), 300, 1);
    over_m_at_n.pushes.push(at(11, 0));
    over_m_at_n.reviews.push(review("bob", Approve, at(11, 5)));
    assert_eq!(outcome(&over_m_at_n), Some(RubberStamped));

    let stricter = ReviewPolicy {
        rubber_stamp_minutes: 1,
        rubber_stamp_lines: 1000,
    };
    assert_eq!(review_outcome(&over_m_at_n, &stricter), Some(Approved));
}

#[test]
fn without_pushes_the_opening_is_the_last_push_and_commit_lines_give_the_size() {
    let mut history = sized(pr(), 500, 0);
    history.reviews.push(review("bob", Approve, at(10, 4)));
    assert_eq!(outcome(&history), Some(RubberStamped));

    let mut from_commits = pr();
    from_commits.pull_request.lines_added = None;
    from_commits.commits = vec![
        CommitFact {
            lines_added: 200,
            ..commit("a1", &["src/cart.rs"], vec![])
        },
        CommitFact {
            lines_removed: 150,
            ..commit("b2", &["src/cart.rs"], vec![])
        },
    ];
    from_commits.pushes.push(at(11, 0));
    from_commits.reviews.push(review("bob", Approve, at(11, 1)));
    assert_eq!(outcome(&from_commits), Some(RubberStamped));
}

#[test]
fn an_open_pull_request_has_no_outcome_yet() {
    let mut history = pr();
    history.pull_request.merged_at = None;
    history.pull_request.closed_at = None;
    history.reviews.push(review("bob", Approve, at(11, 0)));
    assert_eq!(outcome(&history), None);
}

#[test]
fn ai_assistance_is_found_by_trailer_body_and_session_branch_with_its_reason() {
    let critical =
        CriticalPaths::parse(&["migrations/**", "**/auth/**", "billing/**"]).expect("valid");
    let policy = ReviewPolicy::default();

    let mut trailer = pr();
    trailer.commits = vec![commit(
        "c0ffee",
        &["src/cart.rs"],
        vec![AiAssistant::ClaudeCode],
    )];
    assert_eq!(
        classify(&trailer, &critical, &policy).ai_reasons,
        vec![AiReason::CommitMarker {
            sha: "c0ffee".into(),
            assistants: vec![AiAssistant::ClaudeCode]
        }]
    );

    let mut body = pr();
    body.pull_request.body =
        Some("Cart.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)".into());
    assert_eq!(
        classify(&body, &critical, &policy).ai_reasons,
        vec![AiReason::BodyMarker {
            assistants: vec![AiAssistant::ClaudeCode]
        }]
    );

    let session = |id: &str, repo: &str, branch: &str, start: DateTime<Utc>| SessionFact {
        session_id: id.into(),
        repository: repo.into(),
        git_branch: branch.into(),
        started_at: start,
        ended_at: start + chrono::Duration::minutes(20),
    };
    let mut sessions = pr();
    sessions.sessions = vec![
        session("s-match", REPO, "feature/cart", at(10, 30)),
        session(
            "s-other-repo",
            "github.com/acme/other",
            "feature/cart",
            at(10, 30),
        ),
        session("s-other-branch", REPO, "main", at(10, 30)),
        session("s-after-merge", REPO, "feature/cart", at(13, 0)),
    ];
    let classified = classify(&sessions, &critical, &policy);
    assert!(classified.ai_assisted);
    assert_eq!(
        classified.ai_reasons,
        vec![AiReason::SessionBranch {
            session_id: "s-match".into()
        }]
    );

    assert!(!classify(&pr(), &critical, &policy).ai_assisted);
}

#[test]
fn a_pr_is_critical_when_a_changed_path_matches_a_glob() {
    let critical =
        CriticalPaths::parse(&["migrations/**", "**/auth/**", "billing/**"]).expect("valid");
    let mut history = pr();
    history.commits = vec![
        commit("a1", &["src/cart.rs", "migrations/002_cart.sql"], vec![]),
        commit("b2", &["server/auth/token.rs", "README.md"], vec![]),
    ];
    let classified = classify(&history, &critical, &ReviewPolicy::default());
    assert!(classified.critical);
    assert_eq!(
        classified.critical_paths,
        vec!["migrations/002_cart.sql", "server/auth/token.rs"]
    );

    history.commits = vec![commit("c3", &["src/cart.rs", "docs/billing.md"], vec![])];
    assert!(!classify(&history, &critical, &ReviewPolicy::default()).critical);
}
