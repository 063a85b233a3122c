//! Login throttling: failed attempts per account and per client IP within a sliding window.
//!
//! Kept in memory: a restart forgets the counts, which only ever favours a legitimate user and
//! costs an attacker one restart per window.
//!
//! It also caps how many password checks run at once: each argon2 verification takes 19 MiB, so
//! unbounded parallel logins (even with unknown emails) would exhaust memory.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::password;
use crate::error::{Error, Result};

#[derive(Debug)]
pub struct LoginThrottle {
    window: Duration,
    max_per_account: usize,
    max_per_ip: usize,
    failures: Mutex<Failures>,
    verifications: Arc<Semaphore>,
}

/// How long a login waits for a free password check before it is answered 503.
const VERIFICATION_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
struct Failures {
    by_account: HashMap<String, VecDeque<Instant>>,
    by_ip: HashMap<IpAddr, VecDeque<Instant>>,
}

impl LoginThrottle {
    pub fn new(window: Duration, max_per_account: u32, max_per_ip: u32) -> LoginThrottle {
        LoginThrottle {
            window,
            max_per_account: max_per_account as usize,
            max_per_ip: max_per_ip as usize,
            failures: Mutex::new(Failures::default()),
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
    /// critical section. Checking first and recording after the (slow) password check would let
    /// any number of parallel guesses through before the first failure is recorded.
    pub fn begin_attempt(&self, account: &str, ip: IpAddr) -> Result<LoginAttempt> {
        let now = Instant::now();
        let mut failures = self
            .failures
            .lock()
            .map_err(|_| Error::Internal(anyhow::anyhow!("throttle lock poisoned")))?;
        let account_wait = wait(
            failures.by_account.get_mut(account),
            self.max_per_account,
            self.window,
            now,
        );
        let ip_wait = wait(
            failures.by_ip.get_mut(&ip),
            self.max_per_ip,
            self.window,
            now,
        );
        if let Some(wait) = account_wait.max(ip_wait) {
            return Err(Error::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            });
        }
        failures
            .by_account
            .entry(account.to_owned())
            .or_default()
            .push_back(now);
        failures.by_ip.entry(ip).or_default().push_back(now);
        // Bound memory under a spray of distinct emails: forget accounts whose window passed.
        if failures.by_account.len() > 10_000 {
            let window = self.window;
            failures.by_account.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        Ok(LoginAttempt {
            account: account.to_owned(),
            ip,
            at: now,
        })
    }

    /// A successful login clears the account's failures, and takes its own attempt back from
    /// the IP's count (other failures from that IP stay).
    pub fn succeeded(&self, attempt: LoginAttempt) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.by_account.remove(&attempt.account);
            forget(failures.by_ip.get_mut(&attempt.ip), attempt.at);
        }
    }

    /// An attempt that never reached the password check (the server was too busy) does not count.
    pub fn abandoned(&self, attempt: LoginAttempt) {
        if let Ok(mut failures) = self.failures.lock() {
            forget(failures.by_account.get_mut(&attempt.account), attempt.at);
            forget(failures.by_ip.get_mut(&attempt.ip), attempt.at);
        }
    }
}

/// A login attempt already counted as a failure until it is known to have succeeded.
#[derive(Debug)]
#[must_use = "an attempt counts as a failure unless it is reported as succeeded or abandoned"]
pub struct LoginAttempt {
    account: String,
    ip: IpAddr,
    at: Instant,
}

/// Removes one recorded attempt (the latest one made at `at`).
fn forget(times: Option<&mut VecDeque<Instant>>, at: Instant) {
    if let Some(times) = times {
        if let Some(index) = times.iter().rposition(|t| *t == at) {
            times.remove(index);
        }
    }
}

/// How long until one of the failures in `times` leaves the window, if the limit is reached.
fn wait(
    times: Option<&mut VecDeque<Instant>>,
    max: usize,
    window: Duration,
    now: Instant,
) -> Option<Duration> {
    let times = times?;
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        times.pop_front();
    }
    if times.len() < max {
        return None;
    }
    times
        .front()
        .map(|oldest| window.saturating_sub(now.duration_since(*oldest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn the_account_is_refused_after_its_failures_run_out() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            let _failed = throttle
                .begin_attempt("ada@example.com", IP)
                .expect("allowed");
        }
        match throttle.begin_attempt("ada@example.com", IP) {
            Err(Error::TooManyRequests { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("expected 429, got {other:?}"),
        }
        let _other = throttle
            .begin_attempt("bob@example.com", IP)
            .expect("other accounts are not affected");
    }

    #[test]
    fn the_ip_is_refused_across_accounts() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 100, 2);
        let _a = throttle.begin_attempt("a@example.com", IP);
        let _b = throttle.begin_attempt("b@example.com", IP);
        assert!(throttle.begin_attempt("c@example.com", IP).is_err());
    }

    #[test]
    fn failures_expire_with_the_window() {
        let throttle = LoginThrottle::new(Duration::from_millis(1), 1, 1);
        let _failed = throttle.begin_attempt("a@example.com", IP);
        std::thread::sleep(Duration::from_millis(5));
        let _again = throttle
            .begin_attempt("a@example.com", IP)
            .expect("window passed");
    }

    #[test]
    fn parallel_attempts_past_the_limit_are_refused_before_any_password_check() {
        let throttle = std::sync::Arc::new(LoginThrottle::new(Duration::from_secs(60), 5, 1000));
        let allowed: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..64)
                .map(|_| {
                    let throttle = throttle.clone();
                    scope.spawn(move || throttle.begin_attempt("ada@example.com", IP).is_ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap_or(false)))
                .sum()
        });
        assert_eq!(allowed, 5);
    }

    #[test]
    fn a_success_clears_the_account_and_an_abandoned_attempt_does_not_count() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 2, 2);
        let first = throttle
            .begin_attempt("a@example.com", IP)
            .expect("allowed");
        throttle.abandoned(first);
        let second = throttle
            .begin_attempt("a@example.com", IP)
            .expect("allowed");
        throttle.succeeded(second);
        let _third = throttle
            .begin_attempt("a@example.com", IP)
            .expect("allowed");
        let _fourth = throttle
            .begin_attempt("b@example.com", IP)
            .expect("allowed");
        assert!(
            throttle.begin_attempt("c@example.com", IP).is_err(),
            "the IP has two failures counted, its limit"
        );
    }
}
