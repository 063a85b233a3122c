//! A deterministic organisation of 200 developers over 12 months (about 5 million usage events),
//! stored through the same functions the ingest endpoints use.

use agentmeter_ingest::wire_git::{CommitRecord, LineCounts};
use agentmeter_server::admin::{self, AddUser};
use agentmeter_server::db::Db;
use agentmeter_server::store::usage::{upsert_batch, PricedEvent};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::synthetic;

/// Developers of the full benchmark.
pub const DEVELOPERS: usize = 200;
const TEAMS: usize = 8;
/// Usage events per developer and year: 200 developers make about 5 million.
const EVENTS_PER_DEVELOPER: f64 = 31_000.0;

/// Heavy-tailed weight: a motivated minority does most of the work.
fn weight(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random_range(0.0001..1.0);
    (-u.ln()).powf(1.6)
}

pub async fn generate(
    db: &Db,
    prices: &agentmeter_ingest::pricing::PriceTable,
    today: NaiveDate,
    developers: usize,
) -> anyhow::Result<u64> {
    let mut rng = StdRng::seed_from_u64(2026);
    for t in 0..TEAMS {
        admin::add_team(db, &format!("Team {t}")).await?;
    }
    let start = today - Duration::days(365);
    let working_days = (0..365)
        .filter(|d| {
            !matches!(
                (start + Duration::days(*d)).weekday(),
                Weekday::Sat | Weekday::Sun
            )
        })
        .count() as f64;
    let weights: Vec<f64> = (0..developers).map(|_| weight(&mut rng)).collect();
    let total_weight: f64 = weights.iter().sum();
    let mut stored = 0u64;
    for (dev, w) in weights.iter().enumerate() {
        let email = format!("dev{dev:03}@example.com");
        let request = AddUser {
            email: email.clone(),
            name: format!("Developer {dev:03}"),
            role: "developer".into(),
            teams: vec![format!("Team {}", dev % TEAMS)],
            ..AddUser::default()
        };
        let user_id = admin::add_user(db, request).await?;
        // 10% never start; the others start within the first four months.
        let starts = rng.random_bool(0.9);
        let first_day = rng.random_range(0..120);
        let per_day = EVENTS_PER_DEVELOPER * developers as f64 * w
            / total_weight
            / (working_days * 0.8)
            / 0.9;
        let uses_codex = rng.random_bool(0.3);
        let mut events = Vec::new();
        let mut commits = Vec::new();
        for d in 0..365 {
            let day = start + Duration::days(d);
            if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || !rng.random_bool(0.8) {
                continue;
            }
            let midnight = day
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc())
                .ok_or_else(|| anyhow::anyhow!("date"))?;
            for c in 0..rng.random_range(0..4) {
                commits.push(commit(
                    &email,
                    dev,
                    d,
                    c,
                    midnight + Duration::minutes(rng.random_range(480..1080)),
                    &mut rng,
                ));
            }
            if !starts || d < first_day {
                continue;
            }
            let n = (per_day * rng.random_range(0.5..1.5)).round() as i64;
            let sessions = rng.random_range(1..=3);
            for s in 0..sessions {
                let begin = midnight + Duration::minutes(rng.random_range(420..1020));
                // A session works in one project (repository) of the developer's three.
                let project = format!("service-{}", (dev + rng.random_range(0..3)) % 24);
                let length = rng.random_range(30..180);
                for e in 0..n / sessions {
                    let at = begin + Duration::seconds(rng.random_range(0..length * 60));
                    let key = format!("{dev}-{d}-{s}-{e}");
                    events.push(synthetic::usage_event(
                        &key,
                        &format!("{dev}-{d}-{s}"),
                        &project,
                        at,
                        uses_codex,
                        &mut rng,
                    ));
                }
            }
            if events.len() >= 4000 || d == 364 {
                let priced: Vec<PricedEvent> = events
                    .drain(..)
                    .map(|event| PricedEvent {
                        cost_usd: agentmeter_ingest::cost_usd(prices, &event),
                        event,
                    })
                    .collect();
                stored += priced.len() as u64;
                upsert_batch(db, user_id, &priced).await?;
            }
        }
        agentmeter_server::reviews::commit_store::store(
            db,
            agentmeter_server::reviews::commit_store::Reporter {
                user_id,
                is_admin: false,
            },
            &commits,
        )
        .await?;
        if dev % 20 == 19 {
            eprintln!("  {} developers, {stored} events", dev + 1);
        }
    }
    Ok(stored)
}

fn commit(
    email: &str,
    dev: usize,
    day: i64,
    n: i64,
    at: DateTime<Utc>,
    rng: &mut StdRng,
) -> CommitRecord {
    let added = rng.random_range(1..200);
    CommitRecord {
        repository: format!("github.com/acme/service-{}", dev % 24),
        sha: format!("{dev:08x}{day:08x}{n:024x}"),
        parents: Vec::new(),
        author_email: email.to_owned(),
        author_name: email.to_owned(),
        authored_at: at,
        committed_at: at,
        paths: Vec::new(),
        lines: LineCounts {
            added,
            removed: added / 3,
            test_added: added / 4,
            test_removed: 0,
        },
        ai_markers: Vec::new(),
        branches: Vec::new(),
    }
}
