//! The demo organisation's library (`agentmeter_seeds::library`): each version published and
//! reviewed through this service as its author and the team's manager would, then dated back
//! to the demo's months, and installed on the machines of the team's developers who use Claude
//! Code, so the library pages show history, a pending hook, installs and usage.

use std::io::Write;

use agentmeter_seeds::library::{demo_library, DemoFile};
use agentmeter_seeds::org::{DEVELOPERS, DOMAIN, TEAMS};
use agentmeter_seeds::timeline::Calendar;
use chrono::{Days, NaiveDate, TimeZone};

use super::{publish, review, Decision};
use crate::auth::current_user::Credential;
use crate::auth::CurrentUser;
use crate::demo::DEMO_ADMIN_EMAIL;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::{accounts, library as store, library_usage};

async fn caller(state: &AppState, email: &str) -> Result<CurrentUser> {
    let user = accounts::user_by_email(&state.db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("demo user {email}")))?;
    Ok(CurrentUser {
        memberships: accounts::memberships(&state.db, user.id).await?,
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        credential: Credential::ApiToken,
    })
}

fn tar_gz(files: &[DemoFile]) -> Result<Vec<u8>> {
    let fail = |e: std::io::Error| Error::Internal(anyhow::anyhow!("demo library archive: {e}"));
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (path, text, executable) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(if *executable { 0o755 } else { 0o644 });
        builder
            .append_data(&mut header, path, text.as_bytes())
            .map_err(fail)?;
    }
    let mut encoder = builder.into_inner().map_err(fail)?;
    encoder.flush().map_err(fail)?;
    encoder.finish().map_err(fail)
}

/// Noon of a demo day, in epoch milliseconds.
fn noon_ms(state: &AppState, day: NaiveDate) -> i64 {
    day.and_hms_opt(12, 0, 0)
        .and_then(|t| state.org_tz.from_local_datetime(&t).earliest())
        .map_or(0, |t| t.timestamp_millis())
}

/// Publishes, reviews and installs the demo library as of `today`.
pub async fn seed(state: &AppState, today: NaiveDate) -> Result<()> {
    let calendar = Calendar::for_today(today);
    let admin = caller(state, DEMO_ADMIN_EMAIL).await?;
    for item in demo_library() {
        let author = match item.author {
            Some(login) => caller(state, &format!("{login}@{DOMAIN}")).await?,
            None => match item.team.and_then(|t| TEAMS.iter().find(|x| x.name == t)) {
                Some(team) => caller(state, &format!("{}@{DOMAIN}", team.manager_login)).await?,
                None => admin.clone(),
            },
        };
        let manager = match item.team.and_then(|t| TEAMS.iter().find(|x| x.name == t)) {
            Some(team) => caller(state, &format!("{}@{DOMAIN}", team.manager_login)).await?,
            None => admin.clone(),
        };
        // A hook's author may not approve it: the admin does when the manager wrote it.
        let reviewer = if manager.id == author.id {
            admin.clone()
        } else {
            manager
        };
        for version in &item.versions {
            let receipt = publish(state, &author, item.team, tar_gz(&version.files)?).await?;
            let published = calendar.adoption_start + Days::new(version.published_after_days);
            let reviewed = published + Days::new(1);
            if version.approved {
                review(
                    state,
                    &reviewer,
                    receipt.item_id,
                    receipt.version,
                    Decision::Approve,
                    Some("Looks good"),
                )
                .await?;
            }
            store::set_demo_times(
                &state.db,
                receipt.item_id,
                receipt.version,
                noon_ms(state, published),
                version.approved.then(|| noon_ms(state, reviewed)),
            )
            .await?;
            if !version.approved {
                continue;
            }
            let Some(found) = store::versions(&state.db, receipt.item_id)
                .await?
                .into_iter()
                .find(|v| v.version == receipt.version)
            else {
                continue;
            };
            for (index, developer) in DEVELOPERS.iter().enumerate() {
                if item.team.is_some_and(|t| t != developer.team) || developer.codex_share >= 1.0 {
                    continue;
                }
                let Some(user) =
                    accounts::user_by_email(&state.db, &format!("{}@{DOMAIN}", developer.login))
                        .await?
                else {
                    continue;
                };
                // Developers sync over the week after the approval, each on their own day.
                let synced = reviewed + Days::new(1 + (index as u64 % 7));
                if synced >= today {
                    continue;
                }
                library_usage::record_install_at(
                    &state.db,
                    user.id,
                    found.id,
                    noon_ms(state, synced),
                    noon_ms(state, today - Days::new(1)),
                )
                .await?;
            }
        }
    }
    Ok(())
}
