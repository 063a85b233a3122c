//! Claude Code transcripts in the real on-disk format: one JSONL file per session under
//! `projects/<encoded cwd>/`, one line per content block repeating `message.id`, `requestId` and
//! `usage` (only the last block carries the full output count), user lines with `permissionMode`,
//! `toolUseResult` line counts for Edit and Write, and subagent files under
//! `<session>/subagents/agent-<id>.jsonl`. Text is neutral placeholder text. Lines are formatted
//! directly (not through `serde_json::Value`): the demo writes some 150 000 of them.

use std::fmt::Write;

use crate::model::{Request, Session, ToolCall};
use crate::org::{checkout_dir, DEVELOPERS};
use crate::rng::SplitMix64;

/// Claude Code version written on every line.
pub const VERSION: &str = "2.1.39";

/// Directory name Claude Code gives a project: the cwd with `/` and `.` replaced by `-`.
pub fn project_dir_name(cwd: &str) -> String {
    cwd.replace(['/', '.'], "-")
}

/// A JSON string literal.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

struct Writer<'a> {
    session: &'a Session,
    /// `"cwd":…,"sessionId":…,"version":…,"gitBranch":…` (and `agentId` for subagents).
    context: String,
    rng: SplitMix64,
    parent: Option<String>,
    sidechain: bool,
    lines: Vec<String>,
}

impl Writer<'_> {
    /// Starts a line: the common fields, up to and including `"type"`; the caller closes it.
    fn open(&mut self, kind: &str, at: &str) -> String {
        let uuid = self.rng.uuid();
        let parent = self.parent.as_deref().map_or_else(|| "null".to_string(), q);
        let line = format!(
            r#"{{"parentUuid":{parent},"isSidechain":{},"userType":"external",{},"type":"{kind}","uuid":"{uuid}","timestamp":"{at}""#,
            self.sidechain, self.context
        );
        self.parent = Some(uuid);
        line
    }

    fn prompt(&mut self, at: &str, text: &str) {
        let mut line = self.open("user", at);
        let _ = write!(
            line,
            r#","message":{{"role":"user","content":{}}}"#,
            q(text)
        );
        if !self.sidechain {
            let _ = write!(
                line,
                r#","permissionMode":"{}""#,
                self.session.permission_mode
            );
        }
        line.push('}');
        self.lines.push(line);
    }

    fn request(&mut self, request: &Request) {
        let at = timestamp(request.at);
        let (id, req) = (
            self.rng.anthropic_id("msg_01"),
            self.rng.anthropic_id("req_011C"),
        );
        let tool_ids: Vec<String> = request
            .tools
            .iter()
            .map(|_| self.rng.anthropic_id("toolu_01"))
            .collect();
        let mut blocks = vec![r#"{"type":"text","text":"Working on it."}"#.to_string()];
        for (call, tool_id) in request.tools.iter().zip(&tool_ids) {
            blocks.push(format!(r#"{{"type":"tool_use","id":"{tool_id}","name":"{}","input":{},"caller":{{"type":"direct"}}}}"#, call.name, tool_input(call)));
        }
        let last = blocks.len() - 1;
        for (k, block) in blocks.into_iter().enumerate() {
            let output = if k == last {
                request.output
            } else {
                request.output.min(1 + k as u64 * 7)
            };
            let mut line = self.open("assistant", &at);
            let _ = write!(
                line,
                r#","message":{{"model":"{}","id":"{id}","type":"message","role":"assistant","content":[{block}],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":{},"cache_creation_input_tokens":{},"cache_read_input_tokens":{},"cache_creation":{{"ephemeral_5m_input_tokens":{},"ephemeral_1h_input_tokens":{}}},"output_tokens":{output},"service_tier":"standard","inference_geo":"not_available"}}}},"requestId":"{req}"}}"#,
                request.model,
                request.input,
                request.cache_write_5m + request.cache_write_1h,
                request.cache_read,
                request.cache_write_5m,
                request.cache_write_1h,
            );
            self.lines.push(line);
        }
        let result_at = timestamp(request.at + chrono::Duration::seconds(2));
        for (call, tool_id) in request.tools.iter().zip(&tool_ids) {
            let mut line = self.open("user", &result_at);
            let _ = write!(
                line,
                r#","message":{{"role":"user","content":[{{"tool_use_id":"{tool_id}","type":"tool_result","content":"Done."}}]}},"toolUseResult":{}}}"#,
                tool_result(call)
            );
            self.lines.push(line);
        }
    }
}

/// RFC 3339 with milliseconds and `Z`, as Claude Code writes timestamps.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn tool_input(call: &ToolCall) -> String {
    let path = q(&call.path);
    match call.name {
        "Bash" => r#"{"command":"make test","description":"Run the tests"}"#.to_string(),
        "Grep" => format!(r#"{{"pattern":"TODO","path":{path}}}"#),
        "Edit" => format!(
            r#"{{"file_path":{path},"old_string":"placeholder","new_string":"placeholder"}}"#
        ),
        "Write" => format!(r#"{{"file_path":{path},"content":"placeholder"}}"#),
        // A Skill call's `path` is the skill's name, as Claude Code names a plugin's skill.
        "Skill" => format!(r#"{{"skill":{path}}}"#),
        _ => format!(r#"{{"file_path":{path}}}"#),
    }
}

fn tool_result(call: &ToolCall) -> String {
    let path = q(&call.path);
    match call.name {
        "Edit" => {
            let mut lines = vec![r#"" context""#.to_string()];
            lines.extend((0..call.lines_removed).map(|i| format!(r#""-old line {i}""#)));
            lines.extend((0..call.lines_added).map(|i| format!(r#""+new line {i}""#)));
            format!(
                r#"{{"filePath":{path},"oldString":"placeholder","newString":"placeholder","originalFile":null,"structuredPatch":[{{"oldStart":10,"oldLines":{},"newStart":10,"newLines":{},"lines":[{}]}}],"userModified":false,"replaceAll":false}}"#,
                call.lines_removed + 1,
                call.lines_added + 1,
                lines.join(",")
            )
        }
        "Write" => {
            let content: String = (0..call.lines_added)
                .map(|i| format!("line {i}\\n"))
                .collect();
            format!(
                r#"{{"type":"create","filePath":{path},"content":"{content}","structuredPatch":[]}}"#
            )
        }
        "Bash" => r#"{"stdout":"ok","stderr":"","interrupted":false,"isImage":false}"#.to_string(),
        _ => format!(
            r#"{{"type":"text","file":{{"filePath":{path},"numLines":40,"startLine":1,"totalLines":40}}}}"#
        ),
    }
}

/// The session file's lines and, if the session used a subagent, the subagent id and its lines.
pub fn session_lines(session: &Session) -> (Vec<String>, Option<(String, Vec<String>)>) {
    let developer = &DEVELOPERS[session.developer];
    let cwd = checkout_dir(developer.login, session.repository);
    let context = format!(
        r#""cwd":{},"sessionId":"{}","version":"{VERSION}","gitBranch":{}"#,
        q(&cwd),
        session.id,
        q(&session.branch)
    );
    let mut main = Writer {
        session,
        context: context.clone(),
        rng: SplitMix64::derive(0x5eed, &session.id),
        parent: None,
        sidechain: false,
        lines: Vec::new(),
    };
    let agent_id = main.rng.hex(7);
    let sub_context = format!(r#"{context},"agentId":"{agent_id}""#);
    let mut sub = Writer {
        session,
        context: sub_context,
        rng: SplitMix64::derive(0xa9e7, &session.id),
        parent: None,
        sidechain: true,
        lines: Vec::new(),
    };
    for (k, request) in session.requests.iter().enumerate() {
        if request.subagent {
            if sub.lines.is_empty() {
                sub.prompt(&timestamp(request.at), "Placeholder subagent task.");
            }
            sub.request(request);
            continue;
        }
        if k % 8 == 0 {
            main.prompt(
                &timestamp(request.at - chrono::Duration::seconds(5)),
                "Placeholder request from the developer.",
            );
        }
        main.request(request);
    }
    let subagent = (!sub.lines.is_empty()).then_some((agent_id, sub.lines));
    (main.lines, subagent)
}
