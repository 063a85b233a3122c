//! When a failed send is tried again, shared by report sends and alert deliveries: after
//! `base`, then twice as long after each further failure, at most six hours apart; after
//! [`MAX_ATTEMPTS`] attempts it is given up (and shown as failed, with a resend button).

use std::time::Duration;

/// Attempts before a send is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// Longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(6 * 3600);

/// How long a claimed send is reserved for the server that claimed it: longer than one SMTP
/// conversation or webhook call may take, so only a server that died loses its claim.
pub const CLAIM_LEASE: Duration = Duration::from_secs(10 * 60);

/// When to try again after the `attempts`-th failed attempt (1 = the first); `None` = give up.
pub fn next_attempt_at(now_ms: i64, attempts: i64, base: Duration) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let wait = base.saturating_mul(1 << doublings).min(LONGEST_WAIT);
    Some(now_ms + wait.as_millis() as i64)
}

/// The identity a server process claims rows under: random, so that a restarted process does
/// not mistake its predecessor's claims for its own.
pub fn claimant_id() -> String {
    let random = crate::auth::secret::random_secret();
    format!("pid{}-{}", std::process::id(), &random[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_the_base_and_stop_after_the_last_attempt() {
        let base = Duration::from_secs(60);
        assert_eq!(next_attempt_at(0, 1, base), Some(60_000));
        assert_eq!(next_attempt_at(0, 2, base), Some(120_000));
        assert_eq!(next_attempt_at(0, 4, base), Some(480_000));
        assert_eq!(next_attempt_at(1_000, 7, base), Some(1_000 + 3_840_000));
        assert_eq!(next_attempt_at(0, MAX_ATTEMPTS, base), None);
        let slow = Duration::from_secs(3600);
        assert_eq!(
            next_attempt_at(0, 6, slow),
            Some(6 * 3_600_000),
            "capped at six hours"
        );
    }
}
