//! Streaming scan of log files: each file is read line by line with a bounded buffer (never
//! loaded whole), from a saved offset when uploading, and files are scanned in parallel.
//! Blank, malformed and truncated lines are counted, never fatal.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::claude::{ClaudeContext, ClaudeParser};
use crate::codex::{session_from_file_name, CodexContext, CodexParser};
use crate::error::{Error, Result};
use crate::line::LineOutcome;
use crate::request::Request;
use crate::sources::{LogFile, LogKind};

/// A line that was counted as skipped, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    pub path: PathBuf,
    /// 1-based line number.
    pub line: u64,
    pub reason: &'static str,
}

/// Parser state carried across incremental reads of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FileContext {
    Claude(ClaudeContext),
    Codex(CodexContext),
}

/// Where to start reading a file.
#[derive(Debug, Clone, Default)]
pub struct ScanStart {
    pub offset: u64,
    /// Lines before `offset`, so reported line numbers stay right.
    pub line: u64,
    pub context: Option<FileContext>,
}

/// The result of scanning one file.
#[derive(Debug)]
pub struct FileScan {
    pub file: LogFile,
    pub requests: Vec<Request>,
    pub skipped: Vec<SkippedLine>,
    /// Blank, malformed and truncated lines (`skipped` keeps the first details only).
    pub skipped_count: u64,
    /// Offset just past the last line that was read completely.
    pub end_offset: u64,
    pub end_line: u64,
    pub context: FileContext,
}

const MAX_SKIPPED_DETAILS: usize = 1000;

/// What a scan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanMode {
    /// The local report: tokens only; a last line without its newline is read (and counted as
    /// truncated when it is not valid JSON).
    Report,
    /// Upload: every detail; a last line without its newline is left for next time, as it may
    /// still be being written.
    Upload,
}

/// Scans one file from `start`.
pub fn scan_file(file: &LogFile, start: &ScanStart, mode: ScanMode) -> Result<FileScan> {
    let complete_only = mode == ScanMode::Upload;
    let io = |e| Error::io(&file.path, e);
    let mut handle = File::open(&file.path).map_err(io)?;
    if start.offset > 0 {
        handle.seek(SeekFrom::Start(start.offset)).map_err(io)?;
    }
    let mut reader = BufReader::with_capacity(256 * 1024, handle);
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parser = Parser::new(file, stem, start.context.clone());
    if let Parser::Claude(p) = &mut parser {
        p.skip_details = mode == ScanMode::Report;
    }
    let mut skipped = Vec::new();
    let mut skipped_count = 0;
    let (mut offset, mut line_no) = (start.offset, start.line);
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        let complete = buf.last() == Some(&b'\n');
        if !complete && complete_only {
            break;
        }
        line_no += 1;
        offset += n as u64;
        let line = trim_line(&buf);
        let reason = if line.iter().all(u8::is_ascii_whitespace) {
            Some("blank line")
        } else {
            match parser.feed(line) {
                LineOutcome::Malformed if !complete => Some("truncated line"),
                LineOutcome::Malformed => Some("malformed line"),
                _ => None,
            }
        };
        if let Some(reason) = reason {
            skipped_count += 1;
            if skipped.len() < MAX_SKIPPED_DETAILS {
                skipped.push(SkippedLine {
                    path: file.path.clone(),
                    line: line_no,
                    reason,
                });
            }
        }
        if buf.capacity() > 4 * 1024 * 1024 {
            buf = Vec::with_capacity(64 * 1024);
        }
    }
    let (requests, context) = parser.finish();
    Ok(FileScan {
        file: file.clone(),
        requests,
        skipped,
        skipped_count,
        end_offset: offset,
        end_line: line_no,
        context,
    })
}

fn trim_line(buf: &[u8]) -> &[u8] {
    let mut end = buf.len();
    while end > 0 && matches!(buf[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &buf[..end]
}

enum Parser {
    Claude(ClaudeParser),
    Codex(CodexParser),
}

impl Parser {
    fn new(file: &LogFile, stem: String, context: Option<FileContext>) -> Self {
        match file.kind {
            LogKind::Claude => {
                let mut p = ClaudeParser::default();
                p.subagent_file = file.path.components().any(|c| c.as_os_str() == "subagents");
                p.file_session =
                    match (p.subagent_file, file.path.parent().and_then(|d| d.parent())) {
                        (true, Some(session_dir)) => session_dir
                            .file_name()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or(stem),
                        _ => stem,
                    };
                if let Some(FileContext::Claude(ctx)) = context {
                    p.context = ctx;
                }
                Parser::Claude(p)
            }
            LogKind::Codex => {
                let mut p = CodexParser::default();
                p.file_session = session_from_file_name(&stem);
                if let Some(FileContext::Codex(ctx)) = context {
                    p.context = ctx;
                }
                Parser::Codex(p)
            }
        }
    }

    fn feed(&mut self, line: &[u8]) -> LineOutcome {
        match self {
            Parser::Claude(p) => p.feed(line),
            Parser::Codex(p) => p.feed(line),
        }
    }

    fn finish(self) -> (Vec<Request>, FileContext) {
        match self {
            Parser::Claude(p) => {
                let (r, c) = p.finish();
                (r, FileContext::Claude(c))
            }
            Parser::Codex(p) => {
                let (r, c) = p.finish();
                (r, FileContext::Codex(c))
            }
        }
    }
}

/// Scans files in parallel; results keep the order of `files`. Unreadable files are returned
/// as errors in place, so one bad file never stops the others.
pub fn scan_files(
    files: &[LogFile],
    start: impl Fn(&LogFile) -> ScanStart + Sync,
    mode: ScanMode,
) -> Vec<Result<FileScan>> {
    files
        .par_iter()
        .map(|f| scan_file(f, &start(f), mode))
        .collect()
}
