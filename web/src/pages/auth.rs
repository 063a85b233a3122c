//! Pages seen around sign-in: the login form and the error page.

use askama::Template;

use super::PageChrome;

/// The sign-in form. Posts `email`, `password`, `csrf_token` (and `next` when set) to `/login`;
/// with single sign-on, also a link to `/auth/oidc/start` (carrying `next`).
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// Usually [`PageChrome::signed_out`]; its `csrf_token` goes into the form.
    pub chrome: PageChrome,
    /// The email typed before a failed attempt, kept so the user need not retype it.
    pub email: String,
    /// e.g. `Invalid email or password.` or a rate-limit message.
    pub error: Option<String>,
    /// Where to go after signing in (a local path the server has checked).
    pub next: Option<String>,
    /// The identity provider's name when single sign-on is on: "Sign in with {name}".
    pub sso_provider: Option<String>,
    /// Whether the password form is shown (and accepted).
    pub password_login: bool,
}

impl LoginPage {
    /// The single sign-on link, carrying `next`.
    pub fn sso_href(&self) -> String {
        match &self.next {
            Some(next) => format!("/auth/oidc/start?next={}", crate::url::path_in_query(next)),
            None => "/auth/oidc/start".to_owned(),
        }
    }
}

/// Any error shown as a page: status, title, explanation and a way home.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Signed in or out; the top bar appears only for a signed-in user.
    pub chrome: PageChrome,
    /// HTTP status code, e.g. `404`.
    pub status: u16,
    /// e.g. `Page not found`.
    pub title: String,
    /// What happened and what to do.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_form_posts_the_expected_fields() {
        let page = LoginPage {
            chrome: PageChrome::signed_out("tok\"en"),
            email: "ada@example.com".into(),
            error: Some("Invalid email or password.".into()),
            next: Some("/spend?team=1".into()),
            sso_provider: None,
            password_login: true,
        };
        let html = page.render().expect("renders");
        for needle in [
            "action=\"/login\"",
            "name=\"email\"",
            "name=\"password\"",
            "name=\"csrf_token\"",
            "name=\"next\"",
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
        assert!(
            html.contains("value=\"tok&#34;en\""),
            "csrf token is attribute-escaped"
        );
        assert!(html.contains("Invalid email or password."));
        assert!(!html.contains("class=\"topbar\""));
        assert!(!html.contains("/auth/oidc/start"));
    }

    #[test]
    fn single_sign_on_shows_its_button_and_can_hide_the_password_form() {
        let page = LoginPage {
            chrome: PageChrome::signed_out("t"),
            email: String::new(),
            error: None,
            next: Some("/spend?team=1&x=2".into()),
            sso_provider: Some("Acme ID".into()),
            password_login: false,
        };
        let html = page.render().expect("renders");
        assert!(html.contains("Sign in with Acme ID"));
        assert!(html.contains("href=\"/auth/oidc/start?next=/spend%3Fteam%3D1%26x%3D2\""));
        assert!(!html.contains("name=\"password\""));
    }

    #[test]
    fn error_page_shows_status_and_a_way_home() {
        let page = ErrorPage {
            chrome: PageChrome::signed_out("t"),
            status: 404,
            title: "Page not found".into(),
            message: "There is nothing at this address.".into(),
        };
        let html = page.render().expect("renders");
        assert!(
            html.contains("404") && html.contains("Page not found") && html.contains("href=\"/\"")
        );
    }
}
