//! Scope: which developers' data a request may see, from the caller's role and the `team` and
//! `user` filters. Every data endpoint resolves one before it reads anything.

use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::accounts;

/// The `team` and `user` (email) filters of a data request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScopeFilter {
    pub team: Option<String>,
    pub user: Option<String>,
}

/// The developers whose data a request covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everybody (an admin without filters).
    Everyone,
    /// These user ids only (sorted, possibly empty).
    Users(Vec<i64>),
}

impl Scope {
    pub fn includes(&self, user_id: i64) -> bool {
        match self {
            Scope::Everyone => true,
            Scope::Users(ids) => ids.binary_search(&user_id).is_ok(),
        }
    }

    /// The user ids, when the scope is not everyone.
    pub fn user_ids(&self) -> Option<&[i64]> {
        match self {
            Scope::Everyone => None,
            Scope::Users(ids) => Some(ids),
        }
    }
}

fn forbidden() -> Error {
    Error::Forbidden("you may not see this team's or person's data".into())
}

/// Resolves the filters against what the caller may see: admins everything, managers the teams
/// they manage (and themselves), developers only themselves.
pub async fn resolve(
    state: &AppState,
    caller: &CurrentUser,
    filter: &ScopeFilter,
) -> Result<Scope> {
    let team = filter
        .team
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let user = filter
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());

    let team_members = match team {
        None => None,
        Some(name) => {
            let team_id = match accounts::team_id(&state.db, name).await? {
                Some(id) => id,
                None if caller.is_admin() => return Err(Error::NotFound(format!("team {name:?}"))),
                None => return Err(forbidden()),
            };
            let allowed = caller.is_admin() || caller.managed_team_ids().contains(&team_id);
            if !allowed {
                return Err(forbidden());
            }
            Some(accounts::team_member_ids(&state.db, team_id).await?)
        }
    };

    let visible: Option<Vec<i64>> = match caller.role {
        Role::Admin => None,
        Role::Developer => Some(vec![caller.id]),
        Role::Manager => {
            let mut ids = vec![caller.id];
            for team_id in caller.managed_team_ids() {
                ids.extend(accounts::team_member_ids(&state.db, team_id).await?);
            }
            Some(ids)
        }
    };

    let chosen_user = match user {
        None => None,
        Some(email) => match accounts::user_by_email(&state.db, email).await? {
            Some(found) if visible.as_ref().is_none_or(|ids| ids.contains(&found.id)) => {
                Some(found.id)
            }
            None if caller.is_admin() => return Err(Error::NotFound(format!("user {email:?}"))),
            _ => return Err(forbidden()),
        },
    };

    let mut ids = match (chosen_user, team_members, visible) {
        (Some(id), Some(members), _) => members.into_iter().filter(|m| *m == id).collect(),
        (Some(id), None, _) => vec![id],
        (None, Some(members), _) => members,
        (None, None, Some(visible)) => visible,
        (None, None, None) => return Ok(Scope::Everyone),
    };
    ids.sort_unstable();
    ids.dedup();
    Ok(Scope::Users(ids))
}
