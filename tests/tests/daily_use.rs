//! Daily use of the pages on the demo organisation (issue 14), on both backends: date presets
//! resolve to the same hand-computed dates on the pages and in the API, keep team and tool in
//! their links; lists search and paginate on the server with every filter kept in the pager's
//! links, and their CSV holds every matching row.

use agentmeter_seeds::org::DEVELOPERS;
use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::Value;

mod carried_filters;

use crate::support::app::{TestUser, PASSWORD};
use crate::support::{for_each_backend, Backend, BrowserSession, TestApp};

/// The organisation's today, as the server computes it (the demo is loaded on it).
fn org_today(app: &TestApp) -> NaiveDate {
    Utc::now().with_timezone(&app.state.org_tz).date_naive()
}

/// The preset's window on `today`, computed here independently of the server: `(from, end)`.
fn window(preset: &str, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first");
    match preset {
        "this-month" => (first, today),
        "last-month" => {
            let end = first - Days::new(1);
            (first - Months::new(1), end)
        }
        "last-30-days" => (today - Days::new(29), today),
        "last-90-days" => (today - Days::new(89), today),
        "quarter-to-date" => {
            let month = (today.month() - 1) / 3 * 3 + 1;
            (
                NaiveDate::from_ymd_opt(today.year(), month, 1).expect("quarter"),
                today,
            )
        }
        other => panic!("no preset {other}"),
    }
}

/// The window ended at the last day with data when that day is inside it (docs/metrics.md).
fn expected(preset: &str, today: NaiveDate, data_as_of: Option<NaiveDate>) -> (String, String) {
    let (from, end) = window(preset, today);
    let to = match data_as_of {
        Some(d) if d >= from && d < end => d,
        _ => end,
    };
    (from.to_string(), to.to_string())
}

/// The `value` of the filter bar's input `name`.
fn input(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} input"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The `href` of the first link with `attribute` (e.g. `rel="next"`), `&` unescaped.
fn href(html: &str, attribute: &str) -> Option<String> {
    let at = html.find(attribute)?;
    let tail = &html[at..];
    let start = tail.find("href=\"")? + "href=\"".len();
    let link = tail[start..].split('"').next()?;
    Some(link.replace("&#38;", "&").replace("&amp;", "&"))
}

async fn get(session: &BrowserSession, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = session.client.get(app.url(path)).send().await.expect("GET");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

async fn api(app: &TestApp, admin: &TestUser, path: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("GET");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The demo on the org's today, its API admin, and a signed-in admin for the pages.
async fn demo(backend: Backend) -> (TestApp, TestUser, BrowserSession) {
    let probe = Utc::now().date_naive();
    let (app, admin) = TestApp::spawn_demo(backend, probe).await;
    app.add_user("pages@example.com", "admin", &[]).await;
    let session = BrowserSession::sign_in(&app, "pages@example.com", PASSWORD).await;
    (app, admin, session)
}

const PRESETS: [&str; 5] = [
    "this-month",
    "last-month",
    "last-30-days",
    "last-90-days",
    "quarter-to-date",
];

#[tokio::test]
async fn every_preset_gives_the_same_hand_computed_dates_on_the_spend_page_and_in_the_api() {
    for_each_backend(|backend| async move {
        // Arrange
        let (app, admin, session) = demo(backend).await;
        let today = org_today(&app);
        for preset in PRESETS {
            // Act
            let (status, report) = api(
                &app,
                &admin,
                &format!("/api/v1/metrics/spend?preset={preset}"),
            )
            .await;
            let (page_status, html) = get(&session, &app, &format!("/spend?preset={preset}")).await;

            // Assert
            assert_eq!(status, StatusCode::OK, "{preset}: {report}");
            assert_eq!(page_status, StatusCode::OK, "{preset}");
            let as_of = report["data_as_of"]
                .as_str()
                .map(|d| d.parse::<NaiveDate>().expect("date"));
            let want = expected(preset, today, as_of);
            let api_range = (
                report["from"].as_str().unwrap_or_default().to_owned(),
                report["to"].as_str().unwrap_or_default().to_owned(),
            );
            assert_eq!(api_range, want, "{preset} in the API on {today}");
            assert_eq!(
                (input(&html, "from"), input(&html, "to")),
                want,
                "{preset} on the page on {today}"
            );
            assert!(
                html.contains(&format!(
                    "data-preset=\"{preset}\" href=\"/spend?preset={preset}\" aria-current"
                )),
                "{preset} is marked as the chosen preset"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_preset_beside_dates_is_a_bad_request_and_preset_links_keep_team_and_tool() {
    for_each_backend(|backend| async move {
        let (app, admin, session) = demo(backend).await;

        let (status, body) = api(
            &app,
            &admin,
            "/api/v1/metrics/spend?preset=last-month&from=2026-01-01",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.to_string().contains("preset"), "{body}");
        let (status, _) = get(&session, &app, "/spend?preset=last-month&to=2026-01-31").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = get(&session, &app, "/spend?preset=last-week").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // A range with data (the demo's last days), so the tables and their CSV links show.
        let today = org_today(&app);
        let (from, to) = (today - Days::new(20), today - Days::new(2));
        let dates = format!("from={from}&to={to}");
        let (status, html) = get(
            &session,
            &app,
            &format!("/spend?team=Platform&tool=claude-code&{dates}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            href(&html, "data-preset=\"last-30-days\"").as_deref(),
            Some("/spend?team=Platform&preset=last-30-days&tool=claude-code")
        );
        assert_eq!(
            href(&html, "data-compare=\"previous-period\""),
            Some(format!(
                "/spend?team=Platform&{dates}&tool=claude-code&compare=previous-period"
            ))
        );
        // The CSV link carries the same filters.
        let csv = format!("/spend?team=Platform&{dates}&tool=claude-code&format=csv");
        assert!(
            html.replace("&#38;", "&").contains(&csv),
            "CSV keeps the filters: {csv}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_spend_comparison_shows_the_previous_periods_figure_beside_the_range() {
    for_each_backend(|backend| async move {
        let (app, _admin, session) = demo(backend).await;
        let (status, html) = get(
            &session,
            &app,
            "/spend?preset=last-30-days&compare=previous-period",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(" in "), "the cards name the previous period");
        assert!(
            html.contains("vs previous period"),
            "and the change against it"
        );
        assert_eq!(
            href(&html, "data-compare=\"off\"").as_deref(),
            Some("/spend?preset=last-30-days")
        );
        // Developer links open their pages on the same range and comparison.
        let developer = html
            .split("href=\"/developers/")
            .nth(1)
            .and_then(|tail| tail.split('"').next())
            .map(|link| link.replace("&#38;", "&"))
            .expect("a developer link");
        assert!(
            developer.ends_with("?preset=last-30-days&compare=previous-period"),
            "{developer}"
        );
        let (status, _) = get(&session, &app, "/spend?compare=last-year").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    })
    .await;
}

/// The fields of one CSV line (RFC 4180 quoting: the session start holds a comma).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn csv_rows(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(csv_fields)
        .collect()
}

#[tokio::test]
async fn sessions_search_and_paginate_on_the_server_keeping_every_filter() {
    for_each_backend(|backend| async move {
        let (app, _admin, session) = demo(backend).await;
        let email = DEVELOPERS[0].email();
        let base = format!("/developers/{email}?preset=last-90-days&tool=claude-code");

        // Every session of the range, from the CSV (never one page).
        let (status, csv) = get(&session, &app, &format!("{base}&format=csv&table=sessions")).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let all = csv_rows(&csv);
        assert!(
            all.len() > 50,
            "the demo developer has more than a page of sessions: {}",
            all.len()
        );

        let (_, first) = get(&session, &app, &base).await;
        assert!(
            first.contains(&format!("Showing 1–50 of {}", all.len())),
            "page 1 of {}",
            all.len()
        );
        let next = href(&first, "rel=\"next\"").expect("a next link");
        assert!(next.starts_with("/developers/"), "{next}");
        assert!(
            next.ends_with("?preset=last-90-days&tool=claude-code&page=2"),
            "the next page keeps the preset and the tool: {next}"
        );
        let (_, second) = get(&session, &app, &next).await;
        let shown = all.len().min(100);
        assert!(
            second.contains(&format!("Showing 51–{shown} of {}", all.len())),
            "page 2"
        );
        assert!(
            second.contains(&all[50][0]),
            "page 2 starts at the 51st session"
        );
        assert!(href(&second, "rel=\"prev\"").is_some_and(|p| !p.contains("page=")));

        // Search: a project, typed in another case, narrows the list and the CSV alike.
        let project = all
            .iter()
            .map(|r| r[3].clone())
            .find(|p| !p.is_empty())
            .expect("a session with a project");
        let q = project.to_uppercase();
        let search = |csv: bool| {
            let mut query = vec![
                ("preset", "last-90-days"),
                ("tool", "claude-code"),
                ("q", q.as_str()),
            ];
            if csv {
                query.extend([("format", "csv"), ("table", "sessions")]);
            }
            session
                .client
                .get(app.url(&format!("/developers/{email}")))
                .query(&query)
                .send()
        };
        let found_csv = search(true).await.expect("GET").text().await.expect("csv");
        let found = csv_rows(&found_csv);
        assert!(!found.is_empty(), "{found_csv}");
        assert!(found.iter().all(|r| r[1..4]
            .iter()
            .any(|f| f.to_lowercase().contains(&project.to_lowercase()))));
        let html = search(false)
            .await
            .expect("GET")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains(&format!("of {}</span>", found.len())),
            "{} sessions match {q}",
            found.len()
        );
        assert!(
            html.contains("name=\"q\" value=\""),
            "the search box shows the search"
        );
    })
    .await;
}
