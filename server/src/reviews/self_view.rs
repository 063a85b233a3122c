//! A developer's own review figures for their page: their review-skip rate and review-off share of
//! AI edits beside their teams' medians (anonymised: no one else's figure, withheld under
//! `MIN_PEERS` developers), and their merged pull requests that touched critical paths or skipped
//! review.

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::reviews::{peer_medians, EditReview, PeerMedians, SkipCounts};

use super::pull_requests::{self, PullRequestView};
use super::summary::report_with_prs;
use crate::auth::scope::Scope;
use crate::error::Result;
use crate::state::AppState;
use crate::store::accounts;

/// What the developer page shows of one person's reviews.
#[derive(Debug)]
pub struct ReviewSelf {
    /// Their merged pull requests.
    pub skips: SkipCounts,
    /// Their AI edits.
    pub edits: EditReview,
    /// The medians over the members of their teams; `None` without a team.
    pub peers: Option<PeerMedians>,
    /// Their merged pull requests that touched a critical path or skipped review, newest first.
    pub flagged: Vec<PullRequestView>,
}

/// The review figures of user `person_id` over `range`. The teams' report is read whatever the
/// caller may see, because only its medians leave this function.
pub async fn of_person(state: &AppState, person_id: i64, range: DateRange) -> Result<ReviewSelf> {
    let own = Scope::Users(vec![person_id]);
    let report = report_with_prs(state, own.clone(), range).await?;
    let mut members = Vec::new();
    for team in accounts::memberships(&state.db, person_id).await? {
        members.extend(accounts::team_member_ids(&state.db, team.team_id).await?);
    }
    members.sort_unstable();
    members.dedup();
    let peers = if members.is_empty() {
        None
    } else {
        let team = report_with_prs(state, Scope::Users(members), range).await?;
        Some(peer_medians(&team.0))
    };
    let flagged = pull_requests::merged(state, &own, range)
        .await?
        .into_iter()
        .filter(|p| {
            p.critical || matches!(p.outcome.as_deref(), Some("unreviewed" | "rubber-stamped"))
        })
        .collect();
    Ok(ReviewSelf {
        skips: report.0.overall.all,
        edits: report.0.edits_overall.clone(),
        peers,
        flagged,
    })
}
