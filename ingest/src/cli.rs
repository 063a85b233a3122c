//! Command-line interface (clap derive). Every location is overridable by a flag or an
//! environment variable so tests can drive the binary in isolation.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::GroupBy;

/// agentmeter: see how your team uses AI coding assistants.
#[derive(Debug, Parser)]
#[command(
    name = "agentmeter",
    version,
    about = "Your AI coding assistant usage (Claude Code, Codex CLI) and commit metadata, for your \
             team's agentmeter server. Prompts, code and diffs never leave this machine."
)]
pub struct Cli {
    /// Where login and upload state live (default: the user config dir + `agentmeter`).
    #[arg(long, global = true, env = "AGENTMETER_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
    /// A price CSV (same columns as the builtin one) that overrides or adds models.
    #[arg(long, global = true, env = "AGENTMETER_PRICES")]
    pub prices: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tokens and API-equivalent cost from the local logs.
    #[command(long_about = USAGE_ABOUT)]
    Usage(UsageArgs),
    /// Store a server URL and API token.
    Login(LoginArgs),
    /// Send new usage to the server.
    Upload(UploadArgs),
    /// What the server holds for you.
    Status(StatusArgs),
    /// Manage the Claude Code hook that uploads at the end of each session.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Collect history from other local sources and send it to the server.
    Collect {
        #[command(subcommand)]
        source: CollectSource,
    },
    /// The shared library of skills and hooks: publish, review, sync.
    Library(crate::library::LibraryArgs),
}

#[derive(Debug, Subcommand)]
pub enum CollectSource {
    /// Commit metadata and line counts from local git repositories (never diffs or contents).
    Git(CollectGitArgs),
}

#[derive(Debug, Args)]
pub struct CollectGitArgs {
    /// Repositories (or directories inside them) to read; default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Only commits committed on or after this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub since: Option<chrono::NaiveDate>,
    /// Print the records that would be sent, as JSON lines; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A glob naming test files (repeatable; replaces the configured or default patterns).
    #[arg(long = "test-pattern", value_name = "GLOB")]
    pub test_patterns: Vec<String>,
    /// No summary line (warnings are still printed).
    #[arg(long, short)]
    pub quiet: bool,
    /// Server URL (default: the one stored by `login`).
    #[arg(long, env = "AGENTMETER_SERVER")]
    pub server: Option<String>,
}

/// Which logs to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToolChoice {
    /// Claude Code only.
    Claude,
    /// Codex CLI only.
    Codex,
    /// Both.
    All,
}

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// A log root, taken as CLAUDE_CONFIG_DIR takes one (repeatable; replaces the defaults).
    #[arg(long = "logs", value_name = "DIR")]
    pub logs: Vec<PathBuf>,
    /// List skipped lines (file and line number).
    #[arg(long, short)]
    pub verbose: bool,
}

const USAGE_ABOUT: &str = "Tokens and API-equivalent cost from the local logs of Claude Code \
(~/.claude/projects, ~/.config/claude/projects or CLAUDE_CONFIG_DIR) and Codex CLI (~/.codex or \
CODEX_HOME), read here and never sent anywhere.

Costs are computed from each request's tokens with the price table compiled into this build \
(--prices adds or overrides models), not taken from `costUSD` fields: recent Claude Code logs \
and Codex logs carry none, and older ones were priced with whatever the tool knew when it wrote \
them. A request logged several times (content blocks, resumed sessions) counts once. Models \
without a price are counted in tokens and left out of the cost, with a warning. Colour is used \
on a terminal only (never when piped, or with NO_COLOR set).";

#[derive(Debug, Args)]
pub struct UsageArgs {
    #[command(flatten)]
    pub logs: LogArgs,
    /// Which assistant's logs to read.
    #[arg(long, value_enum, default_value = "all")]
    pub tool: ToolChoice,
    /// How to group the rows (`window`: 5-hour windows, as ccusage's `blocks`).
    #[arg(long, value_enum, default_value = "day")]
    pub by: GroupBy,
    /// First day to include (YYYY-MM-DD, in --tz).
    #[arg(long)]
    pub since: Option<chrono::NaiveDate>,
    /// Last day to include (YYYY-MM-DD, in --tz).
    #[arg(long)]
    pub until: Option<chrono::NaiveDate>,
    /// Time zone for days: an IANA name, `UTC` or `local` (default).
    #[arg(long, default_value = "local")]
    pub tz: String,
    /// Print the report as JSON (costs rounded to what the prices define, no colour).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[arg(long, env = "AGENTMETER_SERVER")]
    pub server: String,
    /// Read the token from standard input instead of asking for it.
    #[arg(long)]
    pub token_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    #[command(flatten)]
    pub logs: LogArgs,
    /// Print the records that would be sent, as JSON lines; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// No progress bar and no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Server URL (default: the one stored by `login`).
    #[arg(long, env = "AGENTMETER_SERVER")]
    pub server: Option<String>,
    #[arg(long, value_enum, default_value = "all")]
    pub tool: ToolChoice,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, env = "AGENTMETER_SERVER")]
    pub server: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Add a SessionEnd hook running `agentmeter upload --quiet` in the background.
    Install(HookArgs),
    /// Remove the hook again.
    Uninstall(HookArgs),
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// The Claude Code settings file (default: first CLAUDE_CONFIG_DIR entry or ~/.claude,
    /// `settings.json`).
    #[arg(long)]
    pub settings: Option<PathBuf>,
}
