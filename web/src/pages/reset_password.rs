//! The page a password-reset link opens: choose a new password.

use askama::Template;

use super::PageChrome;

/// Posts `password` and `confirm` to `/reset-password/{token}` (the token in the path is the
/// proof; the page is seen signed out).
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "reset_password.html")]
pub struct ResetPasswordPage {
    pub chrome: PageChrome,
    /// The link's token, for the form's action.
    pub token: String,
    pub email: String,
    pub error: Option<String>,
}
