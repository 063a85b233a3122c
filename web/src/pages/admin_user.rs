//! Admin › Users › one user: edit their name, e-mail, role and teams, deactivate or reactivate
//! them, issue a password-reset link, and assign their seats.

use askama::Template;

use super::{Choice, PageChrome};

/// A vendor's seat: the plan select posts `vendor` and `plan_id` (empty: pay-as-you-go).
#[derive(Debug, Clone, PartialEq)]
pub struct SeatRow {
    pub vendor: String,
    /// The vendor's catalog plans, the current one selected.
    pub plans: Vec<Choice>,
    /// `Pay-as-you-go` or the plan's name.
    pub current: String,
}

/// Admin › Users › `email`. Forms (each with `csrf_token`), all under `/admin/users/{email}`:
/// the edit form posts `email`, `name`, `role` and `teams` (comma-separated names) to it;
/// `/deactivate`, `/reactivate` and `/reset-password` take no field; `/seat` posts `vendor`
/// and `plan_id`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/user.html")]
pub struct AdminUserPage {
    pub chrome: PageChrome,
    /// The e-mail the user has now, in the forms' actions (URL-encoded).
    pub path_email: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<Choice>,
    /// The user's teams, comma-separated, as the teams field holds them.
    pub teams: String,
    /// Every team, listed as a hint under the field.
    pub known_teams: Vec<String>,
    pub active: bool,
    /// `Deactivated on …`, when not active.
    pub deactivated: Option<String>,
    pub seats: Vec<SeatRow>,
    /// A password-reset link just issued: shown on this response only.
    pub reset_link: Option<String>,
    /// How the link reached the user (e-mailed or not), shown above it.
    pub reset_note: String,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deactivated_user_is_labelled_and_offered_reactivation() {
        let page = AdminUserPage {
            chrome: PageChrome::signed_out("t"),
            path_email: "ada%40example.com".into(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            roles: vec![Choice::new("developer", "Developer", Some("developer"))],
            teams: "Core".into(),
            known_teams: vec!["Core".into(), "Web".into()],
            active: false,
            deactivated: Some("Deactivated on Dec 1, 2026".into()),
            seats: Vec::new(),
            reset_link: Some("http://x/reset-password/abc".into()),
            reset_note: String::new(),
            error: None,
        };
        let html = page.render().expect("renders");
        assert!(html.contains("Deactivated on Dec 1, 2026"));
        assert!(html.contains("action=\"/admin/users/ada%40example.com/reactivate\""));
        assert!(!html.contains("/deactivate\""));
        assert!(html.contains("http://x/reset-password/abc"));
        assert!(html.contains("name=\"teams\" value=\"Core\""));
    }
}
