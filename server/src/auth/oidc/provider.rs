//! The identity provider as `openidconnect` sees it: its client type (with the ID token's
//! non-standard claims, such as groups, kept) and its discovery document and keys, fetched when
//! first needed and again after a while, so that the server starts while the provider is down
//! and picks up rotated signing keys.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    reqwest, AdditionalClaims, Client, ClientId, ClientSecret, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, RedirectUrl,
    StandardErrorResponse, StandardTokenResponse,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::error::{Error, Result};
use crate::settings::OidcSettings;

/// How long a discovery document and its keys are used before they are fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(300);
/// Longest wait for the provider on one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The ID token's claims beyond the standard ones; the groups claim's name is configured.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct ProviderClaims {
    #[serde(flatten)]
    pub other: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for ProviderClaims {}

type IdFields = IdTokenFields<
    ProviderClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type TokenResponse = StandardTokenResponse<IdFields, CoreTokenType>;

/// A client for the discovered provider: authorization and token endpoints, JWKS.
pub(crate) type ProviderClient = Client<
    ProviderClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider, discovered lazily and shared by every request of this process.
#[derive(Debug)]
pub struct Provider {
    http: reqwest::Client,
    discovered: Mutex<Option<(Instant, Arc<ProviderClient>)>>,
}

impl Provider {
    pub fn new() -> Result<Provider> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer point our requests anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .context("HTTP client for the identity provider")?;
        Ok(Provider {
            http,
            discovered: Mutex::new(None),
        })
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The client, from a discovery document younger than [`DISCOVERY_TTL`].
    pub(crate) async fn client(
        &self,
        settings: &OidcSettings,
        redirect_url: &str,
    ) -> Result<Arc<ProviderClient>> {
        let mut discovered = self.discovered.lock().await;
        if let Some((at, client)) = discovered.as_ref() {
            if at.elapsed() < DISCOVERY_TTL {
                return Ok(client.clone());
            }
        }
        let client = Arc::new(self.discover(settings, redirect_url).await?);
        *discovered = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    async fn discover(
        &self,
        settings: &OidcSettings,
        redirect_url: &str,
    ) -> Result<ProviderClient> {
        let (Some(issuer), Some(client_id)) = (&settings.issuer_url, &settings.client_id) else {
            return Err(Error::NotFound("single sign-on".into()));
        };
        let issuer_url = IssuerUrl::new(issuer.clone())
            .with_context(|| format!("oidc issuer_url {issuer:?}"))?;
        // Discovery also checks that the document names this very issuer, and fetches the JWKS.
        let metadata = CoreProviderMetadata::discover_async(issuer_url, &self.http)
            .await
            .with_context(|| format!("OpenID Connect discovery at {issuer}"))?;
        let redirect = RedirectUrl::new(redirect_url.to_owned())
            .with_context(|| format!("oidc redirect_url {redirect_url:?}"))?;
        let secret = settings
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose_secret().to_owned()));
        Ok(ProviderClient::from_provider_metadata(
            metadata,
            ClientId::new(client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect))
    }
}
