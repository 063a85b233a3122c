//! Headless Chromium (Debian's `chromium`) against the real server on the demo-like organisation:
//! signs in through the form as admin, manager and developer, visits every page at 1280px and
//! 390px, and fails on console errors, failed requests, horizontal overflow, another team's
//! people on a page, or a team page a role may not open. Screenshots land in
//! `$CARGO_TARGET_DIR/screenshots/` (or `target/screenshots/` in the workspace).
//!
//! The browser is driven over the DevTools protocol by `tests/browser/drive.mjs` with
//! `playwright-core` (no browser download): `npm ci --prefix tests/browser` once.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::support::app::PASSWORD;
use crate::support::dashboard::{demo_org, Person};
use crate::support::Backend;

const TEAM_PAGES: [&str; 6] = [
    "/",
    "/spend",
    "/plans",
    "/adoption",
    "/productivity",
    "/reviews",
];
const ADMIN_PAGES: [&str; 7] = [
    "/admin/users",
    "/admin/teams",
    "/admin/tokens",
    "/admin/repositories",
    "/admin/plans",
    "/admin/webhooks",
    "/admin/identities",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `$CARGO_TARGET_DIR/screenshots`, else `target/screenshots` in the workspace.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from)
        .join("screenshots")
}

fn chromium() -> String {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("Debian's chromium is required (apt-get install -y chromium; .ci/run installs it)")
        .to_owned()
}

fn others(all: &[Person], team: &str) -> Vec<&'static str> {
    all.iter()
        .filter(|d| d.team != team)
        .map(|d| d.name)
        .collect()
}

#[tokio::test]
async fn every_page_works_in_chromium_for_each_role_without_leaking_other_teams() {
    let driver = workspace().join("tests/browser");
    assert!(
        driver.join("node_modules/playwright-core").exists(),
        "run `npm ci --prefix tests/browser` first (.ci/run does)"
    );
    let org = demo_org(Backend::sqlite()).await;
    let (ada, grace) = (&org.developers[0], &org.developers[1]);
    let maria = &org.managers[0];
    let payments_dev = org
        .developers
        .iter()
        .find(|d| d.team == "Payments")
        .expect("Payments developer");
    let admin_pages: Vec<String> = TEAM_PAGES
        .iter()
        .chain(ADMIN_PAGES.iter())
        .map(|p| p.to_string())
        .chain([format!("/developers/{}", ada.email), "/me".into()])
        .collect();
    let plan = json!({
        "base": org.app.url(""),
        "chromium": chromium(),
        "screenshots": screenshot_dir(),
        "accounts": [
            {"role": "admin", "email": "admin@demo.test", "password": PASSWORD, "landing": "/",
             "pages": admin_pages, "forbidden_text": [], "forbidden_pages": []},
            {"role": "manager", "email": maria.email, "password": PASSWORD, "landing": "/",
             "pages": TEAM_PAGES.iter().map(|p| p.to_string()).chain([format!("/developers/{}", grace.email)]).collect::<Vec<_>>(),
             "forbidden_text": others(&org.developers, maria.team),
             "forbidden_pages": ["/spend?team=Payments".to_owned(), format!("/developers/{}", payments_dev.email), "/admin/users".to_owned()]},
            {"role": "developer", "email": ada.email, "password": PASSWORD, "landing": "/me",
             "pages": ["/me"],
             "forbidden_text": org.developers.iter().filter(|d| d.name != ada.name).map(|d| d.name).collect::<Vec<_>>(),
             "forbidden_pages": TEAM_PAGES[1..].iter().map(|p| p.to_string()).chain([format!("/developers/{}", grace.email)]).collect::<Vec<_>>()},
        ],
    });
    let plan_file = tempfile::NamedTempFile::new().expect("plan file");
    std::fs::write(plan_file.path(), plan.to_string()).expect("write plan");

    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(driver.join("drive.mjs"))
            .env("AGENTMETER_BROWSER_PLAN", plan_file.path())
            .output()
    })
    .await
    .expect("driver task")
    .expect("node runs (install nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "driver failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("driver output is not JSON ({e}): {stdout}"));
    let failures: Vec<&str> = result["failures"]
        .as_array()
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        failures.is_empty(),
        "{} problems in the browser:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let screenshots = result["screenshots"].as_array().map_or(0, Vec::len);
    let expected = 2
        * (plan["accounts"].as_array().map_or(0, |a| {
            a.iter()
                .map(|x| x["pages"].as_array().map_or(0, Vec::len))
                .sum()
        }));
    assert_eq!(screenshots, expected, "one screenshot per page and width");
}
