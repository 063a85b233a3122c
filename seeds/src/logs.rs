//! Writes each developer's assistant logs where the tools keep them, under one directory per
//! developer: `<dir>/.claude/projects/<project>/<session>.jsonl` (plus subagent files) and
//! `<dir>/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`. Point `agentmeter upload --logs` (or the
//! ingest crate's `LogRoots::from_dirs`) at `<dir>/.claude` and `<dir>/.codex`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use agentmeter_ingest::wire::Tool;

use crate::claude_log::{project_dir_name, session_lines};
use crate::codex_log::{file_name, rollout_lines};
use crate::model::Session;
use crate::org::{checkout_dir, DEVELOPERS};

/// The log roots of one developer, as `--logs` takes them.
pub fn log_roots(developer_dir: &Path) -> Vec<PathBuf> {
    vec![developer_dir.join(".claude"), developer_dir.join(".codex")]
}

fn write_lines(path: &Path, lines: &[String]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = io::BufWriter::new(fs::File::create(path)?);
    for line in lines {
        file.write_all(line.as_bytes())?;
        file.write_all(b"\n")?;
    }
    file.flush()
}

/// Writes one session where its tool would have written it.
pub fn write_session(developer_dir: &Path, session: &Session) -> io::Result<()> {
    let developer = &DEVELOPERS[session.developer];
    match session.tool {
        Tool::ClaudeCode => {
            let project = developer_dir
                .join(".claude/projects")
                .join(project_dir_name(&checkout_dir(
                    developer.login,
                    session.repository,
                )));
            let (lines, subagent) = session_lines(session);
            write_lines(&project.join(format!("{}.jsonl", session.id)), &lines)?;
            if let Some((agent, lines)) = subagent {
                write_lines(
                    &project
                        .join(&session.id)
                        .join("subagents")
                        .join(format!("agent-{agent}.jsonl")),
                    &lines,
                )?;
            }
        }
        Tool::Codex => {
            let Some(first) = session.requests.first() else {
                return Ok(());
            };
            let day = first.at.format("%Y/%m/%d").to_string();
            write_lines(
                &developer_dir
                    .join(".codex/sessions")
                    .join(day)
                    .join(file_name(session)),
                &rollout_lines(session),
            )?;
        }
    }
    Ok(())
}

/// Writes every session of developer `index` under `developer_dir`.
pub fn write_developer_logs(
    sessions: &[Session],
    index: usize,
    developer_dir: &Path,
) -> io::Result<()> {
    fs::create_dir_all(developer_dir.join(".claude/projects"))?;
    fs::create_dir_all(developer_dir.join(".codex/sessions"))?;
    for session in sessions.iter().filter(|s| s.developer == index) {
        write_session(developer_dir, session)?;
    }
    Ok(())
}
