//! Tests of AI-marker detection on the formats the assistants really write.

use super::*;
use AiAssistant::*;

#[test]
fn a_claude_code_commit_is_recognized_by_its_trailer_and_footer() {
    let message = "Fix the login race\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
    assert_eq!(detect_ai_markers(message), vec![ClaudeCode]);
}

#[test]
fn a_claude_trailer_naming_the_model_in_any_case_is_recognized() {
    assert_eq!(
        detect_ai_markers("x\n\nco-authored-by: Claude Opus 4.1 <noreply@anthropic.com>"),
        vec![ClaudeCode]
    );
    assert_eq!(
        detect_ai_markers("x\n\nCO-AUTHORED-BY:claude-sonnet <bot@anthropic.com>"),
        vec![ClaudeCode]
    );
}

#[test]
fn generated_with_claude_code_alone_is_a_marker() {
    assert_eq!(
        detect_ai_markers("Body.\n\nGenerated with Claude Code"),
        vec![ClaudeCode]
    );
}

#[test]
fn codex_trailers_footers_and_task_links_are_recognized() {
    assert_eq!(
        detect_ai_markers("x\n\nCo-authored-by: Codex <noreply@openai.com>"),
        vec![Codex]
    );
    assert_eq!(detect_ai_markers("Generated with Codex"), vec![Codex]);
    assert_eq!(
        detect_ai_markers("Summary\n\nhttps://chatgpt.com/codex/tasks/task_e_123"),
        vec![Codex]
    );
}

#[test]
fn copilot_trailers_and_the_coding_agent_are_recognized() {
    assert_eq!(
        detect_ai_markers(
            "x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"
        ),
        vec![Copilot]
    );
    assert_eq!(
        detect_ai_markers("x\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"),
        vec![Copilot]
    );
    assert_eq!(
        detect_ai_author(
            "copilot-swe-agent[bot]",
            "198982749+Copilot@users.noreply.github.com"
        ),
        vec![Copilot]
    );
}

#[test]
fn cursor_trailers_are_recognized() {
    assert_eq!(
        detect_ai_markers("x\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>"),
        vec![Cursor]
    );
    assert_eq!(
        detect_ai_markers("x\n\nCo-authored-by: Cursor <cursoragent@cursor.com>"),
        vec![Cursor]
    );
}

#[test]
fn aider_prefix_trailer_and_author_suffix_are_recognized() {
    assert_eq!(
        detect_ai_markers("aider: Added a retry to the uploader"),
        vec![Aider]
    );
    assert_eq!(
        detect_ai_markers("feat: retry\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>"),
        vec![Aider]
    );
    assert_eq!(
        detect_ai_author("Jane Doe (aider)", "jane@example.com"),
        vec![Aider]
    );
}

#[test]
fn several_assistants_in_one_message_are_all_reported_once() {
    let message = "x\n\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>";
    assert_eq!(detect_ai_markers(message), vec![ClaudeCode, Cursor]);
}

#[test]
fn human_co_authors_and_ordinary_words_are_not_markers() {
    let message = "Move the cursor handling to the editor\n\nMentions claude and copilot in prose.\n\nCo-authored-by: Jane Doe <jane@example.com>\nCo-authored-by: Clauden Smith <c@example.com>";
    assert!(detect_ai_markers(message).is_empty());
    assert!(detect_ai_author("Jane Doe", "jane@example.com").is_empty());
}
