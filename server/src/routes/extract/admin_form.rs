//! `AdminForm<T>`: a form posted from an admin page, by an admin, carrying their session's CSRF
//! token. Every admin write handler takes one instead of repeating the two checks.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::Admin;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// The admin who posted, and the form's fields (`T` needs no `csrf_token` field).
pub(crate) struct AdminForm<T> {
    pub admin: CurrentUser,
    pub form: T,
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for AdminForm<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self> {
        let (mut parts, body) = request.into_parts();
        // Who asks comes first: a non-admin gets 403 whatever the form holds.
        let Admin(admin) = Admin::from_request_parts(&mut parts, state).await?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| Error::BadRequest(format!("form: {}", e.body_text())))?;
        let sent: CsrfField = parse(&body)?;
        admin.check_csrf(&sent.csrf_token)?;
        Ok(AdminForm {
            admin,
            form: parse(&body)?,
        })
    }
}

fn parse<F: DeserializeOwned>(body: &[u8]) -> Result<F> {
    serde_urlencoded::from_bytes(body).map_err(|e| Error::BadRequest(format!("form: {e}")))
}
