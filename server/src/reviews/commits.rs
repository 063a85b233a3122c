//! Commits from the git collector: stored (`commit_store`), then the pull requests whose head
//! branch they are on are reclassified.

use std::collections::BTreeSet;

use agentmeter_ingest::wire_git::{CommitReceipt, CommitRecord};

use super::classification::reclassify_all;
use super::commit_store::{self, Reporter};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{pull_requests, repositories};

/// Stores a validated batch for `reporter` and reclassifies the pull requests it touches.
pub async fn store(
    state: &AppState,
    reporter: Reporter,
    commits: &[CommitRecord],
) -> Result<CommitReceipt> {
    let receipt = commit_store::store(&state.db, reporter, commits).await?;
    reclassify_touched(state, commits).await?;
    Ok(receipt)
}

/// Makes the repositories known and reclassifies PRs whose head branch the commits are on.
async fn reclassify_touched(state: &AppState, commits: &[CommitRecord]) -> Result<()> {
    let repos: BTreeSet<&str> = commits.iter().map(|c| c.repository.as_str()).collect();
    let named: BTreeSet<&str> = commits
        .iter()
        .flat_map(|c| &c.branches)
        .map(String::as_str)
        .collect();
    // `origin/feature` is on the forge as `feature`.
    let branches: BTreeSet<&str> = named
        .iter()
        .map(|b| b.split_once('/').map_or(*b, |(_, rest)| rest))
        .chain(named.iter().copied())
        .collect();
    let branches: Vec<&str> = branches.into_iter().collect();
    let policy = state.review_policy();
    for repo in repos {
        let id = repositories::ensure(&state.db, repo, "git").await?;
        let ids = pull_requests::ids_with_head_in(&state.db, id, &branches).await?;
        reclassify_all(&state.db, &ids, &policy).await?;
    }
    Ok(())
}
