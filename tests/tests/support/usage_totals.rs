//! One developer's usage totals (events, tokens, API-equivalent cost) as each side sees them: the
//! raw `usage_events` rows, the server's spend report (which reads the hourly rollup), and the
//! CLI's own reading of the logs (`agentmeter usage --json`).
//! After any upload, however it went, they must all be equal.

use serde_json::Value;
use sqlx::Row;

use super::uploads::cli;
use super::usage_logs::UsageLogs;

/// Events, tokens and cost of some usage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageTotals {
    pub events: u64,
    pub tokens: u64,
    pub cost_usd: f64,
}

impl UsageTotals {
    /// Both together (usage of logs of different sessions).
    pub fn plus(&self, other: &UsageTotals) -> UsageTotals {
        UsageTotals {
            events: self.events + other.events,
            tokens: self.tokens + other.tokens,
            cost_usd: self.cost_usd + other.cost_usd,
        }
    }

    /// What differs between `self` (what `what` shows) and `expected`, if anything; costs may
    /// differ by the rounding of summing in another order.
    pub fn mismatch(&self, expected: &UsageTotals, what: &str) -> Option<String> {
        let cost_close =
            (self.cost_usd - expected.cost_usd).abs() <= 1e-6 * expected.cost_usd.abs().max(1.0);
        (self.events != expected.events || self.tokens != expected.tokens || !cost_close).then(
            || {
                format!(
                    "{what}: events {:+}, tokens {:+}, cost {:+.6} (shows {self:?}, expected {expected:?})",
                    self.events as i64 - expected.events as i64,
                    self.tokens as i64 - expected.tokens as i64,
                    self.cost_usd - expected.cost_usd,
                )
            },
        )
    }
}

/// The raw `usage_events` rows of the user with this email, read over a connection of its own
/// (not the server's pool), so that it works as well for a server in another process.
pub async fn stored(database_url: &str, email: &str) -> UsageTotals {
    const SQL: &str = "SELECT COUNT(*) AS events,
            CAST(COALESCE(SUM(e.total_tokens), 0) AS BIGINT) AS tokens,
            CAST(COALESCE(SUM(e.cost_usd), 0) AS DOUBLE PRECISION) AS cost_usd
        FROM usage_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1";
    let row = if database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(database_url)
            .await
            .expect("connect to PostgreSQL");
        let row = sqlx::query(SQL)
            .bind(email)
            .fetch_one(&pool)
            .await
            .expect("sum usage_events");
        pool.close().await;
        (
            row.get::<i64, _>("events"),
            row.get::<i64, _>("tokens"),
            row.get::<f64, _>("cost_usd"),
        )
    } else {
        let pool = sqlx::SqlitePool::connect(database_url)
            .await
            .expect("open SQLite");
        let row = sqlx::query(SQL)
            .bind(email)
            .fetch_one(&pool)
            .await
            .expect("sum usage_events");
        pool.close().await;
        (
            row.get::<i64, _>("events"),
            row.get::<i64, _>("tokens"),
            row.get::<f64, _>("cost_usd"),
        )
    };
    UsageTotals {
        events: row.0 as u64,
        tokens: row.1 as u64,
        cost_usd: row.2,
    }
}

/// The spend report's total for `email` over the logs' days, asked by `admin_token` at `base`.
pub async fn reported(base: &str, admin_token: &str, email: &str, logs: &UsageLogs) -> UsageTotals {
    let url = format!(
        "{base}/api/v1/metrics/spend?{}&group_by=developer&user={email}",
        logs.range_query()
    );
    let response = reqwest::Client::new()
        .get(&url)
        .bearer_auth(admin_token)
        .send()
        .await
        .expect("GET spend");
    let status = response.status();
    let text = response.text().await.expect("spend body");
    assert!(status.is_success(), "GET {url}: {status} {text}");
    let report: Value = serde_json::from_str(&text).expect("spend is JSON");
    let total = &report["total"];
    let number = |field: &str| {
        total[field]
            .as_f64()
            .unwrap_or_else(|| panic!("spend total has no {field}: {report}"))
    };
    UsageTotals {
        events: number("events") as u64,
        tokens: number("tokens") as u64,
        cost_usd: number("cost_usd"),
    }
}

/// What the logs hold: events as the generator wrote them, tokens and cost by the CLI's own
/// reading (`agentmeter usage --json`), whose tokens must equal the generator's.
pub fn local(logs: &UsageLogs) -> UsageTotals {
    local_of(&[logs])
}

/// What several log trees (of different sessions) hold together, read by one `agentmeter usage`.
pub fn local_of(trees: &[&UsageLogs]) -> UsageTotals {
    let config = tempfile::tempdir().expect("config dir");
    let mut args = vec![
        "usage".to_owned(),
        "--json".into(),
        "--tz".into(),
        "UTC".into(),
    ];
    args.extend(trees.iter().flat_map(|logs| logs.log_args()));
    let report: Value = serde_json::from_str(&cli(config.path(), &args)).expect("usage --json");
    let totals = UsageTotals {
        events: trees.iter().map(|logs| logs.events).sum(),
        tokens: report["totals"]["total_tokens"]
            .as_u64()
            .expect("total_tokens"),
        cost_usd: report["totals"]["cost_usd"].as_f64().expect("cost_usd"),
    };
    assert_eq!(
        totals.tokens,
        trees.iter().map(|logs| logs.tokens).sum::<u64>(),
        "the CLI reads the tokens the generator wrote"
    );
    assert!(totals.cost_usd > 0.0, "the logs' models are priced");
    totals
}
