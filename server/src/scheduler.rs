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
//! tick after that does the job again (enqueueing is idempotent). A server that is stopped
//! ([`RunningScheduler::stop`]) lets the round under way finish for a moment, then gives its
//! unfinished job claims back at once. A message row it was sending keeps its own short lease:
//! whether that message went out is unknown, and an early release would invite a second copy.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::budgets::Month;
use crate::cost_reports::{self, retry, Mailer};
use crate::error::Result;
use crate::state::AppState;
use crate::store::scheduled_jobs;
use crate::{alerts, db};

/// How long a stopping server waits for the round under way before it cuts it short.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

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

    /// Runs on the current runtime until [`RunningScheduler::stop`].
    pub fn start(self) -> RunningScheduler {
        match &self.mailer {
            Some(m) => {
                tracing::info!(smtp = %m.endpoint, "monthly cost reports and alert e-mails on")
            }
            None => tracing::info!("no smtp_url: monthly cost reports and alert e-mails are off"),
        }
        let every = Duration::from_secs(self.state.settings.scheduler_tick_secs);
        let (stop, mut stopping) = tokio::sync::watch::channel(false);
        let (state, claimant) = (self.state.clone(), self.claimant.clone());
        let task = tokio::spawn(async move {
            while !*stopping.borrow() {
                let now = Utc::now();
                if let Err(e) = tick(&self.state, self.mailer.as_ref(), &self.claimant, now).await {
                    tracing::error!(error = %e, "scheduler tick failed");
                }
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    _ = stopping.changed() => {}
                }
            }
        });
        RunningScheduler {
            task,
            stop,
            state,
            claimant,
        }
    }
}

/// A started scheduler.
pub struct RunningScheduler {
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
    state: AppState,
    claimant: String,
}

impl RunningScheduler {
    /// Stops after the round under way (cut short after [`SHUTDOWN_GRACE`]) and gives back the
    /// job claims this server still holds, so another server takes the jobs on its next tick.
    pub async fn stop(self) {
        // The task may already be gone (a panic), in which case there is no one to tell.
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
            .await
            .is_err()
        {
            task.abort();
            // An aborted task answers a cancellation error: that is the point.
            let _ = task.await;
        }
        match scheduled_jobs::release(&self.state.db, &self.claimant).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "unfinished scheduler jobs given back"),
            Err(e) => {
                tracing::warn!(error = %e, "scheduler jobs not given back; their lease will end")
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    async fn state(dir: &tempfile::TempDir) -> AppState {
        let url = format!("sqlite:{}?mode=rwc", dir.path().join("jobs.db").display());
        let db = crate::db::Db::connect(&url).await.expect("database");
        db.migrate().await.expect("migrations");
        AppState::new(db, Settings::default()).expect("state")
    }

    #[tokio::test]
    async fn a_stopped_scheduler_gives_back_its_unfinished_jobs_and_keeps_the_finished() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = state(&dir).await;
        let scheduler = Scheduler::new(state.clone()).expect("scheduler");
        let me = scheduler.claimant.clone();
        let (now, lease) = (db::now_ms(), db::now_ms() + JOB_LEASE.as_millis() as i64);
        let db = &state.db;
        assert!(scheduled_jobs::claim(db, "job", "running", &me, now, lease)
            .await
            .expect("claim"));
        assert!(scheduled_jobs::claim(db, "job", "done", &me, now, lease)
            .await
            .expect("claim"));
        scheduled_jobs::finish(db, "job", "done", &me, now)
            .await
            .expect("finish");
        assert!(
            !scheduled_jobs::claim(db, "job", "running", "other", now, lease)
                .await
                .expect("claim"),
            "held while the server runs"
        );

        scheduler.start().stop().await;

        let later = db::now_ms();
        assert!(
            scheduled_jobs::claim(db, "job", "running", "other", later, lease)
                .await
                .expect("claim"),
            "given back when it stopped"
        );
        assert!(
            !scheduled_jobs::claim(db, "job", "done", "other", later, lease)
                .await
                .expect("claim"),
            "a finished job stays finished"
        );
    }
}
