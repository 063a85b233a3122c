//! Metrics benchmark: 200 developers x 12 months (~5 million usage events) in a SQLite file, then
//! the time and peak memory of each metrics endpoint's computation (loading + engine).
//!
//! ```text
//! cargo run --release -p agentmeter-server --example bench_metrics -- /tmp/bench.db [developers]
//! ```
//! The first run generates the file (minutes); later runs reuse it. Results: docs/bench-metrics.md.

mod generate;
#[path = "../shared/synthetic.rs"]
mod synthetic;

use std::time::Instant;

use agentmeter_server::analytics::params::MetricsQuery;
use agentmeter_server::analytics::reports;
use agentmeter_server::auth::current_user::{Credential, CurrentUser};
use agentmeter_server::auth::Scope;
use agentmeter_server::db::Db;
use agentmeter_server::domain::Role;
use agentmeter_server::reviews::summary::{self, ReviewsQuery};
use agentmeter_server::state::AppState;
use agentmeter_server::Settings;

/// Peak resident set size so far, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kib.map_or(f64::NAN, |k| k / 1024.0)
}

/// Resets the peak so each endpoint reports its own (Linux >= 4.0).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn measure<T>(
    name: &str,
    work: impl std::future::Future<Output = agentmeter_server::Result<T>>,
) -> anyhow::Result<T> {
    reset_peak_rss();
    let started = Instant::now();
    let out = work.await?;
    println!(
        "| {name:<28} | {:>8.0} ms | {:>8.0} MiB |",
        started.elapsed().as_secs_f64() * 1000.0,
        peak_rss_mib()
    );
    Ok(out)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench-metrics.db".to_owned());
    let developers = match std::env::args().nth(2) {
        Some(n) => n.parse()?,
        None => generate::DEVELOPERS,
    };
    let fresh = !std::path::Path::new(&path).exists();
    let settings = Settings {
        database_url: format!("sqlite:{path}"),
        org_timezone: "Europe/Berlin".to_owned(),
        ..Settings::default()
    };
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    agentmeter_server::analytics::catalog::seed_if_empty(&db).await?;
    let state = AppState::new(db.clone(), settings)?;
    if fresh {
        let started = Instant::now();
        let today = agentmeter_server::analytics::params::today(state.org_tz);
        let events = generate::generate(&db, &state.prices, today, developers).await?;
        println!(
            "generated {events} usage events in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let sizes = agentmeter_server::store::usage::table_sizes(&db).await?;
    println!("{} usage events, {} hourly rollup rows, default range (from = 1st of the month 2 months back, to = today)\n", sizes.events, sizes.hourly);
    println!("| endpoint                     |     time |  peak RSS |\n|---|---|---|");

    let query = MetricsQuery::default();
    let everyone = Scope::Everyone;
    let by_developer = query.spend(state.org_tz)?;
    measure(
        "spend (group_by=developer)",
        reports::spend(&state, &everyone, &by_developer),
    )
    .await?;
    let by_model = MetricsQuery {
        group_by: Some("model".into()),
        ..MetricsQuery::default()
    }
    .spend(state.org_tz)?;
    measure(
        "spend (group_by=model)",
        reports::spend(&state, &everyone, &by_model),
    )
    .await?;
    measure(
        "plans",
        reports::plans(&state, &everyone, query.range(state.org_tz)?),
    )
    .await?;
    measure(
        "adoption",
        reports::adoption(&state, &everyone, query.range(state.org_tz)?),
    )
    .await?;
    let productivity = measure(
        "productivity",
        reports::productivity(&state, &everyone, &query.productivity(state.org_tz)?),
    )
    .await?;
    let admin = CurrentUser {
        id: 0,
        email: "bench@example.com".into(),
        name: "bench".into(),
        role: Role::Admin,
        memberships: Vec::new(),
        credential: Credential::ApiToken,
    };
    measure(
        "reviews/summary",
        summary::report(&state, &admin, &ReviewsQuery::default()),
    )
    .await?;
    println!(
        "\nproductivity: {} developers included, commit lift {:?} %",
        productivity.developers_included, productivity.commits_per_week.lift_pct
    );
    Ok(())
}
