//! Login throttling: failed attempts per account and per client IP within a sliding window.
//!
//! Counted in the database (`login_failures`, migration 0014), so the limits hold across every
//! server instance on it: an attacker spreading guesses over instances behind a load balancer
//! gets no more than from one. Times are the instances' wall clocks (keep them in sync, as for
//! anything else); a restart forgets nothing.
//!
//! It also caps how many password checks run at once in this process: each argon2 verification
//! takes 19 MiB, so unbounded parallel logins (even with unknown emails) would exhaust memory.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::password;
use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::login_failures::{self, Kind};

#[derive(Debug)]
pub struct LoginThrottle {
    db: Db,
    window: Duration,
    max_per_account: i64,
    max_per_ip: i64,
    verifications: Arc<Semaphore>,
}

/// How long a login waits for a free password check before it is answered 503.
const VERIFICATION_WAIT: Duration = Duration::from_secs(2);

impl LoginThrottle {
    pub fn new(db: Db, window: Duration, max_per_account: u32, max_per_ip: u32) -> LoginThrottle {
        LoginThrottle {
            db,
            window,
            max_per_account: i64::from(max_per_account),
            max_per_ip: i64::from(max_per_ip),
            // As many as there are hashing threads: a login waits here, holding nothing.
            verifications: Arc::new(Semaphore::new(password::checks_at_once())),
        }
    }

    /// A permit to run one password check, waiting a little for one to free up; `None` when the
    /// server is too busy (the caller answers 503 with a Retry-After).
    pub async fn verification_slot(&self) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(
            VERIFICATION_WAIT,
            self.verifications.clone().acquire_owned(),
        )
        .await
        .ok()?
        .ok()
    }

    /// Starts a login attempt: refuses with 429 (and when to retry) if the account or the IP has
    /// used up its failures, and otherwise counts the attempt as a failure at once, in the same
    /// transaction, serialised with every other instance's. Checking first and recording after
    /// the (slow) password check would let any number of parallel guesses through before the
    /// first failure is recorded.
    pub async fn begin_attempt(&self, account: &str, ip: IpAddr) -> Result<LoginAttempt> {
        let now = now_ms();
        let window = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX);
        let since = now.saturating_sub(window).saturating_add(1);
        let ip = ip.to_string();
        let mut tx = login_failures::begin(&self.db).await?;
        login_failures::purge(&mut tx, since).await?;
        let mut wait_ms = None;
        for (kind, subject, max) in [
            (Kind::Account, account, self.max_per_account),
            (Kind::Ip, ip.as_str(), self.max_per_ip),
        ] {
            let counted = login_failures::count(&mut tx, kind, subject, since).await?;
            if counted.count >= max {
                // Until the oldest failure leaves the window.
                let oldest = counted.oldest.unwrap_or(now);
                let wait = (oldest + window - now).max(0);
                wait_ms = wait_ms.max(Some(wait));
            }
        }
        if let Some(wait) = wait_ms {
            return Err(Error::TooManyRequests {
                retry_after_secs: u64::try_from((wait + 999) / 1000).unwrap_or(1).max(1),
            });
        }
        let account_row = login_failures::add(&mut tx, Kind::Account, account, now).await?;
        let ip_row = login_failures::add(&mut tx, Kind::Ip, &ip, now).await?;
        tx.commit().await?;
        Ok(LoginAttempt {
            account: account.to_owned(),
            account_row,
            ip_row,
        })
    }

    /// A successful login clears the account's failures, and takes its own attempt back from
    /// the IP's count (other failures from that IP stay).
    pub async fn succeeded(&self, attempt: LoginAttempt) -> Result<()> {
        login_failures::clear(&self.db, Kind::Account, &attempt.account).await?;
        login_failures::remove(&self.db, &[attempt.ip_row]).await
    }

    /// An attempt that never reached the password check (the server was too busy) does not count.
    pub async fn abandoned(&self, attempt: LoginAttempt) -> Result<()> {
        login_failures::remove(&self.db, &[attempt.account_row, attempt.ip_row]).await
    }
}

/// A login attempt already counted as a failure until it is known to have succeeded.
#[derive(Debug)]
#[must_use = "an attempt counts as a failure unless it is reported as succeeded or abandoned"]
pub struct LoginAttempt {
    account: String,
    account_row: i64,
    ip_row: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    /// A throttle over a fresh SQLite database; the directory must outlive it.
    async fn throttle(
        window: Duration,
        per_account: u32,
        per_ip: u32,
    ) -> (LoginThrottle, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("throttle.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        (LoginThrottle::new(db, window, per_account, per_ip), dir)
    }

    #[tokio::test]
    async fn the_account_is_refused_after_its_failures_run_out() {
        let (throttle, _dir) = throttle(Duration::from_secs(60), 3, 100).await;
        for _ in 0..3 {
            let _failed = throttle
                .begin_attempt("ada@example.com", IP)
                .await
                .expect("allowed");
        }
        match throttle.begin_attempt("ada@example.com", IP).await {
            Err(Error::TooManyRequests { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("expected 429, got {other:?}"),
        }
        let _other = throttle
            .begin_attempt("bob@example.com", IP)
            .await
            .expect("other accounts are not affected");
    }

    #[tokio::test]
    async fn the_ip_is_refused_across_accounts() {
        let (throttle, _dir) = throttle(Duration::from_secs(60), 100, 2).await;
        let _a = throttle.begin_attempt("a@example.com", IP).await;
        let _b = throttle.begin_attempt("b@example.com", IP).await;
        assert!(throttle.begin_attempt("c@example.com", IP).await.is_err());
        let other_ip = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
        let _d = throttle
            .begin_attempt("d@example.com", other_ip)
            .await
            .expect("another IP is not affected");
    }

    #[tokio::test]
    async fn failures_expire_with_the_window() {
        let (throttle, _dir) = throttle(Duration::from_millis(20), 1, 1).await;
        let _failed = throttle.begin_attempt("a@example.com", IP).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _again = throttle
            .begin_attempt("a@example.com", IP)
            .await
            .expect("window passed");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parallel_attempts_past_the_limit_are_refused_before_any_password_check() {
        let (throttle, _dir) = throttle(Duration::from_secs(60), 5, 1000).await;
        let throttle = Arc::new(throttle);
        let attempts: Vec<_> = (0..64)
            .map(|_| {
                let throttle = throttle.clone();
                tokio::spawn(async move {
                    throttle
                        .begin_attempt("ada@example.com", IP)
                        .await
                        .map(|_counted| ())
                })
            })
            .collect();
        let mut allowed = 0;
        for attempt in attempts {
            match attempt.await.expect("attempt") {
                Ok(()) => allowed += 1,
                Err(Error::TooManyRequests { .. }) => {}
                Err(other) => panic!("expected 429, got {other:?}"),
            }
        }
        assert_eq!(allowed, 5);
    }

    #[tokio::test]
    async fn a_success_clears_the_account_and_an_abandoned_attempt_does_not_count() {
        let (throttle, _dir) = throttle(Duration::from_secs(60), 2, 2).await;
        let first = throttle
            .begin_attempt("a@example.com", IP)
            .await
            .expect("allowed");
        throttle.abandoned(first).await.expect("abandoned");
        let second = throttle
            .begin_attempt("a@example.com", IP)
            .await
            .expect("allowed");
        throttle.succeeded(second).await.expect("succeeded");
        let _third = throttle
            .begin_attempt("a@example.com", IP)
            .await
            .expect("allowed");
        let _fourth = throttle
            .begin_attempt("b@example.com", IP)
            .await
            .expect("allowed");
        assert!(
            throttle.begin_attempt("c@example.com", IP).await.is_err(),
            "the IP has two failures counted, its limit"
        );
    }
}
