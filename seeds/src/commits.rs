//! Git history for the commit collector endpoint: every commit of every PR as the
//! `agentmeter collect git` collector reports it (`CommitRecord`), with line counts split into
//! test and other files and the AI markers found in its message.

use agentmeter_ingest::gitlog::detect_ai_markers;
use agentmeter_ingest::wire_git::{CommitBatch, CommitRecord, LineCounts};

use crate::model::PullRequest;
use crate::org::{repository_id, DEVELOPERS};

/// Commits per batch sent to `POST /api/v1/ingest/commits`.
pub const COMMIT_BATCH_SIZE: usize = 500;

/// The collector's record of every commit of `prs`, oldest first.
pub fn commit_records(prs: &[PullRequest]) -> Vec<CommitRecord> {
    let mut out: Vec<CommitRecord> = prs
        .iter()
        .flat_map(|pr| {
            let author = &DEVELOPERS[pr.author];
            pr.commits.iter().map(move |c| CommitRecord {
                repository: repository_id(pr.repository),
                sha: c.sha.clone(),
                parents: c.parents.clone(),
                author_email: author.email(),
                author_name: author.name.to_string(),
                authored_at: c.at,
                committed_at: c.at,
                paths: c.paths.clone(),
                lines: LineCounts {
                    added: c.lines_added,
                    removed: c.lines_removed,
                    test_added: c.test_added,
                    test_removed: c.test_removed,
                },
                ai_markers: detect_ai_markers(&c.message),
                branches: vec![
                    "main".to_string(),
                    format!("origin/{}", pr.head_branch),
                    pr.head_branch.clone(),
                ],
            })
        })
        .collect();
    out.sort_by(|a, b| a.authored_at.cmp(&b.authored_at).then(a.sha.cmp(&b.sha)));
    out
}

/// Batches per developer, as each developer's own `agentmeter collect git` sends their commits
/// (the server counts a commit for its author only when the author, or a webhook, reports it).
pub fn commit_batches(prs: &[PullRequest]) -> Vec<(&'static str, CommitBatch)> {
    let records = commit_records(prs);
    let mut out = Vec::new();
    for developer in DEVELOPERS {
        let email = developer.email();
        let own: Vec<CommitRecord> = records
            .iter()
            .filter(|r| r.author_email == email)
            .cloned()
            .collect();
        for chunk in own.chunks(COMMIT_BATCH_SIZE) {
            out.push((
                developer.login,
                CommitBatch {
                    commits: chunk.to_vec(),
                },
            ));
        }
    }
    out
}
