//! Password hashing with argon2id at explicit parameters, off the async runtime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Shortest password accepted when one is set.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn argon2() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| Error::Internal(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A hash of a password nobody knows, checked when the email is unknown so that an unknown
/// email and a wrong password cost the same work and give the same answer.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    hash_blocking(&SecretString::from("agentmeter-dummy-password".to_owned())).ok()
});

/// How many password checks this process ran; lets tests see that both failure paths verify.
static VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

pub fn verification_count() -> u64 {
    VERIFICATIONS.load(Ordering::Relaxed)
}

pub fn validate_new_password(password: &SecretString) -> Result<()> {
    if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadRequest(format!(
            "password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

fn hash_blocking(password: &SecretString) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

/// Verifies `password` against `stored`, or against the dummy hash when there is no stored hash.
/// Returns true only for a real match.
fn verify_blocking(stored: Option<&str>, password: &SecretString) -> bool {
    VERIFICATIONS.fetch_add(1, Ordering::Relaxed);
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => match DUMMY_HASH.as_deref() {
            Some(dummy) => (dummy, false),
            None => return false,
        },
    };
    let matches = match (PasswordHash::new(hash), argon2()) {
        (Ok(parsed), Ok(argon)) => argon
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok(),
        _ => false,
    };
    real && matches
}

pub async fn hash(password: SecretString) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| Error::Internal(format!("hashing task: {e}")))?
}

pub async fn verify(stored: Option<String>, password: SecretString) -> Result<bool> {
    tokio::task::spawn_blocking(move || verify_blocking(stored.as_deref(), &password))
        .await
        .map_err(|e| Error::Internal(format!("verification task: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let hash = hash_blocking(&secret("correct horse battery")).expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking(
            Some(&hash),
            &secret("correct horse battery")
        ));
        assert!(!verify_blocking(
            Some(&hash),
            &secret("wrong horse battery")
        ));
    }

    #[test]
    fn a_missing_hash_still_runs_a_verification_and_fails() {
        let before = verification_count();
        assert!(!verify_blocking(None, &secret("agentmeter-dummy-password")));
        assert!(verification_count() > before);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(validate_new_password(&secret("short")).is_err());
        assert!(validate_new_password(&secret("long enough passphrase")).is_ok());
    }
}
