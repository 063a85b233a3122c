//! Checks a [`UsageEvent`] before it is sent or stored: the server answers 422 naming each
//! record that fails (and stores nothing of the batch); `agentmeter upload` runs the same check
//! first and skips, naming it, each record that fails, so one bad log line never blocks the rest.

use chrono::{DateTime, Utc};

use crate::wire::UsageEvent;

/// Longest accepted text field (paths, ids, model names).
pub const MAX_FIELD_LEN: usize = 1024;
/// Most tokens one request may report (far above any model's context).
pub const MAX_TOKENS_PER_REQUEST: u64 = 100_000_000;
/// Most distinct tool names one request may count (a request calls a handful).
pub const MAX_TOOL_CALL_KINDS: usize = 256;
/// Longest accepted tool name (`Skill:<name>` included).
pub const MAX_TOOL_NAME_LEN: usize = 200;

/// An error naming `field` when `value` holds a NUL character: PostgreSQL cannot store one in
/// text, so a record carrying it would fail its whole batch there.
pub fn reject_nul(field: &str, value: &str) -> Result<(), String> {
    if value.contains('\0') {
        Err(format!("{field} contains a NUL character (\\u0000)"))
    } else {
        Ok(())
    }
}

/// Why `event` cannot be stored, or `Ok` when it can. `now` bounds timestamps from the future
/// (one day of clock skew is allowed).
pub fn validate_event(event: &UsageEvent, now: DateTime<Utc>) -> Result<(), String> {
    let text = [
        ("dedupe_key", Some(&event.dedupe_key)),
        ("session_id", Some(&event.session_id)),
        ("model", Some(&event.model)),
        ("project", event.project.as_ref()),
        ("repository", event.repository.as_ref()),
        ("git_branch", event.git_branch.as_ref()),
        ("permission_mode", event.permission_mode.as_ref()),
        ("speed", event.speed.as_ref()),
        ("inference_geo", event.inference_geo.as_ref()),
    ];
    for (name, value) in text {
        if let Some(v) = value {
            reject_nul(name, v)?;
        }
        match value {
            Some(v) if v.len() > MAX_FIELD_LEN => {
                return Err(format!("{name} is longer than {MAX_FIELD_LEN} bytes"))
            }
            Some(v)
                if v.trim().is_empty() && matches!(name, "dedupe_key" | "session_id" | "model") =>
            {
                return Err(format!("{name} is empty"))
            }
            _ => {}
        }
    }
    if event.tool_calls.len() > MAX_TOOL_CALL_KINDS {
        return Err(format!(
            "tool_calls has {} entries, more than {MAX_TOOL_CALL_KINDS}",
            event.tool_calls.len()
        ));
    }
    for name in event.tool_calls.keys() {
        reject_nul("tool_calls name", name)?;
        if name.is_empty() || name.len() > MAX_TOOL_NAME_LEN {
            return Err("tool_calls has an empty or overlong tool name".into());
        }
    }
    if event.edit_decisions.len() > MAX_TOOL_CALL_KINDS {
        return Err(format!(
            "edit_decisions has {} entries, more than {MAX_TOOL_CALL_KINDS}",
            event.edit_decisions.len()
        ));
    }
    for name in event.edit_decisions.keys() {
        reject_nul("edit_decisions name", name)?;
        if name.is_empty() || name.len() > MAX_TOOL_NAME_LEN {
            return Err("edit_decisions has an empty or overlong tool name".into());
        }
    }
    let tokens = [
        event.input_tokens,
        event.output_tokens,
        event.cache_write_5m_tokens,
        event.cache_write_1h_tokens,
        event.cache_read_tokens,
    ];
    if tokens.iter().any(|t| *t > MAX_TOKENS_PER_REQUEST) {
        return Err(format!("a token count is above {MAX_TOKENS_PER_REQUEST}"));
    }
    if event
        .reasoning_tokens
        .is_some_and(|r| r > event.output_tokens)
    {
        return Err("reasoning_tokens exceed output_tokens".into());
    }
    if event.timestamp > now + chrono::Duration::days(1) {
        return Err("timestamp is in the future".into());
    }
    if event.timestamp.timestamp() < 1_577_836_800 {
        return Err("timestamp is before 2020".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Damages one field of a record.
    type Spoil = fn(&mut UsageEvent);
    use crate::wire::Tool;

    fn event() -> UsageEvent {
        serde_json::from_value(
            serde_json::json!({"tool": "claude-code", "dedupe_key": "m:r",
            "session_id": "s", "timestamp": "2026-07-01T09:00:00Z", "model": "claude-sonnet-4-5",
            "input_tokens": 1, "output_tokens": 2}),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_plain_event_passes_and_each_defect_is_named() {
        let now = "2026-07-02T00:00:00Z".parse().unwrap_or_default();
        assert_eq!(event().tool, Tool::ClaudeCode);
        assert_eq!(validate_event(&event(), now), Ok(()));
        let mut e = event();
        e.dedupe_key = " ".into();
        assert!(validate_event(&e, now).is_err_and(|m| m.contains("dedupe_key")));
        let mut e = event();
        e.output_tokens = MAX_TOKENS_PER_REQUEST + 1;
        assert!(validate_event(&e, now).is_err());
        let mut e = event();
        e.timestamp = "2026-08-01T00:00:00Z".parse().unwrap_or_default();
        assert!(validate_event(&e, now).is_err_and(|m| m.contains("future")));
        let mut e = event();
        e.reasoning_tokens = Some(5);
        assert!(validate_event(&e, now).is_err());
    }

    #[test]
    fn a_nul_in_any_text_field_is_rejected_naming_the_field() {
        let now = "2026-07-02T00:00:00Z".parse().unwrap_or_default();
        let cases: [(&str, Spoil); 10] = [
            ("dedupe_key", |e| e.dedupe_key = "m\0:r".into()),
            ("session_id", |e| e.session_id = "\0".into()),
            ("model", |e| e.model = "claude\0".into()),
            ("project", |e| e.project = Some("/w/\0".into())),
            ("repository", |e| {
                e.repository = Some("github.com/a/\0".into())
            }),
            ("git_branch", |e| e.git_branch = Some("feat\0x".into())),
            ("permission_mode", |e| e.permission_mode = Some("\0".into())),
            ("speed", |e| e.speed = Some("fast\0".into())),
            ("inference_geo", |e| e.inference_geo = Some("us\0".into())),
            ("tool_calls name", |e| {
                e.tool_calls.insert("Bash\0".into(), 1);
            }),
        ];
        for (field, spoil) in cases {
            let mut bad = event();
            spoil(&mut bad);
            let reason = validate_event(&bad, now).err().unwrap_or_default();
            assert_eq!(
                reason,
                format!("{field} contains a NUL character (\\u0000)")
            );
        }
    }

    #[test]
    fn more_distinct_tool_calls_than_the_cap_are_rejected() {
        let now = "2026-07-02T00:00:00Z".parse().unwrap_or_default();
        let mut e = event();
        e.tool_calls = (0..MAX_TOOL_CALL_KINDS)
            .map(|i| (format!("mcp__t{i}"), 1))
            .collect();
        assert_eq!(validate_event(&e, now), Ok(()));
        e.tool_calls.insert("one-more".into(), 1);
        let reason = validate_event(&e, now).err().unwrap_or_default();
        assert!(reason.contains("tool_calls") && reason.contains("257") && reason.contains("256"));
    }
}
