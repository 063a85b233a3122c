//! Sign-in and sign-out.
//!
//! The login form is protected against CSRF with a double-submit cookie (there is no session
//! yet); signed-in forms echo the session's own token.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use secrecy::SecretString;
use serde::Deserialize;

use agentmeter_web::pages::{LoginPage, PageChrome};

use super::render;
use crate::auth::login::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::auth::{secret, CurrentUser};
use crate::error::{Error, Result};
use crate::routes::extract::ClientIp;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf_token: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// Only local paths are followed after sign-in, never another site: a path of this server with
/// no authority, no backslash and no control character. Browsers drop tabs and newlines from a
/// location, so `/\t/evil.example` would become `//evil.example`; and a CR or LF cannot go into
/// a header at all.
pub(crate) fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control());
    let parsed = next.parse::<axum::http::uri::PathAndQuery>().ok()?;
    (local && parsed.as_str() == next).then(|| next.to_owned())
}

pub(crate) fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

fn login_page(
    jar: CookieJar,
    state: &AppState,
    status: StatusCode,
    email: String,
    error: Option<String>,
    next: Option<String>,
) -> Result<Response> {
    let csrf = secret::random_secret();
    let jar = jar.add(cookie(state, LOGIN_CSRF_COOKIE, csrf.clone(), 3600));
    let oidc = &state.settings.oidc;
    let page = LoginPage {
        chrome: PageChrome::signed_out(csrf),
        email,
        error,
        next,
        sso_provider: oidc.enabled().then(|| oidc.provider_name.clone()),
        password_login: state.settings.password_login,
    };
    Ok((status, jar, render(page)?).into_response())
}

/// `GET /login`
pub(crate) async fn form(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<LoginQuery>,
) -> Result<Response> {
    login_page(
        jar,
        &state,
        StatusCode::OK,
        String::new(),
        None,
        safe_next(query.next.as_deref()),
    )
}

/// `POST /login`
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    if !state.settings.password_login {
        return Err(Error::Forbidden(
            "Password sign-in is turned off here; sign in with single sign-on.".into(),
        ));
    }
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !secret::constant_time_eq(&expected, &form.csrf_token) {
        return Err(Error::Csrf);
    }
    let next = safe_next(form.next.as_deref());
    match login::check_password(&state, &form.email, SecretString::from(form.password), ip).await {
        Ok(user) => {
            let session = login::start_session(&state, user.id).await?;
            let jar = jar
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/"))
                .add(cookie(
                    &state,
                    SESSION_COOKIE,
                    session.cookie_value,
                    session.max_age_secs,
                ));
            Ok((jar, Redirect::to(next.as_deref().unwrap_or("/"))).into_response())
        }
        Err(Error::InvalidCredentials) => login_page(
            jar,
            &state,
            StatusCode::UNAUTHORIZED,
            form.email,
            Some("Invalid email or password.".into()),
            next,
        ),
        Err(Error::TooManyRequests { retry_after_secs }) => retry_later(
            login_page(
                jar,
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                form.email,
                Some(format!(
                    "Too many failed attempts. Try again in {} minute(s).",
                    retry_after_secs.div_ceil(60)
                )),
                next,
            )?,
            retry_after_secs,
        ),
        Err(Error::Busy { retry_after_secs }) => retry_later(
            login_page(
                jar,
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                form.email,
                Some("The server is busy. Try again in a moment.".into()),
                next,
            )?,
            retry_after_secs,
        ),
        Err(other) => Err(other),
    }
}

fn retry_later(mut response: Response, retry_after_secs: u64) -> Result<Response> {
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

/// `POST /logout`
pub(crate) async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    Form(form): Form<LogoutForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf_token)?;
    if let Some(session) = jar.get(SESSION_COOKIE) {
        login::end_session(&state, session.value()).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/spend?team=a")).as_deref(),
            Some("/spend?team=a")
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("/\t/evil.example")), None);
        assert_eq!(safe_next(Some("/\r\nSet-Cookie: x=1")), None);
        assert_eq!(safe_next(Some("/ok\u{7f}")), None);
        assert_eq!(safe_next(Some("/ /evil")), None);
        assert_eq!(safe_next(Some("https:/evil.example")), None);
    }
}
