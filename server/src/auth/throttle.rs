//! Login throttling: failed attempts per account and per client IP within a sliding window.
//!
//! Kept in memory: a restart forgets the counts, which only ever favours a legitimate user and
//! costs an attacker one restart per window.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

#[derive(Debug)]
pub struct LoginThrottle {
    window: Duration,
    max_per_account: usize,
    max_per_ip: usize,
    failures: Mutex<Failures>,
}

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
        }
    }

    /// Refuses with 429 (and when to retry) if the account or the IP has used up its failures.
    pub fn check(&self, account: &str, ip: IpAddr) -> Result<()> {
        let now = Instant::now();
        let mut failures = self
            .failures
            .lock()
            .map_err(|_| Error::Internal("throttle lock poisoned".into()))?;
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
        match account_wait.max(ip_wait) {
            Some(wait) => Err(Error::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            }),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, account: &str, ip: IpAddr) {
        let now = Instant::now();
        if let Ok(mut failures) = self.failures.lock() {
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
        }
    }

    /// A successful login clears the account's failures (not the IP's).
    pub fn record_success(&self, account: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.by_account.remove(account);
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
            throttle.check("ada@example.com", IP).expect("allowed");
            throttle.record_failure("ada@example.com", IP);
        }
        match throttle.check("ada@example.com", IP) {
            Err(Error::TooManyRequests { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("expected 429, got {other:?}"),
        }
        throttle
            .check("bob@example.com", IP)
            .expect("other accounts are not affected");
    }

    #[test]
    fn the_ip_is_refused_across_accounts() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 100, 2);
        throttle.record_failure("a@example.com", IP);
        throttle.record_failure("b@example.com", IP);
        assert!(throttle.check("c@example.com", IP).is_err());
    }

    #[test]
    fn failures_expire_with_the_window() {
        let throttle = LoginThrottle::new(Duration::from_millis(1), 1, 1);
        throttle.record_failure("a@example.com", IP);
        std::thread::sleep(Duration::from_millis(5));
        throttle.check("a@example.com", IP).expect("window passed");
    }
}
