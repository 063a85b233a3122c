//! `GET /metrics`: Prometheus scrapes the server. After known traffic the counters have moved by
//! exactly that traffic, requests are labelled by route template, and the metrics are refused
//! without the configured token (or served on their own address when configured so).

use std::collections::BTreeMap;

use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::support::serve::start_serve_with;
use crate::support::{for_each_backend, Backend, TestApp, TestUser};

const TOKEN: &str = "scrape-me-7f3a";

/// The samples of a scrape: (metric name, sorted labels) → value.
type Samples = BTreeMap<(String, Vec<(String, String)>), f64>;

fn parse(text: &str) -> Samples {
    let mut samples = Samples::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("a sample line");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let mut labels: Vec<(String, String)> = rest
                    .trim_end_matches('}')
                    .split("\",")
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (k, v) = pair.split_once("=\"").expect("label pair");
                        (k.to_owned(), v.trim_end_matches('"').to_owned())
                    })
                    .collect();
                labels.sort();
                (name, labels)
            }
            None => (series, Vec::new()),
        };
        samples.insert(
            (name.to_owned(), labels),
            value.parse().expect("sample value"),
        );
    }
    samples
}

/// A sample's value, 0 when the series does not exist yet.
fn value(samples: &Samples, name: &str, labels: &[(&str, &str)]) -> f64 {
    let mut labels: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    labels.sort();
    samples
        .get(&(name.to_owned(), labels))
        .copied()
        .unwrap_or(0.0)
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let request = Client::new().get(app.url("/metrics"));
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.expect("GET /metrics")
}

async fn samples(app: &TestApp) -> Samples {
    let response = scrape(app, Some(TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .expect("content type")
        .starts_with("text/plain; version=0.0.4"));
    parse(&response.text().await.expect("body"))
}

async fn upload_twice(app: &TestApp, user: &TestUser) {
    let event = |key: &str| {
        json!({"tool": "claude-code", "dedupe_key": key, "session_id": "s1",
               "timestamp": "2026-10-05T10:00:00Z", "model": "claude-sonnet-4-5",
               "input_tokens": 1000, "output_tokens": 200})
    };
    for _ in 0..2 {
        let response = Client::new()
            .post(app.url("/api/v1/ingest/usage"))
            .bearer_auth(&user.token)
            .json(&json!({"events": [event("k1"), event("k2")]}))
            .send()
            .await
            .expect("upload");
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_counters_move_by_the_traffic_and_a_scrape_without_the_token_is_refused() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, |s| {
            s.metrics_token = Some(TOKEN.to_owned().into());
            s.report_cache_ttl_secs = 3600;
        })
        .await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        assert_eq!(scrape(&app, None).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            scrape(&app, Some("scrape-me-7f3b")).await.status(),
            StatusCode::UNAUTHORIZED
        );

        let before = samples(&app).await;
        upload_twice(&app, &admin).await;
        let spend = "/api/v1/metrics/spend?from=2026-10-01&to=2026-10-31&group_by=developer";
        for _ in 0..3 {
            assert_eq!(app.get(&admin, spend).await.status(), StatusCode::OK);
        }
        let repository = app
            .get(&admin, "/api/v1/repositories/github.com/acme/nowhere")
            .await;
        assert_eq!(repository.status(), StatusCode::NOT_FOUND);
        let unsigned = Client::new()
            .post(app.url("/api/v1/webhooks/github"))
            .header("x-github-event", "ping")
            .body("{}")
            .send()
            .await
            .expect("webhook");
        assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
        let nowhere = Client::new()
            .get(app.url("/no/such/page"))
            .send()
            .await
            .expect("GET");
        assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
        let after = samples(&app).await;

        let moved = |name: &str, labels: &[(&str, &str)]| {
            value(&after, name, labels) - value(&before, name, labels)
        };
        let requests = "agentmeter_http_requests_total";
        let spend_route = [
            ("method", "GET"),
            ("route", "/api/v1/metrics/spend"),
            ("status", "200"),
        ];
        assert_eq!(moved(requests, &spend_route), 3.0);
        assert_eq!(
            moved(
                "agentmeter_http_request_duration_seconds_count",
                &spend_route[..2]
            ),
            3.0
        );
        let upload_route = [
            ("method", "POST"),
            ("route", "/api/v1/ingest/usage"),
            ("status", "200"),
        ];
        assert_eq!(moved(requests, &upload_route), 2.0);
        let template = [
            ("method", "GET"),
            ("route", "/api/v1/repositories/{*path}"),
            ("status", "404"),
        ];
        assert_eq!(moved(requests, &template), 1.0);
        let unmatched = [("method", "GET"), ("route", "unmatched"), ("status", "404")];
        assert_eq!(moved(requests, &unmatched), 1.0);
        assert!(
            after.keys().all(|(_, labels)| labels
                .iter()
                .all(|(_, v)| !v.contains("acme") && !v.contains("no/such"))),
            "no raw path is a label"
        );
        // The scrape before is counted, with the refused ones; the one after is not yet.
        let scrapes = |status| [("method", "GET"), ("route", "/metrics"), ("status", status)];
        assert_eq!(moved(requests, &scrapes("200")), 1.0);
        assert_eq!(value(&after, requests, &scrapes("401")), 2.0);

        assert_eq!(moved("agentmeter_ingest_batches_total", &[]), 2.0);
        let events = |outcome| moved("agentmeter_ingest_events_total", &[("outcome", outcome)]);
        assert_eq!((events("inserted"), events("unchanged")), (2.0, 2.0));
        let refused = [("forge", "github"), ("outcome", "refused")];
        assert_eq!(moved("agentmeter_webhook_deliveries_total", &refused), 1.0);
        // Three reads of one report with no write between: computed once, then kept.
        assert_eq!(moved("agentmeter_report_cache_misses_total", &[]), 1.0);
        assert_eq!(moved("agentmeter_report_cache_hits_total", &[]), 2.0);
        assert!(value(&after, "agentmeter_db_pool_max_connections", &[]) >= 1.0);
        let pool = |state| {
            value(
                &after,
                "agentmeter_db_pool_connections",
                &[("state", state)],
            )
        };
        assert!(pool("idle") + pool("in_use") >= 1.0);
    })
    .await;
}

#[tokio::test]
async fn on_its_own_address_the_metrics_need_no_token_and_the_main_address_has_none() {
    let backend = Backend::sqlite();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let metrics_bind = format!("127.0.0.1:{port}");
    let server = start_serve_with(
        &backend.url,
        false,
        &[("AGENTMETER_METRICS_BIND", metrics_bind.as_str())],
    );
    let client = Client::new();
    let health = client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), StatusCode::OK);
    let main = client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics on the main address");
    assert_eq!(main.status(), StatusCode::NOT_FOUND);
    let scraped = client
        .get(format!("http://{metrics_bind}/metrics"))
        .send()
        .await
        .expect("GET /metrics on metrics_bind");
    assert_eq!(scraped.status(), StatusCode::OK);
    let samples = parse(&scraped.text().await.expect("body"));
    let healthz = [("method", "GET"), ("route", "/healthz"), ("status", "200")];
    assert_eq!(
        value(&samples, "agentmeter_http_requests_total", &healthz),
        1.0
    );
    let not_served = [("method", "GET"), ("route", "/metrics"), ("status", "404")];
    assert_eq!(
        value(&samples, "agentmeter_http_requests_total", &not_served),
        1.0
    );
}
