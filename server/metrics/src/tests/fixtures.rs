//! Small builders for hand-computable input rows.

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::DateRange;
use crate::rows::{DeveloperRow, Tool, UsageRow};

/// An RFC 3339 instant.
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test timestamp")
        .with_timezone(&Utc)
}

/// A `YYYY-MM-DD` date.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// An inclusive range of dates.
pub fn range(from: &str, to: &str) -> DateRange {
    DateRange::new(date(from), date(to)).expect("test range")
}

/// One usage event of 100 input + 10 output tokens in session `s{user}`.
pub fn event(user: i64, when: &str, tool: Tool, cost: Option<f64>) -> UsageRow {
    UsageRow {
        user_id: user,
        ts_utc_ms: at(when).timestamp_millis(),
        tool,
        model: match tool {
            Tool::ClaudeCode => "claude-sonnet-4-5".to_owned(),
            Tool::Codex => "gpt-5".to_owned(),
        },
        project: Some("shop".to_owned()),
        repository: Some("acme/shop".to_owned()),
        session_id: format!("s{user}"),
        events: 1,
        input_tokens: 100,
        output_tokens: 10,
        cache_write_tokens: 0,
        cache_read_tokens: 0,
        cost_usd: cost,
        edits: 0,
        edits_unreviewed: 0,
    }
}

/// A Claude Code event with a known cost.
pub fn claude(user: i64, when: &str, cost: f64) -> UsageRow {
    event(user, when, Tool::ClaudeCode, Some(cost))
}

/// A developer.
pub fn dev(id: i64, name: &str, teams: &[i64], plans: &[i64]) -> DeveloperRow {
    DeveloperRow {
        user_id: id,
        name: name.to_owned(),
        email: format!("{name}@acme.test"),
        teams: teams.to_vec(),
        plans: plans.to_vec(),
    }
}
