//! Runs the CLI commands. `main.rs` only parses arguments and calls [`run`].

use std::path::PathBuf;

use crate::cli::{Cli, CollectSource, Command, HookAction, ToolChoice};
use crate::error::{Error, Result};
use crate::merge::{Collected, Collector};
use crate::pricing::PriceTable;
use crate::scan::{scan_files, ScanMode, ScanStart};
use crate::selection::wants;
use crate::sources::LogRoots;

/// Runs one command; the result is the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let prices = load_prices(cli.prices.as_ref())?;
    let config_dir = crate::config::config_dir(cli.config_dir.as_deref())?;
    match cli.command {
        Command::Usage(args) => crate::usage::run(&args, &prices, cli.prices.as_deref()),
        Command::Login(args) => crate::login::login(&config_dir, &args),
        Command::Upload(args) => crate::upload::upload(&config_dir, &args),
        Command::Status(args) => crate::login::status(&config_dir, &args),
        Command::Hook {
            action: HookAction::Install(a),
        } => crate::hook::install(a.settings.as_deref()),
        Command::Hook {
            action: HookAction::Uninstall(a),
        } => crate::hook::uninstall(a.settings.as_deref()),
        Command::Collect {
            source: CollectSource::Git(args),
        } => crate::collect::collect_git(&config_dir, &args),
        Command::Library(args) => crate::library::run(&config_dir, args),
    }
}

/// The builtin prices, with the user's file merged over them.
pub fn load_prices(user_file: Option<&PathBuf>) -> Result<PriceTable> {
    let mut table = PriceTable::builtin();
    if let Some(path) = user_file {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        table.merge_csv(&text)?;
    }
    Ok(table)
}

/// Reads every log under `roots` from the start and merges duplicates.
pub fn read_all(roots: &LogRoots, choice: ToolChoice, verbose: bool) -> Collected {
    let files = roots.discover(|k| wants(choice, k));
    let mut collector = Collector::default();
    // Chunks bound memory: a chunk's requests are merged and dropped before the next is read.
    for chunk in files.chunks(64) {
        for result in scan_files(chunk, |_| ScanStart::default(), ScanMode::Report) {
            match result {
                Ok(mut scan) => collector.add(&mut scan),
                Err(e) => eprintln!("warning: {e}"),
            }
        }
    }
    let collected = collector.finish();
    if verbose {
        for s in &collected.skipped {
            eprintln!("skipped {}:{}: {}", s.path.display(), s.line, s.reason);
        }
    }
    collected
}
