//! Registers the local marketplace with the Codex CLI through its own commands
//! (`codex plugin marketplace add DIR`, `codex plugin add PLUGIN@MARKET`, `codex plugin remove`),
//! only where something differs, with `$CODEX_HOME/config.toml` backed up before a change.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::wire_library::Marketplace;

/// The Codex executable: `AGENTMETER_CODEX`, else `codex` on PATH; None when not installed.
pub fn find_codex() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AGENTMETER_CODEX").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    find_on_path("codex")
}

/// An executable named `name` in one of PATH's directories.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

fn run(codex: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new(codex)
        .args(args)
        .output()
        .map_err(|e| Error::io(codex, e))?;
    if !output.status.success() {
        return Err(Error::InvalidArgument(format!(
            "codex {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn codex_home() -> Option<PathBuf> {
    std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".codex")))
}

/// Copies `config.toml` aside once per sync, before the first change.
fn backup_config(done: &mut bool) -> Result<()> {
    if *done {
        return Ok(());
    }
    *done = true;
    let Some(config) = codex_home().map(|h| h.join("config.toml")) else {
        return Ok(());
    };
    if config.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
        let backup = config.with_file_name(format!("config.toml.agentmeter-backup-{stamp}"));
        std::fs::copy(&config, &backup).map_err(|e| Error::io(&backup, e))?;
    }
    Ok(())
}

/// Registers `folder` and brings the installed plugins in line with `market`; returns what
/// changed, one line each.
pub fn register(codex: &Path, folder: &Path, market: &Marketplace) -> Result<Vec<String>> {
    let mut changes = Vec::new();
    let mut backed_up = false;
    // Codex refuses to start without its home folder; a fresh install has none yet.
    if let Some(home) = codex_home() {
        std::fs::create_dir_all(&home).map_err(|e| Error::io(&home, e))?;
    }
    let folder_text = folder.to_string_lossy();
    let listed = run(codex, &["plugin", "marketplace", "list"])?;
    let registered_root = listed.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(market.name.as_str())).then(|| words.collect::<Vec<_>>().join(" "))
    });
    if registered_root.as_deref() != Some(folder_text.as_ref()) {
        backup_config(&mut backed_up)?;
        if registered_root.is_some() {
            run(codex, &["plugin", "marketplace", "remove", &market.name])?;
        }
        run(codex, &["plugin", "marketplace", "add", &folder_text])?;
        changes.push(format!("marketplace {} added", market.name));
    }
    let installed = installed_plugins(&run(codex, &["plugin", "list"])?, &market.name);
    for plugin in &market.plugins {
        let selector = format!("{}@{}", plugin.name, market.name);
        let current = installed.iter().find(|(name, _)| *name == selector);
        if current.and_then(|(_, v)| v.as_deref()) != Some(plugin.version.as_str()) {
            backup_config(&mut backed_up)?;
            run(codex, &["plugin", "add", &selector])?;
            changes.push(format!("{selector} {} installed", plugin.version));
        }
    }
    for (selector, version) in &installed {
        let wanted = market
            .plugins
            .iter()
            .any(|p| format!("{}@{}", p.name, market.name) == *selector);
        if !wanted && version.is_some() {
            backup_config(&mut backed_up)?;
            run(codex, &["plugin", "remove", selector])?;
            changes.push(format!("{selector} removed"));
        }
    }
    Ok(changes)
}

/// `PLUGIN@MARKET` of our marketplace in `codex plugin list`, with the installed version (None
/// when listed but not installed).
fn installed_plugins(listing: &str, market: &str) -> Vec<(String, Option<String>)> {
    let suffix = format!("@{market}");
    listing
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?.to_owned();
            if !name.ends_with(&suffix) {
                return None;
            }
            let rest: Vec<&str> = words.collect();
            let installed = rest.first().is_some_and(|w| w.starts_with("installed"));
            // "installed, enabled  1.0.0-h…  /path": the version follows the status words.
            let version = rest
                .iter()
                .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                .map(|v| v.to_string());
            Some((name, if installed { version } else { None }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugin_listing_gives_installed_versions_of_our_marketplace_only() {
        let listing = "Marketplace `agentmeter`\n/x/.claude-plugin/marketplace.json\n\nPLUGIN  STATUS  VERSION  SOURCE\nplatform@agentmeter  installed, enabled  1.0.0-habc  /x/plugins/platform\norg@agentmeter  not installed    /x/plugins/org\nother@elsewhere  installed, enabled  2.0.0  /y\n";
        assert_eq!(
            installed_plugins(listing, "agentmeter"),
            [
                (
                    "platform@agentmeter".to_owned(),
                    Some("1.0.0-habc".to_owned())
                ),
                ("org@agentmeter".to_owned(), None),
            ]
        );
    }
}
