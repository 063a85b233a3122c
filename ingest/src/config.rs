//! The user's agentmeter config dir and the stored login (server URL and token, mode 0600).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// `--config-dir` / `$AGENTMETER_CONFIG_DIR`, else the platform config dir + `agentmeter`.
pub fn config_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    dirs::config_dir()
        .map(|d| d.join("agentmeter"))
        .ok_or_else(|| Error::InvalidArgument("no config dir: set AGENTMETER_CONFIG_DIR".into()))
}

/// What `agentmeter login` stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub server: String,
    pub token: String,
}

const CREDENTIALS_FILE: &str = "credentials.json";

impl Credentials {
    /// The stored login, if any.
    pub fn load(dir: &Path) -> Result<Option<Credentials>> {
        let path = dir.join(CREDENTIALS_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|source| Error::Json { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Stores the login readable by the user only.
    pub fn save(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(CREDENTIALS_FILE);
        let text = serde_json::to_string_pretty(self).map_err(|source| Error::Json {
            path: path.clone(),
            source,
        })?;
        write_private(&path, text.as_bytes())?;
        Ok(path)
    }
}

/// Writes `bytes` to `path` atomically (temp file + rename) with mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // A temp file of this process's own: two uploads at once (two sessions ending together run
    // the hook twice) must not write or rename each other's half-written file.
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(|e| Error::io(&tmp, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(&tmp, e))?;
    }
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Where a command sends its records: `--server` over the stored login's server, and
/// `$AGENTMETER_TOKEN` over the stored token.
#[derive(Debug, Clone)]
pub struct Target {
    /// Server base URL; empty in a dry run with no login.
    pub server: String,
    pub token: Option<String>,
}

impl Target {
    /// Resolves the server and token; a dry run needs neither.
    pub fn resolve(config_dir: &Path, server_flag: Option<&str>, dry_run: bool) -> Result<Target> {
        let credentials = Credentials::load(config_dir)?;
        let server = match (server_flag, &credentials) {
            (Some(s), _) => normalize_server(s)?,
            (None, Some(c)) => c.server.clone(),
            (None, None) if dry_run => String::new(),
            (None, None) => return Err(Error::NotLoggedIn),
        };
        let token = std::env::var("AGENTMETER_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .or(credentials.map(|c| c.token));
        Ok(Target { server, token })
    }

    /// An API client for the target; an error when no token is known.
    pub fn client(&self) -> Result<crate::api::ApiClient> {
        let token = self.token.as_deref().ok_or(Error::NotLoggedIn)?;
        crate::api::ApiClient::new(&self.server, token)
    }
}

/// Trims a server URL to its base (no trailing slash).
pub fn normalize_server(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::InvalidArgument(format!(
            "server URL must start with http:// or https://: `{url}`"
        )));
    }
    Ok(url.to_string())
}
