//! The demo's planted truths as the pages show them (their tables read from the CSV the pages
//! download, which holds the raw numbers).

use std::collections::BTreeSet;

use agentmeter_seeds::DemoOrg;

use super::cents;
use crate::support::app::TestUser;
use crate::support::TestApp;

/// The page at `path` (HTML or CSV), fetched as `user`.
async fn page_text(app: &TestApp, user: &TestUser, path: &str) -> String {
    let response = app.get(user, path).await;
    let status = response.status();
    let text = response.text().await.expect("body");
    assert!(status.is_success(), "GET {path}: {status} {text}");
    text
}

/// The number an element marked `data-metric="{metric}"` shows (`+35.2%` -> 35.2).
fn shown_metric(html: &str, metric: &str) -> Option<f64> {
    let marker = format!("data-metric=\"{metric}\">");
    let start = html.find(&marker)? + marker.len();
    let text = &html[start..start + html[start..].find('<')?];
    let number: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    number.parse().ok()
}

/// The fields of each line of a CSV answer (quoted fields may hold commas and doubled quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut field)),
                    c => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

/// The pages' default views (no dates given) show the planted truths as the API's do: the lift on
/// Productivity, the Payments team's months in the spend page's table, and the flagged pull
/// requests in the reviews page's (both read from the tables' CSV, which holds the raw numbers).
pub(super) async fn assert_pages_show_planted_truths(
    app: &TestApp,
    admin: &TestUser,
    org: &DemoOrg,
) {
    let truths = &org.truths;
    let when = format!("demo of {}", org.calendar.today);

    let productivity = page_text(app, admin, "/productivity").await;
    let lift = shown_metric(&productivity, "productivity.merged_prs_per_week.lift_pct")
        .unwrap_or_else(|| panic!("{when}: no lift on the Productivity page"));
    assert!(
        (lift - truths.throughput_lift_pct).abs() <= 5.0,
        "{when}: the page's lift {lift}, planted {}",
        truths.throughput_lift_pct
    );

    let months = page_text(
        app,
        admin,
        &format!(
            "/spend?team={}&format=csv&table=spend-by-month",
            truths.spend_team
        ),
    )
    .await;
    let shown: BTreeSet<i64> = csv_rows(&months)
        .iter()
        .skip(1)
        .filter_map(|row| row.get(1)?.parse::<f64>().ok())
        .map(cents)
        .collect();
    for (month, usd) in &truths.spend_months {
        assert!(
            shown.contains(&cents(*usd)),
            "{when}: the spend page's months lack {month}'s ${usd:.2}: {months}"
        );
    }
    // The month after holds its change in dollars: $450 - $280.
    let changes: BTreeSet<(i64, i64)> = csv_rows(&months)
        .iter()
        .skip(1)
        .filter_map(|row| {
            let usd = row.get(1)?.parse::<f64>().ok()?;
            Some((cents(usd), cents(row.get(3)?.parse::<f64>().ok()?)))
        })
        .collect();
    for pair in truths.spend_months.windows(2) {
        let (before, after) = (pair[0].1, pair[1].1);
        // Each planted figure is rounded to the cent, so their difference may be a cent off.
        assert!(
            changes.iter().any(|&(spend, change)| spend == cents(after)
                && (change - (cents(after) - cents(before))).abs() <= 1),
            "{when}: the spend CSV's change_usd of {}: {months}",
            pair[1].0
        );
    }

    let alerts = page_text(
        app,
        admin,
        "/reviews?format=csv&table=critical-unreviewed-merges",
    )
    .await;
    let numbers: Vec<u64> = csv_rows(&alerts)
        .iter()
        .skip(1)
        .filter_map(|row| row.get(1)?.parse().ok())
        .collect();
    let planted: Vec<u64> = truths
        .critical_unreviewed_ai_prs
        .iter()
        .map(|p| p.number)
        .collect();
    assert_eq!(numbers, planted, "{when}: the reviews page's flagged PRs");
}
