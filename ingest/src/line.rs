//! What a parser makes of one log line.

/// What became of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOutcome {
    /// Billed usage was taken from it.
    Used,
    /// Valid, and skipped on purpose (no usage, synthetic, API error, repeated snapshot...).
    Ignored,
    /// Not valid JSON (or usage without a valid timestamp).
    Malformed,
}

/// Checks that a line we have no use for is still valid JSON.
pub fn validate(line: &[u8]) -> LineOutcome {
    match serde_json::from_slice::<serde::de::IgnoredAny>(line) {
        Ok(_) => LineOutcome::Ignored,
        Err(_) => LineOutcome::Malformed,
    }
}
