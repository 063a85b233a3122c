//! Admin pages for people and access: users, teams and API tokens.

use askama::Template;

use super::{Choice, FilterBar, PageChrome, Pager, Role};
use crate::figure::Figure;

/// One account in the users list.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Team names, comma-separated (managers: the teams they manage).
    pub teams: String,
    /// GitHub login, or empty.
    pub github: String,
    /// GitLab login, or empty.
    pub gitlab: String,
    /// Assigned subscription plan, or empty.
    pub plan: String,
}

impl UserRow {
    /// The user's admin page.
    pub fn href(&self) -> String {
        format!("/admin/users/{}", crate::url::component(&self.email))
    }
}

/// The add-user form, with the values typed before a validation error.
/// Posts `email`, `name`, `role` (admin/manager/developer), `teams` (comma-separated names),
/// `github`, `gitlab`, `plan`, `password` and `csrf_token` to `/admin/users`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewUserForm {
    pub email: String,
    pub name: String,
    /// `admin`, `manager` or `developer`; empty selects developer.
    pub role: String,
    pub teams: String,
    pub github: String,
    pub gitlab: String,
    /// Plans from the catalog (value = plan id or name); an empty "No plan" option comes first.
    pub plans: Vec<Choice>,
    /// Existing team names, listed as a hint under the teams field.
    pub known_teams: Vec<String>,
    pub error: Option<String>,
}

impl NewUserForm {
    /// The role select's options with the typed one selected.
    pub fn role_choices(&self) -> Vec<Choice> {
        let current = if self.role.is_empty() {
            "developer"
        } else {
            self.role.as_str()
        };
        [
            ("developer", "Developer"),
            ("manager", "Manager"),
            ("admin", "Admin"),
        ]
        .into_iter()
        .map(|(value, label)| Choice::new(value, label, Some(current)))
        .collect()
    }
}

/// Admin › Users: every account and a form to add one.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/users.html")]
pub struct AdminUsersPage {
    pub chrome: PageChrome,
    /// One page of the users matching the search.
    pub users: Vec<UserRow>,
    /// The search (`q`), kept by the pager's links.
    pub filters: FilterBar,
    pub pager: Option<Pager>,
    pub form: NewUserForm,
}

/// One team in the teams list.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRow {
    /// Used in the rename and delete forms' actions, `/admin/teams/{id}/rename|delete`.
    pub id: String,
    pub name: String,
    pub members: Figure,
    /// Manager names, comma-separated, or empty.
    pub managers: String,
}

/// Admin › Teams: every team and a form posting `name` and `csrf_token` to `/admin/teams`;
/// each row renames (`name`) or deletes (refused while it has members) its team.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/teams.html")]
pub struct AdminTeamsPage {
    pub chrome: PageChrome,
    pub teams: Vec<TeamRow>,
    /// The name typed before a validation error.
    pub new_team_name: String,
    pub error: Option<String>,
}

/// One API token (never its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiTokenRow {
    /// Used in the revoke form's action, `/admin/tokens/{id}/revoke`.
    pub id: String,
    pub name: String,
    pub owner_email: String,
    /// Formatted creation date.
    pub created: String,
    /// Formatted last use, or `Never`.
    pub last_used: String,
    pub revoked: bool,
}

/// A token just created, shown once.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApiToken {
    pub name: String,
    pub owner_email: String,
    /// The secret itself; it is never shown again.
    pub secret: String,
}

/// Admin › API tokens: the list with revoke buttons, a create form posting `email`, `name` and
/// `csrf_token` to `/admin/tokens`, and the one-time panel for a token just created.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/tokens.html")]
pub struct AdminTokensPage {
    pub chrome: PageChrome,
    pub tokens: Vec<ApiTokenRow>,
    pub new_token: Option<NewApiToken>,
    /// Known user emails, offered as suggestions in the owner field.
    pub owner_emails: Vec<String>,
    pub error: Option<String>,
}
