//! `user list`, `team list` and the user lifecycle commands' output: one line per record,
//! tab-separated, or with `--json` one JSON document for scripts.

use serde::Serialize;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::accounts::{self, TeamSummary, User};

/// A user as the CLI prints them.
#[derive(Serialize)]
struct UserListing {
    email: String,
    name: String,
    role: &'static str,
    teams: Vec<String>,
    active: bool,
    /// RFC 3339, UTC; null while active.
    deactivated_at: Option<String>,
}

#[derive(Serialize)]
struct TeamListing {
    name: String,
    members: i64,
    managers: Vec<String>,
}

async fn user_listing(db: &Db, user: User) -> Result<UserListing> {
    let teams = accounts::memberships(db, user.id).await?;
    Ok(UserListing {
        active: user.is_active(),
        deactivated_at: user
            .deactivated_at
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|when| when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        email: user.email,
        name: user.name,
        role: user.role.as_str(),
        teams: teams.into_iter().map(|m| m.team).collect(),
    })
}

fn user_line(user: &UserListing) -> String {
    let status = if user.active { "active" } else { "deactivated" };
    format!(
        "{}\t{}\t{}\t{}\t{status}",
        user.email,
        user.name,
        user.role,
        user.teams.join(",")
    )
}

/// `user list`: every user, active or not, by e-mail.
pub async fn list_users(db: &Db, json: bool) -> Result<()> {
    let mut listings = Vec::new();
    for user in accounts::list_users(db).await? {
        listings.push(user_listing(db, user).await?);
    }
    if json {
        println!("{}", to_json(&listings)?);
    } else {
        for listing in &listings {
            println!("{}", user_line(listing));
        }
    }
    Ok(())
}

/// The user a lifecycle command changed, as it now stands.
pub async fn print_user(db: &Db, user: User, json: bool) -> Result<()> {
    let listing = user_listing(db, user).await?;
    if json {
        println!("{}", to_json(&listing)?);
    } else {
        println!("{}", user_line(&listing));
    }
    Ok(())
}

/// `team list`: every team with its head count and managers.
pub async fn list_teams(db: &Db, json: bool) -> Result<()> {
    let listings: Vec<TeamListing> = accounts::list_teams(db)
        .await?
        .into_iter()
        .map(|team: TeamSummary| TeamListing {
            name: team.name,
            members: team.members,
            managers: team.managers,
        })
        .collect();
    if json {
        println!("{}", to_json(&listings)?);
    } else {
        for team in &listings {
            println!(
                "{}\t{}\t{}",
                team.name,
                team.members,
                team.managers.join(",")
            );
        }
    }
    Ok(())
}

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::Internal(anyhow::anyhow!("JSON output: {e}")))
}
