//! `POST /api/v1/ingest/commits`: commits from `agentmeter collect git`. Every record is
//! validated first (a 422 names each bad one and nothing is stored); storing them is
//! `reviews::commits`.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};

use agentmeter_ingest::validate_git::validate_commit;
use agentmeter_ingest::wire_git::{CommitReceipt, CommitRecord};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reviews::commit_store::Reporter;
use crate::reviews::commits;
use crate::routes::batch;
use crate::state::AppState;

/// `POST /api/v1/ingest/commits`.
#[utoipa::path(
    post,
    path = "/api/v1/ingest/commits",
    tag = "ingest",
    request_body = agentmeter_ingest::wire_git::CommitBatch,
    responses((status = 200, description = "OK", body = CommitReceipt)),
)]
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Json<CommitReceipt>> {
    let commits = decode_batch(&body, Utc::now())?;
    let reporter = Reporter {
        user_id: user.id,
        is_admin: user.is_admin(),
    };
    let receipt = commits::store(&state, reporter, &commits).await?;
    tracing::info!(user = %user.email, accepted = receipt.accepted, duplicates = receipt.duplicates, "commit batch stored");
    Ok(Json(receipt))
}

/// Parses and validates every record (the collector's own rules, `validate_commit`); any bad
/// record rejects the whole batch with the list.
fn decode_batch(body: &[u8], now: DateTime<Utc>) -> Result<Vec<CommitRecord>> {
    batch::decode_records(body, "commits", |commit: &CommitRecord| {
        validate_commit(commit, now).err()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn commit(sha: &str) -> serde_json::Value {
        serde_json::json!({"repository": "github.com/acme/api", "sha": sha, "author_email": "a@b.c", "author_name": "A",
            "authored_at": "2026-03-01T10:00:00Z", "committed_at": "2026-03-01T10:00:00Z",
            "lines": {"added": 2, "removed": 1, "test_added": 1, "test_removed": 0}})
    }

    #[test]
    fn a_valid_batch_decodes_every_commit() {
        let body = serde_json::json!({"commits": [commit("abcdef0"), commit("0123456789abcdef0123456789abcdef01234567")]});
        let commits = decode_batch(body.to_string().as_bytes(), Utc::now()).expect("valid");
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].lines.non_test_added(), 1);
    }

    #[test]
    fn every_bad_commit_is_named_and_none_is_returned() {
        let mut shouting = commit("abcdef0");
        shouting["repository"] = serde_json::json!("acme/api");
        let mut future = commit("abcdef1");
        future["committed_at"] = serde_json::json!("2999-01-01T00:00:00Z");
        let body = serde_json::json!({"commits": [commit("abcdef0"), commit("xyz"), shouting, future, {"sha": "abcdef2"}]});
        match decode_batch(body.to_string().as_bytes(), Utc::now()) {
            Err(Error::Unprocessable { records, .. }) => {
                assert_eq!(
                    records.iter().map(|r| r.index).collect::<Vec<_>>(),
                    vec![1, 2, 3, 4]
                );
                assert!(records[0].reason.contains("sha"));
                assert!(records[1].reason.contains("repository"));
                assert!(records[2].reason.contains("future"));
            }
            other => panic!("expected 422, got {other:?}"),
        }
    }
}
