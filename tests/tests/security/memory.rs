//! Memory under a login flood: every password check takes 19 MiB, so unbounded parallel logins
//! (even with unknown emails) once took the server from 15 MB to 3.8 GB, and it stayed there.

use reqwest::StatusCode;

use crate::support::browser::hidden_field;
use crate::support::serve::start_serve_with;

/// One sign-in with a fresh cookie jar: the form's CSRF pair, then the post.
async fn sign_in(base: String, email: String) -> StatusCode {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("html");
    let csrf = hidden_field(&form, "csrf_token").expect("csrf token");
    client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email.as_str()),
            ("password", "not the password"),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .map(|r| r.status())
        .unwrap_or(StatusCode::BAD_GATEWAY)
}

#[tokio::test]
async fn two_hundred_parallel_logins_with_unknown_emails_keep_the_server_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("am.db").display());
    // Per-IP throttling would stop the flood after 20 attempts; lift it to reach the checks.
    let server = start_serve_with(
        &url,
        false,
        &[("AGENTMETER_LOGIN_MAX_FAILURES_PER_IP", "100000")],
    );
    let base = server.url("");
    let logins =
        (0..200).map(|i| tokio::spawn(sign_in(base.clone(), format!("nobody{i}@example.com"))));
    let mut statuses = Vec::new();
    for login in logins {
        statuses.push(login.await.expect("task"));
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::SERVICE_UNAVAILABLE),
        "every answer is a refusal or 'busy, retry': {statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::UNAUTHORIZED), "{statuses:?}");
    let peak_mib = server.peak_memory_kib() / 1024;
    // A few checks at once (19 MiB each) on top of the idle server, far from 200 x 19 MiB.
    assert!(peak_mib < 400, "peak resident memory {peak_mib} MiB");
}
