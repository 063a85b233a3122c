//! Upload state: per log file, its identity (device + inode + a hash of its first bytes), the
//! offset after the last complete line already sent, and the parser context at that offset.
//! A file whose identity changed, or that shrank below the offset, is read again from the start
//! (the server's idempotent storage makes re-sending safe). Saved only after the server accepted
//! everything read.
//!
//! It also keeps the time of the caller's latest event on the server after the last upload. The
//! server only ever adds events, so a later upload finding an older latest event means the server
//! lost what was sent (its database was replaced or restored from an older backup): the state is
//! dropped and everything is sent again.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::write_private;
use crate::error::{Error, Result};
use crate::scan::{FileContext, FileScan, ScanStart};
use crate::sources::LogFile;

const STATE_FILE: &str = "upload-state.json";
const HEAD_BYTES: u64 = 1024;

/// What was already uploaded, for one server.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UploadState {
    pub server: String,
    pub files: BTreeMap<PathBuf, FileState>,
    /// The caller's latest event on the server right after the last upload.
    #[serde(default)]
    pub server_latest_event_at: Option<DateTime<Utc>>,
}

/// One file's progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileState {
    pub dev: u64,
    pub ino: u64,
    /// SHA-256 of the first `head_len` bytes.
    pub head_sha256: String,
    pub head_len: u64,
    pub offset: u64,
    pub line: u64,
    pub context: FileContext,
}

impl UploadState {
    /// The saved state for `server`; a state saved for another server starts over.
    pub fn load(dir: &Path, server: &str) -> Result<Self> {
        let path = dir.join(STATE_FILE);
        let state: UploadState = match fs::read_to_string(&path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|source| Error::Json { path, source })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => UploadState::default(),
            Err(e) => return Err(Error::io(path, e)),
        };
        if state.server == server {
            Ok(state)
        } else {
            Ok(UploadState {
                server: server.to_string(),
                ..UploadState::default()
            })
        }
    }

    /// Whether the server, whose latest event for the caller is now `latest`, lost events it
    /// held after the last upload.
    pub fn server_lost_events(&self, latest: Option<DateTime<Utc>>) -> bool {
        self.server_latest_event_at
            .is_some_and(|held| latest.is_none_or(|now| now < held))
    }

    /// Forgets every file's progress, so that everything is read and sent again.
    pub fn start_over(&mut self) {
        self.files.clear();
        self.server_latest_event_at = None;
    }

    /// Writes the state (mode 0600, atomically).
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STATE_FILE);
        let text = serde_json::to_vec(self).map_err(|source| Error::Json {
            path: path.clone(),
            source,
        })?;
        write_private(&path, &text)
    }

    /// Where to resume `file`: after what was sent, unless the file is no longer the same.
    pub fn start_for(&self, file: &LogFile) -> ScanStart {
        let Some(saved) = self.files.get(&file.path) else {
            return ScanStart::default();
        };
        match identity(&file.path) {
            Some((dev, ino, size))
                if dev == saved.dev
                    && ino == saved.ino
                    && size >= saved.offset
                    && head_hash(&file.path, saved.head_len).as_deref()
                        == Some(saved.head_sha256.as_str()) =>
            {
                ScanStart {
                    offset: saved.offset,
                    line: saved.line,
                    context: Some(saved.context.clone()),
                }
            }
            _ => ScanStart::default(),
        }
    }

    /// Records how far `scan` read its file.
    pub fn record(&mut self, scan: &FileScan) {
        let path = &scan.file.path;
        let Some((dev, ino, _)) = identity(path) else {
            return;
        };
        let head_len = scan.end_offset.min(HEAD_BYTES);
        let Some(head_sha256) = head_hash(path, head_len) else {
            return;
        };
        self.files.insert(
            path.clone(),
            FileState {
                dev,
                ino,
                head_sha256,
                head_len,
                offset: scan.end_offset,
                line: scan.end_line,
                context: scan.context.clone(),
            },
        );
    }
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).ok()?;
    Some((m.dev(), m.ino(), m.len()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<(u64, u64, u64)> {
    let m = fs::metadata(path).ok()?;
    Some((0, 0, m.len()))
}

fn head_hash(path: &Path, len: u64) -> Option<String> {
    let mut head = Vec::with_capacity(len as usize);
    File::open(path)
        .ok()?
        .take(len)
        .read_to_end(&mut head)
        .ok()?;
    (head.len() as u64 == len).then(|| hex::encode(Sha256::digest(&head)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{scan_file, ScanMode};
    use crate::sources::LogKind;

    const LINE: &str = r#"{"type":"assistant","timestamp":"2026-03-01T10:00:00Z","sessionId":"s","requestId":"r1","message":{"id":"m1","model":"claude-sonnet-4-5","usage":{"input_tokens":1,"output_tokens":2}}}"#;

    #[test]
    fn only_complete_lines_advance_and_rewritten_files_restart() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("s.jsonl");
        let file = LogFile {
            path: path.clone(),
            kind: LogKind::Claude,
        };
        fs::write(&path, format!("{LINE}\n{}", &LINE[..40])).unwrap_or_else(|e| panic!("{e}"));
        let mut state = UploadState::default();
        let scan = scan_file(&file, &state.start_for(&file), ScanMode::Upload)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (scan.requests.len(), scan.end_offset),
            (1, LINE.len() as u64 + 1)
        );
        state.record(&scan);
        // The half-written line is completed: only it is read next time.
        let second = LINE.replace("r1", "r2").replace("m1", "m2");
        fs::write(&path, format!("{LINE}\n{second}\n")).unwrap_or_else(|e| panic!("{e}"));
        let scan = scan_file(&file, &state.start_for(&file), ScanMode::Upload)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scan.requests.len(), 1);
        assert_eq!(scan.requests[0].event.dedupe_key, "m2:r2");
        state.record(&scan);
        // Rewritten with different first bytes: read from the start again.
        fs::write(&path, format!("{second}\n")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(state.start_for(&file).offset, 0);
    }
}
