//! The approved library as a plugin marketplace both assistants install from a local folder:
//! `.claude-plugin/marketplace.json` lists one plugin per team (`org` for organisation-wide
//! items), each with `.claude-plugin/plugin.json`, its skills under `skills/NAME/` and its hooks'
//! files under `hook-items/NAME/`, their commands merged into the plugin's `hooks/hooks.json`.
//!
//! Namespacing: Claude Code offers a plugin's skills as `PLUGIN:SKILL`, so two teams' skills of
//! the same name stay apart; a hook's `${CLAUDE_PLUGIN_ROOT}` is rewritten to its own folder, so
//! two hooks' scripts of the same path do not collide either.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use agentmeter_ingest::wire_library::{
    Marketplace, MarketplaceFile, MarketplaceItem, MarketplacePlugin,
};

use super::validate::{HOOKS_FILE, PLUGIN_ROOT};
use crate::store::library::FileRecord;
use crate::store::library_usage::SyncedVersion;

/// The marketplace name: plugins install as `PLUGIN@agentmeter`.
pub const MARKETPLACE: &str = "agentmeter";
/// The plugin of organisation-wide items.
pub const ORG_PLUGIN: &str = "org";

/// The plugin name of every team (and of the organisation, key `None`): the team's name in
/// lowercase with hyphens, its id appended when two teams would share one.
pub fn plugin_names(teams: &[(i64, String)]) -> HashMap<Option<i64>, String> {
    let mut slugs: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (id, name) in teams {
        slugs.entry(slug(name)).or_default().push(*id);
    }
    let mut names = HashMap::from([(None, ORG_PLUGIN.to_owned())]);
    for (slug, ids) in slugs {
        let shared = ids.len() > 1 || slug == ORG_PLUGIN;
        for id in ids {
            let name = if shared {
                format!("{slug}-{id}")
            } else {
                slug.clone()
            };
            names.insert(Some(id), name);
        }
    }
    names
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "team".to_owned()
    } else {
        out
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn generated(path: String, value: &Value) -> MarketplaceFile {
    let content = format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
    MarketplaceFile {
        sha256: sha256_hex(&content),
        path,
        executable: false,
        content,
    }
}

/// The marketplace of these versions (each with its files), plugins named by `plugin_names`.
pub fn build(
    versions: &[(SyncedVersion, Vec<FileRecord>)],
    plugin_names: &HashMap<Option<i64>, String>,
) -> Marketplace {
    let mut by_plugin: BTreeMap<String, Vec<&(SyncedVersion, Vec<FileRecord>)>> = BTreeMap::new();
    for entry in versions {
        let plugin = plugin_names
            .get(&entry.0.team_id)
            .cloned()
            .unwrap_or_else(|| format!("team-{}", entry.0.team_id.unwrap_or(0)));
        by_plugin.entry(plugin).or_default().push(entry);
    }
    let mut files = Vec::new();
    let mut plugins = Vec::new();
    let mut listed = Vec::new();
    for (plugin, entries) in by_plugin {
        let root = format!("plugins/{plugin}");
        let mut plugin_files = Vec::new();
        let mut hooks: Map<String, Value> = Map::new();
        for (version, item_files) in &entries {
            let folder = match version.kind.as_str() {
                "hook" => format!("hook-items/{}", version.name),
                _ => format!("skills/{}", version.name),
            };
            for file in item_files {
                plugin_files.push(MarketplaceFile {
                    path: format!("{root}/{folder}/{}", file.path),
                    sha256: file.sha256.clone(),
                    executable: file.executable,
                    content: file.content.clone(),
                });
                if version.kind == "hook" && file.path == HOOKS_FILE {
                    merge_hooks(&mut hooks, &file.content, &folder);
                }
            }
        }
        if !hooks.is_empty() {
            plugin_files.push(generated(
                format!("{root}/{HOOKS_FILE}"),
                &json!({"hooks": hooks}),
            ));
        }
        let team = entries.first().and_then(|(v, _)| v.team.clone());
        let description = match &team {
            Some(team) => format!("Skills and hooks of the {team} team, from agentmeter"),
            None => "Organisation-wide skills and hooks, from agentmeter".to_owned(),
        };
        let version = plugin_version(&plugin_files);
        plugin_files.push(generated(
            format!("{root}/.claude-plugin/plugin.json"),
            &json!({"name": plugin, "version": version, "description": description}),
        ));
        listed.push(json!({
            "name": plugin, "source": format!("./{root}"), "version": version,
            "description": description,
        }));
        plugins.push(MarketplacePlugin {
            name: plugin.clone(),
            version,
            items: entries
                .iter()
                .map(|(v, _)| MarketplaceItem {
                    name: v.name.clone(),
                    kind: v.kind.clone(),
                    version: v.version,
                    version_id: v.version_id,
                })
                .collect(),
        });
        files.extend(plugin_files);
    }
    files.push(generated(
        ".claude-plugin/marketplace.json".to_owned(),
        &json!({
            "name": MARKETPLACE,
            "owner": {"name": "agentmeter"},
            "metadata": {"description": "Your organisation's approved skills and hooks, synced by `agentmeter library sync`."},
            "plugins": listed,
        }),
    ));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Marketplace {
        name: MARKETPLACE.to_owned(),
        plugins,
        files,
    }
}

/// Changes whenever any file of the plugin does: Codex caches an installed plugin by version.
fn plugin_version(files: &[MarketplaceFile]) -> String {
    let mut sorted: Vec<&MarketplaceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for file in sorted {
        hasher.update(file.path.as_bytes());
        hasher.update([0]);
        hasher.update(file.sha256.as_bytes());
        hasher.update([u8::from(file.executable)]);
    }
    let digest = hex::encode(hasher.finalize());
    format!("1.0.0-h{}", &digest[..12])
}

/// Adds a hook item's groups to the plugin's, its `${CLAUDE_PLUGIN_ROOT}` pointing at `folder`.
fn merge_hooks(into: &mut Map<String, Value>, hooks_json: &str, folder: &str) {
    let Ok(Value::Object(mut root)) = serde_json::from_str::<Value>(hooks_json) else {
        return;
    };
    let Some(Value::Object(events)) = root.remove("hooks") else {
        return;
    };
    let rooted = format!("{PLUGIN_ROOT}/{folder}");
    for (event, groups) in events {
        let Value::Array(groups) = groups else {
            continue;
        };
        let target = into
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = target {
            for mut group in groups {
                if let Some(Value::Array(commands)) = group.get_mut("hooks") {
                    for command in commands {
                        if let Some(Value::String(text)) = command.get_mut("command") {
                            *text = text.replace(PLUGIN_ROOT, &rooted);
                        }
                    }
                }
                list.push(group);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(name: &str, kind: &str, team: Option<(i64, &str)>) -> SyncedVersion {
        SyncedVersion {
            version_id: 1,
            item_id: 1,
            kind: kind.into(),
            name: name.into(),
            team_id: team.map(|t| t.0),
            team: team.map(|t| t.1.to_owned()),
            version: 1,
            description: "d".into(),
            content_hash: "h".into(),
        }
    }

    fn file(path: &str, content: &str) -> FileRecord {
        FileRecord {
            path: path.into(),
            sha256: sha256_hex(content),
            size_bytes: content.len() as i64,
            executable: false,
            content: content.into(),
        }
    }

    #[test]
    fn teams_get_distinct_plugin_names_even_when_their_names_slug_alike() {
        let names = plugin_names(&[
            (1, "Platform".into()),
            (2, "Web App".into()),
            (3, "web-app".into()),
            (4, "Org".into()),
        ]);
        assert_eq!(names[&None], "org");
        assert_eq!(names[&Some(1)], "platform");
        assert_eq!(names[&Some(2)], "web-app-2");
        assert_eq!(names[&Some(3)], "web-app-3");
        assert_eq!(names[&Some(4)], "org-4");
    }

    #[test]
    fn two_teams_skills_of_one_name_and_hooks_of_one_script_path_do_not_collide() {
        let names = plugin_names(&[(1, "Platform".into()), (2, "Web".into())]);
        let hooks = r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/run.sh"}]}]}}"#;
        let market = build(
            &[
                (
                    version("lint", "skill", Some((1, "Platform"))),
                    vec![file("SKILL.md", "a")],
                ),
                (
                    version("lint", "skill", Some((2, "Web"))),
                    vec![file("SKILL.md", "b")],
                ),
                (
                    version("notify", "hook", Some((2, "Web"))),
                    vec![file(HOOKS_FILE, hooks), file("run.sh", "#!/bin/sh")],
                ),
            ],
            &names,
        );
        let paths: Vec<&str> = market.files.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"plugins/platform/skills/lint/SKILL.md"));
        assert!(paths.contains(&"plugins/web/skills/lint/SKILL.md"));
        assert!(paths.contains(&"plugins/web/hook-items/notify/run.sh"));
        let merged = market
            .files
            .iter()
            .find(|f| f.path == "plugins/web/hooks/hooks.json")
            .expect("merged hooks");
        assert!(merged
            .content
            .contains("${CLAUDE_PLUGIN_ROOT}/hook-items/notify/run.sh"));
        for f in &market.files {
            assert_eq!(f.sha256, sha256_hex(&f.content), "{}", f.path);
        }
        let listing: Value = serde_json::from_str(
            &market
                .files
                .iter()
                .find(|f| f.path == ".claude-plugin/marketplace.json")
                .expect("listing")
                .content,
        )
        .expect("json");
        assert_eq!(listing["plugins"].as_array().map(Vec::len), Some(2));
        assert_eq!(market.plugins[1].items.len(), 2);
    }
}
