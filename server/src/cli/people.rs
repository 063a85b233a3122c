//! `user list`, `team list` and the user lifecycle commands' output: one line per record,
//! tab-separated, or with `--json` one JSON document for scripts.

use serde::Serialize;

use crate::admin::{self, Actor, ResetMail, UserEdit};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::settings::Settings;
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

/// `user reset-password`: the link on stdout (alone, for scripts), how it went on stderr.
pub async fn reset_password(db: &Db, settings: &Settings, email: &str) -> Result<()> {
    let reset = admin::issue_password_reset(db, &Actor::Cli, email).await?;
    let base = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.bind));
    let link = reset.link(&base);
    println!("{link}");
    eprintln!(
        "one-time link for {}, good for {} hours",
        reset.email,
        admin::RESET_LINK_HOURS
    );
    match admin::email_password_reset(settings, &reset, &link).await {
        ResetMail::NotConfigured => eprintln!("no smtp_url set: send the link to them yourself"),
        ResetMail::Sent => eprintln!("e-mailed to {}", reset.email),
        ResetMail::Failed(why) => eprintln!(
            "warning: e-mailing it to {} failed ({why}); send the link yourself",
            reset.email
        ),
    }
    Ok(())
}

/// `user edit`'s options: what is `None` stays as it is.
pub struct UserChange {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub teams: Option<Vec<String>>,
}

/// `user edit`: the same service, checks and audit entries as the admin page's form.
pub async fn edit_user(db: &Db, email: &str, change: UserChange, json: bool) -> Result<()> {
    let user = accounts::user_by_email(db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))?;
    let current = user_listing(db, user).await?;
    let edit = UserEdit {
        email: change.email.unwrap_or(current.email),
        name: change.name.unwrap_or(current.name),
        role: change.role.unwrap_or_else(|| current.role.to_owned()),
        teams: change
            .teams
            .map(|teams| teams.into_iter().filter(|t| !t.trim().is_empty()).collect())
            .unwrap_or(current.teams),
    };
    let user = admin::edit_user(db, &Actor::Cli, email, edit).await?;
    print_user(db, user, json).await
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
