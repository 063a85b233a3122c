//! Runs the CLI commands. `main.rs` only parses arguments and calls [`run`].

use std::path::PathBuf;

use crate::cli::{Cli, CollectSource, Command, HookAction, ToolChoice, UsageArgs};
use crate::error::{Error, Result};
use crate::merge::{Collected, Collector};
use crate::pricing::PriceTable;
use crate::report::{build_report, render_table, ReportOptions, Zone};
use crate::scan::{scan_files, ScanMode, ScanStart};
use crate::selection::{roots, wants};
use crate::sources::LogRoots;
use crate::wire::Tool;

/// Runs one command; the result is the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let prices = load_prices(cli.prices.as_ref())?;
    let config_dir = crate::config::config_dir(cli.config_dir.as_deref())?;
    match cli.command {
        Command::Usage(args) => usage(&args, &prices),
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

fn usage(args: &UsageArgs, prices: &PriceTable) -> Result<i32> {
    let collected = read_all(&roots(&args.logs)?, args.tool, args.logs.verbose);
    let opts = ReportOptions {
        by: args.by,
        since: args.since,
        until: args.until,
        zone: Zone::parse(&args.tz)?,
        tool: match args.tool {
            ToolChoice::Claude => Some(Tool::ClaudeCode),
            ToolChoice::Codex => Some(Tool::Codex),
            ToolChoice::All => None,
        },
    };
    let report = build_report(&collected.events, prices, &opts, collected.skipped_lines);
    if !report.unknown_models.is_empty() {
        eprintln!(
            "warning: no price for model(s) {}: their tokens are counted, their cost is unknown and left out",
            report.unknown_models.join(", ")
        );
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", render_table(&report, args.by));
    }
    Ok(0)
}
