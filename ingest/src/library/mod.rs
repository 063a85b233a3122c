//! `agentmeter library …`: publish a skill or hook folder, list the library, review versions,
//! withdraw an item, and sync the approved library into a local plugin marketplace registered
//! with Claude Code and Codex.

mod claude;
mod client;
mod codex;
mod folder;
pub mod json_edit;
mod pack;

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::config::Target;
use crate::error::{Error, Result};
use crate::wire_library::{InstallReport, LibraryItem};
use client::LibraryClient;

/// `agentmeter library`.
#[derive(Debug, Args)]
pub struct LibraryArgs {
    /// Server URL (default: the one stored by `login`).
    #[arg(long, env = "AGENTMETER_SERVER", global = true)]
    pub server: Option<String>,
    #[command(subcommand)]
    pub action: LibraryAction,
}

#[derive(Debug, Subcommand)]
pub enum LibraryAction {
    /// Publish a folder (a skill with SKILL.md, or a hook with HOOK.md and hooks/hooks.json) as
    /// a new version, pending review; prints NAME@VERSION.
    Publish {
        dir: PathBuf,
        /// The team it belongs to (default: your only team).
        #[arg(long)]
        team: Option<String>,
    },
    /// The library: every item, its versions and usage.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending version: [TEAM/]NAME@VERSION.
    Approve {
        reference: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a pending version: [TEAM/]NAME@VERSION.
    Reject {
        reference: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Withdraw an item: [TEAM/]NAME. It leaves every machine at its next sync.
    Withdraw { reference: String },
    /// Bring the approved library to this machine and register it with Claude Code and Codex.
    Sync(SyncArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The local marketplace folder (default: `library` in the config dir).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Claude Code's settings file (default: ~/.claude/settings.json, or CLAUDE_CONFIG_DIR's).
    #[arg(long)]
    pub claude_settings: Option<PathBuf>,
    /// Do not register with Claude Code.
    #[arg(long)]
    pub no_claude: bool,
    /// Do not register with Codex.
    #[arg(long)]
    pub no_codex: bool,
}

/// Runs a library command; the result is the exit code.
pub fn run(config_dir: &Path, args: LibraryArgs) -> Result<i32> {
    let server = args.server.as_deref().filter(|s| !s.trim().is_empty());
    let target = Target::resolve(config_dir, server, false)?;
    let client = LibraryClient::new(&target)?;
    match args.action {
        LibraryAction::Publish { dir, team } => {
            let receipt = client.publish(pack::pack(&dir)?, team.as_deref())?;
            if !receipt.created {
                eprintln!("unchanged: the latest version already has this content");
            }
            eprintln!(
                "{} {} in {} is {}",
                receipt.kind,
                receipt.name,
                receipt.team.as_deref().unwrap_or("the whole organisation"),
                receipt.status
            );
            println!("{}@{}", receipt.name, receipt.version);
            Ok(0)
        }
        LibraryAction::List { json } => {
            let items = client.items()?;
            if json {
                let text = serde_json::to_string_pretty(&items)
                    .map_err(|e| Error::InvalidArgument(e.to_string()))?;
                println!("{text}");
            } else {
                print_table(&items);
            }
            Ok(0)
        }
        LibraryAction::Approve { reference, note } => review(&client, &reference, "approve", note),
        LibraryAction::Reject { reference, note } => review(&client, &reference, "reject", note),
        LibraryAction::Withdraw { reference } => {
            let items = client.items()?;
            let item = find(&items, &reference)?;
            client.withdraw(item.id)?;
            println!("withdrawn {}", item.name);
            Ok(0)
        }
        LibraryAction::Sync(sync_args) => sync(config_dir, &client, &sync_args),
    }
}

/// `[TEAM/]NAME`: the one item of that name (in that team).
fn find<'a>(items: &'a [LibraryItem], reference: &str) -> Result<&'a LibraryItem> {
    let (team, name) = match reference.split_once('/') {
        Some((team, name)) => (Some(team), name),
        None => (None, reference),
    };
    let matching: Vec<&LibraryItem> = items
        .iter()
        .filter(|i| i.name == name)
        .filter(|i| team.is_none_or(|t| i.team.as_deref() == Some(t) || i.plugin == t))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::InvalidArgument(format!(
            "no library item {reference}"
        ))),
        several => Err(Error::InvalidArgument(format!(
            "{name} is in several teams; name one: {}",
            several
                .iter()
                .map(|i| format!("{}/{name}", i.team.as_deref().unwrap_or("org")))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn review(
    client: &LibraryClient,
    reference: &str,
    decision: &str,
    note: Option<String>,
) -> Result<i32> {
    let (item_ref, version) = reference
        .rsplit_once('@')
        .and_then(|(i, v)| Some((i, v.parse::<i64>().ok()?)))
        .ok_or_else(|| Error::InvalidArgument(format!("expected NAME@VERSION, got {reference}")))?;
    let items = client.items()?;
    let item = find(&items, item_ref)?;
    let reviewed = client.review(item.id, version, decision, note)?;
    println!("{}@{} {}", item.name, reviewed.version, reviewed.status);
    Ok(0)
}

fn print_table(items: &[LibraryItem]) {
    println!(
        "{:<28} {:<5} {:<14} {:>7} {:>8} {:>7} {:>6} {:>8}",
        "NAME", "KIND", "TEAM", "VERSION", "STATUS", "USES", "USERS", "INSTALLS"
    );
    for item in items {
        let status = if item.withdrawn {
            "withdrawn"
        } else if item.pending_versions > 0 {
            "pending"
        } else if item.approved_version.is_some() {
            "approved"
        } else {
            "rejected"
        };
        let version = item
            .approved_version
            .map_or_else(|| format!("({})", item.latest_version), |v| v.to_string());
        println!(
            "{:<28} {:<5} {:<14} {:>7} {:>8} {:>7} {:>6} {:>8}{}",
            format!("{}:{}", item.plugin, item.name),
            item.kind,
            item.team.as_deref().unwrap_or("(org)"),
            version,
            status,
            item.usage.uses,
            item.usage.users,
            item.usage.installs,
            if item.usage.unused { "  unused" } else { "" }
        );
    }
}

/// Fetches, verifies and writes the marketplace, registers it, records the installs. A corrupt
/// Claude settings file is reported (exit 1) without stopping the rest.
fn sync(config_dir: &Path, client: &LibraryClient, args: &SyncArgs) -> Result<i32> {
    let market = client.marketplace()?;
    let root = args
        .dir
        .clone()
        .unwrap_or_else(|| config_dir.join("library"));
    let changed = folder::write(&root, &market.files)?;
    let items: usize = market.plugins.iter().map(|p| p.items.len()).sum();
    println!(
        "library: {} plugin(s), {items} item(s) in {}{}",
        market.plugins.len(),
        root.display(),
        if changed { "" } else { " (up to date)" }
    );
    for plugin in &market.plugins {
        let names: Vec<String> = plugin
            .items
            .iter()
            .map(|i| format!("{}@{}", i.name, i.version))
            .collect();
        println!("  {}@{}: {}", plugin.name, market.name, names.join(", "));
    }
    let mut exit = 0;
    let plugins: Vec<String> = market.plugins.iter().map(|p| p.name.clone()).collect();
    let settings = crate::hook::settings_path(args.claude_settings.as_deref())?;
    let claude_present = args.claude_settings.is_some()
        || codex::find_on_path("claude").is_some()
        || settings.parent().is_some_and(Path::exists);
    if !args.no_claude && claude_present {
        match claude::register(&settings, &market.name, &root, &plugins) {
            Ok(claude::Registered::Unchanged) => println!("Claude Code: already registered"),
            Ok(claude::Registered::Updated { backup }) => println!(
                "Claude Code: registered in {}{}",
                settings.display(),
                backup
                    .map(|b| format!(" (backup: {})", b.display()))
                    .unwrap_or_default()
            ),
            Err(e) => {
                eprintln!("Claude Code: {e}");
                exit = 1;
            }
        }
    }
    if !args.no_codex {
        if let Some(codex_bin) = codex::find_codex() {
            let changes = codex::register(&codex_bin, &root, &market)?;
            if changes.is_empty() {
                println!("Codex: already registered");
            }
            for change in changes {
                println!("Codex: {change}");
            }
        }
    }
    let version_ids = market
        .plugins
        .iter()
        .flat_map(|p| p.items.iter().map(|i| i.version_id))
        .collect();
    client.report_installs(&InstallReport { version_ids })?;
    Ok(exit)
}
