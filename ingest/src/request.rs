//! A billed request while it is being collected: the wire event plus what is needed to merge
//! copies of it (tool uses keyed by id, so a replayed line never counts twice).

use crate::edits::{Decision, EDIT_TOOLS};
use crate::wire::UsageEvent;

/// One tool use inside a request, with the line counts of its Edit/Write result and, for file
/// edits, whether it was accepted or rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolUse {
    /// Tool name, `Skill:<name>` for Skill calls.
    pub name: String,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub decision: Option<Decision>,
}

/// A request being collected. Finish it with [`Request::into_event`].
#[derive(Debug, Clone)]
pub struct Request {
    pub event: UsageEvent,
    /// Tool uses with their tool_use ids (a few per request, so a list beats a map).
    pub tool_uses: Vec<(String, ToolUse)>,
}

impl Request {
    /// Wraps an event with no tool uses.
    pub fn new(event: UsageEvent) -> Self {
        Request {
            event,
            tool_uses: Vec::new(),
        }
    }

    /// Merges another copy of the same request: the copy with the larger token total wins
    /// (the earlier one on a tie), missing context is filled in, tool uses are united by id.
    pub fn merge(&mut self, other: Request) {
        merge_parts(&mut self.event, &mut self.tool_uses, other);
    }

    /// Looks up a tool use by id.
    pub fn tool_use_mut(&mut self, id: &str) -> Option<&mut ToolUse> {
        self.tool_uses
            .iter_mut()
            .find(|(known, _)| known == id)
            .map(|(_, t)| t)
    }

    /// The wire event, with tool calls counted by name and edit line counts summed.
    pub fn into_event(self) -> UsageEvent {
        let mut event = self.event;
        finish_event(&mut event, self.tool_uses);
        event
    }
}

/// Writes tool calls by name, summed edit line counts and edit decisions into `event`.
pub fn finish_event(event: &mut UsageEvent, tool_uses: Vec<(String, ToolUse)>) {
    event.tool_calls.clear();
    event.lines_added = 0;
    event.lines_removed = 0;
    event.edit_decisions.clear();
    for (_, tool_use) in tool_uses {
        if let Some(decision) = tool_use.decision {
            if EDIT_TOOLS.contains(&tool_use.name.as_str()) {
                let counts = event
                    .edit_decisions
                    .entry(tool_use.name.clone())
                    .or_default();
                match decision {
                    Decision::Accepted => counts.accepted += 1,
                    Decision::Rejected => counts.rejected += 1,
                }
            }
        }
        *event.tool_calls.entry(tool_use.name).or_insert(0) += 1;
        event.lines_added += tool_use.lines_added;
        event.lines_removed += tool_use.lines_removed;
    }
}

/// [`Request::merge`] on a request kept as separate parts.
pub fn merge_parts(event: &mut UsageEvent, uses: &mut Vec<(String, ToolUse)>, other: Request) {
    let Request {
        event: other_event,
        tool_uses,
    } = other;
    if other_event.total_tokens() > event.total_tokens() {
        let old = std::mem::replace(event, other_event);
        fill_missing(event, old);
    } else {
        fill_missing(event, other_event);
    }
    for (id, tool_use) in tool_uses {
        match uses.iter_mut().find(|(known, _)| *known == id) {
            Some((_, slot)) => {
                slot.lines_added = slot.lines_added.max(tool_use.lines_added);
                slot.lines_removed = slot.lines_removed.max(tool_use.lines_removed);
                slot.decision = slot.decision.or(tool_use.decision);
            }
            None => uses.push((id, tool_use)),
        }
    }
}

fn fill_missing(winner: &mut UsageEvent, other: UsageEvent) {
    winner.project = winner.project.take().or(other.project);
    winner.repository = winner.repository.take().or(other.repository);
    winner.git_branch = winner.git_branch.take().or(other.git_branch);
    winner.permission_mode = winner.permission_mode.take().or(other.permission_mode);
    winner.speed = winner.speed.take().or(other.speed);
    winner.inference_geo = winner.inference_geo.take().or(other.inference_geo);
    winner.reasoning_tokens = winner.reasoning_tokens.or(other.reasoning_tokens);
}
