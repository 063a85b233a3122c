//! Line counts from Edit/Write/MultiEdit results (`toolUseResult.structuredPatch`, or the
//! `content` of a created file), and whether an edit was accepted or rejected. Only counts leave
//! this module, never the text.

use memchr::memmem;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Tool calls that change files: the ones Claude Code asks permission for as edits.
pub const EDIT_TOOLS: [&str; 4] = ["Edit", "MultiEdit", "Write", "NotebookEdit"];

/// What became of a file edit the model asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Applied: by the user, or unasked in a permission mode that accepts edits.
    Accepted,
    /// Refused by the user, by a permission rule, or for want of a permission in a
    /// non-interactive run.
    Rejected,
}

/// How Claude Code words the error result of a refused tool use (checked on 2.1.328).
const REFUSALS: [&str; 3] = [
    "The user doesn't want to proceed with this tool use",
    "Claude requested permissions to ",
    "Permission to use ",
];

/// True when an error result (the raw `content` of a `tool_result` block) says the tool use was
/// refused rather than that it failed.
pub fn is_refusal(content: &RawValue) -> bool {
    let text = content.get().as_bytes();
    REFUSALS
        .iter()
        .any(|refusal| memmem::find(text, refusal.as_bytes()).is_some())
}

/// The parts of a `toolUseResult` object that carry line counts.
#[derive(Deserialize)]
pub struct ToolResult<'a> {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(rename = "structuredPatch", borrow, default)]
    pub structured_patch: Option<Vec<Hunk<'a>>>,
    #[serde(borrow, default)]
    pub content: Option<&'a RawValue>,
}

/// One hunk of a structured patch; its lines are kept raw and only their first byte is read.
#[derive(Deserialize)]
pub struct Hunk<'a> {
    #[serde(borrow, default)]
    pub lines: Vec<&'a RawValue>,
}

/// (added, removed) lines of a structured patch.
pub fn count_patch(hunks: &[Hunk]) -> (u64, u64) {
    let mut added = 0;
    let mut removed = 0;
    for line in hunks.iter().flat_map(|h| h.lines.iter()) {
        match line.get().as_bytes().get(..2) {
            Some(b"\"+") => added += 1,
            Some(b"\"-") => removed += 1,
            _ => {}
        }
    }
    (added, removed)
}

/// Number of lines of a JSON string value, counted on its raw (escaped) form.
pub fn count_text_lines(raw: &RawValue) -> u64 {
    let bytes = raw.get().as_bytes();
    if bytes.len() < 2 || bytes[0] != b'"' {
        return 0;
    }
    let body = &bytes[1..bytes.len() - 1];
    if body.is_empty() {
        return 0;
    }
    let mut newlines = 0;
    let mut i = 0;
    let mut ends_with_newline = false;
    while i < body.len() {
        if body[i] == b'\\' {
            ends_with_newline = body.get(i + 1) == Some(&b'n');
            newlines += u64::from(ends_with_newline);
            i += 2;
        } else {
            ends_with_newline = false;
            i += 1;
        }
    }
    newlines + u64::from(!ends_with_newline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_lines_are_counted_by_their_sign() {
        let json = r#"{"structuredPatch":[{"oldStart":1,"oldLines":2,"newStart":1,"newLines":3,
            "lines":[" keep","-old","+new","+more"]},{"lines":["-gone"]}]}"#;
        let result: ToolResult = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            count_patch(result.structured_patch.as_deref().unwrap_or(&[])),
            (2, 2)
        );
    }

    #[test]
    fn refusals_are_told_from_failures() {
        let raw = |s: &str| RawValue::from_string(s.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert!(is_refusal(&raw(
            r#""Claude requested permissions to write to /r/a.py, but you haven't granted it yet.""#
        )));
        assert!(is_refusal(&raw(
            r#"[{"type":"text","text":"The user doesn't want to proceed with this tool use. The tool use was rejected"}]"#
        )));
        assert!(!is_refusal(&raw(
            r#""<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>""#
        )));
    }

    #[test]
    fn created_file_lines_are_counted_on_escaped_text() {
        let raw = |s: &str| RawValue::from_string(s.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count_text_lines(&raw(r#""a\nb\nc""#)), 3);
        assert_eq!(count_text_lines(&raw(r#""a\nb\n""#)), 2);
        assert_eq!(count_text_lines(&raw(r#""back\\nslash""#)), 1);
        assert_eq!(count_text_lines(&raw(r#""""#)), 0);
    }
}
