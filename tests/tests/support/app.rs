//! `TestApp`: the real server on 127.0.0.1:0 over a given database, plus helpers to act on it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use agentmeter_server::{admin, db::Db, state::AppState, Application, Settings};
use secrecy::SecretString;

use super::Backend;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    /// The same database for the test's own SQL, through sqlx's `Any` driver so that one query
    /// text serves both backends.
    pub sql: sqlx::AnyPool,
    pub state: AppState,
    pub database_url: String,
    pub backend: &'static str,
    _backend: Backend,
}

/// A user created for a test, with an API token.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub email: String,
    pub token: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings {
            bind: "127.0.0.1:0".parse().expect("addr"),
            database_url: backend.url.clone(),
            ..Settings::default()
        };
        configure(&mut settings);
        let app = Application::build(settings).await.expect("server builds");
        let addr = app.local_addr().expect("addr");
        let state = app.state().clone();
        let db = state.db.clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            addr,
            db,
            sql: sql_pool(&backend.url).await,
            state,
            database_url: backend.url.clone(),
            backend: backend.name,
            _backend: backend,
        }
    }

    /// Spawns the server and loads the demo organisation as `serve --demo` does on `today` (the
    /// demo's data ends the day before); returns the app and the demo admin (with an API token).
    pub async fn spawn_demo(backend: Backend, today: chrono::NaiveDate) -> (TestApp, TestUser) {
        let settings = Settings {
            bind: "127.0.0.1:0".parse().expect("addr"),
            database_url: backend.url.clone(),
            ..Settings::default()
        };
        let app = Application::build(settings).await.expect("server builds");
        let addr = app.local_addr().expect("addr");
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        let loaded = agentmeter_server::demo::load_if_empty_on(&state, today)
            .await
            .expect("demo loads");
        assert!(loaded.is_some(), "an empty database gets the demo");
        let db = state.db.clone();
        let email = agentmeter_server::demo::DEMO_ADMIN_EMAIL;
        let token = admin::create_token(&db, email, Some("test"))
            .await
            .expect("token");
        let app = TestApp {
            addr,
            db,
            sql: sql_pool(&backend.url).await,
            state,
            database_url: backend.url.clone(),
            backend: backend.name,
            _backend: backend,
        };
        (
            app,
            TestUser {
                email: email.into(),
                token,
            },
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn add_team(&self, name: &str) {
        admin::add_team(&self.db, name).await.expect("team");
    }

    /// Creates a user with a password and an API token.
    pub async fn add_user(&self, email: &str, role: &str, teams: &[&str]) -> TestUser {
        admin::add_user(
            &self.db,
            admin::AddUser {
                email: email.into(),
                name: email.split('@').next().unwrap_or(email).into(),
                role: role.into(),
                teams: teams.iter().map(|t| t.to_string()).collect(),
                password: Some(SecretString::from(PASSWORD.to_owned())),
                ..admin::AddUser::default()
            },
        )
        .await
        .expect("user");
        let token = admin::create_token(&self.db, email, Some("test"))
            .await
            .expect("token");
        TestUser {
            email: email.into(),
            token,
        }
    }

    pub async fn get(&self, user: &TestUser, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(&user.token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, user: &TestUser, path: &str) -> serde_json::Value {
        let response = self.get(user, path).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(
            status.is_success(),
            "GET {path} as {}: {status} {text}",
            user.email
        );
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {text}"))
    }

    /// Runs `agentmeter-server` with this app's database.
    pub fn server_cli(&self, args: &[&str], stdin: Option<&str>) -> Output {
        run(
            server_binary(),
            args,
            stdin,
            &[("AGENTMETER_DATABASE_URL", &self.database_url)],
        )
    }
}

async fn sql_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await
        .expect("the test's own connection to the database")
}

/// Runs a binary with extra environment and optional standard input.
pub fn run(binary: PathBuf, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut command = Command::new(&binary);
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    if let Some(mut pipe) = child.stdin.take() {
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).expect("stdin");
        }
    }
    child.wait_with_output().expect("wait")
}

/// Path of a workspace binary, built by `cargo test` for this package's tests.
pub fn binary(name: &str) -> PathBuf {
    let mut dir = std::env::current_exe().expect("test exe");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join(name)
}

pub fn server_binary() -> PathBuf {
    binary("agentmeter-server")
}

pub fn cli_binary() -> PathBuf {
    binary("agentmeter")
}
