//! Loads a generated organisation into a running server through its public ingest paths, as the
//! developers' tools would: each developer's logs are written to disk, parsed and merged by the
//! ingest crate's scanner and sent with its uploader client under the developer's own token;
//! commit batches go to `POST /api/v1/ingest/commits` as the git collector sends them; webhook
//! deliveries are signed and replayed to `POST /api/v1/webhooks/github`, each pull request's in
//! time order, several pull requests at once. Blocking: call it from a blocking thread.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use agentmeter_ingest::api::ApiClient;
use agentmeter_ingest::merge::collect;
use agentmeter_ingest::scan::{scan_files, ScanMode, ScanStart};
use agentmeter_ingest::sources::{LogFile, LogRoots};
use agentmeter_ingest::upload::BATCH_SIZE;
use agentmeter_ingest::wire::UsageBatch;

use crate::commits::commit_batches;
use crate::logs::{log_roots, write_developer_logs};
use crate::org::{checkout_dir, repository_id, DEVELOPERS, TEAMS};
use crate::DemoOrg;

/// Developers uploading their logs at the same time.
const UPLOADERS: usize = 2;

/// What went wrong while loading.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("writing the demo logs: {0}")]
    Io(#[from] std::io::Error),
    #[error("uploading {login}'s usage: {source}")]
    Upload {
        login: String,
        source: agentmeter_ingest::Error,
    },
    #[error("no API token for {0}")]
    NoToken(String),
    #[error("{what}: {message}")]
    Http { what: String, message: String },
}

/// A stage of the load, reported to the caller's progress callback when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Every developer's assistant logs uploaded.
    Usage { events: u64 },
    /// Every commit batch sent.
    Commits { commits: u64 },
    /// Every webhook delivery applied (by the server: see the module's comment).
    Webhooks { deliveries: u64 },
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Usage { events } => write!(f, "{events} usage events uploaded"),
            Stage::Commits { commits } => write!(f, "{commits} commits sent"),
            Stage::Webhooks { deliveries } => write!(f, "{deliveries} webhook deliveries applied"),
        }
    }
}

/// Counts of what was sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub usage_events: u64,
    pub commits: u64,
    pub deliveries: u64,
}

/// Sends `org`'s commits, then its usage logs, to the server at `base_url` (the report's
/// `deliveries` stay 0). `tokens` maps GitHub logins to API tokens; `progress` hears of each
/// stage as it ends.
pub fn load(
    org: &DemoOrg,
    base_url: &str,
    tokens: &BTreeMap<String, String>,
    progress: &(dyn Fn(Stage) + Sync),
) -> Result<LoadReport, LoadError> {
    let token = |login: &str| {
        tokens
            .get(login)
            .cloned()
            .ok_or_else(|| LoadError::NoToken(login.to_string()))
    };
    let mut report = LoadReport::default();
    let dir = tempfile::tempdir()?;
    let starters: Vec<(usize, &'static str)> = DEVELOPERS
        .iter()
        .enumerate()
        .filter(|(_, d)| d.starts())
        .map(|(i, d)| (i, d.login))
        .collect();
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| http_error("client", e))?;
    for (login, batch) in commit_batches(&org.pull_requests) {
        let response = http
            .post(format!("{base_url}/api/v1/ingest/commits"))
            .bearer_auth(token(login)?)
            .json(&batch)
            .send();
        check(response, "commit batch")?;
        report.commits += batch.commits.len() as u64;
    }
    progress(Stage::Commits {
        commits: report.commits,
    });
    // Developers upload independently, as from their own laptops: two at a time.
    let uploads: Vec<Result<u64, LoadError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = starters
            .chunks(starters.len().div_ceil(UPLOADERS))
            .map(|share| {
                let (dir, token) = (dir.path(), &token);
                scope.spawn(move || {
                    let mut sent = 0;
                    for &(index, login) in share {
                        let home = dir.join(login);
                        write_developer_logs(&org.sessions, index, &home)?;
                        sent +=
                            upload_usage(&home, base_url, &token(login)?).map_err(|source| {
                                LoadError::Upload {
                                    login: login.into(),
                                    source,
                                }
                            })?;
                    }
                    Ok(sent)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(LoadError::Http {
                        what: "usage".into(),
                        message: "upload thread panicked".into(),
                    })
                })
            })
            .collect()
    });
    for sent in uploads {
        report.usage_events += sent?;
    }
    progress(Stage::Usage {
        events: report.usage_events,
    });
    Ok(report)
}

/// Reads a developer's logs as `agentmeter upload` does and sends them in batches.
fn upload_usage(home: &Path, base_url: &str, token: &str) -> Result<u64, agentmeter_ingest::Error> {
    let files = LogRoots::from_dirs(&log_roots(home)).discover(|_| true);
    let mut scans = Vec::with_capacity(files.len());
    for scan in scan_files(&files, |_: &LogFile| ScanStart::default(), ScanMode::Upload) {
        scans.push(scan?);
    }
    let mut events = collect(scans.iter_mut()).events;
    // The uploader reads each cwd's `.git/config`; the demo checkouts exist only in the
    // generator, which knows their remotes.
    let remotes: BTreeMap<String, String> = DEVELOPERS
        .iter()
        .flat_map(|d| {
            TEAMS.iter().map(move |t| {
                (
                    checkout_dir(d.login, t.repository),
                    repository_id(t.repository),
                )
            })
        })
        .collect();
    for event in events.iter_mut() {
        event.repository = event
            .project
            .as_ref()
            .and_then(|cwd| remotes.get(cwd).cloned());
    }
    let client = ApiClient::new(base_url, token)?;
    let mut sent = 0;
    for chunk in events.chunks(BATCH_SIZE) {
        sent += client
            .post_batch(&UsageBatch {
                events: chunk.to_vec(),
            })?
            .received;
    }
    Ok(sent)
}

fn http_error(what: &str, e: reqwest::Error) -> LoadError {
    LoadError::Http {
        what: what.to_string(),
        message: e.to_string(),
    }
}

fn check(
    response: reqwest::Result<reqwest::blocking::Response>,
    what: &str,
) -> Result<(), LoadError> {
    let response = response.map_err(|e| http_error(what, e))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().unwrap_or_default();
    Err(LoadError::Http {
        what: what.to_string(),
        message: format!("{status}: {body}"),
    })
}
