//! AI-assistance markers in commit messages and pull-request bodies.
//!
//! The one definition used by the git collector and by the server's webhook classification. A
//! marker is one of:
//! - a `Co-authored-by:` trailer (any case) whose name or address is an assistant's:
//!   `Claude … <noreply@anthropic.com>`, `Codex <noreply@openai.com>`, `Copilot` or
//!   `copilot-swe-agent[bot]` (`…Copilot@users.noreply.github.com`), `Cursor`/`Cursor Agent`
//!   (`cursoragent@cursor.com`), `aider (model) <noreply@aider.chat>`;
//! - a "Generated with …" line: "Generated with Claude Code" (also the Markdown form
//!   "🤖 Generated with [Claude Code](…)"), "Generated with Codex", "Generated with Cursor",
//!   "Generated with Aider", "Generated with GitHub Copilot";
//! - aider's message prefix `aider: ` (its default before co-author trailers);
//! - a Codex cloud task link (`chatgpt.com/codex/tasks/`) in a PR body.

use crate::wire_git::AiAssistant;

/// Assistants whose markers appear in a commit message or PR body, sorted and without repeats.
pub fn detect_ai_markers(text: &str) -> Vec<AiAssistant> {
    let mut found = Vec::new();
    let lowered = text.to_lowercase();
    if lowered.trim_start().starts_with("aider:") {
        found.push(AiAssistant::Aider);
    }
    for line in lowered.lines() {
        let line = line.trim();
        if let Some(who) = strip_trailer(line) {
            found.extend(coauthor_assistant(who));
        }
        found.extend(generated_with(line));
    }
    if lowered.contains("chatgpt.com/codex/tasks/") {
        found.push(AiAssistant::Codex);
    }
    found.sort();
    found.dedup();
    found
}

/// Assistants marked by a commit's author itself: aider appends ` (aider)` to the author name
/// when it commits, and the Copilot coding agent commits as `copilot-swe-agent[bot]`.
pub fn detect_ai_author(author_name: &str, author_email: &str) -> Vec<AiAssistant> {
    let name = author_name.trim().to_lowercase();
    let email = author_email.trim().to_lowercase();
    let mut found = Vec::new();
    if name.ends_with("(aider)") {
        found.push(AiAssistant::Aider);
    }
    if name.starts_with("copilot") || email.ends_with("+copilot@users.noreply.github.com") {
        found.push(AiAssistant::Copilot);
    }
    found
}

/// The `name <address>` part of a lower-cased `co-authored-by:` trailer line.
fn strip_trailer(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("co-authored-by")?;
    let rest = rest.trim_start().strip_prefix(':')?;
    Some(rest.trim())
}

/// The assistant named by a lower-cased co-author `name <address>`.
fn coauthor_assistant(who: &str) -> Option<AiAssistant> {
    let (name, address) = match who.split_once('<') {
        Some((name, rest)) => (name.trim(), rest.trim_end_matches('>').trim()),
        None => (who, ""),
    };
    let first_word = name
        .split(|c: char| c.is_whitespace() || c == '(' || c == '[')
        .next()
        .unwrap_or_default();
    if first_word == "claude" || address.ends_with("@anthropic.com") {
        Some(AiAssistant::ClaudeCode)
    } else if first_word == "codex" || address == "noreply@openai.com" {
        Some(AiAssistant::Codex)
    } else if first_word == "copilot"
        || first_word.starts_with("copilot-swe-agent")
        || (name == "github copilot")
        || address.ends_with("+copilot@users.noreply.github.com")
        || address == "copilot@github.com"
    {
        Some(AiAssistant::Copilot)
    } else if first_word == "cursor"
        || first_word == "cursoragent"
        || address.ends_with("@cursor.com")
    {
        Some(AiAssistant::Cursor)
    } else if first_word == "aider" || address.ends_with("@aider.chat") {
        Some(AiAssistant::Aider)
    } else {
        None
    }
}

/// The assistant named by a lower-cased "generated with …" line, Markdown brackets ignored.
fn generated_with(line: &str) -> Option<AiAssistant> {
    let at = line.find("generated with ")?;
    let rest: String = line[at + "generated with ".len()..]
        .chars()
        .filter(|c| *c != '[' && *c != '*' && *c != '_')
        .collect();
    let rest = rest.trim_start();
    if rest.starts_with("claude code") {
        Some(AiAssistant::ClaudeCode)
    } else if rest.starts_with("codex") || rest.starts_with("openai codex") {
        Some(AiAssistant::Codex)
    } else if rest.starts_with("github copilot") || rest.starts_with("copilot") {
        Some(AiAssistant::Copilot)
    } else if rest.starts_with("cursor") {
        Some(AiAssistant::Cursor)
    } else if rest.starts_with("aider") {
        Some(AiAssistant::Aider)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
