//! `agentmeter-server`: parse arguments, start logging, run the command.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = agentmeter_server::cli::Cli::parse();
    agentmeter_server::cli::init_tracing();
    match agentmeter_server::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
