//! OTLP/HTTP from crafted Claude Code-shaped payloads: what is stored, what is refused and how
//! the answers read, on both backends.

use std::io::Write;

use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::metrics::v1::AggregationTemporality::Delta;
use prost::Message;
use reqwest::StatusCode;

use super::payloads::{api_request, event, i, logs, metrics, point, s, sum, T0_NS};
use super::{count, model_group, report};
use crate::support::{for_each_backend, TestApp, TestUser};

use super::crafted_session::{session_events, session_metrics, SEC};

/// How a request body is sent.
#[derive(Clone, Copy, Debug)]
enum Encoding {
    Json,
    Protobuf,
    ProtobufGzip,
}

async fn post<T: Message + serde::Serialize>(
    app: &TestApp,
    token: &str,
    path: &str,
    request: &T,
    encoding: Encoding,
) -> reqwest::Response {
    let (content_type, body, gzip) = match encoding {
        Encoding::Json => (
            "application/json",
            serde_json::to_vec(request).expect("json"),
            false,
        ),
        Encoding::Protobuf => ("application/x-protobuf", request.encode_to_vec(), false),
        Encoding::ProtobufGzip => ("application/x-protobuf", request.encode_to_vec(), true),
    };
    let mut builder = reqwest::Client::new()
        .post(app.url(path))
        .header("content-type", content_type)
        .header("authorization", format!("Bearer {token}"));
    let body = if gzip {
        builder = builder.header("content-encoding", "gzip");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&body).expect("gzip");
        encoder.finish().expect("gzip")
    } else {
        body
    };
    builder.body(body).send().await.expect("request")
}

async fn export_logs(
    app: &TestApp,
    user: &TestUser,
    request: &ExportLogsServiceRequest,
    encoding: Encoding,
) -> ExportLogsServiceResponse {
    let response = post(app, &user.token, "/v1/logs", request, encoding).await;
    assert_eq!(response.status(), StatusCode::OK, "{encoding:?}");
    let bytes = response.bytes().await.expect("body");
    match encoding {
        Encoding::Json => serde_json::from_slice(&bytes).expect("JSON answer"),
        _ => ExportLogsServiceResponse::decode(bytes).expect("protobuf answer"),
    }
}

async fn export_metrics(
    app: &TestApp,
    user: &TestUser,
    request: &ExportMetricsServiceRequest,
    encoding: Encoding,
) -> ExportMetricsServiceResponse {
    let response = post(app, &user.token, "/v1/metrics", request, encoding).await;
    assert_eq!(response.status(), StatusCode::OK, "{encoding:?}");
    let bytes = response.bytes().await.expect("body");
    match encoding {
        Encoding::Json => serde_json::from_slice(&bytes).expect("JSON answer"),
        _ => ExportMetricsServiceResponse::decode(bytes).expect("protobuf answer"),
    }
}

#[tokio::test]
async fn a_session_sent_over_json_and_protobuf_and_retried_is_stored_once() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let events = session_events();
        let [first, second] = session_metrics();

        // Every export is sent again, as an exporter retries after a lost answer, and the logs a
        // third time in another encoding.
        for encoding in [Encoding::Json, Encoding::Json, Encoding::ProtobufGzip] {
            let answer = export_logs(&app, &dev, &events, encoding).await;
            assert_eq!(answer.partial_success, None, "{encoding:?}");
        }
        for request in [&first, &first, &second, &second, &first] {
            let answer = export_metrics(&app, &dev, request, Encoding::Protobuf).await;
            assert_eq!(answer.partial_success, None);
        }

        // sonnet: 100 × 3 + 10 × 15 + 300 × 0.30 + 200 × 3.75 = 1,290 µ$;
        // haiku: 1,000 × 1 + 100 × 5 = 1,500 µ$.
        let spend = report(&app, &dev, "spend", "&group_by=model").await;
        let sonnet = model_group(&spend, "claude-sonnet-4-5");
        assert_eq!((sonnet["events"].as_i64(), sonnet["tokens"].as_i64()), (Some(1), Some(610)));
        assert!((sonnet["cost_usd"].as_f64().unwrap_or(0.0) - 0.00129).abs() < 1e-9, "{sonnet}");
        let haiku = model_group(&spend, "claude-haiku-4-5");
        assert_eq!((haiku["events"].as_i64(), haiku["tokens"].as_i64()), (Some(1), Some(1100)));
        assert!((haiku["cost_usd"].as_f64().unwrap_or(0.0) - 0.0015).abs() < 1e-9, "{haiku}");

        let activity = report(&app, &dev, "activity", "").await;
        let total = &activity["total"];
        assert_eq!(total["lines_added"], 8, "{activity}");
        assert_eq!(total["lines_removed"], 1);
        assert_eq!((total["edits_accepted"].as_i64(), total["edits_rejected"].as_i64()), (Some(3), Some(1)));
        assert_eq!(total["edit_acceptance_pct"], 75.0);
        assert_eq!(total["active_hours"], 45.0 / 3600.0);
        assert_eq!((total["api_requests"].as_i64(), total["api_errors"].as_i64()), (Some(2), Some(1)));
        let rate = total["api_error_rate_pct"].as_f64().unwrap_or(0.0);
        assert!((rate - 100.0 / 3.0).abs() < 1e-9, "{rate}");
        let tools = &activity["per_tool"];
        assert_eq!((tools[0]["tool"].as_str(), tools[0]["accepted"].as_i64(), tools[0]["rejected"].as_i64()), (Some("Edit"), Some(1), Some(1)));
        assert_eq!((tools[1]["tool"].as_str(), tools[1]["accepted"].as_i64(), tools[1]["rejected"].as_i64()), (Some("Write"), Some(2), Some(0)));

        // Seven records once each, the unknown one among them; no text anybody wrote.
        assert_eq!(count(&app, "SELECT COUNT(*) FROM telemetry_events").await, 7);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM telemetry_events WHERE event_name = 'brand_new_event'").await, 1);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM usage_events").await, 2);
        let leaked = "SELECT COUNT(*) FROM telemetry_events WHERE CAST(attributes AS TEXT) LIKE '%secret%'";
        assert_eq!(count(&app, leaked).await, 0);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM telemetry_series WHERE CAST(attributes AS TEXT) LIKE '%secret%'").await, 0);
        // Claude Code's own estimate is kept beside ours.
        let theirs = "SELECT COUNT(*) FROM telemetry_events WHERE event_name = 'api_request' AND cost_usd > 0";
        assert_eq!(count(&app, theirs).await, 2);
    })
    .await;
}

#[tokio::test]
async fn bad_records_are_refused_by_name_and_the_rest_is_stored() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let mut no_model = api_request("s2", "req_c", "claude-sonnet-4-5", [1, 1, 0, 0], 0.0, 10);
        no_model.attributes.retain(|kv| kv.key != "model");
        let mut crowded = event("tool_result", "s2", 20, Vec::new());
        crowded.attributes.extend((0..200).map(|n| i(&format!("extra_{n}"), n)));
        let negative = api_request("s2", "req_d", "claude-sonnet-4-5", [-5, 1, 0, 0], 0.0, 30);
        let request = logs(vec![
            api_request("s2", "req_ok", "claude-sonnet-4-5", [10, 1, 0, 0], 0.0, 0),
            no_model,
            crowded,
            negative,
        ]);
        for encoding in [Encoding::Json, Encoding::Protobuf] {
            let answer = export_logs(&app, &dev, &request, encoding).await;
            let partial = answer.partial_success.expect("a partial success");
            assert_eq!(partial.rejected_log_records, 3, "{encoding:?}");
            let message = partial.error_message;
            assert!(message.contains("logRecords[1]: api_request has no model"), "{message}");
            assert!(message.contains("logRecords[2]: 204 attributes, more than 128"), "{message}");
            assert!(message.contains("logRecords[3]: api_request input_tokens is negative"), "{message}");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM usage_events").await, 1);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM telemetry_events").await, 1);

        let gauge = opentelemetry_proto::tonic::metrics::v1::Metric {
            name: "claude_code.some_gauge".into(),
            data: Some(opentelemetry_proto::tonic::metrics::v1::metric::Data::Gauge(
                opentelemetry_proto::tonic::metrics::v1::Gauge {
                    data_points: vec![point("s2", 0, T0_NS, 1.0, Vec::new())],
                },
            )),
            ..Default::default()
        };
        let request = metrics(vec![
            sum("claude_code.active_time.total", Delta, vec![
                point("s2", T0_NS, T0_NS + SEC, 12.0, vec![s("type", "user")]),
                point("s2", T0_NS, T0_NS + SEC, f64::NAN, vec![s("type", "cli")]),
                point("s2", T0_NS, T0_NS + SEC, -1.0, vec![s("type", "other")]),
            ]),
            gauge,
        ]);
        let answer = export_metrics(&app, &dev, &request, Encoding::Protobuf).await;
        let partial = answer.partial_success.expect("a partial success");
        assert_eq!(partial.rejected_data_points, 3);
        let message = partial.error_message;
        assert!(message.contains("metrics[0].sum.dataPoints[1] (claude_code.active_time.total): the value is not a finite number"), "{message}");
        assert!(message.contains("metrics[0].sum.dataPoints[2] (claude_code.active_time.total): a monotonic sum cannot be negative"), "{message}");
        assert!(message.contains("metrics[1] (claude_code.some_gauge): a gauge; only sums are stored"), "{message}");
        let activity = report(&app, &dev, "activity", "").await;
        assert_eq!(activity["total"]["active_hours"], 12.0 / 3600.0);
    })
    .await;
}

#[tokio::test]
async fn undecodable_bodies_unknown_tokens_and_other_media_types_are_refused_with_a_status() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let client = reqwest::Client::new();
        let send = |path: &str, content_type: &str, token: &str, body: Vec<u8>| {
            client
                .post(app.url(path))
                .header("content-type", content_type)
                .header("authorization", format!("Bearer {token}"))
                .body(body)
                .send()
        };

        let garbage = send(
            "/v1/metrics",
            "application/x-protobuf",
            &dev.token,
            vec![0xff; 16],
        )
        .await
        .expect("send");
        assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
        let status = tonic_types::pb::Status::decode(garbage.bytes().await.expect("body"))
            .expect("a google.rpc.Status");
        assert_eq!(status.code, 3);
        assert!(
            status.message.contains("not an OTLP protobuf message"),
            "{}",
            status.message
        );

        let bad_json = send(
            "/v1/logs",
            "application/json",
            &dev.token,
            b"{\"resourceLogs\": 7}".to_vec(),
        )
        .await
        .expect("send");
        assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = bad_json.json().await.expect("JSON status");
        assert_eq!(body["code"], 3);

        let bad_gzip = client
            .post(app.url("/v1/logs"))
            .header("content-type", "application/x-protobuf")
            .header("content-encoding", "gzip")
            .bearer_auth(&dev.token)
            .body(b"not gzip at all".to_vec())
            .send()
            .await
            .expect("send");
        assert_eq!(bad_gzip.status(), StatusCode::BAD_REQUEST);

        let events = session_events().encode_to_vec();
        let stranger = send(
            "/v1/logs",
            "application/x-protobuf",
            "not-a-token",
            events.clone(),
        )
        .await
        .expect("send");
        assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
        let status =
            tonic_types::pb::Status::decode(stranger.bytes().await.expect("body")).expect("status");
        assert_eq!(status.code, 16);
        let anonymous = client
            .post(app.url("/v1/logs"))
            .header("content-type", "application/x-protobuf")
            .body(events)
            .send()
            .await
            .expect("send");
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM telemetry_events").await,
            0
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM usage_events").await, 0);

        let text = send("/v1/logs", "text/plain", &dev.token, b"hello".to_vec())
            .await
            .expect("send");
        assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    })
    .await;
}
