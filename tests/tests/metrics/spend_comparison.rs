//! `compare=previous-period` of the spend report (UTC org): the API's `comparison` computed by
//! hand, and every figure the Spend page marks with `data-metric` equal to the API's for the same
//! URL, comparison badges included.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{event, mills, org, send, upload};
use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp};

/// 100k input and 1.18M output tokens of claude-sonnet-4-5: $0.30 + $17.70 = $18 (under 200k
/// input tokens, the base prices).
fn eighteen_dollars(key: &str, at: &str) -> Value {
    event(key, at, "claude-sonnet-4-5", 100_000, 1_180_000)
}

/// Every `data-metric="…"` of a page with the text it shows.
fn marked(html: &str) -> Vec<(String, String)> {
    html.split("data-metric=\"")
        .skip(1)
        .filter_map(|tail| {
            let (metric, rest) = tail.split_once('"')?;
            let text = rest.split_once('>')?.1.split('<').next()?;
            Some((metric.to_owned(), text.trim().to_owned()))
        })
        .collect()
}

/// `$1,234`, `+$17`, `+100.0%`, `0.0%` as a number.
fn shown_number(text: &str) -> f64 {
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

/// The page's marked figures against the API's answer for the same query, to the page's
/// rounding (whole dollars, or a tenth of a percent).
async fn page_equals_api(app: &TestApp, session: &BrowserSession, api: &Value, query: &str) {
    let html = session
        .client
        .get(app.url(&format!("/spend?{query}")))
        .send()
        .await
        .expect("GET /spend")
        .text()
        .await
        .expect("body");
    let figures = marked(&html);
    for metric in [
        "spend.total.cost_usd",
        "spend.cost_per_active_developer_usd",
    ] {
        assert!(figures.iter().any(|(m, _)| m == metric), "{metric} shown");
    }
    assert!(
        figures
            .iter()
            .any(|(m, _)| m.starts_with("spend.comparison.cost_change.")),
        "the change against the previous period is marked: {figures:?}"
    );
    for (metric, text) in figures {
        let path = metric.strip_prefix("spend.").expect("a spend figure");
        let expected = path
            .split('.')
            .fold(api, |value, key| &value[key])
            .as_f64()
            .unwrap_or_else(|| panic!("the API has no number at {path} for {query}"));
        let tolerance = if text.contains('%') { 0.05 } else { 0.5 };
        assert!(
            (shown_number(&text) - expected).abs() <= tolerance + 1e-9,
            "{metric} shows {text:?}, the API says {expected} for {query}"
        );
    }
}

#[tokio::test]
async fn the_previous_period_is_compared_in_the_api_and_the_page_shows_the_same_figures() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        // Sep 21-30: ada $0.60. Oct 1-10: ada $18. Oct 11-20: ada $18 and bob $18.
        let small = event(
            "a0",
            "2026-09-25T10:00:00Z",
            "claude-sonnet-4-5",
            100_000,
            20_000,
        );
        let ada = vec![
            small,
            eighteen_dollars("a1", "2026-10-05T10:00:00Z"),
            eighteen_dollars("a2", "2026-10-12T10:00:00Z"),
        ];
        upload(&app, &org.ada, ada).await;
        upload(
            &app,
            &org.bob,
            vec![eighteen_dollars("b1", "2026-10-15T10:00:00Z")],
        )
        .await;
        let session = BrowserSession::sign_in(&app, &org.admin.email, PASSWORD).await;

        let query = "from=2026-10-11&to=2026-10-20&compare=previous-period";
        let report = app
            .get_json(&org.admin, &format!("/api/v1/metrics/spend?{query}"))
            .await;
        assert_eq!(
            (
                &report["active_developers"],
                mills(&report["cost_per_active_developer_usd"])
            ),
            (&json!(2), 18_000),
            "$36 over two developers"
        );
        let c = &report["comparison"];
        assert_eq!(
            (&c["from"], &c["to"]),
            (&json!("2026-10-01"), &json!("2026-10-10"))
        );
        assert_eq!(
            (mills(&c["cost_usd"]), &c["active_developers"]),
            (18_000, &json!(1))
        );
        // $36 against $18: +100 %, +$18; per developer $18 against $18: 0 %.
        let change = &c["cost_change"];
        assert_eq!(
            (mills(&change["change_usd"]), change["change_pct"].as_f64()),
            (18_000, Some(100.0))
        );
        assert_eq!(
            c["cost_per_active_developer_change"]["change_pct"].as_f64(),
            Some(0.0)
        );
        page_equals_api(&app, &session, &report, query).await;

        // Oct 1-10 ($18) against Sep 21-30 ($0.60, under $10): no percentage, +$17.40.
        let query = "from=2026-10-01&to=2026-10-10&compare=previous-period";
        let report = app
            .get_json(&org.admin, &format!("/api/v1/metrics/spend?{query}"))
            .await;
        let change = &report["comparison"]["cost_change"];
        assert_eq!(
            (mills(&change["change_usd"]), &change["change_pct"]),
            (17_400, &Value::Null)
        );
        page_equals_api(&app, &session, &report, query).await;

        let plain = app
            .get_json(
                &org.admin,
                "/api/v1/metrics/spend?from=2026-10-11&to=2026-10-20",
            )
            .await;
        assert!(plain.get("comparison").is_none(), "only when asked for");
        let (status, body) = send(
            &app,
            &org.admin,
            Method::GET,
            "/api/v1/metrics/spend?compare=last-year",
            &Value::Null,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    })
    .await;
}
