//! Claude Code transcript lines (`~/.claude/projects/**/*.jsonl`) to billed requests.
//!
//! Only lines carrying `message.usage` become requests; user lines are read for the permission
//! mode and for Edit/Write results (line counts only). Prompt text, code, file contents,
//! commands and tool inputs are never kept: the one input field read is a Skill's name.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use memchr::memmem;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::edits::{count_patch, count_text_lines, is_refusal, Decision, ToolResult};
use crate::line::{self, LineOutcome};
use crate::request::{Request, ToolUse};
use crate::wire::{Tool, UsageEvent};

/// What a Claude file carries from one line to the next, saved between incremental uploads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClaudeContext {
    /// The permission mode last set by a user line, per session.
    #[serde(default)]
    pub permission_mode: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow, default)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cwd: Option<Cow<'a, str>>,
    #[serde(rename = "gitBranch", borrow, default)]
    git_branch: Option<Cow<'a, str>>,
    #[serde(rename = "requestId", borrow, default)]
    request_id: Option<Cow<'a, str>>,
    #[serde(rename = "isApiErrorMessage", default)]
    is_api_error: Option<bool>,
    #[serde(rename = "isSidechain", default)]
    is_sidechain: Option<bool>,
    #[serde(rename = "permissionMode", borrow, default)]
    permission_mode: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    message: Option<Message<'a>>,
    #[serde(rename = "toolUseResult", borrow, default)]
    tool_use_result: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Usage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
    #[serde(default)]
    speed: Option<String>,
    #[serde(default)]
    inference_geo: Option<String>,
}

#[derive(Deserialize, Default)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_5m_input_tokens: Option<u64>,
    #[serde(default)]
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tool_use_id: Option<Cow<'a, str>>,
    #[serde(default)]
    is_error: Option<bool>,
    /// A tool result's content, read only to tell a refused edit from a failed one.
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct SkillInput {
    #[serde(default)]
    skill: Option<String>,
    #[serde(default)]
    command: Option<String>,
}

/// Parses one Claude Code file, line by line, into requests merged within the file.
#[derive(Default)]
pub struct ClaudeParser {
    pub context: ClaudeContext,
    /// True for files under `<session>/subagents/`.
    pub subagent_file: bool,
    /// Session id from the file name, for lines that lack `sessionId`.
    pub file_session: String,
    /// Tokens only: no tool calls, line counts or permission modes (the local report).
    pub skip_details: bool,
    requests: Vec<Request>,
    by_key: HashMap<String, usize>,
    by_tool_use: HashMap<String, usize>,
}

impl ClaudeParser {
    /// Feeds one line (without its newline).
    pub fn feed(&mut self, line: &[u8]) -> LineOutcome {
        let usage = memmem::find(line, b"\"usage\"").is_some();
        let user_info = !usage
            && !self.skip_details
            && (memmem::find(line, b"\"permissionMode\"").is_some()
                || memmem::find(line, b"\"toolUseResult\"").is_some());
        if !usage && !user_info {
            return line::validate(line);
        }
        let Ok(parsed) = serde_json::from_slice::<Line>(line) else {
            return LineOutcome::Malformed;
        };
        let session = parsed
            .session_id
            .as_deref()
            .unwrap_or(&self.file_session)
            .to_string();
        if let Some(mode) = parsed.permission_mode.as_deref() {
            self.context
                .permission_mode
                .insert(session.clone(), mode.to_string());
        }
        if let Some(result) = parsed.tool_use_result {
            self.record_tool_result(&parsed, result);
        }
        match parsed
            .message
            .as_ref()
            .and_then(|m| m.usage.as_ref().map(|u| (m, u)))
        {
            Some((message, usage)) => self.record_usage(&parsed, message, usage, session),
            None => LineOutcome::Ignored,
        }
    }

    /// The requests of this file, in first-seen order.
    pub fn finish(self) -> (Vec<Request>, ClaudeContext) {
        (self.requests, self.context)
    }

    fn record_usage(
        &mut self,
        line: &Line,
        message: &Message,
        usage: &Usage,
        session: String,
    ) -> LineOutcome {
        let model = message.model.as_deref().unwrap_or("");
        if model == "<synthetic>" || line.is_api_error == Some(true) {
            return LineOutcome::Ignored;
        }
        let Some(timestamp) = line.timestamp.as_deref().and_then(parse_timestamp) else {
            return LineOutcome::Malformed;
        };
        let creation = usage.cache_creation_input_tokens.unwrap_or(0);
        let (w5, w1) = match &usage.cache_creation {
            Some(c) => {
                let w5 = c.ephemeral_5m_input_tokens.unwrap_or(0);
                let w1 = c.ephemeral_1h_input_tokens.unwrap_or(0);
                // A breakdown that accounts for less than the total leaves the rest at 5m.
                let rest = creation.saturating_sub(w5.saturating_add(w1));
                (w5.saturating_add(rest), w1)
            }
            None => (creation, 0),
        };
        let dedupe_key = match (message.id.as_deref(), line.request_id.as_deref()) {
            (Some(id), Some(req)) => format!("{id}:{req}"),
            (Some(id), None) => format!("{id}:"),
            (None, req) => format!(
                "{session}:{}:{}",
                req.unwrap_or(""),
                timestamp.timestamp_millis()
            ),
        };
        let event = UsageEvent {
            tool: Tool::ClaudeCode,
            dedupe_key,
            permission_mode: self.context.permission_mode.get(&session).cloned(),
            session_id: session,
            project: line.cwd.as_deref().map(str::to_string),
            repository: None,
            git_branch: line
                .git_branch
                .as_deref()
                .filter(|b| !b.is_empty())
                .map(str::to_string),
            timestamp,
            model: if model.is_empty() {
                "unknown".into()
            } else {
                model.to_string()
            },
            input_tokens: usage.input_tokens.unwrap_or(0),
            output_tokens: usage.output_tokens.unwrap_or(0),
            cache_write_5m_tokens: w5,
            cache_write_1h_tokens: w1,
            cache_read_tokens: usage.cache_read_input_tokens.unwrap_or(0),
            reasoning_tokens: None,
            speed: usage.speed.clone(),
            inference_geo: usage.inference_geo.clone().filter(|g| g != "not_available"),
            tool_calls: Default::default(),
            lines_added: 0,
            lines_removed: 0,
            is_subagent: self.subagent_file || line.is_sidechain == Some(true),
            edit_decisions: Default::default(),
        };
        let mut request = Request::new(event);
        let content = if self.skip_details {
            None
        } else {
            message.content
        };
        for block in content.map(blocks).unwrap_or_default() {
            if block.kind.as_deref() != Some("tool_use") {
                continue;
            }
            let (Some(id), Some(name)) = (block.id, block.name) else {
                continue;
            };
            let name = match (name.as_ref(), block.input.and_then(skill_name)) {
                ("Skill", Some(skill)) => format!("Skill:{skill}"),
                _ => name.into_owned(),
            };
            request.tool_uses.push((
                id.into_owned(),
                ToolUse {
                    name,
                    ..ToolUse::default()
                },
            ));
        }
        let index = match self.by_key.get(&request.event.dedupe_key) {
            Some(&i) => {
                self.requests[i].merge(request);
                i
            }
            None => {
                self.by_key
                    .insert(request.event.dedupe_key.clone(), self.requests.len());
                self.requests.push(request);
                self.requests.len() - 1
            }
        };
        for (id, _) in &self.requests[index].tool_uses {
            self.by_tool_use.insert(id.clone(), index);
        }
        LineOutcome::Used
    }

    fn record_tool_result(&mut self, line: &Line, raw: &RawValue) {
        let Some(content) = line.message.as_ref().and_then(|m| m.content) else {
            return;
        };
        let Some(block) = blocks(content)
            .into_iter()
            .find(|b| b.tool_use_id.is_some())
        else {
            return;
        };
        let Some(tool_use_id) = block.tool_use_id.as_deref() else {
            return;
        };
        let Some(&index) = self.by_tool_use.get(tool_use_id) else {
            return;
        };
        let Some(tool_use) = self.requests[index].tool_use_mut(tool_use_id) else {
            return;
        };
        if block.is_error == Some(true) {
            if block.content.is_some_and(is_refusal) {
                tool_use.decision = Some(Decision::Rejected);
            }
            return;
        }
        let Ok(result) = serde_json::from_str::<ToolResult>(raw.get()) else {
            return;
        };
        let (added, removed) = match (&result.structured_patch, result.kind.as_deref()) {
            (Some(hunks), _) if !hunks.is_empty() => count_patch(hunks),
            (_, Some("create")) => (result.content.map(count_text_lines).unwrap_or(0), 0),
            _ => return,
        };
        tool_use.lines_added = added;
        tool_use.lines_removed = removed;
        tool_use.decision = Some(Decision::Accepted);
    }
}

fn blocks(content: &RawValue) -> Vec<Block<'_>> {
    serde_json::from_str(content.get()).unwrap_or_default()
}

fn skill_name(input: &RawValue) -> Option<String> {
    let parsed: SkillInput = serde_json::from_str(input.get()).ok()?;
    let name = parsed.skill.or(parsed.command)?;
    let name = name.trim().trim_start_matches('/');
    let plausible = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
    plausible.then(|| name.to_string())
}

/// Parses an RFC 3339 timestamp to UTC.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
#[path = "claude_tests.rs"]
mod tests;
