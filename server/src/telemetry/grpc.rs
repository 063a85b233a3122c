//! OTLP over gRPC, on a port of its own (`otlp_grpc_bind`): the collector's `MetricsService` and
//! `LogsService`, answered by the same receiver as OTLP/HTTP.

use std::future::Future;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::telemetry::slots::ExportSlots;
use crate::telemetry::{self, Rejections};

/// The receiver behind both gRPC services.
#[derive(Clone)]
struct GrpcReceiver {
    state: AppState,
    slots: ExportSlots,
}

impl GrpcReceiver {
    /// The caller's user id and an export slot, or the status refusing them.
    async fn admit<T>(
        &self,
        request: &Request<T>,
    ) -> std::result::Result<(i64, tokio::sync::OwnedSemaphorePermit), Status> {
        let authorization = request
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let user_id = telemetry::authenticate(&self.state, authorization)
            .await
            .map_err(status)?;
        let slot = self.slots.take().map_err(status)?;
        Ok((user_id, slot))
    }
}

#[tonic::async_trait]
impl MetricsService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> std::result::Result<Response<ExportMetricsServiceResponse>, Status> {
        let (user_id, _slot) = self.admit(&request).await?;
        let rejected = telemetry::export_metrics(&self.state, user_id, request.get_ref())
            .await
            .map_err(status)?;
        self.state.reports.data_changed().await.map_err(status)?;
        Ok(Response::new(ExportMetricsServiceResponse {
            partial_success: (rejected.count > 0).then(|| ExportMetricsPartialSuccess {
                rejected_data_points: rejected.count,
                error_message: rejected.message(),
            }),
        }))
    }
}

#[tonic::async_trait]
impl LogsService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> std::result::Result<Response<ExportLogsServiceResponse>, Status> {
        let (user_id, _slot) = self.admit(&request).await?;
        let rejected: Rejections = telemetry::export_logs(&self.state, user_id, request.get_ref())
            .await
            .map_err(status)?;
        self.state.reports.data_changed().await.map_err(status)?;
        Ok(Response::new(ExportLogsServiceResponse {
            partial_success: (rejected.count > 0).then(|| ExportLogsPartialSuccess {
                rejected_log_records: rejected.count,
                error_message: rejected.message(),
            }),
        }))
    }
}

/// The gRPC status of an error, as the OTLP exporters read it: load is retryable with a delay
/// (RESOURCE_EXHAUSTED, UNAVAILABLE with RetryInfo), bad data and bad tokens are not.
fn status(error: Error) -> Status {
    let code = match &error {
        Error::Unauthorized | Error::InvalidCredentials => Code::Unauthenticated,
        Error::Forbidden(_) => Code::PermissionDenied,
        Error::BadRequest(_) | Error::Unprocessable { .. } | Error::Rejected { .. } => {
            Code::InvalidArgument
        }
        Error::PayloadTooLarge => Code::InvalidArgument,
        Error::TooManyRequests { .. } => Code::ResourceExhausted,
        Error::Busy { .. } => Code::Unavailable,
        _ => {
            tracing::error!(error = %error, "OTLP gRPC export failed");
            Code::Internal
        }
    };
    match error.retry_after_secs() {
        Some(secs) => Status::with_error_details(
            code,
            error.public_message(),
            ErrorDetails::with_retry_info(Some(Duration::from_secs(secs))),
        ),
        None => Status::new(code, error.public_message()),
    }
}

/// Serves OTLP/gRPC on `listener` until `shutdown` completes. Gzip-compressed requests are
/// accepted; messages up to the request body limit.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<()> {
    let limit = state.settings.request_body_limit_bytes;
    let receiver = GrpcReceiver {
        slots: ExportSlots::new(state.settings.otlp_max_concurrent_exports),
        state,
    };
    let metrics = MetricsServiceServer::new(receiver.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    let logs = LogsServiceServer::new(receiver)
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    tonic::transport::Server::builder()
        .add_service(metrics)
        .add_service(logs)
        .serve_with_incoming_shutdown(
            tonic::transport::server::TcpIncoming::from(listener),
            shutdown,
        )
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("OTLP gRPC server: {e}")))
}

/// Starts OTLP/gRPC on `listener` beside the HTTP server; returns the HTTP server's shutdown
/// signal, which completes with `shutdown` once the gRPC server has stopped too.
pub fn serve_beside(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = ()> + Send + 'static {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let grpc = tokio::spawn(serve(listener, state, async {
        // A dropped sender (the HTTP server gone) stops the gRPC server too.
        let _ = stopped.await;
    }));
    async move {
        shutdown.await;
        let _ = stop.send(());
        match grpc.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("{e}"),
            Err(e) => tracing::error!("OTLP gRPC server task: {e}"),
        }
    }
}
