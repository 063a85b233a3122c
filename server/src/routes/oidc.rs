//! Single sign-on through the OpenID Connect provider: `/auth/oidc/start` sends the browser
//! there, `/auth/oidc/callback` brings it back signed in (see `auth::oidc`).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::auth::login::{self, SESSION_COOKIE};
use crate::auth::oidc::{self, ProviderAnswer, PENDING_SECS, STATE_COOKIE};
use crate::error::{Error, Result};
use crate::routes::pages::login::{cookie, safe_next};
use crate::state::AppState;

/// The state cookie goes only to these paths.
const STATE_COOKIE_PATH: &str = "/auth/oidc";

#[derive(Deserialize)]
pub(crate) struct StartQuery {
    next: Option<String>,
}

/// `GET /auth/oidc/start`
pub(crate) async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<StartQuery>,
) -> Result<Response> {
    if !state.settings.oidc.enabled() {
        return Err(Error::NotFound("single sign-on".into()));
    }
    let started = oidc::begin(&state, safe_next(query.next.as_deref())).await?;
    let state_cookie = Cookie::build((STATE_COOKIE, started.state))
        .path(STATE_COOKIE_PATH)
        .http_only(true)
        // Lax: the cookie must come along on the provider's top-level redirect back to us.
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .max_age(time::Duration::seconds(PENDING_SECS))
        .build();
    Ok((jar.add(state_cookie), Redirect::to(&started.authorize_url)).into_response())
}

/// `GET /auth/oidc/callback`
pub(crate) async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(answer): Query<ProviderAnswer>,
) -> Result<Response> {
    if !state.settings.oidc.enabled() {
        return Err(Error::NotFound("single sign-on".into()));
    }
    let cookie_state = jar.get(STATE_COOKIE).map(|c| c.value().to_owned());
    let signed_in = oidc::finish(&state, answer, cookie_state.as_deref()).await?;
    let session = login::start_session(&state, signed_in.user.id).await?;
    let jar = jar
        .remove(Cookie::build(STATE_COOKIE).path(STATE_COOKIE_PATH))
        .add(cookie(
            &state,
            SESSION_COOKIE,
            session.cookie_value,
            session.max_age_secs,
        ));
    let next = signed_in.next.as_deref().unwrap_or("/");
    Ok((jar, Redirect::to(next)).into_response())
}
