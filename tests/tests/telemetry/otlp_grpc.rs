//! OTLP/gRPC on its own port: the same receiver, with gRPC's status codes.

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use opentelemetry_proto::tonic::metrics::v1::AggregationTemporality::Cumulative;
use tonic::metadata::MetadataValue;

use super::payloads::{api_request, logs, metrics, point, s, sum, T0_NS};
use super::{count, report};
use crate::support::{for_each_backend, TestApp};

/// A free port on the loopback interface for the gRPC receiver (the test app only reports its
/// HTTP address).
fn free_loopback_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
}

fn with_token<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    let value: MetadataValue<_> = format!("Bearer {token}").parse().expect("metadata");
    request.metadata_mut().insert("authorization", value);
    request
}

#[tokio::test]
async fn grpc_exports_are_stored_once_and_unknown_tokens_are_unauthenticated() {
    for_each_backend(|backend| async move {
        let grpc = free_loopback_addr();
        let app =
            TestApp::spawn_with(backend, |settings| settings.otlp_grpc_bind = Some(grpc)).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let endpoint = format!("http://{grpc}");
        let mut logs_client = LogsServiceClient::connect(endpoint.clone())
            .await
            .expect("connect");
        let mut metrics_client = MetricsServiceClient::connect(endpoint)
            .await
            .expect("connect");

        let events = logs(vec![api_request(
            "g1",
            "req_g",
            "claude-sonnet-4-5",
            [100, 10, 300, 200],
            0.00129,
            0,
        )]);
        let refused = logs_client
            .export(with_token(events.clone(), "wrong"))
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), tonic::Code::Unauthenticated);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM telemetry_events").await,
            0
        );

        for _ in 0..2 {
            let answer = logs_client
                .export(with_token(events.clone(), &dev.token))
                .await
                .expect("export");
            assert_eq!(answer.into_inner().partial_success, None);
        }
        let added = |t: u64, v: f64| point("g1", T0_NS, T0_NS + t, v, vec![s("type", "added")]);
        let lines = metrics(vec![sum(
            "claude_code.lines_of_code.count",
            Cumulative,
            vec![added(1_000, 4.0), added(2_000, 6.0)],
        )]);
        for _ in 0..2 {
            metrics_client
                .export(with_token(lines.clone(), &dev.token))
                .await
                .expect("export");
        }

        let spend = report(&app, &dev, "spend", "").await;
        assert_eq!(spend["total"]["events"], 1);
        assert!(
            (spend["total"]["cost_usd"].as_f64().unwrap_or(0.0) - 0.00129).abs() < 1e-9,
            "{spend}"
        );
        let activity = report(&app, &dev, "activity", "").await;
        assert_eq!(activity["total"]["lines_added"], 6);
    })
    .await;
}
