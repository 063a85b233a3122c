//! The `agentmeter-server` binary: admin subcommands and `serve --demo`.

use std::time::Duration;

use reqwest::StatusCode;

use crate::support::app::{run, server_binary};
use crate::support::serve::start_serve;
use crate::support::{for_each_backend, BrowserSession, TestApp};

#[tokio::test]
async fn admin_subcommands_create_a_user_whose_token_authenticates_until_revoked() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        assert!(app
            .server_cli(&["team", "add", "Platform"], None)
            .status
            .success());
        let added = app.server_cli(
            &[
                "user",
                "add",
                "--email",
                "mia@example.com",
                "--name",
                "Mia Chen",
                "--role",
                "manager",
                "--team",
                "Platform",
                "--github",
                "miachen",
                "--password-stdin",
            ],
            Some("a long enough password\n"),
        );
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let created = app.server_cli(
            &[
                "token",
                "create",
                "--email",
                "mia@example.com",
                "--name",
                "laptop",
            ],
            None,
        );
        assert!(created.status.success());
        let stdout = String::from_utf8(created.stdout).expect("utf8");
        assert_eq!(
            stdout.lines().count(),
            1,
            "the token alone on stdout: {stdout:?}"
        );
        let token = stdout.trim().to_owned();

        let client = reqwest::Client::new();
        let me: serde_json::Value = client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["teams"], serde_json::json!(["Platform"]));
        assert_eq!(me["name"], "Mia Chen");
        BrowserSession::sign_in(&app, "mia@example.com", "a long enough password").await;

        let list =
            String::from_utf8(app.server_cli(&["token", "list"], None).stdout).expect("utf8");
        let id = list
            .lines()
            .find(|l| l.contains("laptop"))
            .and_then(|l| l.split('\t').next())
            .expect("listed")
            .to_owned();
        assert!(!list.contains(&token), "token list never shows the secret");
        assert!(app
            .server_cli(&["token", "revoke", &id], None)
            .status
            .success());
        let after = client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn bad_admin_input_gets_a_clear_error() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "user",
                "add",
                "--email",
                "not-an-email",
                "--name",
                "X",
                "--role",
                "developer",
            ],
            "not an email",
        ),
        (
            &[
                "user",
                "add",
                "--email",
                "x@example.com",
                "--name",
                "X",
                "--role",
                "owner",
            ],
            "role must be",
        ),
        (
            &[
                "user",
                "add",
                "--email",
                "x@example.com",
                "--name",
                "X",
                "--role",
                "manager",
            ],
            "needs at least one --team",
        ),
        (
            &["token", "create", "--email", "ghost@example.com"],
            "not found",
        ),
    ];
    for (args, message) in cases {
        let out = app.server_cli(args, None);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let short = app.server_cli(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    let bad_url = run(
        server_binary(),
        &["migrate", "--database-url", "mysql://x/y"],
        None,
        &[],
    );
    assert!(
        String::from_utf8_lossy(&bad_url.stderr).contains("must start with sqlite: or postgres://")
    );
    // Nothing listens on port 1: the error says so, with the password masked.
    let unreachable = run(
        server_binary(),
        &[
            "migrate",
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:1/x",
        ],
        None,
        &[],
    );
    let said = String::from_utf8_lossy(&unreachable.stderr);
    assert!(!unreachable.status.success());
    assert!(
        said.contains("cannot open database postgres://u:***@127.0.0.1:1/x")
            && said.contains("refused")
            && !said.contains("hunter2"),
        "{said}"
    );
}

#[tokio::test]
async fn serve_demo_creates_the_database_and_its_admin_signs_in_through_the_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("agentmeter.db");
    let server = start_serve(&format!("sqlite:{}", db_path.display()), true);
    let stdout = server.stdout_once_it_contains("demo password:");
    assert!(db_path.exists(), "the SQLite file is created");
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .expect("printed")
    };
    let (email, password) = (field("demo admin:"), field("demo password:"));

    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(server.url("/healthz"))
            .send()
            .await
            .expect("healthz")
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(server.url("/readyz"))
            .send()
            .await
            .expect("readyz")
            .status(),
        StatusCode::OK
    );

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = |password: String| {
        let browser = browser.clone();
        let url = server.url("/login");
        let email = email.clone();
        async move {
            let html = browser
                .get(&url)
                .send()
                .await
                .expect("form")
                .text()
                .await
                .expect("html");
            let csrf = crate::support::browser::hidden_field(&html, "csrf_token").expect("csrf");
            browser
                .post(&url)
                .form(&[
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                    ("csrf_token", csrf.as_str()),
                ])
                .send()
                .await
                .expect("post")
                .status()
        }
    };
    assert_eq!(login(password.clone()).await, StatusCode::SEE_OTHER);
    let mut last = StatusCode::OK;
    for _ in 0..10 {
        last = login("definitely wrong".into()).await;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = start_serve(
        &format!("sqlite:{}", dir.path().join("a.db").display()),
        false,
    );
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = server.child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(status.expect("exited within 5 s").success());
}
