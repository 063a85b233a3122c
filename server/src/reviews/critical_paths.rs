//! Critical-path globs of a repository: validated, stored, and the repository's pull requests
//! reclassified.

use serde::Serialize;

use agentmeter_ingest::wire::RecordError;
use agentmeter_reviews::CriticalGlob;

use super::classification::{pull_requests_of, reclassify_all};
use super::repositories::Repository;
use crate::error::{Error, Result};
use crate::state::AppState;

/// A repository's critical paths.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriticalPathsView {
    pub repository: String,
    pub globs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reclassified: Option<usize>,
}

/// Parses every glob (a 422 names each bad one), stores them and reclassifies the repository.
pub fn parse_globs(globs: &[String]) -> Result<Vec<String>> {
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for (index, text) in globs.iter().enumerate() {
        match CriticalGlob::try_from(text.as_str()) {
            Ok(glob) => good.push(glob.as_str().to_owned()),
            Err(e) => problems.push(RecordError {
                index,
                reason: e.to_string(),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Unprocessable {
            message: format!("{} invalid glob(s); nothing was changed", problems.len()),
            records: problems,
        });
    }
    good.dedup();
    Ok(good)
}

/// Validates and stores a repository's globs, then reclassifies its pull requests.
pub async fn set_critical_paths(
    state: &AppState,
    repo: &Repository,
    globs: &[String],
) -> Result<CriticalPathsView> {
    let globs = parse_globs(globs)?;
    crate::store::repositories::set_globs(&state.db, repo.id, &globs).await?;
    let ids = pull_requests_of(&state.db, repo.id, None).await?;
    let reclassified = reclassify_all(&state.db, &ids, &state.review_policy()).await?;
    Ok(CriticalPathsView {
        repository: repo.name.clone(),
        globs,
        reclassified: Some(reclassified),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_are_trimmed_and_every_bad_one_is_named() {
        let good =
            parse_globs(&[" migrations/** ".to_owned(), "**/auth/**".to_owned()]).expect("valid");
        assert_eq!(good, vec!["migrations/**", "**/auth/**"]);
        match parse_globs(&["ok/**".to_owned(), "src/[a".to_owned(), String::new()]) {
            Err(Error::Unprocessable { records, .. }) => assert_eq!(
                records.iter().map(|r| r.index).collect::<Vec<_>>(),
                vec![1, 2]
            ),
            other => panic!("expected 422, got {other:?}"),
        }
    }
}
