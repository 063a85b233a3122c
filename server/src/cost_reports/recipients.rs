//! Who gets which monthly report: every admin the whole organisation's, every manager the one
//! of the teams they manage, unless they opted out. A report is composed as its recipient would
//! see the API: with their own identity and scope.

use serde::Serialize;

use crate::alerts::{self, AlertKind};
use crate::auth::current_user::Credential;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::store::accounts::{self, Membership, User};
use crate::store::notification_preferences;

/// A person a monthly report is (or would be) addressed to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportRecipient {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Names of the teams the report covers; empty for an admin (the whole organisation).
    pub teams: Vec<String>,
    #[serde(skip)]
    memberships: Vec<Membership>,
    /// Opted out: listed for admins to see, never sent.
    pub opted_out: bool,
    /// The kinds of alert they receive by e-mail (their notification settings).
    pub alerts_by_email: Vec<AlertKind>,
}

impl ReportRecipient {
    /// `Whole organisation`, or the teams' names.
    pub fn scope_label(&self) -> String {
        match self.role {
            Role::Admin => "Whole organisation".to_owned(),
            _ => self.teams.join(", "),
        }
    }

    /// The alerts they receive by e-mail, for the admins' list of who gets what.
    pub fn alerts_label(&self) -> String {
        match self.alerts_by_email.len() {
            0 => "None".to_owned(),
            n if n == AlertKind::ALL.len() => "All".to_owned(),
            _ => self
                .alerts_by_email
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The recipient as the API would see them calling it with an API token: the same scope.
    pub fn as_caller(&self) -> CurrentUser {
        CurrentUser {
            id: self.user_id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            memberships: self.memberships.clone(),
            credential: Credential::ApiToken,
        }
    }
}

/// The recipient a user would be, or `None` when their role gets no report (developers,
/// managers of no team).
async fn recipient_of(db: &Db, user: User, opted_out: bool) -> Result<Option<ReportRecipient>> {
    let memberships = accounts::memberships(db, user.id).await?;
    let teams: Vec<String> = memberships
        .iter()
        .filter(|m| m.is_manager)
        .map(|m| m.team.clone())
        .collect();
    let receives = match user.role {
        Role::Admin => true,
        Role::Manager => !teams.is_empty(),
        Role::Developer => false,
    };
    if !receives {
        return Ok(None);
    }
    let alerts_by_email = alerts::subscriptions_of(db, user.id)
        .await?
        .into_iter()
        .filter_map(|(kind, on)| on.then_some(kind))
        .collect();
    Ok(Some(ReportRecipient {
        user_id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        teams: if user.role == Role::Admin {
            Vec::new()
        } else {
            teams
        },
        memberships,
        opted_out,
        alerts_by_email,
    }))
}

/// Everyone a monthly report is addressed to, opted-out people included (marked), by email.
pub async fn everyone(db: &Db) -> Result<Vec<ReportRecipient>> {
    let opted_out = notification_preferences::opted_out_of_cost_report(db).await?;
    let mut out = Vec::new();
    for user in accounts::list_users(db).await? {
        let out_of_it = opted_out.contains(&user.id);
        if let Some(recipient) = recipient_of(db, user, out_of_it).await? {
            out.push(recipient);
        }
    }
    Ok(out)
}

/// The recipient with this e-mail address; 404 when nobody has it, 400 when their role gets
/// no report.
pub async fn by_email(db: &Db, email: &str) -> Result<ReportRecipient> {
    let user = accounts::user_by_email(db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))?;
    let opted_out = !notification_preferences::receives_cost_report(db, user.id).await?;
    recipient_of(db, user, opted_out).await?.ok_or_else(|| {
        Error::BadRequest(format!(
            "{email} gets no monthly report: only admins and managers of a team do"
        ))
    })
}
