//! `agentmeter login` (verify a token with `GET /api/v1/me`, store it 0600) and
//! `agentmeter status` (`GET /api/v1/ingest/status`).

use std::io::{BufRead, IsTerminal, Read};
use std::path::Path;

use crate::api::ApiClient;
use crate::cli::{LoginArgs, StatusArgs};
use crate::config::{normalize_server, Credentials, Target};
use crate::error::{Error, Result};

/// Asks for (or reads) a token, checks it against the server, stores it.
pub fn login(config_dir: &Path, args: &LoginArgs) -> Result<i32> {
    let server = normalize_server(&args.server)?;
    let token = read_token(args.token_stdin)?;
    let me = ApiClient::new(&server, &token)?.me()?;
    let path = Credentials {
        server: server.clone(),
        token,
    }
    .save(config_dir)?;
    eprintln!(
        "logged in to {server} as {} <{}>; token stored in {}",
        me.name,
        me.email,
        path.display()
    );
    Ok(0)
}

fn read_token(from_stdin: bool) -> Result<String> {
    let stdin = std::io::stdin();
    let token = if from_stdin {
        let mut text = String::new();
        stdin
            .lock()
            .read_to_string(&mut text)
            .map_err(|e| Error::io("stdin", e))?;
        text
    } else if stdin.is_terminal() {
        rpassword::prompt_password("API token: ").map_err(|e| Error::io("terminal", e))?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::io("stdin", e))?;
        line
    };
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(Error::InvalidArgument("no token given".into()));
    }
    Ok(token)
}

/// Prints what the server holds for the logged-in user.
pub fn status(config_dir: &Path, args: &StatusArgs) -> Result<i32> {
    let target = Target::resolve(config_dir, args.server.as_deref(), false)?;
    let server = &target.server;
    let status = target.client()?.status()?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&status)
                .map_err(|e| Error::InvalidArgument(e.to_string()))?
        );
    } else {
        let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| "-".into())
        };
        println!("server:   {server}");
        println!(
            "events:   {} in {} sessions",
            status.events, status.sessions
        );
        println!(
            "period:   {} to {}",
            day(status.first_event_at),
            day(status.last_event_at)
        );
        println!("tokens:   {}", status.total_tokens);
        println!("cost:     ${:.2} (API list price)", status.cost_usd);
    }
    Ok(0)
}
