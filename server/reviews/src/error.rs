//! The one error type of the reviews crate.

/// What can go wrong verifying or reading a webhook, or reading review configuration.
///
/// Signature and token variants map to 401 at the HTTP edge, the others to 400 or 422.
#[derive(Debug, thiserror::Error)]
pub enum ReviewsError {
    #[error("the webhook carries no signature or token")]
    MissingSignature,
    #[error("the webhook signature is not of the form `sha256=<64 hex digits>`")]
    MalformedSignature,
    #[error("the webhook signature or token does not match")]
    SignatureMismatch,
    #[error("the webhook payload could not be read: {0}")]
    Payload(String),
    #[error("invalid critical-path glob `{glob}`: {reason}")]
    InvalidGlob { glob: String, reason: String },
}

impl ReviewsError {
    /// Whether the error means the sender is not authenticated (HTTP 401).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            ReviewsError::MissingSignature
                | ReviewsError::MalformedSignature
                | ReviewsError::SignatureMismatch
        )
    }
}

impl From<serde_json::Error> for ReviewsError {
    fn from(e: serde_json::Error) -> Self {
        ReviewsError::Payload(e.to_string())
    }
}
