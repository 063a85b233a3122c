//! GitHub and GitLab webhook deliveries: authenticated by the repository's secret (else the
//! global one), idempotent on the delivery id, each event stored and its pull request
//! reclassified ([`super::apply`]). A batch of deliveries ([`github_batch`]) is handled the same
//! way, delivery by delivery, except that each pull request is reclassified once, at the end
//! ([`reclassify_batch`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::{Digest, Sha256};

use agentmeter_reviews::{
    normalize_remote_url, parse_github_event, parse_gitlab_event, verify_github_signature,
    verify_gitlab_token, ReviewsError, WebhookEvent,
};

use super::apply;
use super::classification::{reclassify_all, reclassify_all_with, KnownSessions};
use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::{repositories, webhooks};

/// A GitHub delivery: its `X-Hub-Signature-256`, `X-GitHub-Event` and `X-GitHub-Delivery`
/// headers, and its body.
pub struct GithubDelivery<'a> {
    pub signature: Option<&'a str>,
    pub event: Option<&'a str>,
    pub delivery: Option<&'a str>,
    pub body: &'a [u8],
}

/// A GitLab delivery: its `X-Gitlab-Token`, `X-Gitlab-Event` and `X-Gitlab-Event-UUID` headers,
/// and its body.
pub struct GitlabDelivery<'a> {
    pub token: Option<&'a str>,
    pub event: Option<&'a str>,
    pub delivery: Option<&'a str>,
    pub body: &'a [u8],
}

/// What the server did with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Processed,
    /// An event kind the server does not use (answered 202).
    Ignored,
    Pong,
    /// A delivery id seen before: nothing was done again.
    Duplicate,
}

/// The answer to a delivery.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryReceipt {
    pub status: DeliveryStatus,
    pub event: String,
    pub delivery: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
}

/// The repository a payload names, read before authentication only to choose the secret.
fn repository_of(body: &[u8], object: &str, fields: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let repo = value.get(object)?;
    fields
        .iter()
        .filter_map(|f| repo.get(*f)?.as_str())
        .find_map(normalize_remote_url)
}

fn unauthorized(e: ReviewsError) -> Error {
    tracing::warn!(error = %e, "webhook refused");
    Error::Unauthorized
}

/// The secret for `repository`: its own, else the one set on the admin page, else the settings'.
async fn secret_for(
    db: &Db,
    provider: &str,
    repository: Option<&str>,
    configured: Option<&str>,
) -> Result<Option<String>> {
    if let Some(name) = repository {
        if let Some(secret) = repositories::secret_of(db, name).await? {
            return Ok(Some(secret));
        }
    }
    if let Some(global) = webhooks::global_secret(db, provider).await? {
        return Ok(Some(global.secret));
    }
    Ok(configured.filter(|s| !s.is_empty()).map(str::to_owned))
}

fn body_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// What the deliveries handled together share.
#[derive(Debug, Default)]
struct Handling {
    /// Repositories and people already looked up.
    known: apply::Known,
    /// Secrets already found, by the repository a delivery names.
    secrets: HashMap<Option<String>, String>,
    /// The pull requests to reclassify once a batch is done; `None`: each delivery's at once.
    deferred: Option<BTreeSet<i64>>,
    /// A batch's delivery keys, those stored before it and those it handled, shared by its lanes:
    /// checked here instead of asking the database once per delivery. `None`: ask it.
    seen: Option<Arc<Mutex<HashSet<String>>>>,
    /// The repositories whose last event a batch marks once, at the end.
    heard_from: BTreeSet<i64>,
}

/// Pull requests a batch handles at a time: each delivery waits on the database far longer than
/// it computes, so a few side by side keep the cores busy (SQLite still takes one write at a
/// time).
const BATCH_LANES: usize = 4;

/// Authenticates a GitHub delivery, then stores what it says.
pub async fn github(state: &AppState, delivery: GithubDelivery<'_>) -> Result<DeliveryReceipt> {
    github_with(state, &delivery, &mut Handling::default()).await
}

/// Handles groups of GitHub deliveries as [`github`] handles each (the same checks, the same
/// rows), each group's in order and [`BATCH_LANES`] groups at a time, without reclassifying
/// anything: returns how many were handled and the pull requests they affect, for
/// [`reclassify_batch`] to classify once each, after the last delivery (a classification depends
/// only on what is stored, and a pull request's deliveries — push, opening, reviews, merge —
/// would otherwise classify it again at each). Groups must not depend on each other's order (the
/// demo's: one per pull request, each on a head branch of its own). Stops at the first delivery
/// refused.
pub async fn github_batch(
    state: &AppState,
    groups: &[Vec<GithubDelivery<'_>>],
) -> Result<(u64, Vec<i64>)> {
    let db = &state.db;
    // Nothing else writes deliveries while a batch runs (the demo loads before it serves): the
    // keys are read once, up front.
    let seen: HashSet<String> = webhooks::delivery_keys(db, "github")
        .await?
        .into_iter()
        .collect();
    let seen = Arc::new(Mutex::new(seen));
    let next = AtomicUsize::new(0);
    let lane = || async {
        let mut handling = Handling {
            deferred: Some(BTreeSet::new()),
            seen: Some(Arc::clone(&seen)),
            ..Handling::default()
        };
        let mut handled = 0;
        while let Some(group) = groups.get(next.fetch_add(1, Ordering::Relaxed)) {
            for delivery in group {
                github_with(state, delivery, &mut handling).await?;
                handled += 1;
            }
        }
        Ok::<_, Error>((
            handled,
            handling.deferred.unwrap_or_default(),
            handling.heard_from,
        ))
    };
    let lanes = tokio::try_join!(lane(), lane(), lane(), lane())?;
    let (mut handled, mut affected, mut heard_from) = (0, BTreeSet::new(), BTreeSet::new());
    for (count, ids, repositories) in [lanes.0, lanes.1, lanes.2, lanes.3] {
        handled += count;
        affected.extend(ids);
        heard_from.extend(repositories);
    }
    let now = now_ms();
    for repository in heard_from {
        webhooks::mark_last_event(db, repository, now).await?;
    }
    Ok((handled, affected.into_iter().collect()))
}

/// Reclassifies the pull requests a [`github_batch`] affected, [`BATCH_LANES`] at a time, with
/// the sessions on branches read once: call it once the batch and every usage upload it should
/// see are stored.
pub async fn reclassify_batch(state: &AppState, ids: &[i64]) -> Result<()> {
    let db = &state.db;
    let mut parts = ids.chunks(ids.len().div_ceil(BATCH_LANES).max(1));
    let policy = state.review_policy();
    let known = KnownSessions::load(db).await?;
    let mut lane =
        || reclassify_all_with(db, parts.next().unwrap_or_default(), &policy, Some(&known));
    tokio::try_join!(lane(), lane(), lane(), lane())?;
    Ok(())
}

async fn github_with(
    state: &AppState,
    delivery: &GithubDelivery<'_>,
    handling: &mut Handling,
) -> Result<DeliveryReceipt> {
    let body = delivery.body;
    let repository = repository_of(body, "repository", &["html_url", "clone_url", "url"]);
    let secret = match handling.secrets.get(&repository) {
        Some(secret) => secret.clone(),
        None => {
            let configured = state
                .settings
                .github_webhook_secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned());
            let secret = secret_for(
                &state.db,
                "github",
                repository.as_deref(),
                configured.as_deref(),
            )
            .await?
            .ok_or_else(|| unauthorized(ReviewsError::SignatureMismatch))?;
            handling.secrets.insert(repository.clone(), secret.clone());
            secret
        }
    };
    verify_github_signature(secret.as_bytes(), body, delivery.signature).map_err(unauthorized)?;
    let event_name = delivery
        .event
        .ok_or_else(|| Error::BadRequest("missing X-GitHub-Event header".into()))?
        .to_owned();
    let delivery_id = delivery
        .delivery
        .map_or_else(|| body_key(body), str::to_owned);
    let event =
        parse_github_event(&event_name, body).map_err(|e| Error::BadRequest(e.to_string()))?;
    handle(
        state,
        "github",
        event_name,
        delivery_id,
        repository,
        event,
        handling,
    )
    .await
}

/// Authenticates a GitLab delivery, then stores what it says.
pub async fn gitlab(state: &AppState, delivery: GitlabDelivery<'_>) -> Result<DeliveryReceipt> {
    let body = delivery.body;
    let repository = repository_of(body, "project", &["web_url", "git_http_url", "git_ssh_url"]);
    let configured = state
        .settings
        .gitlab_webhook_token
        .as_ref()
        .map(|s| s.expose_secret().to_owned());
    let token = secret_for(
        &state.db,
        "gitlab",
        repository.as_deref(),
        configured.as_deref(),
    )
    .await?
    .ok_or_else(|| unauthorized(ReviewsError::SignatureMismatch))?;
    verify_gitlab_token(&token, delivery.token).map_err(unauthorized)?;
    let delivery_id = delivery
        .delivery
        .map_or_else(|| body_key(body), str::to_owned);
    let event_name = delivery.event.unwrap_or("gitlab").to_owned();
    let event = parse_gitlab_event(body).map_err(|e| Error::BadRequest(e.to_string()))?;
    handle(
        state,
        "gitlab",
        event_name,
        delivery_id,
        repository,
        event,
        &mut Handling::default(),
    )
    .await
}

async fn handle(
    state: &AppState,
    provider: &'static str,
    event_name: String,
    delivery: String,
    repository: Option<String>,
    event: WebhookEvent,
    handling: &mut Handling,
) -> Result<DeliveryReceipt> {
    let db = &state.db;
    let receipt = |status| DeliveryReceipt {
        status,
        event: event_name.clone(),
        delivery: delivery.clone(),
        repository: repository.clone(),
    };
    let seen_before = match &handling.seen {
        // Claimed at once: another lane handing the same key now sees it as seen.
        Some(seen) => !seen
            .lock()
            .map_err(|_| Error::Internal(anyhow::anyhow!("a webhook batch lane panicked")))?
            .insert(delivery.clone()),
        None => webhooks::delivery_seen(db, provider, &delivery).await?,
    };
    if seen_before {
        return Ok(receipt(DeliveryStatus::Duplicate));
    }
    let (status, affected) = match &event {
        WebhookEvent::Ping(_) => (DeliveryStatus::Pong, Vec::new()),
        WebhookEvent::Ignored(_) => (DeliveryStatus::Ignored, Vec::new()),
        WebhookEvent::PullRequest(pr) => {
            let affected = apply::pull_request(db, &mut handling.known, pr).await?;
            (DeliveryStatus::Processed, affected)
        }
        WebhookEvent::Review(review) => {
            let affected = apply::review(db, &mut handling.known, review).await?;
            (DeliveryStatus::Processed, affected)
        }
        WebhookEvent::Push(push) => {
            let affected = apply::push(db, &mut handling.known, push).await?;
            (DeliveryStatus::Processed, affected)
        }
    };
    match &mut handling.deferred {
        None => {
            reclassify_all(db, &affected, &state.review_policy()).await?;
        }
        Some(deferred) => deferred.extend(affected),
    }
    let repository_id = match (&event, repository.as_deref()) {
        (WebhookEvent::Ignored(_), _) | (_, None) => None,
        (_, Some(name)) => Some(handling.known.repository(db, name, provider).await?),
    };
    let recorded = if handling.seen.is_some() {
        handling.heard_from.extend(repository_id);
        webhooks::insert_delivery(db, provider, &delivery, &event_name, repository_id).await?
    } else {
        webhooks::record_delivery(db, provider, &delivery, &event_name, repository_id).await?
    };
    if !recorded {
        return Ok(receipt(DeliveryStatus::Duplicate));
    }
    tracing::info!(provider, event = %event_name, %delivery, ?status, "webhook delivery handled");
    Ok(receipt(status))
}
