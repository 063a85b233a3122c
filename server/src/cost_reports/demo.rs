//! The demo organisation's budgets, alert history and last full month of sent reports, so the
//! demo shows the whole loop. Run once the demo's data is loaded, on a database without budgets.
//! Everything goes through the real services: budgets from the month's own reports, alerts from
//! the real checks run as of the days they would have fired, reports composed and rendered as the
//! scheduler would have sent them on the 1st (recorded as sent; nothing is e-mailed).

use agentmeter_metrics::spend::SpendGroupBy;
use agentmeter_seeds::budgets::{
    with_headroom, ORGANISATION_HEADROOM, OVER_BUDGET_TEAM, OVER_BUDGET_USD, TEAM_HEADROOM,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::delivery::report_message;
use super::mailer::sender;
use super::recipients;
use crate::alerts;
use crate::analytics::params::SpendQuery;
use crate::analytics::reports;
use crate::auth::Scope;
use crate::budgets::{self, BudgetBasis, Month};
use crate::db::now_ms;
use crate::error::Result;
use crate::reviews::summary;
use crate::scheduler::MONTHLY_COST_REPORT;
use crate::state::AppState;
use crate::store::cost_report_sends::{self, Recipient};
use crate::store::{accounts, scheduled_jobs};

/// `hour`:00 on `day` in the organisation's time zone.
fn local_instant(state: &AppState, day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0)
        .and_then(|t| state.org_tz.from_local_datetime(&t).earliest())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// Seeds budgets, alerts and the sent reports of the month before `today`'s; does nothing when
/// the database already has budgets.
pub async fn seed(state: &AppState, today: NaiveDate) -> Result<()> {
    if crate::store::budgets::any(&state.db).await? {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let month = Month::of(today).previous();
    set_budgets(state, month).await?;
    raise_history(state, month).await?;
    record_sent_reports(state, month).await?;
    eprintln!(
        "demo: budgets, alert history and {month}'s reports as sent ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn set_budgets(state: &AppState, month: Month) -> Result<()> {
    let paid: f64 = reports::plans(state, &Scope::Everyone, month.range())
        .await?
        .lines
        .iter()
        .filter(|l| l.month == month.to_string())
        .map(|l| l.current_cost_usd)
        .sum();
    let organisation = with_headroom(paid, ORGANISATION_HEADROOM);
    budgets::set(&state.db, None, BudgetBasis::PlanSpend, organisation).await?;
    for team in accounts::list_teams(&state.db).await? {
        let amount = if team.name == OVER_BUDGET_TEAM {
            OVER_BUDGET_USD
        } else {
            let members = Scope::Users(accounts::team_member_ids(&state.db, team.id).await?);
            let query = SpendQuery {
                range: month.range(),
                group_by: SpendGroupBy::Month,
                tool: None,
            };
            let spend = reports::spend(state, &members, &query).await?;
            with_headroom(spend.total.cost_usd, TEAM_HEADROOM)
        };
        budgets::set(
            &state.db,
            Some(&team.name),
            BudgetBasis::ApiEquivalent,
            amount,
        )
        .await?;
    }
    Ok(())
}

/// The alerts the checks would have raised: on each day a critical AI-assisted PR merged
/// unreviewed in the last three months, and at the end of the last full month (its budgets).
async fn raise_history(state: &AppState, month: Month) -> Result<()> {
    let quarter = agentmeter_metrics::calendar::DateRange {
        from: month.previous().previous().first_day(),
        to: month.last_day(),
    };
    let reviews = summary::report_with_prs(state, Scope::Everyone, quarter).await?;
    for merge in &reviews.0.alerts {
        alerts::run_checks(state, merge.merged_at, false).await?;
    }
    let month_end = local_instant(state, month.last_day(), 22);
    alerts::run_checks(state, month_end, false).await?;
    Ok(())
}

/// Each recipient's report of `month`, as the scheduler would have sent it on the 1st at 07:00,
/// and the month's job marked done so that a server with SMTP configured does not send it again.
async fn record_sent_reports(state: &AppState, month: Month) -> Result<()> {
    let from = sender(&state.settings.mail_from)?;
    let sent_at = local_instant(state, month.next().first_day(), 7).timestamp_millis();
    for recipient in recipients::everyone(&state.db).await? {
        let message = report_message(state, &from, &recipient, month).await?;
        let row = Recipient {
            user_id: recipient.user_id,
            email: recipient.email.clone(),
        };
        cost_report_sends::record_sent(
            &state.db,
            &month.to_string(),
            &row,
            &message.bytes,
            sent_at,
        )
        .await?;
    }
    let now = now_ms();
    let job = month.to_string();
    if scheduled_jobs::claim(&state.db, MONTHLY_COST_REPORT, &job, "demo", now, now).await? {
        scheduled_jobs::finish(&state.db, MONTHLY_COST_REPORT, &job, "demo", now).await?;
    }
    Ok(())
}
