//! The demo organisation's shared library: a few skills and hooks with versions, their
//! reviews (one hook still pending), and the Skill calls the demo's Claude Code sessions make
//! once a team's skills are published. The server publishes these folders through its library
//! service and the calls reach it inside the uploaded transcripts, like any other tool call.

use chrono::{Days, NaiveDate};

use crate::model::{Session, ToolCall};
use crate::org::DEVELOPERS;
use crate::timeline::Calendar;
use agentmeter_ingest::wire::Tool;

/// A file of a demo item: path, text, executable.
pub type DemoFile = (&'static str, String, bool);

/// One version of a demo item.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoVersion {
    pub files: Vec<DemoFile>,
    /// Days after the adoption start it was published.
    pub published_after_days: u64,
    /// Approved by the team's manager (or the admin) a day later; false: still pending.
    pub approved: bool,
}

/// A demo item: a skill or hook of a team (None: the whole organisation).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoItem {
    pub name: &'static str,
    pub team: Option<&'static str>,
    /// GitHub login of the developer who publishes it (None: the demo admin).
    pub author: Option<&'static str>,
    pub versions: Vec<DemoVersion>,
    /// Share of the team's Claude Code sessions (after the first approval) that call the skill,
    /// in percent; 0 for hooks and unused skills.
    pub call_share_pct: u64,
}

fn skill_md(name: &str, description: &str, tags: &str, body: &str) -> String {
    format!("---\nname: {name}\ndescription: {description}\ntags: [{tags}]\n---\n{body}\n")
}

fn hook_md(name: &str, description: &str, tags: &str) -> String {
    format!("---\nname: {name}\ndescription: {description}\ntags: [{tags}]\n---\nSee hooks/hooks.json.\n")
}

fn hooks_json(event: &str, matcher: &str, script: &str) -> String {
    format!(
        "{{\n  \"hooks\": {{\n    \"{event}\": [\n      {{\"matcher\": \"{matcher}\", \"hooks\": [{{\"type\": \"command\", \"command\": \"${{CLAUDE_PLUGIN_ROOT}}/scripts/{script}\", \"timeout\": 30}}]}}\n    ]\n  }}\n}}\n"
    )
}

fn version(files: Vec<DemoFile>, published_after_days: u64, approved: bool) -> DemoVersion {
    DemoVersion {
        files,
        published_after_days,
        approved,
    }
}

/// The demo library.
pub fn demo_library() -> Vec<DemoItem> {
    let release_notes = |extra: &str| {
        vec![(
            "SKILL.md",
            skill_md(
                "release-notes",
                "Writes release notes from the git log in the Platform team's house style.",
                "docs, git",
                &format!("Group changes by service; link each PR; call out migrations.{extra}"),
            ),
            false,
        )]
    };
    vec![
        DemoItem {
            name: "release-notes",
            team: Some("Platform"),
            author: Some("priya-nair"),
            versions: vec![
                version(release_notes(""), 14, true),
                version(release_notes("\nList breaking changes first."), 45, true),
            ],
            call_share_pct: 30,
        },
        DemoItem {
            name: "terraform-plan-review",
            team: Some("Platform"),
            author: Some("tkowalski"),
            versions: vec![version(
                vec![
                    ("SKILL.md", skill_md("terraform-plan-review", "Reviews a terraform plan for destroyed resources and open security groups.", "infra, review", "Run `terraform plan`, then read reference/checklist.md."), false),
                    ("reference/checklist.md", "- No resource destroyed without a ticket\n- No 0.0.0.0/0 ingress\n".to_owned(), false),
                ],
                20,
                true,
            )],
            call_share_pct: 15,
        },
        DemoItem {
            name: "pci-checklist",
            team: Some("Payments"),
            author: None,
            versions: vec![version(
                vec![("SKILL.md", skill_md("pci-checklist", "Checks a change against the Payments PCI checklist before review.", "security, review", "Never log card numbers; tokenise before storage."), false)],
                10,
                true,
            )],
            call_share_pct: 25,
        },
        DemoItem {
            name: "store-screenshots",
            team: Some("Mobile"),
            author: None,
            versions: vec![version(
                vec![("SKILL.md", skill_md("store-screenshots", "Generates app store screenshots for every device size.", "release", "Use the simulator list in fastlane/Snapfile."), false)],
                5,
                true,
            )],
            call_share_pct: 0,
        },
        DemoItem {
            name: "format-on-edit",
            team: Some("Platform"),
            author: Some("aishabello"),
            versions: vec![version(
                vec![
                    ("HOOK.md", hook_md("format-on-edit", "Formats every file Claude Code edits with the repository's formatter.", "formatting"), false),
                    ("hooks/hooks.json", hooks_json("PostToolUse", "Edit|Write", "format.sh"), false),
                    ("scripts/format.sh", "#!/bin/sh\n# Formats the edited file with the repository's own formatter, if any.\nexec make fmt >/dev/null 2>&1 || true\n".to_owned(), true),
                ],
                21,
                true,
            )],
            call_share_pct: 0,
        },
        DemoItem {
            name: "query-audit",
            team: Some("Data"),
            author: None,
            versions: vec![version(
                vec![
                    ("HOOK.md", hook_md("query-audit", "Logs every SQL query Claude Code runs against the warehouse.", "audit, data"), false),
                    ("hooks/hooks.json", hooks_json("PreToolUse", "Bash", "audit.sh"), false),
                    ("scripts/audit.sh", "#!/bin/sh\n# Appends the command to the team's audit log.\ncat >> \"$HOME/.query-audit.log\"\n".to_owned(), true),
                ],
                80,
                false,
            )],
            call_share_pct: 0,
        },
    ]
}

/// The plugin a team's items are installed in (see the server's marketplace naming).
pub fn plugin_of(team: Option<&str>) -> String {
    team.map_or_else(|| "org".to_owned(), |t| t.to_lowercase())
}

/// Adds Skill calls to the demo's Claude Code sessions: each skill, from the day after its first
/// approval, is called in `call_share_pct` % of its team's sessions (chosen by session id, no
/// randomness drawn, so the rest of the demo is unchanged).
pub fn add_skill_calls(sessions: &mut [Session], calendar: &Calendar) {
    for item in demo_library() {
        let Some(first) = item.versions.iter().find(|v| v.approved) else {
            continue;
        };
        if item.call_share_pct == 0 {
            continue;
        }
        let from: NaiveDate = calendar.adoption_start + Days::new(first.published_after_days + 1);
        let skill = format!("{}:{}", plugin_of(item.team), item.name);
        for session in sessions.iter_mut() {
            let team = DEVELOPERS[session.developer].team;
            let chosen = stable_hash(&session.id, item.name) % 100 < item.call_share_pct;
            let Some(first_request) = session.requests.first_mut() else {
                continue;
            };
            if session.tool == Tool::ClaudeCode
                && item.team.is_none_or(|t| t == team)
                && chosen
                && first_request.at.date_naive() >= from
            {
                first_request.tools.push(ToolCall {
                    name: "Skill",
                    path: skill.clone(),
                    lines_added: 0,
                    lines_removed: 0,
                });
            }
        }
    }
}

/// FNV-1a of the session id and the item name.
fn stable_hash(session: &str, item: &str) -> u64 {
    session
        .bytes()
        .chain([0])
        .chain(item.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}
