//! One alert check: raise what is due now, each alert at most once per kind, subject and period
//! (the history's unique key decides, so two servers checking at once raise it once), and queue
//! its deliveries.

use agentmeter_metrics::calendar::DateRange;
use agentmeter_web::{format, url};
use chrono::{DateTime, TimeDelta, Utc};

use super::audience::Audience;
use super::{rules, AlertKind, Rule};
use crate::analytics::load;
use crate::auth::Scope;
use crate::budgets::{self, BudgetStatus, Month};
use crate::cost_reports::base_url;
use crate::error::Result;
use crate::reviews::summary;
use crate::state::AppState;
use crate::store::alert_deliveries::{self, Target};
use crate::store::alerts::{self, NewAlert};
use crate::store::uploader_activity;

/// Quiet days before `uploads_stopped`, unless an admin chose otherwise.
pub const DEFAULT_QUIET_DAYS: i64 = 7;

/// An alert found due, with the teams it concerns.
struct Finding {
    kind: AlertKind,
    alert: NewAlert,
    teams: Vec<i64>,
}

/// Raises the alerts due at `now` and queues their deliveries: e-mail when `email` (an SMTP
/// server is configured), and every enabled webhook. Returns how many alerts were new.
pub async fn run_checks(state: &AppState, now: DateTime<Utc>, email: bool) -> Result<usize> {
    let rules = rules(&state.db).await?;
    let on = |kind: AlertKind| rules.iter().any(|r: &Rule| r.kind == kind && r.enabled);
    let audience = Audience::load(&state.db).await?;
    let mut findings = budget_findings(state, now, &on).await?;
    if on(AlertKind::CriticalPrUnreviewed) {
        findings.extend(critical_merges(state, now, &audience).await?);
    }
    if let Some(rule) = rules
        .iter()
        .find(|r| r.kind == AlertKind::UploadsStopped && r.enabled)
    {
        let days = rule.days.unwrap_or(DEFAULT_QUIET_DAYS);
        findings.extend(quiet_uploaders(state, now, days, &audience).await?);
    }
    let webhooks: Vec<Target> = alerts::webhooks(&state.db)
        .await?
        .into_iter()
        .filter(|w| w.enabled)
        .map(|w| Target::Webhook(w.id))
        .collect();
    let mut raised = 0;
    for finding in findings {
        let Some(id) = alerts::raise(&state.db, &finding.alert, now.timestamp_millis()).await?
        else {
            continue;
        };
        raised += 1;
        let mut targets = webhooks.clone();
        if email {
            targets.extend(
                audience
                    .emails(finding.kind, &finding.teams)
                    .into_iter()
                    .map(Target::Email),
            );
        }
        alert_deliveries::enqueue(&state.db, id, &targets).await?;
    }
    Ok(raised)
}

async fn budget_findings(
    state: &AppState,
    now: DateTime<Utc>,
    on: &impl Fn(AlertKind) -> bool,
) -> Result<Vec<Finding>> {
    let budgets = budgets::list(&state.db).await?;
    if budgets.is_empty() {
        return Ok(Vec::new());
    }
    let month = Month::at(now, state.org_tz);
    let base = base_url(state);
    let mut findings = Vec::new();
    for status in budgets::statuses(state, month, &budgets).await? {
        let f = &status.figures;
        let due = [
            (AlertKind::BudgetActual100, f.over()),
            (AlertKind::BudgetActual80, f.above_80() && !f.over()),
            (AlertKind::BudgetForecastOver, f.forecast_over()),
        ];
        for (kind, hit) in due {
            if hit && on(kind) {
                findings.push(budget_finding(kind, &status, &base));
            }
        }
    }
    Ok(findings)
}

fn budget_finding(kind: AlertKind, status: &BudgetStatus, base: &str) -> Finding {
    let b = &status.budget;
    let f = &status.figures;
    let spent = format!(
        "{} of {} ({})",
        format::usd(f.actual_usd),
        format::usd(f.budget_usd),
        format::percent(f.actual_pct / 100.0)
    );
    let month = status.month.name();
    let (title, detail) = match kind {
        AlertKind::BudgetForecastOver => (
            format!("{} is heading over its {month} budget", b.scope_label()),
            format!(
                "At this month's rate it will reach {} ({}) of its {} budget by the month's end; spent so far: {spent}.",
                format::usd(f.forecast_usd.unwrap_or_default()),
                format::percent(f.forecast_pct.unwrap_or_default() / 100.0),
                format::usd(f.budget_usd),
            ),
        ),
        AlertKind::BudgetActual80 => (
            format!("{} has spent over 80% of its {month} budget", b.scope_label()),
            format!("{}: {spent}.", b.basis.label()),
        ),
        _ => (
            format!("{} is over its {month} budget", b.scope_label()),
            format!("{}: {spent}.", b.basis.label()),
        ),
    };
    let team = b
        .team
        .as_deref()
        .map(|t| format!("team={}&", url::component(t)))
        .unwrap_or_default();
    let range = status.month.range();
    Finding {
        kind,
        alert: NewAlert {
            kind: kind.as_str().to_owned(),
            subject: b.subject(),
            period: status.month.to_string(),
            title,
            detail,
            link: Some(format!(
                "{base}/spend?{team}from={}&to={}",
                range.from, range.to
            )),
        },
        teams: b.team_id.into_iter().collect(),
    }
}

/// Critical AI-assisted PRs merged unreviewed today or yesterday (local): alerted the day they
/// merge, with yesterday covering a check that ran just before midnight.
async fn critical_merges(
    state: &AppState,
    now: DateTime<Utc>,
    audience: &Audience,
) -> Result<Vec<Finding>> {
    let today = now.with_timezone(&state.org_tz).date_naive();
    // Everyone: every pull request, unmatched authors included, as an admin sees them.
    let range = DateRange {
        from: today - TimeDelta::days(1),
        to: today,
    };
    let data = summary::report_with_prs(state, Scope::Everyone, range).await?;
    let report = &data.0;
    let base = base_url(state);
    Ok(report
        .alerts
        .iter()
        .map(|pr| {
            let day = pr.merged_at.with_timezone(&state.org_tz).date_naive();
            let author = pr.author.clone().unwrap_or_else(|| "an unmatched author".into());
            Finding {
                kind: AlertKind::CriticalPrUnreviewed,
                alert: NewAlert {
                    kind: AlertKind::CriticalPrUnreviewed.as_str().to_owned(),
                    subject: format!("pr:{}#{}", pr.repository, pr.number),
                    period: day.to_string(),
                    title: format!(
                        "Critical AI-assisted PR merged unreviewed: {}#{}",
                        pr.repository, pr.number
                    ),
                    detail: format!(
                        "\"{}\" by {author} touched a critical path and was merged on {day} without an approving review. {}",
                        pr.title, pr.url
                    ),
                    link: Some(format!("{base}/reviews?from={day}&to={day}")),
                },
                teams: pr
                    .author_user_id
                    .map(|id| audience.teams_of(id))
                    .unwrap_or_default(),
            }
        })
        .collect())
}

/// Developers holding a live token whose uploader has not reached the server for `days` days,
/// once per quiet spell (the period is the day of their last upload).
async fn quiet_uploaders(
    state: &AppState,
    now: DateTime<Utc>,
    days: i64,
    audience: &Audience,
) -> Result<Vec<Finding>> {
    let developers = load::developers(&state.db, &Scope::Everyone).await?;
    let cutoff = (now - TimeDelta::days(days)).timestamp_millis();
    let base = base_url(state);
    let mut findings = Vec::new();
    for activity in uploader_activity::with_live_tokens(&state.db).await? {
        let (Some(last), Some(dev)) = (
            activity.last_used_at,
            developers.iter().find(|d| d.user_id == activity.user_id),
        ) else {
            continue;
        };
        if last >= cutoff {
            continue;
        }
        let Some(last_at) = DateTime::from_timestamp_millis(last) else {
            continue;
        };
        let day = last_at.with_timezone(&state.org_tz).date_naive();
        let quiet = (now - last_at).num_days();
        findings.push(Finding {
            kind: AlertKind::UploadsStopped,
            alert: NewAlert {
                kind: AlertKind::UploadsStopped.as_str().to_owned(),
                subject: format!("user:{}", dev.user_id),
                period: day.to_string(),
                title: format!("{}'s uploads stopped {quiet} days ago", dev.name),
                detail: format!(
                    "The uploader of {} ({}) last reached the server on {day}. Their usage since then is missing from every report; check that `agentmeter hook install` is still in place.",
                    dev.name, dev.email
                ),
                link: Some(format!("{base}/developers/{}", url::email_segment(&dev.email))),
            },
            teams: audience.teams_of(dev.user_id),
        });
    }
    Ok(findings)
}
