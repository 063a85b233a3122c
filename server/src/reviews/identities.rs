//! Identity: which user a commit author, PR author or reviewer is. Users match by email or by
//! their GitHub/GitLab login; an admin can map any other identity. Unmatched identities are kept
//! (with a count and when last seen) and listed for an admin, never dropped. Storage is
//! `store::identities`.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identities::{self as store, Forge};
use crate::store::{commits, pull_requests, reviews};

pub use crate::store::identities::UnmatchedIdentity;

/// A forge login and/or an email as an event names them.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// `github`, `gitlab` or `git` (commit authors).
    pub provider: &'a str,
    pub login: Option<&'a str>,
    pub email: Option<&'a str>,
}

fn clean(s: Option<&str>) -> &str {
    s.map(str::trim).unwrap_or("")
}

/// The user this identity belongs to, without recording anything: by email, else by forge
/// login, else by an admin's mapping.
pub async fn lookup(db: &Db, seen: Seen<'_>) -> Result<Option<i64>> {
    let (login, email) = (clean(seen.login), clean(seen.email));
    if !email.is_empty() {
        if let Some(id) = store::user_by_email(db, email).await? {
            return Ok(Some(id));
        }
    }
    let forge = match seen.provider {
        "github" => Some(Forge::GitHub),
        "gitlab" => Some(Forge::GitLab),
        _ => None,
    };
    if let (Some(forge), false) = (forge, login.is_empty()) {
        if let Some(id) = store::user_by_login(db, forge, login).await? {
            return Ok(Some(id));
        }
    }
    store::mapped_user(db, seen.provider, login, email).await
}

/// Counts `events` more events of an identity that matched no user.
pub async fn record_unmatched(db: &Db, seen: Seen<'_>, events: i64) -> Result<()> {
    let (login, email) = (
        clean(seen.login).to_lowercase(),
        clean(seen.email).to_lowercase(),
    );
    if login.is_empty() && email.is_empty() {
        return Ok(());
    }
    store::record_unmatched(db, seen.provider, &login, &email, events).await
}

/// The user of an identity; an unmatched one is recorded for an admin to map.
pub async fn resolve(db: &Db, seen: Seen<'_>) -> Result<Option<i64>> {
    let found = lookup(db, seen).await?;
    if found.is_none() {
        record_unmatched(db, seen, 1).await?;
    }
    Ok(found)
}

/// Unmatched identities, most active first.
pub async fn list_unmatched(db: &Db) -> Result<Vec<UnmatchedIdentity>> {
    store::list_unmatched(db).await
}

/// Maps identity `id` to the user given by id or email, attributes its past pull requests,
/// reviews and commits to that user, and returns the pull requests to reclassify.
pub async fn match_to_user(db: &Db, id: i64, user: &str) -> Result<Vec<i64>> {
    let user = user.trim();
    let user_id = match user.parse::<i64>() {
        Ok(uid) => store::user_exists(db, uid).await?.then_some(uid),
        Err(_) => store::user_by_email(db, user).await?,
    }
    .ok_or_else(|| Error::NotFound(format!("user {user:?}")))?;
    let identity = store::keys_of(db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("identity {id}")))?;
    store::map_to_user(db, id, user_id).await?;
    let mut touched = Vec::new();
    if !identity.login.is_empty() {
        let login = identity.login.as_str();
        touched.extend(
            pull_requests::attribute_to_user(db, pull_requests::AuthorKey::Login(login), user_id)
                .await?,
        );
        touched.extend(reviews::attribute_to_user(db, login, user_id).await?);
    }
    if !identity.email.is_empty() {
        let email = identity.email.as_str();
        touched.extend(
            pull_requests::attribute_to_user(db, pull_requests::AuthorKey::Email(email), user_id)
                .await?,
        );
        commits::attribute_to_user(db, email, user_id).await?;
    }
    touched.sort_unstable();
    touched.dedup();
    Ok(touched)
}

/// Maps an identity to a user and reclassifies the pull requests that changed hands.
pub async fn match_and_reclassify(state: &AppState, id: i64, user: &str) -> Result<usize> {
    let touched = match_to_user(&state.db, id, user).await?;
    super::classification::reclassify_all(&state.db, &touched, &state.review_policy()).await
}
