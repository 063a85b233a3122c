//! The in-process scheduler of `serve`: every `scheduler_tick_secs` it
//!
//! 1. from the 1st of a month (org time zone) on, puts the month just ended's cost reports in
//!    the send ledger, once: the job (`monthly_cost_report`, month) is claimed in the database,
//!    so of several servers on one database one does it (only with `smtp_url` set);
//! 2. every `alert_check_interval_secs`, checks alerts, once per interval across servers;
//! 3. sends whatever is due in the ledger and the alert deliveries, each row claimed before it is
//!    sent, so servers share the work and none sends a row another has sent.
//!
//! A server that dies mid-job leaves its claim to expire ([`JOB_LEASE`]); the next server to
//! tick after that does the job again (enqueueing is idempotent).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::budgets::Month;
use crate::cost_reports::{self, retry, Mailer};
use crate::error::Result;
use crate::state::AppState;
use crate::store::scheduled_jobs;
use crate::{alerts, db};

/// How long a claimed job is reserved for the server running it.
pub const JOB_LEASE: Duration = Duration::from_secs(30 * 60);

/// The monthly report job's name.
pub const MONTHLY_COST_REPORT: &str = "monthly_cost_report";
/// The alert check job's name.
pub const ALERT_CHECK: &str = "alert_check";

/// The scheduler of one server process, configured and ready to start.
pub struct Scheduler {
    state: AppState,
    mailer: Option<Mailer>,
    claimant: String,
}

impl Scheduler {
    /// Checks the e-mail settings (a bad `smtp_url` stops the server at start, not on the 1st).
    pub fn new(state: AppState) -> Result<Scheduler> {
        let mailer = Mailer::from_settings(&state.settings)?;
        Ok(Scheduler {
            state,
            mailer,
            claimant: retry::claimant_id(),
        })
    }

    /// Runs on the current runtime until the process ends.
    pub fn start(self) -> tokio::task::JoinHandle<()> {
        match &self.mailer {
            Some(m) => {
                tracing::info!(smtp = %m.endpoint, "monthly cost reports and alert e-mails on")
            }
            None => tracing::info!("no smtp_url: monthly cost reports and alert e-mails are off"),
        }
        let every = Duration::from_secs(self.state.settings.scheduler_tick_secs);
        tokio::spawn(async move {
            loop {
                let now = Utc::now();
                if let Err(e) = tick(&self.state, self.mailer.as_ref(), &self.claimant, now).await {
                    tracing::error!(error = %e, "scheduler tick failed");
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}

/// Runs a claimed job, then marks it done; does nothing when another server has it.
async fn once<F, Fut>(
    state: &AppState,
    job: &str,
    period: &str,
    claimant: &str,
    work: F,
) -> Result<()>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let now = db::now_ms();
    let lease_until = now + JOB_LEASE.as_millis() as i64;
    if scheduled_jobs::claim(&state.db, job, period, claimant, now, lease_until).await? {
        work().await?;
        scheduled_jobs::finish(&state.db, job, period, claimant, db::now_ms()).await?;
    }
    Ok(())
}

/// One round of the scheduler at `now`, as `claimant`.
pub async fn tick(
    state: &AppState,
    mailer: Option<&Mailer>,
    claimant: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if mailer.is_some() {
        let month = Month::at(now, state.org_tz).previous();
        once(
            state,
            MONTHLY_COST_REPORT,
            &month.to_string(),
            claimant,
            || async {
                let added = cost_reports::enqueue_month(state, month).await?;
                tracing::info!(%month, recipients = added, "monthly cost reports queued");
                Ok(())
            },
        )
        .await?;
    }
    let interval = state.settings.alert_check_interval_secs.max(1) as i64;
    let slot = now.timestamp().div_euclid(interval) * interval;
    let slot_label = DateTime::from_timestamp(slot, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    once(state, ALERT_CHECK, &slot_label, claimant, || async {
        let raised = alerts::run_checks(state, now, mailer.is_some()).await?;
        if raised > 0 {
            tracing::info!(raised, "alerts raised");
        }
        Ok(())
    })
    .await?;
    if let Some(mailer) = mailer {
        let counts = cost_reports::deliver_due(state, mailer, claimant).await?;
        if counts.sent + counts.failed > 0 {
            tracing::info!(
                sent = counts.sent,
                failed = counts.failed,
                "monthly cost reports"
            );
        }
    }
    alerts::deliver_due(state, mailer, claimant).await?;
    Ok(())
}
