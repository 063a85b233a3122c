//! Integration tests of the reviews crate: real webhook payloads and a hand-built set of PRs.

mod github_webhooks;
mod gitlab_webhooks;
mod review_outcomes;
mod review_skips;
mod webhook_fuzz;

use std::path::PathBuf;

/// The raw bytes of a fixture under `tests/fixtures/`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}
