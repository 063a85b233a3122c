//! `agentmeter`: the developer-side CLI.
use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = agentmeter_ingest::cli::Cli::parse();
    let code = agentmeter_ingest::app::run(cli)?;
    std::process::exit(code);
}
