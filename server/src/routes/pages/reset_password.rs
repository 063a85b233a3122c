//! `/reset-password/{token}`: the page a one-time link opens, where the user chooses a new
//! password. The token in the path is the proof; it works once, within its 24 hours.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use agentmeter_web::pages::{PageChrome, ResetPasswordPage};

use crate::admin;
use crate::error::{Error, Result};
use crate::routes::pages::render;
use crate::state::AppState;

fn page(token: String, email: String, error: Option<String>) -> ResetPasswordPage {
    ResetPasswordPage {
        // No session yet and no CSRF token needed: only the link's holder can post here.
        chrome: PageChrome::signed_out(""),
        token,
        email,
        error,
    }
}

/// `GET /reset-password/{token}`: the form, or 404 for a used, expired or unknown link.
pub(crate) async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let email = admin::password_reset_email(&state.db, &token).await?;
    Ok(render(page(token, email, None))?.into_response())
}

/// The new password, typed twice.
#[derive(Deserialize)]
pub(crate) struct NewPasswordForm {
    password: SecretString,
    confirm: SecretString,
}

/// `POST /reset-password/{token}`: sets the password and sends the user to sign in.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response> {
    let email = admin::password_reset_email(&state.db, &token).await?;
    let refused = |message: String| -> Result<Response> {
        let page = page(token.clone(), email.clone(), Some(message));
        Ok((StatusCode::BAD_REQUEST, render(page)?).into_response())
    };
    if form.password.expose_secret() != form.confirm.expose_secret() {
        return refused("The two passwords differ.".into());
    }
    match admin::redeem_password_reset(&state.db, &token, form.password).await {
        Ok(()) => Ok(Redirect::to("/login?done=Password%20set").into_response()),
        Err(e @ Error::BadRequest(_)) => refused(e.public_message()),
        Err(other) => Err(other),
    }
}
