//! `agentmeter-server report send --month YYYY-MM [--to EMAIL] [--dry-run --out DIR]`: sends a
//! month's reports now through the same ledger as the scheduler (so nobody gets one twice), or
//! writes them as `.eml` files to look at first.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::delivery::{deliver_due, enqueue_month, write_eml_files};
use super::mailer::{sender, Mailer};
use super::recipients::{self, ReportRecipient};
use super::retry::claimant_id;
use crate::budgets::Month;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::cost_report_sends::{self, Recipient};

/// `report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Send a month's cost reports now (those not sent yet), or write them as .eml files.
    Send(SendArgs),
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The month, e.g. 2026-11.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Only this person's report (an admin or a team manager); sent even if it went out before.
    #[arg(long, value_name = "EMAIL")]
    pub to: Option<String>,
    /// Send nothing: write each report to DIR as an .eml file.
    #[arg(long, requires = "out")]
    pub dry_run: bool,
    /// Where --dry-run writes the .eml files.
    #[arg(long, value_name = "DIR", requires = "dry_run")]
    pub out: Option<PathBuf>,
}

/// Runs `report …` against `db`.
pub async fn run(db: Db, settings: Settings, command: ReportCommand) -> Result<()> {
    let ReportCommand::Send(args) = command;
    let month = Month::try_from(args.month.as_str())?;
    let state = AppState::new(db, settings)?;
    let chosen: Option<ReportRecipient> = match &args.to {
        Some(email) => Some(recipients::by_email(&state.db, email).await?),
        None => None,
    };
    if let Some(dir) = args.out.filter(|_| args.dry_run) {
        let to = match chosen {
            Some(one) => vec![one],
            None => recipients::everyone(&state.db)
                .await?
                .into_iter()
                .filter(|r| !r.opted_out)
                .collect(),
        };
        let from = sender(&state.settings.mail_from)?;
        for path in write_eml_files(&state, &from, month, &to, &dir).await? {
            println!("{}", path.display());
        }
        return Ok(());
    }
    let mailer = Mailer::from_settings(&state.settings)?.ok_or_else(|| {
        Error::Config(
            "report send needs an SMTP server: set smtp_url (AGENTMETER_SMTP_URL), or use --dry-run --out DIR".into(),
        )
    })?;
    match &chosen {
        Some(one) if one.opted_out => {
            return Err(Error::BadRequest(format!(
                "{} opted out of the monthly cost report",
                one.email
            )))
        }
        Some(one) => {
            let row = Recipient {
                user_id: one.user_id,
                email: one.email.clone(),
            };
            cost_report_sends::enqueue(&state.db, &month.to_string(), &[row]).await?;
            if !cost_report_sends::requeue(&state.db, &month.to_string(), one.user_id).await? {
                return Err(Error::Conflict(format!(
                    "{}'s report for {month} is being sent right now",
                    one.email
                )));
            }
        }
        None => {
            enqueue_month(&state, month).await?;
        }
    }
    let counts = deliver_due(&state, &mailer, &claimant_id()).await?;
    let mut failed = 0;
    for send in cost_report_sends::list(&state.db, Some(&month.to_string())).await? {
        if chosen
            .as_ref()
            .is_some_and(|one| one.user_id != send.user_id)
        {
            continue;
        }
        let note = send.last_error.as_deref().unwrap_or("");
        println!("{}\t{}\t{}\t{note}", send.month, send.email, send.status);
        failed += usize::from(send.status == "failed");
    }
    eprintln!(
        "{month}: {} sent, {} failed now through {}",
        counts.sent, counts.failed, mailer.endpoint
    );
    if failed > 0 {
        return Err(Error::Internal(anyhow::anyhow!(
            "{failed} report(s) for {month} not sent; they are retried by the server's scheduler"
        )));
    }
    Ok(())
}
