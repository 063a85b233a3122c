//! OTLP over HTTP: `POST /v1/metrics` and `POST /v1/logs`, binary protobuf or JSON, gzip or not,
//! answered as the OTLP specification says so that exporters retry only what is worth retrying:
//! 200 with a partial success naming refused records, 400 for a body that is no OTLP message,
//! 401 for an unknown token (nothing stored), 413 over the size limit, 429 and 503 with
//! `Retry-After` under load. Errors carry a `google.rpc.Status` in the request's encoding.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use prost::Message;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::telemetry::decode::{self, Format};
use crate::telemetry::slots::ExportSlots;
use crate::telemetry::{self, Rejections};

type Body = std::result::Result<Bytes, BytesRejection>;

/// `POST /v1/metrics`
pub async fn export_metrics(
    State(state): State<AppState>,
    Extension(slots): Extension<ExportSlots>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let format = match Format::of_content_type(header_text(&headers, header::CONTENT_TYPE)) {
        Ok(format) => format,
        Err(e) => return failure(Format::Protobuf, e),
    };
    let stored = async {
        let (user_id, request, _slot) =
            admit::<ExportMetricsServiceRequest>(&state, &slots, &headers, body, format).await?;
        telemetry::export_metrics(&state, user_id, &request).await
    };
    match stored.await {
        Ok(rejected) => answer(
            format,
            &ExportMetricsServiceResponse {
                partial_success: partial(&rejected).map(|(count, message)| {
                    ExportMetricsPartialSuccess {
                        rejected_data_points: count,
                        error_message: message,
                    }
                }),
            },
        ),
        Err(e) => failure(format, e),
    }
}

/// `POST /v1/logs`
pub async fn export_logs(
    State(state): State<AppState>,
    Extension(slots): Extension<ExportSlots>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let format = match Format::of_content_type(header_text(&headers, header::CONTENT_TYPE)) {
        Ok(format) => format,
        Err(e) => return failure(Format::Protobuf, e),
    };
    let stored = async {
        let (user_id, request, _slot) =
            admit::<ExportLogsServiceRequest>(&state, &slots, &headers, body, format).await?;
        telemetry::export_logs(&state, user_id, &request).await
    };
    match stored.await {
        Ok(rejected) => answer(
            format,
            &ExportLogsServiceResponse {
                partial_success: partial(&rejected).map(|(count, message)| {
                    ExportLogsPartialSuccess {
                        rejected_log_records: count,
                        error_message: message,
                    }
                }),
            },
        ),
        Err(e) => failure(format, e),
    }
}

/// The caller (before anything else is read), an export slot, and the decoded request.
async fn admit<T: Message + Default + serde::de::DeserializeOwned>(
    state: &AppState,
    slots: &ExportSlots,
    headers: &HeaderMap,
    body: Body,
    format: Format,
) -> Result<(i64, T, tokio::sync::OwnedSemaphorePermit)> {
    let user_id =
        telemetry::authenticate(state, header_text(headers, header::AUTHORIZATION)).await?;
    let body = body?;
    let slot = slots.take()?;
    let limit = state.settings.request_body_limit_bytes;
    let inflated = decode::inflate(&body, header_text(headers, header::CONTENT_ENCODING), limit)?;
    Ok((user_id, decode::decode(&inflated, format)?, slot))
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn partial(rejected: &Rejections) -> Option<(i64, String)> {
    (rejected.count > 0).then(|| (rejected.count, rejected.message()))
}

/// A 200 with the export response in the request's encoding.
fn answer<T: Message + Serialize>(format: Format, response: &T) -> Response {
    let body = match format {
        Format::Protobuf => response.encode_to_vec(),
        Format::Json => match serde_json::to_vec(response) {
            Ok(json) => json,
            Err(e) => return failure(format, Error::Internal(anyhow::anyhow!("OTLP answer: {e}"))),
        },
    };
    encoded(StatusCode::OK, format, body)
}

/// An error as a `google.rpc.Status` in the request's encoding, with `Retry-After` when the
/// client should come back.
fn failure(format: Format, error: Error) -> Response {
    let status = error.status();
    if status.is_server_error() && error.retry_after_secs().is_none() {
        tracing::error!(error = %error, "OTLP export failed");
    }
    let rpc = tonic_types::pb::Status {
        code: grpc_code(status),
        message: error.public_message(),
        details: Vec::new(),
    };
    let body = match format {
        Format::Protobuf => rpc.encode_to_vec(),
        Format::Json => serde_json::json!({"code": rpc.code, "message": rpc.message})
            .to_string()
            .into_bytes(),
    };
    let mut response = encoded(status, format, body);
    if let Some(secs) = error.retry_after_secs() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn encoded(status: StatusCode, format: Format, body: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, format.content_type())],
        body,
    )
        .into_response()
}

/// The `google.rpc.Code` matching an HTTP status (the mapping gRPC gateways use).
fn grpc_code(status: StatusCode) -> i32 {
    match status.as_u16() {
        400 | 413 | 415 | 422 => 3, // INVALID_ARGUMENT
        401 => 16,                  // UNAUTHENTICATED
        403 => 7,                   // PERMISSION_DENIED
        429 => 8,                   // RESOURCE_EXHAUSTED
        503 => 14,                  // UNAVAILABLE
        _ => 13,                    // INTERNAL
    }
}
