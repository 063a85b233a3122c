//! `AppState`: everything a handler may use, shared through axum's `State`.

use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;

use crate::auth::throttle::LoginThrottle;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::settings::Settings;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub throttle: Arc<LoginThrottle>,
    /// The organisation's time zone, parsed once from the settings.
    pub org_tz: Tz,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Result<AppState> {
        let org_tz: Tz = settings
            .org_timezone
            .parse()
            .map_err(|_| Error::Config(format!("unknown time zone {:?}", settings.org_timezone)))?;
        let throttle = LoginThrottle::new(
            Duration::from_secs(settings.login_window_secs),
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_ip,
        );
        Ok(AppState { db, settings: Arc::new(settings), throttle: Arc::new(throttle), org_tz })
    }
}
