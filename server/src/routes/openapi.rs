//! The OpenAPI 3.1 document of the JSON API, `GET /api/v1/openapi.json` (public: it says what the
//! API takes and answers, nothing about the data). Each operation comes from the
//! `#[utoipa::path]` on its handler and the `ToSchema` types it answers; this module only lists
//! them, names the two ways to authenticate, and gives every operation the one error body.

use std::sync::LazyLock;

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::auth::login::SESSION_COOKIE;
use crate::error::ErrorBody;

use super::{
    activity, alerts, audit, budgets, commits, cost_reports, identities, ingest, library, me,
    metrics, notifications, plans, repositories, reviews, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "agentmeter",
        description = "The JSON API of an agentmeter server: usage and commit uploads, the \
            reports, plans, reviews, the library, budgets, alerts and cost reports. \
            Authenticate with `Authorization: Bearer <API token>`, or with the session cookie of \
            a signed-in browser; a cookie-authenticated write must also send the session's CSRF \
            token in `X-CSRF-Token`."
    ),
    paths(
        openapi_json,
        me::show, me::teams, notifications::show, notifications::save,
        ingest::upload_usage, ingest::status, commits::upload,
        metrics::spend, metrics::plans, metrics::adoption, metrics::productivity, activity::show,
        plans::list, plans::create, plans::update, plans::assign_seat, plans::policy,
        plans::set_policy,
        reviews::summary, reviews::alerts, reviews::acknowledge, reviews::pull_requests,
        repositories::list, repositories::show, repositories::set_critical_paths,
        repositories::set_webhook_secret,
        audit::list, identities::list, identities::match_to_user,
        webhooks::github, webhooks::gitlab,
        library::publish, library::list, library::show, library::version_files,
        library::approve, library::reject, library::withdraw, library::pending,
        library::marketplace, library::installs,
        budgets::list, budgets::set, budgets::remove,
        alerts::history, alerts::list_rules, alerts::set_rule, alerts::list_webhooks,
        alerts::add_webhook, alerts::remove_webhook, alerts::deliveries, alerts::resend,
        cost_reports::preview, cost_reports::list_recipients, cost_reports::sends,
        cost_reports::resend,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Authentication, &ErrorResponses),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

/// Built once: the document never changes while the server runs.
static DOCUMENT: LazyLock<Document> = LazyLock::new(ApiDoc::openapi);

/// `GET /api/v1/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = serde_json::Value)),
    security(())
)]
pub(crate) async fn openapi_json() -> Json<&'static Document> {
    Json(&DOCUMENT)
}

/// A request body of raw bytes (a library upload's .tar.gz or .zip): a string of bytes in JSON
/// Schema's terms, where `Vec<u8>` would be documented as a JSON array of numbers.
pub(crate) struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_media_type("application/octet-stream")
            .into()
    }
}

impl ToSchema for Binary {}

/// The two ways in: an API token (`agentmeter login`, Admin › Tokens) or the session cookie.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The session of a signed-in browser; writes also need `X-CSRF-Token`",
            ))),
        );
    }
}

/// Every refusal and failure of the API goes through the one error type (handlers' errors and
/// axum's own refusals alike, see `middleware::refusals`), so each operation answers any other
/// status with the same body, and so does every 4xx or 5xx a handler's annotation names with only
/// a description.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, document: &mut Document) {
        let body = || {
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ErrorBody::name(),
                ))))
                .build()
        };
        let error: RefOr<Response> = ResponseBuilder::new()
            .description("Refused or failed: `{\"error\": \"…\"}`, with `records` on a 422")
            .content("application/json", body())
            .build()
            .into();
        for item in document.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                for (status, response) in responses.iter_mut() {
                    let refusal = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(response)) = (refusal, response) {
                        if response.content.is_empty() {
                            response
                                .content
                                .insert("application/json".to_owned(), body());
                        }
                    }
                }
                responses
                    .entry("default".to_owned())
                    .or_insert_with(|| error.clone());
            }
        }
    }
}
