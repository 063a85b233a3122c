//! `AppState`: everything a handler may use, shared through axum's `State`.

use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;

use agentmeter_ingest::PriceTable;
use agentmeter_reviews::ReviewPolicy;

use crate::analytics::cache::{self, ReportCache};
use crate::auth::oidc;
use crate::auth::throttle::LoginThrottle;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::observability::Observability;
use crate::settings::Settings;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub(crate) throttle: Arc<LoginThrottle>,
    /// The organisation's time zone, parsed once from the settings.
    pub org_tz: Tz,
    /// Model prices: the collectors' compiled-in table, plus `prices_file` overrides.
    pub prices: Arc<PriceTable>,
    /// Computed reports, kept until the next write (or their time-to-live).
    pub(crate) reports: Arc<ReportCache>,
    /// The single sign-on provider, discovered at the first sign-in through it.
    pub(crate) sso: Arc<oidc::Provider>,
    /// The Prometheus metrics served at `/metrics`.
    pub(crate) observability: Arc<Observability>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Result<AppState> {
        let org_tz: Tz = settings
            .org_timezone
            .parse()
            .map_err(|_| Error::Config(format!("unknown time zone {:?}", settings.org_timezone)))?;
        let throttle = LoginThrottle::new(
            db.clone(),
            Duration::from_secs(settings.login_window_secs),
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_ip,
        );
        let mut prices = PriceTable::builtin();
        if let Some(path) = &settings.prices_file {
            let text = std::fs::read_to_string(path).map_err(|source| Error::ConfigRead {
                path: path.display().to_string(),
                source,
            })?;
            prices
                .merge_csv(&text)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        }
        let observability = Observability::new()?;
        let reports = ReportCache::new(
            db.clone(),
            Duration::from_secs(settings.report_cache_ttl_secs),
            cache::CAPACITY,
            observability.cache_counters(),
        );
        Ok(AppState {
            db,
            settings: Arc::new(settings),
            throttle: Arc::new(throttle),
            org_tz,
            prices: Arc::new(prices),
            reports: Arc::new(reports),
            sso: Arc::new(oidc::Provider::new()?),
            observability: Arc::new(observability),
        })
    }

    /// The review policy (rubber-stamp thresholds N and M) in force.
    pub fn review_policy(&self) -> ReviewPolicy {
        ReviewPolicy {
            rubber_stamp_minutes: self.settings.rubber_stamp_minutes,
            rubber_stamp_lines: self.settings.rubber_stamp_lines,
        }
    }
}
