//! Model-id normalization: the ids logs write are matched to price-table ids without guessing
//! across model families. `anthropic/claude-x`, `us.anthropic.claude-x-v1:0`, `claude-x@20250929`,
//! `claude-x[1m]` and `claude-x-20250929` all reach `claude-x` when the exact id is not priced.

/// Ids to try, most specific first. All lowercase.
pub fn candidates(model: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(4);
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let lower = model.trim().to_ascii_lowercase();
    push(lower.clone());
    let base = strip_decorations(&lower);
    push(base.to_string());
    if let Some(undated) = strip_date_suffix(base) {
        push(undated.to_string());
    }
    out
}

/// Removes provider prefixes (`anthropic/`, `openai/`, Bedrock `us.anthropic.`), Bedrock
/// version suffixes (`-v1:0`), Vertex `@date` suffixes and `[1m]` context tags.
fn strip_decorations(id: &str) -> &str {
    let mut s = id;
    if let Some(pos) = s.rfind('/') {
        s = &s[pos + 1..];
    }
    if let Some(pos) = s.find("anthropic.") {
        s = &s[pos + "anthropic.".len()..];
    }
    if let Some(pos) = s.find('[') {
        s = &s[..pos];
    }
    if let Some(pos) = s.find('@') {
        s = &s[..pos];
    }
    if let Some(pos) = s.rfind("-v") {
        let tail = &s[pos + 2..];
        if tail.chars().next().is_some_and(|c| c.is_ascii_digit())
            && tail.chars().all(|c| c.is_ascii_digit() || c == ':')
        {
            s = &s[..pos];
        }
    }
    s
}

/// `claude-sonnet-4-5-20250929` -> `claude-sonnet-4-5`; `gpt-4.1-2025-04-14` -> `gpt-4.1`.
fn strip_date_suffix(id: &str) -> Option<&str> {
    let bytes = id.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if bytes.len() > 9 && bytes[bytes.len() - 9] == b'-' && digits(&bytes[bytes.len() - 8..]) {
        return Some(&id[..id.len() - 9]);
    }
    if bytes.len() > 11 {
        let tail = &bytes[bytes.len() - 11..];
        if tail[0] == b'-'
            && digits(&tail[1..5])
            && tail[5] == b'-'
            && digits(&tail[6..8])
            && tail[8] == b'-'
            && digits(&tail[9..11])
        {
            return Some(&id[..id.len() - 11]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_prefixes_and_suffixes_are_removed() {
        assert!(candidates("anthropic/claude-sonnet-4-5").contains(&"claude-sonnet-4-5".into()));
        assert!(candidates("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
            .contains(&"claude-sonnet-4-5".into()));
        assert!(candidates("claude-opus-4-6@20260205").contains(&"claude-opus-4-6".into()));
        assert!(candidates("claude-opus-4-6[1m]").contains(&"claude-opus-4-6".into()));
        assert!(candidates("openai/gpt-4.1-2025-04-14").contains(&"gpt-4.1".into()));
    }

    #[test]
    fn exact_id_is_tried_first_and_families_are_not_merged() {
        let c = candidates("Claude-Sonnet-4-5-20250929");
        assert_eq!(c[0], "claude-sonnet-4-5-20250929");
        assert_eq!(
            candidates("claude-sonnet-4"),
            vec!["claude-sonnet-4".to_string()]
        );
        assert_eq!(
            candidates("gpt-5.1-codex-max"),
            vec!["gpt-5.1-codex-max".to_string()]
        );
    }
}
