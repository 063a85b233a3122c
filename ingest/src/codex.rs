//! Codex CLI rollouts (`~/.codex/sessions/**/rollout-*.jsonl`) to billed requests.
//!
//! Usage comes from `event_msg` payloads of type `token_count`, whose `total_token_usage` is a
//! running total: each request is the change in that total, so repeated snapshots add nothing.
//! The model is the one of the latest `turn_context`.

use std::borrow::Cow;

use memchr::memmem;
use serde::{Deserialize, Serialize};

use crate::claude::parse_timestamp;
use crate::line::{self, LineOutcome};
use crate::request::Request;
use crate::validate::MAX_FIELD_LEN;
use crate::wire::{Tool, UsageEvent};

/// Token counts as Codex writes them: `input_tokens` includes `cached_input_tokens`,
/// `output_tokens` includes `reasoning_output_tokens`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodexTokens {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub cached_input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub reasoning_output_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
}

impl CodexTokens {
    fn minus(&self, earlier: &CodexTokens) -> Option<CodexTokens> {
        Some(CodexTokens {
            input_tokens: self.input_tokens.checked_sub(earlier.input_tokens)?,
            cached_input_tokens: self
                .cached_input_tokens
                .checked_sub(earlier.cached_input_tokens)?,
            output_tokens: self.output_tokens.checked_sub(earlier.output_tokens)?,
            reasoning_output_tokens: self
                .reasoning_output_tokens
                .checked_sub(earlier.reasoning_output_tokens)?,
            total_tokens: self.total_tokens.saturating_sub(earlier.total_tokens),
        })
    }

    fn running_key(&self) -> u64 {
        if self.total_tokens > 0 {
            self.total_tokens
        } else {
            self.input_tokens.saturating_add(self.output_tokens)
        }
    }
}

/// What a rollout carries from line to line, saved between incremental uploads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CodexContext {
    pub session_id: Option<String>,
    pub model: Option<String>,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub last_total: Option<CodexTokens>,
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    payload: Option<Payload>,
}

#[derive(Deserialize, Default)]
struct Payload {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    git: Option<GitInfo>,
    #[serde(default)]
    info: Option<TokenInfo>,
}

impl Payload {
    /// Drops text values longer than any real one (a damaged line): the context copies each into
    /// every later request of the file, which would multiply it, and the server refuses it anyway.
    fn drop_overlong_values(&mut self) {
        let git_branch = self.git.as_mut().map(|g| &mut g.branch);
        let info_model = self.info.as_mut().map(|i| &mut i.model);
        let values = [&mut self.id, &mut self.model, &mut self.cwd]
            .into_iter()
            .chain(git_branch)
            .chain(info_model);
        for value in values {
            if value.as_ref().is_some_and(|v| v.len() > MAX_FIELD_LEN) {
                *value = None;
            }
        }
    }
}

#[derive(Deserialize, Default)]
struct GitInfo {
    #[serde(default)]
    branch: Option<String>,
}

#[derive(Deserialize, Default)]
struct TokenInfo {
    #[serde(default)]
    total_token_usage: Option<CodexTokens>,
    #[serde(default)]
    last_token_usage: Option<CodexTokens>,
    #[serde(default)]
    model: Option<String>,
}

/// Parses one rollout file line by line.
#[derive(Default)]
pub struct CodexParser {
    pub context: CodexContext,
    /// Session id from the file name, until a `session_meta` line names it.
    pub file_session: String,
    requests: Vec<Request>,
}

impl CodexParser {
    /// Feeds one line (without its newline).
    pub fn feed(&mut self, line: &[u8]) -> LineOutcome {
        let relevant = memmem::find(line, b"\"token_count\"").is_some()
            || memmem::find(line, b"\"turn_context\"").is_some()
            || memmem::find(line, b"\"session_meta\"").is_some();
        if !relevant {
            return line::validate(line);
        }
        let Ok(parsed) = serde_json::from_slice::<Line>(line) else {
            return LineOutcome::Malformed;
        };
        let mut payload = parsed.payload.unwrap_or_default();
        payload.drop_overlong_values();
        let ctx = &mut self.context;
        match (parsed.kind.as_deref(), payload.kind.as_deref()) {
            (Some("session_meta"), _) => {
                ctx.session_id = payload.id.or(ctx.session_id.take());
                ctx.cwd = payload.cwd.or(ctx.cwd.take());
                ctx.git_branch = payload.git.and_then(|g| g.branch).or(ctx.git_branch.take());
                LineOutcome::Ignored
            }
            (Some("turn_context"), _) => {
                ctx.model = payload.model.or(ctx.model.take());
                ctx.cwd = payload.cwd.or(ctx.cwd.take());
                LineOutcome::Ignored
            }
            (Some("event_msg"), Some("token_count")) => {
                let Some(info) = payload.info else {
                    return LineOutcome::Ignored;
                };
                let Some(timestamp) = parsed.timestamp.as_deref().and_then(parse_timestamp) else {
                    return LineOutcome::Malformed;
                };
                self.record(info, timestamp)
            }
            _ => LineOutcome::Ignored,
        }
    }

    /// The requests of this file and the context to resume from.
    pub fn finish(self) -> (Vec<Request>, CodexContext) {
        (self.requests, self.context)
    }

    fn record(&mut self, info: TokenInfo, timestamp: chrono::DateTime<chrono::Utc>) -> LineOutcome {
        let ctx = &mut self.context;
        let session = ctx
            .session_id
            .clone()
            .unwrap_or_else(|| self.file_session.clone());
        let (delta, key) = match (info.total_token_usage, ctx.last_total) {
            (Some(total), Some(last)) if total == last => return LineOutcome::Ignored,
            (Some(total), last) => {
                let delta = last
                    .and_then(|l| total.minus(&l))
                    .or(if last.is_none() {
                        Some(total)
                    } else {
                        info.last_token_usage
                    })
                    .unwrap_or(total);
                ctx.last_total = Some(total);
                (delta, format!("{session}:{}", total.running_key()))
            }
            (None, _) => match info.last_token_usage {
                Some(last) => (
                    last,
                    format!("{session}:last:{}", timestamp.timestamp_millis()),
                ),
                None => return LineOutcome::Ignored,
            },
        };
        if delta.input_tokens == 0 && delta.output_tokens == 0 {
            return LineOutcome::Ignored;
        }
        let model = ctx
            .model
            .clone()
            .or(info.model)
            .unwrap_or_else(|| "unknown".into());
        let cached = delta.cached_input_tokens.min(delta.input_tokens);
        let event = UsageEvent {
            tool: Tool::Codex,
            dedupe_key: key,
            session_id: session,
            project: ctx.cwd.clone(),
            repository: None,
            git_branch: ctx.git_branch.clone(),
            timestamp,
            model,
            input_tokens: delta.input_tokens - cached,
            output_tokens: delta.output_tokens,
            cache_write_5m_tokens: 0,
            cache_write_1h_tokens: 0,
            cache_read_tokens: cached,
            reasoning_tokens: Some(delta.reasoning_output_tokens),
            speed: None,
            inference_geo: None,
            tool_calls: Default::default(),
            lines_added: 0,
            lines_removed: 0,
            permission_mode: None,
            is_subagent: false,
            edit_decisions: Default::default(),
        };
        self.requests.push(Request::new(event));
        LineOutcome::Used
    }
}

/// Session id from a rollout file name: the UUID at the end of `rollout-<time>-<uuid>`.
pub fn session_from_file_name(stem: &str) -> String {
    let uuid_len = 36;
    if stem.starts_with("rollout-") && stem.len() > uuid_len + 8 {
        let tail = &stem[stem.len() - uuid_len..];
        if tail.chars().filter(|c| *c == '-').count() == 4 {
            return tail.to_string();
        }
    }
    stem.to_string()
}

#[cfg(test)]
#[path = "codex_tests.rs"]
mod tests;
