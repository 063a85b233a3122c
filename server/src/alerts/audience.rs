//! Who receives an alert by e-mail: the admins, and the managers of the teams it concerns (the
//! budget's team, the PR author's or the developer's teams), each unless they turned that kind
//! of alert off.

use std::collections::BTreeSet;

use super::AlertKind;
use crate::db::Db;
use crate::domain::Role;
use crate::error::Result;
use crate::store::accounts::{self, Membership};
use crate::store::alerts;

/// A manager or admin who may receive alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reader {
    user_id: i64,
    email: String,
    role: Role,
    memberships: Vec<Membership>,
}

/// Everyone alerts may reach, loaded once per check.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    readers: Vec<Reader>,
    /// Team ids of every user, for the teams an alert about a person concerns.
    teams_of: Vec<(i64, Vec<i64>)>,
    /// (user, kind) pairs turned off.
    declined: BTreeSet<(i64, String)>,
}

impl Audience {
    pub async fn load(db: &Db) -> Result<Audience> {
        let mut audience = Audience::default();
        for user in accounts::list_users(db).await? {
            let memberships = accounts::memberships(db, user.id).await?;
            audience
                .teams_of
                .push((user.id, memberships.iter().map(|m| m.team_id).collect()));
            if user.role != Role::Developer {
                audience.readers.push(Reader {
                    user_id: user.id,
                    email: user.email,
                    role: user.role,
                    memberships,
                });
            }
        }
        audience.declined = alerts::subscriptions(db)
            .await?
            .into_iter()
            .filter(|s| !s.email)
            .map(|s| (s.user_id, s.kind))
            .collect();
        Ok(audience)
    }

    /// The teams a user belongs to.
    pub fn teams_of(&self, user_id: i64) -> Vec<i64> {
        self.teams_of
            .iter()
            .find(|(id, _)| *id == user_id)
            .map(|(_, teams)| teams.clone())
            .unwrap_or_default()
    }

    /// The e-mail addresses an alert of `kind` about `teams` goes to (all admins; managers of
    /// any of those teams), without those who declined that kind.
    pub fn emails(&self, kind: AlertKind, teams: &[i64]) -> Vec<String> {
        self.readers
            .iter()
            .filter(|r| match r.role {
                Role::Admin => true,
                Role::Manager => r
                    .memberships
                    .iter()
                    .any(|m| m.is_manager && teams.contains(&m.team_id)),
                Role::Developer => false,
            })
            .filter(|r| {
                !self
                    .declined
                    .contains(&(r.user_id, kind.as_str().to_owned()))
            })
            .map(|r| r.email.clone())
            .collect()
    }
}
