//! Where the logs are: default roots, `CLAUDE_CONFIG_DIR` / `CODEX_HOME`, or `--logs` dirs,
//! walked recursively for `*.jsonl` files.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Which assistant wrote a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogKind {
    Claude,
    Codex,
}

/// One log file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub path: PathBuf,
    pub kind: LogKind,
}

/// Directories to search. `mixed` roots are classified file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogRoots {
    pub claude: Vec<PathBuf>,
    pub codex: Vec<PathBuf>,
    pub mixed: Vec<PathBuf>,
}

impl LogRoots {
    /// Roots from `--logs` dirs. Each is taken as `CLAUDE_CONFIG_DIR` takes a dir (a config dir
    /// holding `projects/`), as a Codex home (holding `sessions/` or `archived_sessions/`), or,
    /// when it holds neither, as a dir of logs whose files are classified one by one.
    pub fn from_dirs(dirs: &[PathBuf]) -> Self {
        let mut roots = LogRoots::default();
        for dir in dirs {
            let projects = dir.join("projects");
            let codex: Vec<PathBuf> = ["sessions", "archived_sessions"]
                .iter()
                .map(|d| dir.join(d))
                .filter(|d| d.is_dir())
                .collect();
            if projects.is_dir() {
                roots.claude.push(projects);
            }
            if codex.is_empty() && !dir.join("projects").is_dir() {
                roots.mixed.push(dir.clone());
            }
            roots.codex.extend(codex);
        }
        roots
    }

    /// Default roots: `CLAUDE_CONFIG_DIR` (comma-separated) or `~/.config/claude/projects` and
    /// `~/.claude/projects`; `CODEX_HOME` or `~/.codex`, its `sessions` and `archived_sessions`.
    pub fn from_env() -> Self {
        let home = dirs::home_dir().unwrap_or_default();
        let mut roots = LogRoots::default();
        match std::env::var("CLAUDE_CONFIG_DIR")
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            Some(list) => {
                for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                    let dir = PathBuf::from(entry);
                    let projects = dir.join("projects");
                    roots
                        .claude
                        .push(if projects.is_dir() { projects } else { dir });
                }
            }
            None => {
                roots.claude.push(home.join(".config/claude/projects"));
                roots.claude.push(home.join(".claude/projects"));
            }
        }
        let codex_home = std::env::var_os("CODEX_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".codex"));
        roots.codex.push(codex_home.join("sessions"));
        roots.codex.push(codex_home.join("archived_sessions"));
        roots
    }

    /// Every `*.jsonl` file under the roots, sorted by path, each once.
    pub fn discover(&self, want: impl Fn(LogKind) -> bool) -> Vec<LogFile> {
        let mut files = Vec::new();
        let mut add = |root: &Path, kind: Option<LogKind>| {
            let mut paths = Vec::new();
            walk(root, 0, &mut paths);
            for path in paths {
                let kind = kind.unwrap_or_else(|| classify(&path));
                if want(kind) {
                    files.push(LogFile { path, kind });
                }
            }
        };
        for root in &self.claude {
            add(root, Some(LogKind::Claude));
        }
        for root in &self.codex {
            add(root, Some(LogKind::Codex));
        }
        for root in &self.mixed {
            add(root, None);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|a, b| a.path == b.path);
        files
    }
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > 32 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, depth + 1, out);
        } else if meta.is_file() && path.extension().is_some_and(|e| e == "jsonl") {
            out.push(path);
        }
    }
}

/// `rollout-*.jsonl` is Codex; otherwise the first non-blank line decides: Codex lines are
/// `{timestamp, type, payload}`, Claude lines carry `sessionId`.
fn classify(path: &Path) -> LogKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.starts_with("rollout-") {
        return LogKind::Codex;
    }
    let Ok(file) = fs::File::open(path) else {
        return LogKind::Claude;
    };
    let mut head = Vec::new();
    if file.take(64 * 1024).read_to_end(&mut head).is_err() {
        return LogKind::Claude;
    }
    let first = head
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace));
    match first {
        Some(line)
            if memchr::memmem::find(line, b"\"payload\"").is_some()
                && memchr::memmem::find(line, b"\"sessionId\"").is_none() =>
        {
            LogKind::Codex
        }
        _ => LogKind::Claude,
    }
}
