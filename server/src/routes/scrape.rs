//! `GET /metrics`: the Prometheus metrics of this server (see `observability`).
//!
//! On the main address it is served only when `metrics_token` is set, to a bearer of that token;
//! on `metrics_bind`, the address of its own, to anyone who reaches it (and with the token too
//! when one is set).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::observability::CONTENT_TYPE;
use crate::state::AppState;

/// `GET /metrics` on the main address.
pub(crate) async fn on_main_address(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse> {
    if state.settings.metrics_token.is_none() {
        return Err(Error::NotFound("no such page".to_owned()));
    }
    scrape(&state, &headers)
}

/// `GET /metrics` on `metrics_bind`.
pub(crate) async fn on_own_address(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse> {
    scrape(&state, &headers)
}

fn scrape(state: &AppState, headers: &HeaderMap) -> Result<impl IntoResponse> {
    if let Some(token) = &state.settings.metrics_token {
        let offered = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let expected = token.expose_secret();
        if !bool::from(offered.as_bytes().ct_eq(expected.as_bytes())) {
            return Err(Error::Unauthorized);
        }
    }
    let text = state.observability.render(&state.db)?;
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], text))
}
