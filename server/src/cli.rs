//! The `agentmeter-server` command line: `serve`, `migrate`, and the admin subcommands used by
//! scripts (`team add|list`, `user add|list|deactivate|reactivate|set-role|reset-password`,
//! `token create`,
//! `token revoke`, `report send`).

mod people;

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use crate::admin::{self, Actor, AddUser};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::store::tokens;
use crate::Application;

#[derive(Debug, Parser)]
#[command(
    name = "agentmeter-server",
    version,
    about = "agentmeter: how your team really adopts AI coding assistants"
)]
pub struct Cli {
    /// TOML settings file (see README "Configuration").
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// `sqlite:PATH` or `postgres://…`; overrides AGENTMETER_DATABASE_URL and the config file.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (migrations run first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage teams.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Monthly cost reports: send a month now, or write them as .eml files.
    #[command(subcommand)]
    Report(crate::cost_reports::command::ReportCommand),
}

impl Command {
    /// Whether the command may change what reports show: every running server over the
    /// database is then told to compute afresh (see `analytics::cache`).
    fn writes_data(&self) -> bool {
        !matches!(
            self,
            Command::Migrate
                | Command::Team(TeamCommand::List { .. })
                | Command::User(UserCommand::List { .. })
                | Command::Token(TokenCommand::List)
                | Command::Report(_)
        )
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// Fill an empty database with the demo organisation and print the demo admin's login.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: the day to load the demo as of (YYYY-MM-DD; default: today in the org time
    /// zone); its data ends the day before. For tests, which check the demo on fixed days.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "demo")]
    pub demo_today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team.
    Add { name: String },
    /// List teams with their head counts and managers.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; a manager manages every --team given.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, manager or developer.
        #[arg(long)]
        role: String,
        /// Team to join (repeatable).
        #[arg(long = "team")]
        teams: Vec<String>,
        #[arg(long)]
        github: Option<String>,
        #[arg(long)]
        gitlab: Option<String>,
        /// Read a password for browser login from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List every user, deactivated ones included.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop a user signing in or using their tokens; their history stays.
    Deactivate {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Let a deactivated user sign in again.
    Reactivate {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Print a one-time link (good for 24 hours) where the user sets a new password; also
    /// e-mailed to them when `smtp_url` is set.
    ResetPassword { email: String },
    /// Change a user's name, e-mail, role or teams; what is not given stays as it is.
    Edit {
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// A new e-mail address (their history and tokens follow).
        #[arg(long = "new-email")]
        new_email: Option<String>,
        /// admin, manager or developer.
        #[arg(long)]
        role: Option<String>,
        /// The user's teams, replacing the current ones (repeatable; `--team ""` for none).
        #[arg(long = "team")]
        teams: Option<Vec<String>>,
        #[arg(long)]
        json: bool,
    },
    /// Change a user's role (admin, manager or developer).
    SetRole {
        email: String,
        role: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it (alone) on stdout; it is shown only this once.
    Create {
        #[arg(long)]
        email: String,
        /// A label to recognise the token by.
        #[arg(long)]
        name: Option<String>,
    },
    /// Revoke a token by its id (see `token list`).
    Revoke { id: i64 },
    /// List tokens (never their secret).
    List,
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AGENTMETER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Colours only for a person at a terminal, not in files or the journal.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Loads settings (file, environment, flags) and runs the command to completion.
pub fn run(cli: Cli) -> Result<()> {
    let mut settings = Settings::load(cli.config.as_deref(), std::env::vars())?;
    if let Some(url) = cli.database_url {
        settings.database_url = url;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(execute(cli.command, settings))
}

async fn execute(command: Command, mut settings: Settings) -> Result<()> {
    if let Command::Serve(args) = command {
        if let Some(bind) = args.bind {
            settings.bind = bind;
        }
        return serve(settings, args.demo, args.demo_today).await;
    }
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    let writes = command.writes_data();
    match command {
        Command::Serve(_) => unreachable!("handled above"),
        Command::Migrate => eprintln!(
            "migrations applied to {}",
            crate::db::redact(&settings.database_url)
        ),
        Command::Team(TeamCommand::Add { name }) => {
            admin::add_team_as(&db, &Actor::Cli, &name).await?;
            eprintln!("team {name:?} created");
        }
        Command::Team(TeamCommand::List { json }) => people::list_teams(&db, json).await?,
        Command::User(UserCommand::List { json }) => people::list_users(&db, json).await?,
        Command::User(UserCommand::Deactivate { email, json }) => {
            people::print_user(
                &db,
                admin::deactivate_user(&db, &Actor::Cli, &email).await?,
                json,
            )
            .await?
        }
        Command::User(UserCommand::Reactivate { email, json }) => {
            people::print_user(
                &db,
                admin::reactivate_user(&db, &Actor::Cli, &email).await?,
                json,
            )
            .await?
        }
        Command::User(UserCommand::ResetPassword { email }) => {
            people::reset_password(&db, &settings, &email).await?
        }
        Command::User(UserCommand::Edit {
            email,
            name,
            new_email,
            role,
            teams,
            json,
        }) => {
            let change = people::UserChange {
                name,
                email: new_email,
                role,
                teams,
            };
            people::edit_user(&db, &email, change, json).await?
        }
        Command::User(UserCommand::SetRole { email, role, json }) => {
            people::print_user(
                &db,
                admin::set_role(&db, &Actor::Cli, &email, &role).await?,
                json,
            )
            .await?
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            teams,
            github,
            gitlab,
            password_stdin,
        }) => {
            let password = if password_stdin {
                Some(read_password_from_stdin()?)
            } else {
                None
            };
            admin::add_user_as(
                &db,
                &Actor::Cli,
                AddUser {
                    email: email.clone(),
                    name,
                    role,
                    teams,
                    github,
                    gitlab,
                    password,
                },
            )
            .await?;
            eprintln!("user {email} created");
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let token = admin::create_token_as(&db, &Actor::Cli, &email, name.as_deref()).await?;
            println!("{token}");
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            admin::revoke_token(&db, &Actor::Cli, id).await?;
            eprintln!("token #{id} revoked");
        }
        Command::Report(report) => {
            crate::cost_reports::command::run(db.clone(), settings.clone(), report).await?
        }
        Command::Token(TokenCommand::List) => {
            for t in tokens::list(&db).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "live"
                };
                println!(
                    "{}\t{}\t{}\t{}…\t{}",
                    t.id, t.owner_email, t.name, t.prefix, state
                );
            }
        }
    }
    if writes {
        crate::store::data_version::bump(&db).await?;
    }
    Ok(())
}

async fn serve(
    settings: Settings,
    demo: bool,
    demo_today: Option<chrono::NaiveDate>,
) -> Result<()> {
    let app = Application::build(settings).await?;
    // Monthly reports and alerts: their jobs are claimed in the database, so several servers
    // may run it at once.
    let scheduler = crate::scheduler::Scheduler::new(app.state().clone())?;
    let addr = app.local_addr()?;
    if demo {
        // Loaded before the address is announced and served: nobody sees it half loaded (the
        // demo serves its own ingest paths to itself meanwhile, see `demo`).
        let state = app.state();
        let loaded = match demo_today {
            Some(today) => crate::demo::load_if_empty_on(state, today).await,
            None => crate::demo::load_if_empty(state).await,
        };
        if let Err(e) = loaded {
            tracing::error!(error = %e, "demo organisation not loaded");
        }
    }
    // Only now, with the demo: the month's reports are of the loaded data.
    let scheduler = scheduler.start();
    tracing::info!("listening on http://{addr}");
    eprintln!("agentmeter listening on http://{addr}");
    let served = app.run_until_stopped().await;
    scheduler.stop().await;
    served
}

fn read_password_from_stdin() -> Result<SecretString> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let line = input
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_owned();
    if line.is_empty() {
        return Err(Error::BadRequest(
            "--password-stdin: no password on standard input".into(),
        ));
    }
    Ok(SecretString::from(line))
}
