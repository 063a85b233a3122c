//! Webhook authentication: GitHub's `X-Hub-Signature-256` and GitLab's `X-Gitlab-Token`.
//!
//! GitHub signs the raw request body with HMAC-SHA256 under the webhook secret and sends
//! `sha256=` followed by the lower-case hex digest. Both checks compare in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::ReviewsError;

type HmacSha256 = Hmac<Sha256>;

/// The `X-Hub-Signature-256` value GitHub sends for `body` under `secret`.
pub fn sign_github(secret: &[u8], body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(mac(secret, body).finalize().into_bytes())
    )
}

/// Checks an `X-Hub-Signature-256` header value against the raw body, in constant time.
pub fn verify_github_signature(
    secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), ReviewsError> {
    let header = header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(ReviewsError::MissingSignature)?;
    let digest = header
        .strip_prefix("sha256=")
        .ok_or(ReviewsError::MalformedSignature)?;
    let expected = hex::decode(digest).map_err(|_| ReviewsError::MalformedSignature)?;
    if expected.len() != 32 {
        return Err(ReviewsError::MalformedSignature);
    }
    mac(secret, body)
        .verify_slice(&expected)
        .map_err(|_| ReviewsError::SignatureMismatch)
}

/// Checks an `X-Gitlab-Token` header value against the configured token, in constant time.
/// An empty configured token never matches.
pub fn verify_gitlab_token(expected: &str, header: Option<&str>) -> Result<(), ReviewsError> {
    let given = header
        .filter(|h| !h.is_empty())
        .ok_or(ReviewsError::MissingSignature)?;
    if expected.is_empty() {
        return Err(ReviewsError::SignatureMismatch);
    }
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ReviewsError::SignatureMismatch)
    }
}

fn mac(secret: &[u8], body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail; the fallback keeps it panic-free.
    let mut mac = HmacSha256::new_from_slice(secret)
        .unwrap_or_else(|_| <HmacSha256 as hmac::digest::KeyInit>::new(&Default::default()));
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector of GitHub's documentation; `sign()` of `@octokit/webhooks-methods` 6.0.0
    /// gives the same value (`node -e 'sign("It\'s a Secret to Everybody", "Hello, World!")'`).
    const GITHUB_DOC_SIGNATURE: &str =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn signing_matches_githubs_documented_test_vector() {
        assert_eq!(
            sign_github(b"It's a Secret to Everybody", b"Hello, World!"),
            GITHUB_DOC_SIGNATURE
        );
    }

    #[test]
    fn a_correct_signature_verifies_and_upper_case_hex_is_accepted() {
        let body = b"Hello, World!";
        let secret = b"It's a Secret to Everybody";
        assert!(verify_github_signature(secret, body, Some(GITHUB_DOC_SIGNATURE)).is_ok());
        let upper = format!(
            "sha256={}",
            GITHUB_DOC_SIGNATURE["sha256=".len()..].to_uppercase()
        );
        assert!(verify_github_signature(secret, body, Some(&upper)).is_ok());
    }

    #[test]
    fn missing_malformed_and_wrong_signatures_are_refused() {
        let body = b"Hello, World!";
        let secret = b"It's a Secret to Everybody";
        assert!(matches!(
            verify_github_signature(secret, body, None),
            Err(ReviewsError::MissingSignature)
        ));
        assert!(matches!(
            verify_github_signature(secret, body, Some("")),
            Err(ReviewsError::MissingSignature)
        ));
        let sha1 = "sha1=0123456789abcdef0123456789abcdef01234567";
        assert!(matches!(
            verify_github_signature(secret, body, Some(sha1)),
            Err(ReviewsError::MalformedSignature)
        ));
        assert!(matches!(
            verify_github_signature(secret, body, Some("sha256=zz")),
            Err(ReviewsError::MalformedSignature)
        ));
        assert!(matches!(
            verify_github_signature(b"another secret", body, Some(GITHUB_DOC_SIGNATURE)),
            Err(ReviewsError::SignatureMismatch)
        ));
        assert!(matches!(
            verify_github_signature(secret, b"Hello, World?", Some(GITHUB_DOC_SIGNATURE)),
            Err(ReviewsError::SignatureMismatch)
        ));
    }

    #[test]
    fn gitlab_tokens_must_be_present_and_equal() {
        assert!(verify_gitlab_token("s3cret", Some("s3cret")).is_ok());
        assert!(matches!(
            verify_gitlab_token("s3cret", None),
            Err(ReviewsError::MissingSignature)
        ));
        assert!(matches!(
            verify_gitlab_token("s3cret", Some("s3cre")),
            Err(ReviewsError::SignatureMismatch)
        ));
        assert!(matches!(
            verify_gitlab_token("", Some("")),
            Err(ReviewsError::MissingSignature)
        ));
        assert!(matches!(
            verify_gitlab_token("", Some("x")),
            Err(ReviewsError::SignatureMismatch)
        ));
        assert!(verify_gitlab_token("s3cret", Some("s3cret")).is_ok_and(|()| true));
    }
}
