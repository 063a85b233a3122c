//! Pages seen around sign-in: the login form and the error page.

use askama::Template;

use super::PageChrome;

/// The sign-in form. Posts `email`, `password`, `csrf_token` (and `next` when set) to `/login`.
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
