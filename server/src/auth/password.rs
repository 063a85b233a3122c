//! Password hashing with argon2id at explicit parameters, off the async runtime, on a few
//! threads of its own.

use std::cell::RefCell;
use std::sync::LazyLock;

use anyhow::{anyhow, Context};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher as _, Version};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Password checks that may run at once: two per core keep the cores busy.
pub fn checks_at_once() -> usize {
    2 * std::thread::available_parallelism().map_or(1, usize::from)
}

/// The threads that hash and verify. Each argon2 run takes 19 MiB, and the allocator keeps a
/// thread's freed memory for that thread: run on tokio's blocking pool (up to 512 threads), a
/// burst of logins left the server at 3.8 GB for good. On a fixed few threads it stays at a few
/// times 19 MiB whatever the load.
static HASHING_THREADS: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .num_threads(checks_at_once())
        .thread_name(|i| format!("password-{i}"))
        .build()
        .ok()
});

/// Runs `work` on the hashing threads and waits for it without blocking the runtime.
async fn on_hashing_threads<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let threads = HASHING_THREADS
        .as_ref()
        .context("cannot start the password hashing threads")?;
    let (done, result) = tokio::sync::oneshot::channel();
    threads.spawn(move || {
        let _ = done.send(work());
    });
    result
        .await
        .context("a password hashing thread stopped")
        .map_err(Error::from)
}

/// Shortest password accepted when one is set.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn argon2() -> Result<Argon2<'static>> {
    let params =
        Params::new(MEMORY_KIB, PASSES, LANES, None).map_err(|e| anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A hash of a password nobody knows, checked when the email is unknown so that an unknown
/// email and a wrong password cost the same work and give the same answer.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    hash_blocking(&SecretString::from("agentmeter-dummy-password".to_owned())).ok()
});

pub fn validate_new_password(password: &SecretString) -> Result<()> {
    if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadRequest(format!(
            "password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

fn hash_blocking(password: &SecretString) -> Result<String> {
    // The salt comes from the operating system's random source (argon2's `getrandom` feature).
    argon2()?
        .hash_password(password.expose_secret().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(anyhow!("argon2: {e}")))
}

/// Verifies `password` against `stored`, or against the dummy hash when there is no stored hash.
/// Returns true only for a real match.
fn verify_blocking(stored: Option<&str>, password: &SecretString) -> bool {
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => match DUMMY_HASH.as_deref() {
            Some(dummy) => (dummy, false),
            None => return false,
        },
    };
    // Logged alike for a known account and for the dummy: the log shows an unknown email costs
    // the same work as a wrong password.
    tracing::debug!("password check");
    let matches = PasswordHash::new(hash)
        .ok()
        .and_then(|parsed| recompute(&parsed, password.expose_secret().as_bytes()))
        .is_some_and(|(computed, expected)| bool::from(computed.ct_eq(&expected)));
    real && matches
}

thread_local! {
    /// This thread's argon2 working memory, kept between checks. Allocated afresh for each
    /// check (as `verify_password` does), 19 MiB blocks fragment the allocator's arenas until a
    /// few hundred logins leave the server holding hundreds of MiB.
    static WORKING_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// The hash of `password` under the algorithm, parameters and salt of `hash`, beside the hash
/// stored in it; `None` when `hash` is not an argon2 hash this server can check.
fn recompute(hash: &PasswordHash, password: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let expected = hash.hash?;
    let params = Params::try_from(hash).ok()?;
    let algorithm = Algorithm::try_from(hash.algorithm.as_str()).ok()?;
    let version = hash
        .version
        .map_or(Ok(Version::V0x13), Version::try_from)
        .ok()?;
    let salt = hash.salt.as_ref()?;
    let mut computed = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    WORKING_MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        memory.resize(blocks, Block::default());
        argon
            .hash_password_into_with_memory(password, salt, &mut computed, &mut memory[..blocks])
            .ok()
    })?;
    Some((computed, expected.as_bytes().to_vec()))
}

pub async fn hash(password: SecretString) -> Result<String> {
    on_hashing_threads(move || hash_blocking(&password)).await?
}

pub async fn verify(stored: Option<String>, password: SecretString) -> Result<bool> {
    on_hashing_threads(move || verify_blocking(stored.as_deref(), &password)).await
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
    fn a_missing_hash_is_checked_against_the_dummy_and_fails_even_with_its_password() {
        assert!(DUMMY_HASH.is_some());
        assert!(!verify_blocking(None, &secret("agentmeter-dummy-password")));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(validate_new_password(&secret("short")).is_err());
        assert!(validate_new_password(&secret("long enough passphrase")).is_ok());
    }
}
