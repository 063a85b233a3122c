//! The served application under abuse and load: slow clients, refused requests, a pool with no
//! connection free, and what moves the report cache's data version.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use sqlx::sqlite::SqlitePoolOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::admin;
use crate::db::{Backend, Db};
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::pool::Pool;
use crate::Application;

const PASSWORD: &str = "correct horse battery staple";

struct Served {
    addr: SocketAddr,
    state: AppState,
    _dir: tempfile::TempDir,
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

fn settings(dir: &tempfile::TempDir) -> Settings {
    Settings {
        bind: "127.0.0.1:0".parse().expect("addr"),
        database_url: format!("sqlite:{}", dir.path().join("agentmeter.db").display()),
        ..Settings::default()
    }
}

async fn serve(configure: impl FnOnce(&mut Settings)) -> Served {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(&dir);
    configure(&mut settings);
    let app = Application::build(settings).await.expect("server builds");
    start(app, dir)
}

fn start(app: Application, dir: tempfile::TempDir) -> Served {
    let addr = app.local_addr().expect("addr");
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    Served {
        addr,
        state,
        _dir: dir,
    }
}

/// An admin with a password and an API token; returns the token.
async fn add_admin(db: &Db, email: &str) -> String {
    let user = admin::AddUser {
        email: email.into(),
        name: "Ada".into(),
        role: "admin".into(),
        password: Some(SecretString::from(PASSWORD.to_owned())),
        ..admin::AddUser::default()
    };
    admin::add_user(db, user).await.expect("user");
    admin::create_token(db, email, Some("test"))
        .await
        .expect("token")
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = StatusCode::from_u16(response.status().as_u16()).expect("status");
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_line_is_disconnected_after_the_timeout() {
    let app = serve(|s| s.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    stream.write_all(b"GET /healthz HT").await.expect("write");
    let started = Instant::now();

    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest)).await;

    assert!(read.is_ok(), "the connection is still open after 10 s");
    assert!(started.elapsed() >= Duration::from_millis(500));
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed_after_the_timeout() {
    let app = serve(|s| s.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("write");

    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received)).await;

    assert!(read.is_ok(), "the idle connection is still open after 10 s");
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_client_past_the_connection_cap_is_served_once_a_connection_closes() {
    let app = serve(|s| {
        s.header_read_timeout_secs = 1;
        s.max_open_connections = 1;
    })
    .await;
    let mut idle = TcpStream::connect(app.addr)
        .await
        .expect("first connection");
    let mut waiting = TcpStream::connect(app.addr)
        .await
        .expect("second connection");
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();

    let early =
        tokio::time::timeout(Duration::from_millis(300), waiting.read_to_end(&mut answer)).await;
    assert!(
        early.is_err(),
        "answered while the first connection held the only slot"
    );
    let mut nothing = Vec::new();
    idle.read_to_end(&mut nothing).await.expect("first closed");
    tokio::time::timeout(Duration::from_secs(10), waiting.read_to_end(&mut answer))
        .await
        .expect("answered once the slot freed")
        .expect("read");

    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn malformed_api_requests_are_answered_in_json_with_the_extractors_status() {
    let app = serve(|s| s.request_body_limit_bytes = 1024).await;
    let token = add_admin(&app.state.db, "ada@example.com").await;
    let client = reqwest::Client::new();
    let post = |path: &str| client.post(app.url(path)).bearer_auth(&token);

    let syntax = post("/api/v1/identities/1/match")
        .header(header::CONTENT_TYPE.as_str(), "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    let shape = post("/api/v1/identities/1/match")
        .json(&json!({"nobody": 1}))
        .send()
        .await
        .expect("request");
    let untyped = post("/api/v1/identities/1/match")
        .body(r#"{"user": "ada@example.com"}"#)
        .send()
        .await
        .expect("request");
    let oversized = post("/api/v1/identities/1/match")
        .json(&json!({ "user": "a".repeat(2048) }))
        .send()
        .await
        .expect("request");
    let query = client
        .get(app.url("/api/v1/reviews/pull-requests?team=a&team=b"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    let route = client
        .get(app.url("/api/v1/no-such-thing"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");

    for (response, status) in [
        (syntax, StatusCode::BAD_REQUEST),
        (shape, StatusCode::UNPROCESSABLE_ENTITY),
        (untyped, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (oversized, StatusCode::PAYLOAD_TOO_LARGE),
        (query, StatusCode::BAD_REQUEST),
        (route, StatusCode::NOT_FOUND),
    ] {
        let (got, body) = json_of(response).await;
        assert_eq!(got, status, "{body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_refused_page_request_gets_the_error_page() {
    let app = serve(|_| {}).await;

    let response = reqwest::Client::new()
        .post(app.url("/login"))
        .body("email=a")
        .send()
        .await
        .expect("request");

    assert_eq!(response.status().as_u16(), 415);
    let content_type = response.headers()[header::CONTENT_TYPE.as_str()].clone();
    assert!(content_type
        .to_str()
        .is_ok_and(|t| t.starts_with("text/html")));
}

#[tokio::test]
async fn a_pool_with_no_connection_free_answers_503_with_retry_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings(&dir);
    let full = Db::connect(&settings.database_url).await.expect("connect");
    full.migrate().await.expect("migrate");
    let token = add_admin(&full, "ada@example.com").await;
    // One connection in the pool, held by the test, and little patience for it.
    let typed = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(300))
        .connect(&settings.database_url)
        .await
        .expect("typed pool");
    let _held = typed.acquire().await.expect("the only connection");
    let db = Db::from_pool(Pool::Sqlite(typed), Backend::Sqlite);
    let app = Application::build_with_db(settings, db)
        .await
        .expect("builds");
    let app = start(app, dir);

    let response = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");

    assert_eq!(
        response.headers()[header::RETRY_AFTER.as_str()],
        crate::error::BUSY_RETRY_AFTER_SECS.to_string().as_str()
    );
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"], "the server is busy; retry in 2 s");
}

#[tokio::test]
async fn a_failed_login_and_an_unsigned_webhook_leave_the_data_version_and_an_upload_moves_it() {
    let app = serve(|_| {}).await;
    let token = add_admin(&app.state.db, "ada@example.com").await;
    let client = reqwest::Client::new();
    let version = || async { app.state.reports.version().await.expect("data version") };
    let before = version().await;

    let form = client.get(app.url("/login")).send().await.expect("form");
    let csrf = form
        .headers()
        .get_all(header::SET_COOKIE.as_str())
        .iter()
        .filter_map(|v| v.to_str().ok()?.strip_prefix("am_login_csrf="))
        .find_map(|c| c.split(';').next())
        .map(str::to_owned)
        .expect("login CSRF cookie");
    let login = client
        .post(app.url("/login"))
        .header(header::COOKIE.as_str(), format!("am_login_csrf={csrf}"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", "wrong"),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status().as_u16(), 401);
    let webhook = client
        .post(app.url("/api/v1/webhooks/github"))
        .header("x-github-event", "ping")
        .body("{}")
        .send()
        .await
        .expect("webhook");
    assert_eq!(webhook.status().as_u16(), 401);
    assert_eq!(version().await, before);

    let timestamp = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let event = json!({
        "tool": "claude-code", "dedupe_key": "msg_1:req_1", "session_id": "s1",
        "timestamp": timestamp, "model": "claude-sonnet-4", "input_tokens": 10, "output_tokens": 5
    });
    let upload = client
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(&token)
        .json(&json!({ "events": [event] }))
        .send()
        .await
        .expect("upload");
    assert!(upload.status().is_success(), "{:?}", upload.text().await);
    assert!(version().await > before);
}
