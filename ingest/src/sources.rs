//! Where the logs are: default roots, `CLAUDE_CONFIG_DIR` / `CODEX_HOME`, or `--logs` dirs,
//! walked recursively for `*.jsonl` files.

use std::collections::HashSet;
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

    /// Every `*.jsonl` file under the roots, sorted by path, each once: a directory or file
    /// reached again (through a symlink, or under two roots) is read at its first path only.
    pub fn discover(&self, want: impl Fn(LogKind) -> bool) -> Vec<LogFile> {
        let mut files = Vec::new();
        let mut seen = Seen::default();
        let mut add = |root: &Path, kind: Option<LogKind>| {
            let mut paths = Vec::new();
            walk(root, &mut seen, &mut paths);
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

/// Deepest directory nesting followed: a backstop for absurd trees, since loops are already
/// cut by [`Seen`].
const MAX_DEPTH: usize = 32;

/// What identifies a directory or file however it is reached: (device, inode) on Unix, the
/// canonical path elsewhere.
#[cfg(unix)]
type FileIdentity = (u64, u64);
#[cfg(not(unix))]
type FileIdentity = PathBuf;

#[cfg(unix)]
fn identity(_path: &Path, meta: &fs::Metadata) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path, _meta: &fs::Metadata) -> Option<FileIdentity> {
    fs::canonicalize(path).ok()
}

/// Directories and files already reached. Symlinks are followed (a `~/.claude` that is a
/// link is common), so without it a link to a parent would be walked again and again.
#[derive(Default)]
struct Seen(HashSet<FileIdentity>);

impl Seen {
    /// True the first time `path` (with its followed metadata) is reached.
    fn first_visit(&mut self, path: &Path, meta: &fs::Metadata) -> bool {
        match identity(path, meta) {
            Some(id) => self.0.insert(id),
            None => true,
        }
    }
}

/// Adds the `*.jsonl` files under `root` not reached before to `out`.
fn walk(root: &Path, seen: &mut Seen, out: &mut Vec<PathBuf>) {
    let Ok(meta) = fs::metadata(root) else {
        return;
    };
    if meta.is_dir() && seen.first_visit(root, &meta) {
        walk_dir(root, 0, seen, out);
    }
}

fn walk_dir(dir: &Path, depth: usize, seen: &mut Seen, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    // Sorted, so that of two paths to one file the same one is kept every time (upload offsets
    // are saved by path).
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        let wanted =
            meta.is_dir() || (meta.is_file() && path.extension().is_some_and(|e| e == "jsonl"));
        if !wanted || !seen.first_visit(&path, &meta) {
            continue;
        }
        if meta.is_dir() {
            walk_dir(&path, depth + 1, seen, out);
        } else {
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

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;
    use std::time::{Duration, Instant};

    use super::*;

    fn tree() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (dir, file) in [("a", "x.jsonl"), ("a/b", "y.jsonl"), ("c", "z.jsonl")] {
            fs::create_dir_all(root.path().join(dir)).unwrap_or_else(|e| panic!("{e}"));
            fs::write(root.path().join(dir).join(file), "{}\n").unwrap_or_else(|e| panic!("{e}"));
        }
        root
    }

    fn link(target: impl AsRef<Path>, at: PathBuf) {
        symlink(target, at).unwrap_or_else(|e| panic!("{e}"));
    }

    /// The files found under `root`, relative to it.
    fn found(root: &Path) -> Vec<String> {
        let roots = LogRoots {
            mixed: vec![root.to_path_buf()],
            ..LogRoots::default()
        };
        roots
            .discover(|_| true)
            .into_iter()
            .map(|f| {
                let relative = f.path.strip_prefix(root).unwrap_or(&f.path);
                relative.display().to_string()
            })
            .collect()
    }

    const EACH_ONCE: [&str; 3] = ["a/b/y.jsonl", "a/x.jsonl", "c/z.jsonl"];

    #[test]
    fn a_link_to_the_parent_directory_finds_each_file_once() {
        let root = tree();
        link("..", root.path().join("a/b/up"));
        assert_eq!(found(root.path()), EACH_ONCE);
    }

    #[test]
    fn a_link_to_the_root_finds_each_file_once() {
        let root = tree();
        link(root.path(), root.path().join("a/b/top"));
        assert_eq!(found(root.path()), EACH_ONCE);
    }

    #[test]
    fn a_link_to_a_sibling_directory_finds_each_file_once_at_its_first_path() {
        let root = tree();
        link("../a", root.path().join("c/to_a"));
        link("x.jsonl", root.path().join("a/x2.jsonl"));
        assert_eq!(found(root.path()), EACH_ONCE);
    }

    #[test]
    fn three_loop_links_together_are_walked_at_once() {
        let root = tree();
        link("..", root.path().join("a/b/up"));
        link(root.path(), root.path().join("a/top"));
        link("../a", root.path().join("c/to_a"));
        let started = Instant::now();
        assert_eq!(found(root.path()), EACH_ONCE);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_link_to_a_directory_elsewhere_is_still_followed() {
        let root = tree();
        let elsewhere = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        fs::write(elsewhere.path().join("w.jsonl"), "{}\n").unwrap_or_else(|e| panic!("{e}"));
        link(elsewhere.path(), root.path().join("linked"));
        let mut expected = EACH_ONCE.to_vec();
        expected.push("linked/w.jsonl");
        assert_eq!(found(root.path()), expected);
    }

    #[test]
    fn a_directory_named_by_two_roots_is_read_once() {
        let root = tree();
        let roots = LogRoots {
            claude: vec![root.path().join("a")],
            mixed: vec![root.path().to_path_buf()],
            ..LogRoots::default()
        };
        let files = roots.discover(|_| true);
        assert_eq!(files.len(), 3);
        assert!(files
            .iter()
            .all(|f| f.kind == LogKind::Claude || f.path.ends_with("c/z.jsonl")));
    }
}
