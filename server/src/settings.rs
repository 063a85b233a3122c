//! One typed settings struct: defaults in code, an optional TOML file, `AGENTMETER_*` environment
//! overrides, then command-line flags (applied by the caller).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

use crate::error::StartupError;

mod oidc;
pub use oidc::OidcSettings;

/// Everything the server can be configured with. See README "Configuration".
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// `sqlite:PATH` (the default, `./agentmeter.db`) or `postgres://…`.
    pub database_url: String,
    /// Marks cookies `Secure`; set when the server is reached over HTTPS.
    pub secure_cookies: bool,
    /// How long a browser session lasts, in hours.
    pub session_ttl_hours: u64,
    /// Largest accepted request body, in bytes (after decompression for uploads).
    pub request_body_limit_bytes: usize,
    /// Requests taking longer than this are answered 408.
    pub request_timeout_secs: u64,
    /// A connection that has not sent a whole request head (request line and headers) this many
    /// seconds after it opened, or after its previous request, is closed.
    pub header_read_timeout_secs: u64,
    /// Connections served at once; further clients wait to be accepted.
    pub max_open_connections: usize,
    /// Failed logins allowed per account and per IP within `login_window_secs` before 429.
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window_secs: u64,
    /// The organisation's time zone (IANA name), used for days, weeks and months.
    pub org_timezone: String,
    /// Shared secret for GitHub webhooks without a per-repository secret.
    pub github_webhook_secret: Option<SecretString>,
    /// Token expected in `X-Gitlab-Token` for GitLab webhooks without a per-repository secret.
    pub gitlab_webhook_token: Option<SecretString>,
    /// N of the rubber-stamp rule: an approval this many minutes or less from the last push.
    pub rubber_stamp_minutes: u32,
    /// M of the rubber-stamp rule: only changes of more than this many lines.
    pub rubber_stamp_lines: u64,
    /// The review-skip rate the organisation aims to stay under, in percent (the Reviews page's
    /// target line).
    pub review_skip_target_pct: f64,
    /// A CSV of model prices (same columns as the built-in table) overriding or adding models.
    pub prices_file: Option<PathBuf>,
    /// How long a computed report may be served again, in seconds (0 turns the cache off). Any
    /// write through this server makes the next read compute afresh; this only bounds how long
    /// writes by another process on the same database (the `user add` CLI…) may go unseen.
    pub report_cache_ttl_secs: u64,
    /// Largest file of a library item, in bytes.
    pub library_max_file_bytes: u64,
    /// Largest library item (all its files), in bytes.
    pub library_max_item_bytes: u64,
    /// Most files in a library item.
    pub library_max_files: usize,
    /// Largest ratio of unpacked to uploaded size of a library archive (zip bombs).
    pub library_max_compression_ratio: u64,
    /// Library items nobody used for this many weeks are flagged.
    pub library_unused_weeks: u32,
    /// Address of the OTLP/gRPC receiver (Claude Code's telemetry); none turns it off.
    pub otlp_grpc_bind: Option<SocketAddr>,
    /// OTLP exports stored at once, per transport; one more is answered 429 (retry later).
    pub otlp_max_concurrent_exports: usize,
    /// SMTP server for reports and alerts: `smtp://host:port`, `smtp+starttls://user:pass@host:587`
    /// or `smtps://user:pass@host:465`. Secret: it holds the password. None = no e-mail.
    pub smtp_url: Option<SecretString>,
    /// The `From:` of every e-mail, e.g. `agentmeter <reports@example.com>`.
    pub mail_from: String,
    /// The address people open the dashboard at, for links in e-mails and alerts
    /// (default `http://` + `bind`).
    pub public_url: Option<String>,
    /// Pause between two e-mails of one run, in milliseconds (SMTP providers' rate limits).
    pub mail_send_interval_ms: u64,
    /// First retry of a failed send after this many seconds, doubling on each further failure.
    pub mail_retry_base_secs: u64,
    /// How often the in-process scheduler looks for due work, in seconds.
    pub scheduler_tick_secs: u64,
    /// How often alerts are checked, in seconds.
    pub alert_check_interval_secs: u64,
    /// Bearer token that `GET /metrics` (Prometheus) asks for; with neither this nor
    /// `metrics_bind` set, `/metrics` is not served (404). Secret.
    pub metrics_token: Option<SecretString>,
    /// A separate address serving only `GET /metrics` (e.g. on a private interface), open
    /// unless `metrics_token` is set too.
    pub metrics_bind: Option<SocketAddr>,
    /// Whether the login form takes passwords; off, people sign in through `[oidc]` only.
    pub password_login: bool,
    /// Single sign-on through an OpenID Connect provider (`[oidc]`).
    pub oidc: OidcSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite:agentmeter.db".to_owned(),
            secure_cookies: false,
            session_ttl_hours: 12,
            request_body_limit_bytes: 32 * 1024 * 1024,
            request_timeout_secs: 60,
            header_read_timeout_secs: 10,
            max_open_connections: 1024,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window_secs: 15 * 60,
            org_timezone: "UTC".to_owned(),
            github_webhook_secret: None,
            gitlab_webhook_token: None,
            rubber_stamp_minutes: 5,
            rubber_stamp_lines: 300,
            review_skip_target_pct: 10.0,
            prices_file: None,
            report_cache_ttl_secs: 30,
            library_max_file_bytes: 1024 * 1024,
            library_max_item_bytes: 5 * 1024 * 1024,
            library_max_files: 200,
            library_max_compression_ratio: 100,
            library_unused_weeks: 4,
            otlp_grpc_bind: None,
            otlp_max_concurrent_exports: 16,
            smtp_url: None,
            mail_from: "agentmeter <agentmeter@localhost>".to_owned(),
            public_url: None,
            mail_send_interval_ms: 0,
            mail_retry_base_secs: 60,
            scheduler_tick_secs: 60,
            alert_check_interval_secs: 15 * 60,
            metrics_token: None,
            metrics_bind: None,
            password_login: true,
            oidc: OidcSettings::default(),
        }
    }
}

impl Settings {
    /// Defaults, then the TOML file if given, then `AGENTMETER_*` variables from `env`.
    pub fn load(
        config_file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, StartupError> {
        let mut settings = match config_file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| StartupError::ConfigRead {
                        path: path.display().to_string(),
                        source,
                    })?;
                toml::from_str(&text)
                    .map_err(|e| StartupError::Config(format!("{}: {e}", path.display())))?
            }
            None => Settings::default(),
        };
        for (key, value) in env {
            if let Some(name) = key.strip_prefix("AGENTMETER_") {
                settings.apply_env(name, &value)?;
            }
        }
        settings.validate()?;
        Ok(settings)
    }

    fn apply_env(&mut self, name: &str, value: &str) -> Result<(), StartupError> {
        let bad = |what: &str| {
            StartupError::Config(format!("AGENTMETER_{name}={value:?}: expected {what}"))
        };
        match name {
            "BIND" => {
                self.bind = value
                    .parse()
                    .map_err(|_| bad("an address such as 127.0.0.1:8080"))?
            }
            "DATABASE_URL" => self.database_url = value.to_owned(),
            "SECURE_COOKIES" => {
                self.secure_cookies = parse_bool(value).ok_or_else(|| bad("true or false"))?
            }
            "SESSION_TTL_HOURS" => {
                self.session_ttl_hours = value.parse().map_err(|_| bad("a number of hours"))?
            }
            "REQUEST_BODY_LIMIT_BYTES" => {
                self.request_body_limit_bytes =
                    value.parse().map_err(|_| bad("a number of bytes"))?
            }
            "REQUEST_TIMEOUT_SECS" => {
                self.request_timeout_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "HEADER_READ_TIMEOUT_SECS" => {
                self.header_read_timeout_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "MAX_OPEN_CONNECTIONS" => {
                self.max_open_connections = value.parse().map_err(|_| bad("a count"))?
            }
            "LOGIN_MAX_FAILURES_PER_ACCOUNT" => {
                self.login_max_failures_per_account = value.parse().map_err(|_| bad("a count"))?
            }
            "LOGIN_MAX_FAILURES_PER_IP" => {
                self.login_max_failures_per_ip = value.parse().map_err(|_| bad("a count"))?
            }
            "LOGIN_WINDOW_SECS" => {
                self.login_window_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "ORG_TIMEZONE" => self.org_timezone = value.to_owned(),
            "GITHUB_WEBHOOK_SECRET" => {
                self.github_webhook_secret = Some(SecretString::from(value.to_owned()))
            }
            "GITLAB_WEBHOOK_TOKEN" => {
                self.gitlab_webhook_token = Some(SecretString::from(value.to_owned()))
            }
            "PRICES_FILE" => self.prices_file = Some(PathBuf::from(value)),
            "RUBBER_STAMP_MINUTES" => {
                self.rubber_stamp_minutes = value.parse().map_err(|_| bad("minutes"))?
            }
            "REPORT_CACHE_TTL_SECS" => {
                self.report_cache_ttl_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "LIBRARY_MAX_FILE_BYTES" => {
                self.library_max_file_bytes = value.parse().map_err(|_| bad("bytes"))?
            }
            "LIBRARY_MAX_ITEM_BYTES" => {
                self.library_max_item_bytes = value.parse().map_err(|_| bad("bytes"))?
            }
            "LIBRARY_MAX_FILES" => {
                self.library_max_files = value.parse().map_err(|_| bad("a count"))?
            }
            "LIBRARY_MAX_COMPRESSION_RATIO" => {
                self.library_max_compression_ratio = value.parse().map_err(|_| bad("a ratio"))?
            }
            "LIBRARY_UNUSED_WEEKS" => {
                self.library_unused_weeks = value.parse().map_err(|_| bad("weeks"))?
            }
            "SMTP_URL" => self.smtp_url = Some(SecretString::from(value.to_owned())),
            "MAIL_FROM" => self.mail_from = value.to_owned(),
            "PUBLIC_URL" => self.public_url = Some(value.trim_end_matches('/').to_owned()),
            "MAIL_SEND_INTERVAL_MS" => {
                self.mail_send_interval_ms = value.parse().map_err(|_| bad("milliseconds"))?
            }
            "MAIL_RETRY_BASE_SECS" => {
                self.mail_retry_base_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "SCHEDULER_TICK_SECS" => {
                self.scheduler_tick_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "ALERT_CHECK_INTERVAL_SECS" => {
                self.alert_check_interval_secs = value.parse().map_err(|_| bad("seconds"))?
            }
            "REVIEW_SKIP_TARGET_PCT" => {
                self.review_skip_target_pct = value.parse().map_err(|_| bad("a percentage"))?
            }
            "RUBBER_STAMP_LINES" => {
                self.rubber_stamp_lines = value.parse().map_err(|_| bad("a number of lines"))?
            }
            "OTLP_GRPC_BIND" => {
                self.otlp_grpc_bind = Some(
                    value
                        .parse()
                        .map_err(|_| bad("an address such as 127.0.0.1:4317"))?,
                )
            }
            "METRICS_TOKEN" => self.metrics_token = Some(SecretString::from(value.to_owned())),
            "METRICS_BIND" => {
                self.metrics_bind = Some(
                    value
                        .parse()
                        .map_err(|_| bad("an address such as 127.0.0.1:9090"))?,
                )
            }
            "OTLP_MAX_CONCURRENT_EXPORTS" => {
                self.otlp_max_concurrent_exports = value.parse().map_err(|_| bad("a count"))?
            }
            "PASSWORD_LOGIN" => {
                self.password_login = parse_bool(value).ok_or_else(|| bad("true or false"))?
            }
            // Variables read elsewhere (e.g. by tests or the CLI) are not settings.
            _ => {
                if let Some(name) = name.strip_prefix("OIDC_") {
                    self.oidc.apply_env(name, value)?;
                }
            }
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), StartupError> {
        self.oidc.validate()?;
        if !self.password_login && !self.oidc.enabled() {
            return Err(StartupError::Config(
                "password_login = false needs single sign-on ([oidc] issuer_url)".to_owned(),
            ));
        }
        if self.org_timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(StartupError::Config(format!(
                "org_timezone {:?} is not an IANA time zone name",
                self.org_timezone
            )));
        }
        if !(0.0..=100.0).contains(&self.review_skip_target_pct) {
            return Err(StartupError::Config(
                "review_skip_target_pct must be between 0 and 100".to_owned(),
            ));
        }
        if let Some(token) = &self.metrics_token {
            if secrecy::ExposeSecret::expose_secret(token)
                .trim()
                .is_empty()
            {
                return Err(StartupError::Config("metrics_token is empty".to_owned()));
            }
        }
        for (name, value) in [
            ("session_ttl_hours", self.session_ttl_hours),
            ("header_read_timeout_secs", self.header_read_timeout_secs),
            ("max_open_connections", self.max_open_connections as u64),
            (
                "otlp_max_concurrent_exports",
                self.otlp_max_concurrent_exports as u64,
            ),
            ("scheduler_tick_secs", self.scheduler_tick_secs),
            ("alert_check_interval_secs", self.alert_check_interval_secs),
            ("mail_retry_base_secs", self.mail_retry_base_secs),
        ] {
            if value == 0 {
                return Err(StartupError::Config(format!("{name} must be at least 1")));
            }
        }
        Ok(())
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_and_the_file_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("agentmeter.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:9000\"\nsession_ttl_hours = 3\n").expect("write");
        let env = vec![("AGENTMETER_SESSION_TTL_HOURS".to_owned(), "5".to_owned())];
        let settings = Settings::load(Some(&path), env).expect("load");
        assert_eq!(settings.bind.port(), 9000);
        assert_eq!(settings.session_ttl_hours, 5);
        assert_eq!(settings.login_max_failures_per_account, 5);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("agentmeter.toml");
        std::fs::write(&path, "bindd = \"127.0.0.1:9000\"\n").expect("write");
        assert!(Settings::load(Some(&path), Vec::new()).is_err());
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let env = vec![("AGENTMETER_BIND".to_owned(), "nonsense".to_owned())];
        let err = Settings::load(None, env).expect_err("must fail");
        assert!(err.to_string().contains("AGENTMETER_BIND"));
    }
}
