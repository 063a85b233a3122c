//! Which logs a command reads: the directories `--logs` names (or the defaults) and the tools
//! `--tool` chooses.

use crate::cli::{LogArgs, ToolChoice};
use crate::error::{Error, Result};
use crate::sources::{LogKind, LogRoots};

/// The roots `--logs` names, or the defaults. A `--logs` directory that does not exist is an
/// error naming it: read silently as empty, a typo would report (or upload) nothing.
pub fn roots(args: &LogArgs) -> Result<LogRoots> {
    if args.logs.is_empty() {
        return Ok(LogRoots::from_env());
    }
    for dir in &args.logs {
        let problem = match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => continue,
            Ok(_) => "not a directory".to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such directory".to_owned(),
            Err(e) => e.to_string(),
        };
        return Err(Error::InvalidArgument(format!(
            "--logs {}: {problem}",
            dir.display()
        )));
    }
    Ok(LogRoots::from_dirs(&args.logs))
}

/// Whether a tool choice includes files of `kind`.
pub fn wants(choice: ToolChoice, kind: LogKind) -> bool {
    matches!(
        (choice, kind),
        (ToolChoice::All, _)
            | (ToolChoice::Claude, LogKind::Claude)
            | (ToolChoice::Codex, LogKind::Codex)
    )
}
