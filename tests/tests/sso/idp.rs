//! The pieces of a single sign-on test: a real OpenID provider (`tests/browser/oidc_provider.mjs`,
//! the `oidc-provider` package) on a loopback port, the server configured for it, and headless
//! Chromium (`tests/browser/sso.mjs`) going through the whole flow.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use agentmeter_server::settings::OidcSettings;
use agentmeter_server::Settings;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::{Backend, TestApp};

pub const CLIENT_ID: &str = "agentmeter";
const CLIENT_SECRET: &str = "a client secret long enough for the provider";

/// A person known to the provider: signs in with `id` as the login.
pub struct Account {
    pub id: &'static str,
    pub email: &'static str,
    pub groups: &'static [&'static str],
}

/// The provider, killed when dropped.
pub struct IdentityProvider {
    pub issuer: String,
    _child: Child,
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/browser")
}

impl IdentityProvider {
    /// Starts the provider with one client whose redirect URI is `redirect_uri`. With
    /// `tamper_jwks` its JWKS advertises another key than the one it signs with.
    pub async fn start(redirect_uri: &str, accounts: &[Account], tamper_jwks: bool) -> Self {
        let dir = browser_dir();
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "run `npm ci --prefix tests/browser` first (.ci/run does)"
        );
        let accounts: Vec<Value> = accounts
            .iter()
            .map(|a| json!({"id": a.id, "email": a.email, "name": a.id, "groups": a.groups}))
            .collect();
        let setup = json!({
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": redirect_uri,
            "accounts": accounts, "tamper_jwks": tamper_jwks,
        });
        let mut child = Command::new("node")
            .arg(dir.join("oidc_provider.mjs"))
            .env("AGENTMETER_OIDC_PROVIDER", setup.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs (install nodejs)");
        let mut lines = BufReader::new(child.stdout.take().expect("provider stdout")).lines();
        let line = lines
            .next_line()
            .await
            .expect("provider output")
            .expect("the provider prints its issuer once it listens");
        // Whatever the provider prints later must find an open pipe, or node dies of EPIPE.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let started: Value = serde_json::from_str(&line).expect("provider line is JSON");
        IdentityProvider {
            issuer: started["issuer"].as_str().expect("issuer").to_owned(),
            _child: child,
        }
    }
}

/// The server on `backend` with single sign-on through a fresh provider knowing `accounts`;
/// `configure` adjusts the settings (mappings, allowed domains, password login…).
pub async fn app_with_provider(
    backend: Backend,
    accounts: &[Account],
    tamper_jwks: bool,
    configure: impl FnOnce(&mut Settings),
) -> (TestApp, IdentityProvider) {
    // The provider must know our callback before we know its issuer: the server's port is
    // chosen here, then bound by the server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let idp =
        IdentityProvider::start(&format!("{base}/auth/oidc/callback"), accounts, tamper_jwks).await;
    let issuer = idp.issuer.clone();
    let app = TestApp::spawn_with(backend, |settings| {
        settings.bind = format!("127.0.0.1:{port}").parse().expect("addr");
        settings.public_url = Some(base);
        settings.oidc = OidcSettings {
            issuer_url: Some(issuer),
            client_id: Some(CLIENT_ID.to_owned()),
            client_secret: Some(CLIENT_SECRET.to_owned().into()),
            provider_name: "Test ID".to_owned(),
            scopes: vec!["email".into(), "profile".into(), "groups".into()],
            ..OidcSettings::default()
        };
        configure(settings);
    })
    .await;
    (app, idp)
}

/// What the browser saw: the login page's offer, where the flow ended, the session's `/me`.
#[derive(Debug)]
pub struct SignInOutcome {
    pub sso_button: Option<String>,
    pub password_form: bool,
    pub landed_path: String,
    pub landed_status: Option<u64>,
    pub landed_text: String,
    pub me: Value,
}

/// Signs in as `account` (the provider's login) through "Sign in with …" in Chromium.
pub async fn sign_in_in_chromium(app: &TestApp, account: &str) -> SignInOutcome {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("Debian's chromium is required (apt-get install -y chromium)");
    let plan = json!({"base": app.url(""), "chromium": chromium, "account": account});
    let plan_file = tempfile::NamedTempFile::new().expect("plan file");
    std::fs::write(plan_file.path(), plan.to_string()).expect("write plan");
    let output = Command::new("node")
        .arg(browser_dir().join("sso.mjs"))
        .env("AGENTMETER_BROWSER_PLAN", plan_file.path())
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "driver failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("driver output is not JSON ({e}): {stdout}"));
    SignInOutcome {
        sso_button: result["login_page"]["sso_button"]
            .as_str()
            .map(str::to_owned),
        password_form: result["login_page"]["password_form"] == json!(true),
        landed_path: result["landed"]["path"].as_str().unwrap_or("").to_owned(),
        landed_status: result["landed"]["status"].as_u64(),
        landed_text: result["landed"]["text"].as_str().unwrap_or("").to_owned(),
        me: result["me"].clone(),
    }
}
