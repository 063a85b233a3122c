//! Single sign-on with OpenID Connect: the authorization code flow with PKCE.
//!
//! [`begin`] stores the sign-in under way (nonce, PKCE verifier, where to go next) in the
//! database under the hash of a random `state`, and gives the provider's address to send the
//! browser to; the route also puts that `state` in a short-lived cookie. [`finish`] takes the
//! provider's answer: the `state` must match the cookie (so nobody can make another browser
//! finish *their* sign-in) and a stored, unexpired sign-in, used once. The code is exchanged
//! with the PKCE verifier, and the ID token is checked by `openidconnect` (signature against the
//! provider's JWKS, issuer, audience, expiry, nonce) before any claim is read.

use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AccessTokenHash, AuthorizationCode, CsrfToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, Scope, TokenResponse,
};

use crate::auth::secret;
use crate::db::now_ms;
use crate::domain::Email;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::accounts::User;
use crate::store::oidc::{self, PendingLogin};

pub(crate) mod people;
mod provider;

pub use provider::Provider;

/// Cookie holding the `state` of the sign-in under way in this browser.
pub const STATE_COOKIE: &str = "am_oidc_state";
/// Path the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
/// How long a person has to sign in at the provider.
pub const PENDING_SECS: i64 = 600;

/// A sign-in sent to the provider.
pub struct Started {
    /// Where to send the browser.
    pub authorize_url: String,
    /// For the [`STATE_COOKIE`].
    pub state: String,
}

/// What the provider sent back on the callback's query string.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ProviderAnswer {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The issuer, from providers that name themselves in the answer (RFC 9207).
    pub iss: Option<String>,
}

/// A signed-in user and where they were going.
pub struct SignedIn {
    pub user: User,
    pub next: Option<String>,
}

fn redirect_url(state: &AppState) -> String {
    match &state.settings.oidc.redirect_url {
        Some(url) => url.clone(),
        None => format!(
            "{}{CALLBACK_PATH}",
            crate::cost_reports::delivery::base_url(state)
        ),
    }
}

fn refused(reason: impl std::fmt::Display) -> Error {
    Error::Forbidden(format!("Single sign-on failed: {reason}"))
}

/// Starts a sign-in at the provider; `next` is a local path already checked by the caller.
pub async fn begin(state: &AppState, next: Option<String>) -> Result<Started> {
    let settings = &state.settings.oidc;
    let client = state.sso.client(settings, &redirect_url(state)).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scopes(settings.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingLogin {
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: next,
    };
    let expires_at = now_ms() + PENDING_SECS * 1000;
    oidc::insert_pending(
        &state.db,
        &secret::digest(csrf.secret()),
        &pending,
        expires_at,
    )
    .await?;
    Ok(Started {
        authorize_url: url.to_string(),
        state: csrf.secret().clone(),
    })
}

/// Finishes a sign-in: checks the provider's answer and the ID token, finds or creates the user.
pub async fn finish(
    state: &AppState,
    answer: ProviderAnswer,
    cookie_state: Option<&str>,
) -> Result<SignedIn> {
    if let Some(error) = answer.error {
        let detail = answer.error_description.unwrap_or(error);
        return Err(refused(format!("the identity provider said: {detail}")));
    }
    let (Some(code), Some(returned)) = (answer.code, answer.state) else {
        return Err(refused("the identity provider's answer has no code"));
    };
    let settings = &state.settings.oidc;
    if answer.iss.is_some() && answer.iss != settings.issuer_url {
        // Another provider's answer brought to us (a mix-up attack): its code is not for us.
        return Err(refused("the answer came from another identity provider"));
    }
    let expired = || refused("this sign-in expired or was started in another browser; start again");
    let Some(cookie_state) = cookie_state else {
        return Err(expired());
    };
    if !secret::constant_time_eq(cookie_state, &returned) {
        return Err(expired());
    }
    let pending = oidc::take_pending(&state.db, &secret::digest(&returned))
        .await?
        .ok_or_else(expired)?;

    let client = state.sso.client(settings, &redirect_url(state)).await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("OIDC token endpoint")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(state.sso.http())
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OIDC code exchange refused");
            refused("the identity provider did not accept the sign-in code")
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| refused("the identity provider sent no ID token"))?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(pending.nonce))
        .map_err(|e| {
            tracing::warn!(error = %e, "OIDC ID token refused");
            refused(format!("the ID token did not pass validation ({e})"))
        })?;
    if let Some(expected) = claims.access_token_hash() {
        let actual = id_token
            .signing_alg()
            .and_then(|alg| Ok((alg, id_token.signing_key(&verifier)?)))
            .ok()
            .and_then(|(alg, key)| {
                AccessTokenHash::from_token(tokens.access_token(), alg, key).ok()
            });
        if actual.as_ref() != Some(expected) {
            return Err(refused("the ID token does not belong to its access token"));
        }
    }

    let email = claims.email().ok_or_else(|| {
        refused("the ID token carries no e-mail address (ask for the email scope)")
    })?;
    if claims.email_verified() == Some(false) {
        return Err(refused(format!(
            "the identity provider has not verified {}",
            email.as_str()
        )));
    }
    let person = people::Person {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: Email::try_from(email.as_str()).map_err(refused)?,
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
        groups: people::groups_in(claims.additional_claims().other.get(&settings.groups_claim)),
    };
    let user = people::resolve(state, &person).await?;
    Ok(SignedIn {
        user,
        next: pending.next_path,
    })
}
