//! Who a verified ID token is here: the user linked to its subject, else the user with its
//! e-mail (then linked), else, with `jit_users`, a new user whose role and teams come from the
//! token's groups. Allowed domains and deactivation are checked for everyone.

use serde_json::Value;

use crate::domain::{person_name, Email, Role, TeamName};
use crate::error::{Error, Result};
use crate::settings::OidcSettings;
use crate::state::AppState;
use crate::store::accounts::{self, NewUser, User};
use crate::store::oidc;

/// The person an ID token vouches for.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub issuer: String,
    pub subject: String,
    pub email: Email,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// The user to sign in as `person`, or why they may not.
pub(crate) async fn resolve(state: &AppState, person: &Person) -> Result<User> {
    let settings = &state.settings.oidc;
    if !email_allowed(&person.email, &settings.allowed_email_domains) {
        return Err(Error::Forbidden(format!(
            "{} may not sign in here: only addresses at {} may.",
            person.email,
            settings.allowed_email_domains.join(", ")
        )));
    }
    let db = &state.db;
    let linked = match oidc::user_for_subject(db, &person.issuer, &person.subject).await? {
        Some(id) => accounts::user_by_id(db, id).await?,
        None => None,
    };
    let user = match linked {
        Some(user) => user,
        None => {
            let user = match accounts::user_by_email(db, person.email.as_str()).await? {
                Some(user) => user,
                None if settings.jit_users => create(state, person).await?,
                None => {
                    return Err(Error::Forbidden(format!(
                        "There is no agentmeter account for {}; ask an admin to add you.",
                        person.email
                    )))
                }
            };
            oidc::link_subject(db, &person.issuer, &person.subject, user.id).await?;
            user
        }
    };
    if !user.is_active() {
        return Err(Error::Forbidden(format!(
            "The account {} is deactivated; ask an admin to reactivate it.",
            user.email
        )));
    }
    Ok(user)
}

/// Creates the user just in time, with the role and teams their groups map to (teams that do not
/// exist yet are created: an admin named them in the mapping).
async fn create(state: &AppState, person: &Person) -> Result<User> {
    let settings = &state.settings.oidc;
    let teams = teams_for(&person.groups, settings)?;
    for team in &teams {
        match accounts::create_team(&state.db, team).await {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    let fallback = person.email.as_str().split('@').next().unwrap_or_default();
    let name = person
        .name
        .as_deref()
        .and_then(|n| person_name(n).ok())
        .unwrap_or_else(|| fallback.to_owned());
    let new_user = NewUser {
        email: person.email.clone(),
        name,
        role: role_for(&person.groups, settings),
        teams,
        github_login: None,
        gitlab_login: None,
        password_hash: None,
    };
    match accounts::create_user(&state.db, &new_user).await {
        // A second sign-in of the same new person at the same moment created them first.
        Ok(_) | Err(Error::Conflict(_)) => {}
        Err(other) => return Err(other),
    }
    // The callback is a GET, which the write middleware does not count: a new member changes
    // the teams' reports, so say so here.
    state.reports.data_changed().await?;
    accounts::user_by_email(&state.db, person.email.as_str())
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("user {} just created", person.email)))
}

fn email_allowed(email: &Email, domains: &[String]) -> bool {
    let domain = email.as_str().rsplit('@').next().unwrap_or_default();
    domains.is_empty() || domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
}

/// The highest role any of the groups maps to; developer when none does.
fn role_for(groups: &[String], settings: &OidcSettings) -> Role {
    let rank = |role: &Role| match role {
        Role::Developer => 0,
        Role::Manager => 1,
        Role::Admin => 2,
    };
    groups
        .iter()
        .filter_map(|g| settings.group_roles.get(g))
        .filter_map(|r| Role::try_from(r.as_str()).ok())
        .max_by_key(rank)
        .unwrap_or(Role::Developer)
}

fn teams_for(groups: &[String], settings: &OidcSettings) -> Result<Vec<TeamName>> {
    let mut teams: Vec<TeamName> = Vec::new();
    for group in groups {
        if let Some(team) = settings.group_teams.get(group) {
            let team = TeamName::try_from(team.as_str())?;
            if !teams.contains(&team) {
                teams.push(team);
            }
        }
    }
    Ok(teams)
}

/// The groups claim: a list of names, or one name (as some providers send a single group).
pub(crate) fn groups_in(claim: Option<&Value>) -> Vec<String> {
    match claim {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OidcSettings {
        let mut settings = OidcSettings::default();
        for (group, role) in [("leads", "manager"), ("ops", "admin"), ("eng", "developer")] {
            settings.group_roles.insert(group.into(), role.into());
        }
        settings
            .group_teams
            .insert("eng-pay".into(), "Payments".into());
        settings
            .group_teams
            .insert("leads".into(), "Payments".into());
        settings
    }

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|g| g.to_string()).collect()
    }

    #[test]
    fn the_highest_mapped_role_wins_and_unmapped_groups_give_a_developer() {
        let settings = settings();
        assert_eq!(
            role_for(&groups(&["eng", "leads"]), &settings),
            Role::Manager
        );
        assert_eq!(role_for(&groups(&["ops", "leads"]), &settings), Role::Admin);
        assert_eq!(role_for(&groups(&["visitors"]), &settings), Role::Developer);
    }

    #[test]
    fn two_groups_of_one_team_give_one_membership() {
        let teams = teams_for(&groups(&["eng-pay", "leads", "other"]), &settings()).expect("teams");
        assert_eq!(teams, vec![TeamName::try_from("Payments").expect("name")]);
    }

    #[test]
    fn only_listed_domains_pass_and_an_empty_list_lets_all_in() {
        let email = Email::try_from("ada@Example.com").expect("email");
        assert!(email_allowed(&email, &[]));
        assert!(email_allowed(&email, &["example.com".into()]));
        assert!(!email_allowed(&email, &["example.org".into()]));
        let lookalike = Email::try_from("eve@evilexample.com").expect("email");
        assert!(!email_allowed(&lookalike, &["example.com".into()]));
    }

    #[test]
    fn a_groups_claim_may_be_a_list_or_one_name() {
        let list = serde_json::json!(["a", "b", 3]);
        assert_eq!(groups_in(Some(&list)), ["a", "b"]);
        assert_eq!(groups_in(Some(&serde_json::json!("a"))), ["a"]);
        assert!(groups_in(None).is_empty());
    }
}
