//! `agentmeter`: the developer-side CLI.
use clap::Parser;

fn main() {
    let cli = agentmeter_ingest::cli::Cli::parse();
    match agentmeter_ingest::app::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
